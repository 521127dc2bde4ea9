// The command line: parse arguments, call the library, map errors to exit codes.
//   0 done · 1 rendering failed · 2 bad input (data, arguments): nothing written
// Every problem a user can fix is a UserError (src/errors.ts), printed as it is with its own exit
// code; anything else is "rendering failed", with its stack and cause only under --debug.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { describeFailure, messageOf, quote, safeText, usageError, UserError } from '../errors.js';
import { ROLES, type Role } from '../fonts/fonts.js';
import { LAYOUTS, OUTPUTS, selectOutputs, TEMPLATE_GROUPS } from '../view/outputs.js';
import type { Config } from '../jobs/options.js';

// The library is loaded when a command needs it (Chrome, sharp, the PDF and sheet readers take a
// second to load): a mistyped option is answered at once.

/** The help text (it names the default of --jobs, which loads the pipeline). */
async function usage(): Promise<string> {
  const { PAGES_AT_ONCE } = await import('../pipeline.js');
  return `shushuo (数说) — key figures of a speech → print-ready PDF briefings and posters

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
  --debug           on a failure, also print where in shushuo it happened (for bug reports)
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

Exit codes: 0 done, 1 rendering failed, no usable browser, or a PDF fails preflight, 2 invalid
data, sheet, font, config or arguments (nothing written).

Examples:
  shushuo validate --data data/luoyang-2018-02-08.yaml
  shushuo render --data data/luoyang-2018-02-08.yaml --out output --only poster-a2
  shushuo render --data data/luoyang-2018-02-08.yaml --layout gongwen --font body=仿宋_GB2312.ttf
  shushuo render --data data/luoyang-2018-02-08.yaml --only poster-a2 --bleed 3 --marks --cmyk
  shushuo batch --data examples/batch/counties.csv --base examples/batch/county-base.yaml --template poster-a3
  shushuo preflight output/briefing.pdf
`;
}

// ---------------------------------------------------------------------------------------------
// Arguments: every option is known, takes a value or not, belongs to the command, and is given once.

type OptionName = 'data' | 'out' | 'base' | 'template' | 'sheet' | 'jobs' | 'only' | 'layout' | 'font' | 'config' | 'bleed' | 'marks' | 'cmyk' | 'icc' | 'source' | 'browser'
  | 'wait' | 'force' | 'resume' | 'port' | 'host' | 'dir' | 'help' | 'debug';

interface OptionSpec {
  /** What its value is, for messages; absent for a switch */
  value?: string;
  /** May be given more than once */
  multiple?: boolean;
}

const OPTIONS: Record<OptionName, OptionSpec> = {
  data: { value: 'FILE' },
  out: { value: 'DIR' },
  base: { value: 'FILE' },
  template: { value: 'NAMES' },
  sheet: { value: 'NAME' },
  jobs: { value: 'N' },
  only: { value: 'NAMES' },
  layout: { value: 'NAME' },
  font: { value: 'ROLE=FILE', multiple: true },
  config: { value: 'FILE' },
  bleed: { value: 'MM' },
  marks: {},
  cmyk: {},
  icc: { value: 'FILE' },
  source: { value: 'FILE' },
  browser: { value: 'PATH' },
  wait: {},
  force: {},
  resume: {},
  port: { value: 'N' },
  host: { value: 'HOST' },
  dir: { value: 'DIR' },
  help: {},
  debug: {},
};

const COMMANDS: Record<string, OptionName[]> = {
  validate: ['data', 'font', 'config'],
  verify: ['data', 'source', 'font', 'config'],
  render: ['data', 'out', 'only', 'layout', 'font', 'config', 'bleed', 'marks', 'cmyk', 'icc', 'source', 'browser', 'wait', 'force'],
  batch: ['data', 'base', 'template', 'out', 'sheet', 'jobs', 'font', 'config', 'bleed', 'marks', 'cmyk', 'icc', 'browser', 'wait', 'force', 'resume'],
  extract: [],
  preflight: [],
  studio: ['port', 'host', 'dir', 'browser', 'font', 'config'],
};
const EVERYWHERE: OptionName[] = ['help', 'debug'];

