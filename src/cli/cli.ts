// The command line: parse arguments, call the library, map errors to exit codes.
//   0 done · 1 rendering failed · 2 bad input (data, arguments): nothing written

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { BrowserNotFound } from '../chrome/browser.js';
import { checkData, DataError, FontFileError, formatPreflight, formatProblem, LAYOUTS, OUTPUTS, OutputNameError, OutputsFailed, preflight, render, ROLES, TEMPLATES_DIR, validate, verify, VerifyError, type Role } from '../index.js';
import { extractCommand } from '../data/extract.js';
import { resolveFonts } from '../fonts/fonts.js';
import { selectOutputs, TEMPLATE_GROUPS } from '../view/outputs.js';
import { batch, defaultBatchOut } from '../jobs/batch.js';
import { SheetDataError } from '../data/rows.js';
import { PAGES_AT_ONCE } from '../pipeline.js';
import { SheetError } from '../data/sheet.js';
import { UnreadablePdf } from '../print/preflight.js';
import { TextFileError } from '../data/text.js';

const USAGE = `shushuo (数说) — key figures of a speech → print-ready PDF briefings and posters

Usage:
  shushuo validate --data FILE [--font ROLE=FILE ...] [--config FILE]
  shushuo render   --data FILE --out DIR [--only NAMES] [--layout NAME]
                   [--font ROLE=FILE ...] [--config FILE] [--bleed MM] [--marks]
                   [--cmyk [--icc FILE]] [--source SPEECH.txt] [--browser PATH]
  shushuo batch    --data ROWS.csv|ROWS.xlsx --base FILE --template NAMES [--out DIR]
                   [--sheet NAME] [--jobs N] [--font ROLE=FILE ...] [--config FILE]
                   [--bleed MM] [--marks] [--cmyk [--icc FILE]] [--browser PATH]
  shushuo extract  SPEECH.txt > draft.yaml
  shushuo verify   --data FILE --source SPEECH.txt
  shushuo preflight FILE.pdf ...

Options:
  --data FILE       the data file (YAML), e.g. data/luoyang-2018-02-08.yaml; for batch, the sheet
  --out DIR         where to write the outputs (default: output; batch: output/<sheet name>)
  --only NAMES      comma-separated outputs to render: ${OUTPUTS.map((o) => o.name).join(', ')},
                    card-<figure id>-square, card-<figure id>-portrait, or groups: ${Object.keys(TEMPLATE_GROUPS).join(', ')}
                    (default: ${OUTPUTS.filter((o) => o.default).map((o) => o.name).join(', ')} and every card)
  --layout NAME     render the briefing in this layout only: ${LAYOUTS.join(', ')} (gongwen follows GB/T 9704-2012)
  --font ROLE=FILE  serve a font role with your own TrueType file, e.g. --font body=仿宋_GB2312.ttf
                    roles: ${ROLES.join(', ')}
  --config FILE     a YAML or JSON file with defaults for these options, e.g.
                      fonts: { title: fonts/方正小标宋简体.ttf, body: fonts/仿宋_GB2312.ttf }
                      bleed: 3
                      marks: true
                      cmyk: true
                    (paths are relative to the config file; flags win)
  --bleed MM        add MM of bleed on every side of each PDF page (print shops ask for 3)
  --marks           add crop marks outside the bleed
  --cmyk            write PDF/X-3 in CMYK through Ghostscript: black text and rules K100,
                    the official red Y80 M80, fonts embedded, text searchable
  --icc FILE        the CMYK output profile for --cmyk (default: one installed with Ghostscript)
  --source FILE     the speech's text: verify reports each figure ✓ or what differs; render
                    refuses to render figures that do not verify against it
  --base FILE       batch: the data file each row of the sheet fills in
  --template NAMES  batch: what to render per row: poster (A3 and A2), wechat, card, briefing,
                    gongwen, or output names such as poster-a3,wechat-square
  --sheet NAME      batch, XLSX: the sheet to read (default: the first)
  --jobs N          batch: pages rendered at once over the one browser (default ${PAGES_AT_ONCE})
  --browser PATH    Chrome or Chromium to use (default: SHUSHUO_BROWSER, then a system
                    Chrome/Chromium, then puppeteer's cache)
  -h, --help        show this help

batch renders one set of outputs per row of a sheet, e.g. a poster per county: each column
names a field of the base file (name, document.title, figures.<id>.value, figures.<id>.fragment,
…; see the README), each row is validated like a data file, and a row that is invalid or fails
is reported while the others render. Files go to <out>/<row name>/ (default out:
output/<sheet name>), with batch.json and a gallery. Exit 0 when every row rendered, 1 when
some did not, 2 when nothing could start (sheet, base, columns, every row invalid).

extract finds the figures in a speech's text (number, unit, qualifier, the words around it,
the heading it stands under) and writes a draft data file for a person to check and complete.

preflight checks any PDF for print: page boxes, fonts (embedded, subset, Type 3), colour
spaces, image resolution at print size, transparency and the smallest text. Every PDF that
render writes passes it.

Exit codes: 0 done, 1 rendering failed or a PDF fails preflight, 2 invalid data or arguments
(nothing written).

Examples:
  shushuo validate --data data/luoyang-2018-02-08.yaml
  shushuo render --data data/luoyang-2018-02-08.yaml --out output --only poster-a2
  shushuo render --data data/luoyang-2018-02-08.yaml --layout gongwen --font body=仿宋_GB2312.ttf
  shushuo render --data data/luoyang-2018-02-08.yaml --only poster-a2 --bleed 3 --marks --cmyk
  shushuo batch --data examples/batch/counties.csv --base examples/batch/county-base.yaml --template poster-a3
  shushuo preflight output/briefing.pdf
`;