interface Values {
  data?: string; out?: string; base?: string; template?: string; sheet?: string; jobs?: string; only?: string; layout?: string;
  font?: string[]; config?: string; bleed?: string; marks?: boolean; cmyk?: boolean; icc?: string; source?: string; browser?: string;
  wait?: boolean; force?: boolean; resume?: boolean; port?: string; host?: string; dir?: string;
  help?: boolean; debug?: boolean;
}

const HELP_HINT = 'shushuo --help lists every option';

/** The arguments as options and positionals; UsageError for anything that is not one of them. */
export function parseArguments(argv: string[]): { command: string | undefined; values: Values; positionals: string[] } {
  const values: Record<string, string | boolean | string[]> = {};
  const given = new Map<string, string[]>();
  const positionals: string[] = [];
  const options: { name: OptionName; raw: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const long = /^--([^=]*)(?:=([\s\S]*))?$/.exec(arg);
    const name = (long ? long[1]! : arg === '-h' ? 'help' : arg.slice(1)) as OptionName;
    const raw = long ? `--${long[1]}` : arg;
    const spec = Object.hasOwn(OPTIONS, name) && (long || name === 'help') ? OPTIONS[name] : undefined;
    if (!spec) throw usageError({ field: quote(raw).slice(1, -1), expected: 'an option shushuo knows', received: 'an unknown option', hint: `${suggest(name)}${HELP_HINT}` });
    const inline = long?.[2];
    let value: string | true;
    if (!spec.value) {
      if (inline !== undefined) throw usageError({ field: raw, expected: `no value (a switch: give ${raw} or leave it out)`, received: quote(inline) });
      value = true;
    } else if (inline !== undefined) {
      value = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw usageError({ field: raw, expected: `a value (${raw} ${spec.value})`, received: 'nothing, it is the last argument' });
      if (next.startsWith('--') || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
        throw usageError({ field: raw, expected: `a value (${raw} ${spec.value})`, received: `the option ${quote(next)}`, hint: `give ${raw} its value, or write ${raw}=${next} if the value starts with -` });
      }
      value = next;
      i++;
    }
    options.push({ name, raw });
    const before = given.get(name) ?? [];
    given.set(name, [...before, value === true ? '' : value]);
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string];
    else if (before.length > 0 && before[0] !== (value === true ? '' : value)) {
      throw usageError({ field: raw, expected: 'once', received: `${before.length + 1} different values (${[...before, value].map((v) => quote(String(v))).join(', ')})`, hint: 'keep the one you mean' });
    } else values[name] = value;
  }
  const command = positionals[0];
  if (command !== undefined && COMMANDS[command]) {
    for (const { name, raw } of options) {
      if (COMMANDS[command]!.includes(name) || EVERYWHERE.includes(name)) continue;
      const users = Object.keys(COMMANDS).filter((c) => COMMANDS[c]!.includes(name));
      throw usageError({ field: raw, expected: `an option of shushuo ${command}${COMMANDS[command]!.length > 0 ? ` (${COMMANDS[command]!.map((o) => `--${o}`).join(', ')})` : ', which takes none'}`, received: `${raw}, which is for ${users.join(' and ')}` });
    }
    // Empty values: an option given must say something.
    for (const [name, list] of given) {
      const spec = OPTIONS[name as OptionName];
      if (spec.value && list.some((v) => v.trim() === '') && name !== 'only') {
        throw usageError({ field: `--${name}`, expected: `a value (--${name} ${spec.value})`, received: 'an empty value' });
      }
    }
  }
  return { command, values: values as Values, positionals };
}

/** "did you mean --out? " for a misspelt option */
function suggest(name: string): string {
  const close = (Object.keys(OPTIONS) as OptionName[]).find((o) => distance(o, name.toLowerCase()) <= (o.length > 4 ? 2 : 1));
  return close ? `did you mean --${close}? ` : '';
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

/** --font body=FILE, repeated: a role each, each role once. */
function parseFontFlags(flags: string[] | undefined): Partial<Record<Role, string>> {
  const fonts: Partial<Record<Role, string>> = {};
  for (const flag of flags ?? []) {
    const m = /^([^=]*)=([\s\S]*)$/.exec(flag);
    if (!m || m[2]!.trim() === '') throw usageError({ field: '--font', expected: 'ROLE=FILE such as body=仿宋_GB2312.ttf', received: quote(flag) });
    const role = m[1]!.trim();
    if (!(ROLES as readonly string[]).includes(role)) throw usageError({ field: `--font ${quote(flag)}`, expected: `a role of ${ROLES.join(', ')}`, received: quote(role) });
    if (fonts[role as Role] !== undefined) throw usageError({ field: `--font ${role}`, expected: 'each role once', received: `two files for ${role} (${quote(fonts[role as Role]!)}, ${quote(m[2]!)})` });
    fonts[role as Role] = m[2]!;
  }
  return fonts;
}

/** --bleed 3: a plain number of mm; 3mm, 0x3, 1e1 and an empty value are refused. */
function parseBleed(value: string | undefined, maxMm: number): number | undefined {
  if (value === undefined) return undefined;
  const mm = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(mm >= 0 && mm <= maxMm)) {
    const unit = /^\s*(\d+(\.\d+)?)\s*(mm|毫米)\s*$/i.exec(value);
    throw usageError({ field: '--bleed', expected: `a number of mm from 0 to ${maxMm} such as 3`, received: quote(value), ...(unit ? { hint: `write --bleed ${unit[1]}` } : {}) });
  }
  return mm;
}

/** --jobs 2: a whole number from 1 to max (16). */
function parseJobs(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(Number.isInteger(n) && n >= 1 && n <= max)) throw usageError({ field: '--jobs', expected: `a whole number from 1 to ${max}`, received: quote(value) });
  return n;
}

/** Bleed, marks and CMYK for render and batch: the flags, else the config file. */
function printFlags(values: Values, config: Config, maxBleedMm: number): { bleedMm?: number; marks?: boolean; cmyk?: boolean; icc?: string } {
  return { bleedMm: parseBleed(values.bleed, maxBleedMm) ?? config.bleed, marks: values.marks ?? config.marks, cmyk: values.cmyk ?? config.cmyk, icc: values.icc ?? config.icc };
}

/** Positionals after the command: none for most commands. */
function noArguments(command: string, rest: string[]): void {
  if (rest.length > 0) throw usageError({ field: command, expected: 'options only', received: `the argument${rest.length === 1 ? '' : 's'} ${rest.map(quote).join(', ')}`, hint: 'a value with spaces needs quotes; every value follows its option, e.g. --data FILE' });
}

// ---------------------------------------------------------------------------------------------