interface Config {
  fonts: Partial<Record<Role, string>>;
  bleed?: number;
  marks?: boolean;
  cmyk?: boolean;
  icc?: string;
}

/** Read --config: fonts (role → file, relative to the config file), bleed, marks. */
function readConfig(file: string | undefined): Config {
  if (!file) return { fonts: {} };
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${file}: cannot read it (${(e as Error).message.split('\n')[0]})`);
  }
  const config = (raw ?? {}) as Record<string, unknown>;
  const known = ['fonts', 'bleed', 'marks', 'cmyk', 'icc'];
  const unknown = Object.keys(config).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new UsageError(`--config ${file}: expected keys ${known.join(', ')}, received ${unknown.join(', ')}`);
  const fonts: Partial<Record<Role, string>> = {};
  for (const [role, path] of Object.entries((config.fonts ?? {}) as Record<string, unknown>)) {
    if (typeof path !== 'string') throw new UsageError(`--config ${file}: fonts.${role}: expected a file path, received ${JSON.stringify(path)}`);
    fonts[role as Role] = resolve(dirname(file), path);
  }
  if (config.bleed !== undefined && !(typeof config.bleed === 'number' && config.bleed >= 0 && config.bleed <= 20)) throw new UsageError(`--config ${file}: bleed: expected a number of mm from 0 to 20, received ${JSON.stringify(config.bleed)}`);
  if (config.marks !== undefined && typeof config.marks !== 'boolean') throw new UsageError(`--config ${file}: marks: expected true or false, received ${JSON.stringify(config.marks)}`);
  if (config.cmyk !== undefined && typeof config.cmyk !== 'boolean') throw new UsageError(`--config ${file}: cmyk: expected true or false, received ${JSON.stringify(config.cmyk)}`);
  if (config.icc !== undefined && typeof config.icc !== 'string') throw new UsageError(`--config ${file}: icc: expected a file path, received ${JSON.stringify(config.icc)}`);
  return {
    fonts,
    bleed: config.bleed as number | undefined,
    marks: config.marks as boolean | undefined,
    cmyk: config.cmyk as boolean | undefined,
    icc: typeof config.icc === 'string' ? resolve(dirname(file), config.icc) : undefined,
  };
}

/** --font body=FILE, repeated. */
function parseFontFlags(flags: string[] | undefined): Partial<Record<Role, string>> {
  const fonts: Partial<Record<Role, string>> = {};
  for (const flag of flags ?? []) {
    const m = /^([a-z]+)=(.+)$/.exec(flag);
    if (!m) throw new UsageError(`--font: expected ROLE=FILE such as body=仿宋_GB2312.ttf, received "${flag}"`);
    fonts[m[1] as Role] = m[2]!;
  }
  return fonts;
}

function parseBleed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mm = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(mm >= 0 && mm <= 20)) throw new UsageError(`--bleed: expected a number of mm from 0 to 20 such as 3, received "${value}"`);
  return mm;
}

/** Bleed, marks and CMYK for render and batch: the flags, else the config file. */
function printFlags(
  values: { bleed?: string; marks?: boolean; cmyk?: boolean; icc?: string },
  config: Config,
): { bleedMm?: number; marks?: boolean; cmyk?: boolean; icc?: string } {
  const cmyk = values.cmyk ?? config.cmyk;
  const icc = values.icc ?? config.icc;
  if (icc && !cmyk) throw new UsageError('--icc: expected together with --cmyk, received --icc alone');
  return { bleedMm: parseBleed(values.bleed) ?? config.bleed, marks: values.marks ?? config.marks, cmyk, icc };
}

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        out: { type: 'string' },
        base: { type: 'string' },
        template: { type: 'string' },
        sheet: { type: 'string' },
        jobs: { type: 'string' },
        only: { type: 'string' },
        layout: { type: 'string' },
        font: { type: 'string', multiple: true },
        config: { type: 'string' },
        bleed: { type: 'string' },
        marks: { type: 'boolean' },
        cmyk: { type: 'boolean' },
        icc: { type: 'string' },
        source: { type: 'string' },
        browser: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const command = positionals[0];
    if (values.help || !command) {
      process.stdout.write(USAGE);
      return values.help ? 0 : 2;
    }
    if (command === 'extract') {
      const file = positionals[1];
      if (!file) throw new UsageError('extract: expected the speech as a text file, received none');
      if (!existsSync(file)) throw new UsageError(`extract: expected a text file, received ${file}, which does not exist`);
      process.stdout.write(extractCommand(file));
      return 0;
    }
    if (command === 'preflight') {
      const files = positionals.slice(1);
      if (files.length === 0) throw new UsageError('preflight: expected one or more PDF files, received none');
      // Every file is checked and reported, whatever the one before it was.
      let failed = 0;
      for (const file of files) {
        try {
          const report = await preflight(file);
          process.stdout.write(`${formatPreflight(report)}\n`);
          if (report.errors.length > 0) failed++;
        } catch (e) {
          if (!(e instanceof UnreadablePdf)) throw e;
          process.stdout.write(`✗ ${e.message}\n`);
          failed++;
        }
      }
      if (files.length > 1) process.stdout.write(`${failed === 0 ? '✓' : '✗'} ${files.length - failed} of ${files.length} files pass\n`);
      return failed > 0 ? 1 : 0;
    }
    if (!values.data) throw new UsageError(`${command}: expected --data FILE, received no --data`);
    const config = readConfig(values.config);
    const fonts = { ...config.fonts, ...parseFontFlags(values.font) };
    if (command === 'validate') {
      // A draft from extract is checked like data; the placeholders it still holds are listed apart.
      const { data, todo } = checkData(values.data, resolveFonts(fonts), { placeholders: 'list' });
      if (todo.length > 0) {
        err(`${values.data}: ${todo.length} field${todo.length === 1 ? '' : 's'} to fill in, the rest is valid (${data.figures.length} figures):\n${todo.map(formatProblem).join('\n')}`);
        return 2;
      }
      err(`${values.data}: valid (${data.figures.length} figures, ${data.derived.length} derived)`);
      return 0;
    }
    if (command === 'verify') {
      if (!values.source) throw new UsageError('verify: expected --source SPEECH.txt, received no --source');
      // Number, unit and qualifier against the fragment are reported per figure, not as data errors;
      // a draft's placeholders are listed after the figures.
      const { data, todo } = checkData(values.data, resolveFonts(fonts), { fragmentRule: false, placeholders: 'list' });
      const { checks, report } = verify(data, values.source);
      process.stdout.write(`${report}\n`);
      if (todo.length > 0) process.stdout.write(`still to fill in (${todo.length}):\n${todo.map(formatProblem).join('\n')}\n`);
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    if (command === 'batch') {
      if (!values.base) throw new UsageError('batch: expected --base FILE, the data file each row fills in, received no --base');
      if (!values.template) throw new UsageError(`batch: expected --template NAMES (${Object.keys(TEMPLATE_GROUPS).join(', ')} or output names), received no --template`);
      const atOnce = values.jobs === undefined ? undefined : Number(values.jobs);
      if (atOnce !== undefined && !(Number.isInteger(atOnce) && atOnce >= 1 && atOnce <= 16)) throw new UsageError(`--jobs: expected a whole number from 1 to 16, received "${values.jobs}"`);
      const result = await batch({
        data: values.data, base: values.base, template: values.template, out: values.out ?? defaultBatchOut(values.data), sheet: values.sheet,
        fonts, ...printFlags(values, config), browser: values.browser, templatesDir: TEMPLATES_DIR, atOnce, stream: process.stderr,
      });
      return result.rows.every((r) => r.status === 'rendered') ? 0 : 1;
    }
    if (command === 'render') {
      const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
      if (values.only !== undefined && only!.length === 0) throw new UsageError(`--only: expected output names or groups such as briefing,poster, received "${values.only}"`);
      selectOutputs(only, values.layout); // unknown names exit 2 before the data is read
      await render({ data: values.data, out: values.out ?? 'output', only, layout: values.layout, fonts, ...printFlags(values, config), source: values.source, browser: values.browser, log: err });
      return 0;
    }
    throw new UsageError(`expected a command (extract, validate, verify, render, batch or preflight), received "${command}"`);
  } catch (e) {
    if (e instanceof DataError) {
      err(`invalid data, nothing written:\n${e.message}`);
      return 2;
    }
    if (e instanceof SheetError || e instanceof SheetDataError) {
      err(`invalid sheet, nothing rendered:\n${e.message}`);
      return 2;
    }
    if (e instanceof VerifyError) {
      err(`figures that do not trace back to the speech, nothing written:\n${e.message}`);
      return 2;
    }
    if (e instanceof FontFileError) {
      err(`unusable font, nothing written:\n${e.message}`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof OutputNameError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof TextFileError) {
      err(`${e.file}: ${e.message}`);
      return 2;
    }
    if (e instanceof OutputsFailed) {
      err(e.message);
      return 1;
    }
    if (e instanceof BrowserNotFound) {
      err(e.message);
      return 1;
    }
    err(`rendering failed: ${(e as Error).message}`);
    if ((e as Error).cause) err(`  cause: ${String(((e as Error).cause as Error).stack ?? (e as Error).cause)}`);
    return 1;
  }
}