/** Where the command line writes: the process's own streams, or a test's. */
export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export async function main(argv: string[], io: Streams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const err = (line: string) => io.stderr.write(`${safeText(line)}\n`);
  const debug = argv.includes('--debug');
  let command: string | undefined;
  try {
    const parsed = parseArguments(argv);
    const { values, positionals } = parsed;
    command = parsed.command;
    if (values.help || command === 'help') {
      io.stdout.write(await usage());
      return 0;
    }
    if (!command) {
      // No command: what is missing, then the help, on stderr.
      err(`shushuo: expected a command (${Object.keys(COMMANDS).join(', ')}), received none\n`);
      io.stderr.write(await usage());
      return 2;
    }
    if (!COMMANDS[command]) {
      const close = Object.keys(COMMANDS).find((c) => distance(c, command!.toLowerCase()) <= 2);
      throw usageError({ field: 'shushuo', expected: `a command (${Object.keys(COMMANDS).join(', ')})`, received: quote(command), hint: `${close ? `did you mean ${close}? ` : ''}${HELP_HINT}` });
    }
    if (command === 'extract') {
      const files = positionals.slice(1);
      if (files.length !== 1) throw usageError({ field: 'extract', expected: 'one speech: a .docx, a text .pdf or a text file (shushuo extract SPEECH.docx > draft.yaml)', received: files.length === 0 ? 'none' : `${files.length} arguments (${files.map(quote).join(', ')})` });
      const { draftYaml } = await import('../data/extract.js');
      io.stdout.write(draftYaml(await readSpeech(files[0]!), { source: files[0]! }));
      return 0;
    }
    if (command === 'preflight') return await preflightCommand(positionals.slice(1), debug, io);
    if (command === 'studio') return await studioCommand(values, err);
    noArguments(command, positionals.slice(1));
    if (values.data === undefined) throw usageError({ field: command, expected: `--data ${command === 'batch' ? 'ROWS.csv|ROWS.xlsx' : 'FILE'}`, received: 'no --data' });
    if (command === 'verify' && values.source === undefined) throw usageError({ field: 'verify', expected: '--source SPEECH.txt', received: 'no --source' });
    if (command === 'batch') {
      if (values.base === undefined) throw usageError({ field: 'batch', expected: '--base FILE, the data file each row fills in', received: 'no --base' });
      if (values.template === undefined) throw usageError({ field: 'batch', expected: `--template NAMES (${Object.keys(TEMPLATE_GROUPS).join(', ')} or output names)`, received: 'no --template' });
      if (values.sheet !== undefined && !['.xlsx', '.xls'].includes(extname(values.data).toLowerCase())) {
        throw usageError({ field: '--sheet', expected: 'an .xlsx or .xls workbook in --data, whose sheet it names', received: `${quote(values.data)}, which has no sheets`, hint: 'leave --sheet out for a CSV' });
      }
    }
    if (values.source !== undefined) await readSpeech(values.source);
    const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
    if (values.only !== undefined && only!.length === 0) throw usageError({ field: '--only', expected: 'output names or groups such as briefing,poster', received: quote(values.only) });
    if (command === 'render') selectOutputs(only, values.layout); // unknown names exit 2 before the data is read

    // The options and the config file, then the files they name (fonts, ICC profile, browser, output
    // folder): all before the data is read and before Chrome starts.
    const { checkSheetFile, MAX_AT_ONCE, MAX_BLEED_MM, readConfig } = await import('../jobs/options.js');
    const config = readConfig(values.config);
    const fonts = { ...config.fonts, ...parseFontFlags(values.font) };
    const print = printFlags(values, config, MAX_BLEED_MM);
    const atOnce = parseJobs(values.jobs, MAX_AT_ONCE);
    const out = values.out ?? (command === 'batch' ? (await import('../jobs/batch.js')).defaultBatchOut(values.data) : 'output');
    const run = { out, fonts, ...print, browser: values.browser, atOnce };
    if (command === 'batch') await checkSheetFile(values.data);
    // Ctrl-C (or SIGTERM) stops a render or batch cleanly: what is done is committed; a second one stops at once.
    const stop = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) process.exit(130);
      err(`${signal}: stopping after the pages that are rendering (press Ctrl-C again to stop at once)`);
      stop.abort();
    };
    if (command === 'render' || command === 'batch') {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const lifecycle = { waitMs: values.wait ? WAIT_MS : undefined, force: values.force, signal: stop.signal };

    const { checkData, formatProblem, render, TEMPLATES_DIR, verify } = await import('../index.js');
    const { resolveFonts } = await import('../fonts/fonts.js');
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
      // Number, unit and qualifier against the fragment are reported per figure, not as data errors;
      // a draft's placeholders are listed after the figures.
      const { data, todo } = checkData(values.data, resolveFonts(fonts), { fragmentRule: false, placeholders: 'list' });
      const { checks, report } = await verify(data, values.source!);
      io.stdout.write(`${report}\n`);
      if (todo.length > 0) io.stdout.write(`still to fill in (${todo.length}):\n${todo.map(formatProblem).join('\n')}\n`);
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    if (command === 'batch') {
      const { batch } = await import('../jobs/batch.js');
      // Row names and cells are the user's text: the stream shows their control characters escaped
      // (the progress bar's own redraw, \r and erase-line, is kept).
      const stream = {
        isTTY: io.stderr.isTTY,
        write: (text: string) => io.stderr.write(text.startsWith(REDRAW) ? `${REDRAW}${safeText(text.slice(REDRAW.length))}` : safeText(text)),
      };
      const result = await batch({ ...run, ...lifecycle, data: values.data, base: values.base!, template: values.template!, sheet: values.sheet, templatesDir: TEMPLATES_DIR, stream });
      if (result.stopped) return result.stopped instanceof UserError ? result.stopped.exitCode : 1;
      return result.rows.every((r) => r.status === 'rendered') ? 0 : 1;
    }
    await render({ ...run, ...lifecycle, data: values.data, only, layout: values.layout, source: values.source, log: err });
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      err(e.report());
      if (debug) err(describeFailure(e));
      return e.exitCode;
    }
    err(`${command === 'render' || command === 'batch' || command === undefined ? 'rendering' : `shushuo ${command}`} failed: ${messageOf(e)}`);
    err(debug ? describeFailure(e) : '(run again with --debug to see where it failed, and report it if the input looks right)');
    return 1;
  }
}

/** --wait: how long to wait for another run writing the same folder. */
const WAIT_MS = 30 * 60 * 1000;

/** shushuo studio: the local web page, until Ctrl-C. */
async function studioCommand(values: Values, err: (line: string) => void): Promise<number> {
  const { readConfig } = await import('../jobs/options.js');
  const config = readConfig(values.config);
  const fonts = { ...config.fonts, ...parseFontFlags(values.font) };
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw usageError({ field: '--port', expected: 'a port from 0 to 65535', received: quote(values.port!) });
  const { startStudio } = await import('../studio/index.js');
  const studio = await startStudio({ port, host: values.host, dir: values.dir, browser: values.browser, fonts, log: err });
  err(`shushuo studio: open ${studio.url} in a browser (Ctrl-C stops it)`);
  await new Promise<void>((resolveStop) => {
    const stop = () => void studio.close().then(resolveStop, resolveStop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** What the progress bar writes to redraw its line in a terminal. */
const REDRAW = '\r\x1b[K';

/** A speech's text for extract: a Word document, a text PDF or a text file; readable, and not empty. */
async function readSpeech(file: string): Promise<string> {
  const { readDocumentFile } = await import('../data/documents.js');
  const { text } = await readDocumentFile(file);
  return text;
}

/** preflight FILE.pdf ...: every file is checked and reported, one line for one it cannot read. */
async function preflightCommand(files: string[], debug: boolean, io: Streams): Promise<number> {
  if (files.length === 0) throw usageError({ field: 'preflight', expected: 'one or more PDF files', received: 'none' });
  const { formatPreflight, preflight, UnreadablePdf } = await import('../print/preflight.js');
  const out = (line: string) => io.stdout.write(`${safeText(line)}\n`);
  let failed = 0;
  for (const file of files) {
    try {
      const problem = pdfFileProblem(file);
      if (problem) throw new UnreadablePdf(`${file}: ${problem}`);
      // pdf-lib warns on the console about each damaged object it skips; the report says what matters.
      const warn = console.warn;
      if (!debug) console.warn = () => undefined;
      let report;
      try {
        report = await preflight(file);
      } finally {
        console.warn = warn;
      }
      out(formatPreflight(report));
      if (report.errors.length > 0) failed++;
    } catch (e) {
      failed++;
      if (e instanceof UserError) out(`✗ ${e.report()}`);
      else out(`✗ ${file}: could not be checked (${messageOf(e)})${debug ? `\n${describeFailure(e)}` : ''}`);
    }
  }
  if (files.length > 1) out(`${failed === 0 ? '✓' : '✗'} ${files.length - failed} of ${files.length} files pass`);
  return failed > 0 ? 1 : 0;
}

/** Why a path is not a PDF preflight can read, from its size, its first and its last bytes; undefined when it may be one. */
function pdfFileProblem(file: string): string | undefined {
  const expected = 'expected a PDF file';
  let stat;
  try {
    stat = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `${expected}, received ${code === 'ENOENT' ? 'a path that does not exist' : `a path that cannot be read (${code ?? (e as Error).message})`}`;
  }
  if (stat.isDirectory()) return `${expected}, received a folder`;
  if (!stat.isFile()) return `${expected}, received something that is not a file`;
  if (stat.size === 0) return `${expected}, received an empty file (0 bytes)`;
  let head: Buffer;
  let tail: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      head = Buffer.alloc(Math.min(1024, stat.size));
      readSync(fd, head, 0, head.length, 0);
      tail = Buffer.alloc(Math.min(4096, stat.size));
      readSync(fd, tail, 0, tail.length, stat.size - tail.length);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    return `${expected}, received a file that cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  if (!head.includes('%PDF-')) {
    const start = head.subarray(0, 8).toString('latin1');
    return `${expected}, received a file that does not start with %PDF- but with ${quote(start)} (it is not a PDF${start.startsWith('PK') ? ': a Word, Excel or ZIP file' : ''})`;
  }
  if (!tail.includes('%%EOF')) return `expected a complete PDF, received one without the %%EOF mark at its end (${stat.size} bytes): the file is cut short; copy or download it again`;
  return undefined;
}
