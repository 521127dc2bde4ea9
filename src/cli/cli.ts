// The command line: parse arguments, call the library (src/index.ts), map errors to exit codes.
//   0 done · 1 rendering failed · 2 bad input (data, arguments): nothing written
// node:util parseArgs splits the arguments; this file adds what people need from it (an option of
// another command, a value that is the next option, a misspelt option named), then calls the public
// API, which checks the rest (output names, the folder, the ICC profile, the fonts, the browser).
// Every problem a user can fix is a UserError (src/errors.ts), printed as it is with its own exit
// code; anything else is "rendering failed", with its stack and cause only under --debug.

import { parseArgs } from 'node:util';
import { describeFailure, messageOf, quote, safeText, usageError, UserError } from '../errors.js';

// The library is loaded when a command needs it (Chrome, sharp, the PDF and sheet readers take a
// second to load): a mistyped option is answered at once.
const library = () => import('../index.js');

/** The help text (it names the outputs, the roles and the default of --jobs, which load the library). */
async function usage(): Promise<string> {
  const { OUTPUTS, ROWS_AT_ONCE, ROLES, LAYOUTS, TEMPLATE_GROUPS } = await library();
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
  shushuo studio   [--port N] [--host HOST] [--dir DIR] [--browser PATH]

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
  --template NAMES  batch: what to render per row: groups (${Object.keys(TEMPLATE_GROUPS).join(', ')})
                    or output names such as poster-a3,wechat-square
  --sheet NAME      batch, XLSX: the sheet to read (default: the first)
  --jobs N          batch: rows rendered at once over the one browser (default ${ROWS_AT_ONCE})
  --wait            wait (up to 30 min) for another run writing the same folder, instead of failing
  --force           render every output, even those whose files are up to date
  --resume          batch: go on with a stopped batch (rows whose files are up to date are kept)
  --port N          studio: the first port to try (default 4620; the next free one is taken)
  --host HOST       studio: the address to listen on (default 127.0.0.1: this computer only)
  --dir DIR         studio: the projects folder (default projects)
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
// Arguments: parseArgs splits them; every option must be known, take a value or not, belong to the
// command, and be given once.

/** Each option: its value for messages (absent for a switch), and whether it may be repeated. */
const OPTIONS = {
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
  help: { short: 'h' },
  debug: {},
} satisfies Record<string, { value?: string; multiple?: boolean; short?: string }>;

type OptionName = keyof typeof OPTIONS;
type OptionSpec = { value?: string; multiple?: boolean; short?: string };
const spec = (name: OptionName): OptionSpec => OPTIONS[name];

/** The same options as parseArgs takes them. */
const PARSE_OPTIONS = Object.fromEntries(
  (Object.keys(OPTIONS) as OptionName[]).map((name) => [name, { type: spec(name).value ? 'string' : 'boolean', ...(spec(name).short ? { short: spec(name).short } : {}) }] as const),
) as Record<OptionName, { type: 'string' | 'boolean'; short?: string }>;

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
  const { tokens } = parseArgs({ args: argv, options: PARSE_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const given = new Map<string, string[]>();
  const positionals: string[] = [];
  const options: { name: OptionName; raw: string }[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    // A negative number is an argument, not a short option.
    if (token.rawName.length === 2 && /^-\d$/.test(token.rawName)) {
      if (!positionals.includes(argv[token.index]!) || argv[token.index] === token.rawName) positionals.push(argv[token.index]!);
      continue;
    }
    const name = token.name as OptionName;
    const raw = token.rawName;
    if (!Object.hasOwn(OPTIONS, name) || (!raw.startsWith('--') && spec(name).short === undefined)) {
      // -data is one unknown option to the person who wrote it, not -d -a -t -a.
      const written = raw.startsWith('--') ? raw : argv[token.index]!.split('=')[0]!;
      throw usageError({ field: quote(written).slice(1, -1), expected: 'an option shushuo knows', received: 'an unknown option', hint: `${suggest(written.replace(/^--?/, ''))}${HELP_HINT}` });
    }
    let value: string | true;
    if (!spec(name).value) {
      if (token.value !== undefined) throw usageError({ field: raw, expected: `no value (a switch: give ${raw} or leave it out)`, received: quote(token.value) });
      value = true;
    } else {
      if (token.value === undefined) throw usageError({ field: raw, expected: `a value (${raw} ${spec(name).value})`, received: 'nothing, it is the last argument' });
      const next = token.value;
      if (!token.inlineValue && (next.startsWith('--') || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next)))) {
        throw usageError({ field: raw, expected: `a value (${raw} ${spec(name).value})`, received: `the option ${quote(next)}`, hint: `give ${raw} its value, or write ${raw}=${next} if the value starts with -` });
      }
      value = next;
    }
    options.push({ name, raw });
    const before = given.get(name) ?? [];
    given.set(name, [...before, value === true ? '' : value]);
    if (spec(name).multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string];
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
    // Empty values: an option given must say something (--only says what it lacks itself).
    for (const [name, list] of given) {
      if (spec(name as OptionName).value && list.some((v) => v.trim() === '') && name !== 'only') {
        throw usageError({ field: `--${name}`, expected: `a value (--${name} ${spec(name as OptionName).value})`, received: 'an empty value' });
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
function parseFontFlags(flags: string[] | undefined, roles: readonly string[]): Record<string, string> {
  const fonts: Record<string, string> = {};
  for (const flag of flags ?? []) {
    const m = /^([^=]*)=([\s\S]*)$/.exec(flag);
    if (!m || m[2]!.trim() === '') throw usageError({ field: '--font', expected: 'ROLE=FILE such as body=仿宋_GB2312.ttf', received: quote(flag) });
    const role = m[1]!.trim();
    if (!roles.includes(role)) throw usageError({ field: `--font ${quote(flag)}`, expected: `a role of ${roles.join(', ')}`, received: quote(role) });
    if (fonts[role] !== undefined) throw usageError({ field: `--font ${role}`, expected: 'each role once', received: `two files for ${role} (${quote(fonts[role]!)}, ${quote(m[2]!)})` });
    fonts[role] = m[2]!;
  }
  return fonts;
}

/** A flag's number as written: digits only (3mm, 0x3, 1e1 are refused); the library checks the range. */
function parseNumber(value: string | undefined, field: string, expected: string, pattern: RegExp, hint?: (value: string) => string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (pattern.test(value.trim())) return Number(value);
  const h = hint?.(value);
  throw usageError({ field, expected, received: quote(value), ...(h ? { hint: h } : {}) });
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
  // The render service parses its own options (src/service/commands.ts): serve, worker, batch --queue.
  if (argv[0] === 'serve' || argv[0] === 'worker') return (await import('../service/commands.js')).serviceCommand(argv[0], argv.slice(1), err);
  if (argv[0] === 'batch' && argv.some((a) => a === '--queue' || a.startsWith('--queue='))) return (await import('../service/commands.js')).batchQueueCommand(argv.slice(1), err);
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
    const api = await library();
    if (command === 'extract') {
      const files = positionals.slice(1);
      if (files.length !== 1) throw usageError({ field: 'extract', expected: 'one speech: a .docx, a text .pdf or a text file (shushuo extract SPEECH.docx > draft.yaml)', received: files.length === 0 ? 'none' : `${files.length} arguments (${files.map(quote).join(', ')})` });
      io.stdout.write(await api.extractDraft(files[0]!));
      return 0;
    }
    if (command === 'preflight') return await preflightCommand(positionals.slice(1), debug, io);
    if (command === 'studio') return await studioCommand(values, err);
    noArguments(command, positionals.slice(1));
    if (values.data === undefined) throw usageError({ field: command, expected: `--data ${command === 'batch' ? 'ROWS.csv|ROWS.xlsx' : 'FILE'}`, received: 'no --data' });
    if (command === 'verify' && values.source === undefined) throw usageError({ field: 'verify', expected: '--source SPEECH.txt', received: 'no --source' });
    if (command === 'batch') {
      if (values.base === undefined) throw usageError({ field: 'batch', expected: '--base FILE, the data file each row fills in', received: 'no --base' });
      if (values.template === undefined) throw usageError({ field: 'batch', expected: `--template NAMES (${Object.keys(api.TEMPLATE_GROUPS).join(', ')} or output names)`, received: 'no --template' });
    }
    if (values.source !== undefined) await api.readSpeech(values.source);
    const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
    if (values.only !== undefined && only!.length === 0) throw usageError({ field: '--only', expected: 'output names or groups such as briefing,poster', received: quote(values.only) });
    if (command === 'render') api.selectOutputs(only, values.layout); // unknown names exit 2 before the config and the data are read

    // The options and the config file; the library checks the files they name (fonts, ICC profile,
    // browser, output folder) before the data is read and before Chrome starts.
    const config = api.readConfig(values.config);
    const fonts = { ...config.fonts, ...parseFontFlags(values.font, api.ROLES) };
    const bleedMm = parseNumber(values.bleed, '--bleed', `a number of mm from 0 to ${api.MAX_BLEED_MM} such as 3`, /^\d+(\.\d+)?$/, (v) => {
      const unit = /^\s*(\d+(\.\d+)?)\s*(mm|毫米)\s*$/i.exec(v);
      return unit ? `write --bleed ${unit[1]}` : undefined;
    });
    if (bleedMm !== undefined && bleedMm > api.MAX_BLEED_MM) throw usageError({ field: '--bleed', expected: `a number of mm from 0 to ${api.MAX_BLEED_MM} such as 3`, received: quote(values.bleed!) });
    const atOnce = parseNumber(values.jobs, '--jobs', `a whole number from 1 to ${api.MAX_AT_ONCE}`, /^\d+$/);
    if (atOnce !== undefined && !(atOnce >= 1 && atOnce <= api.MAX_AT_ONCE)) throw usageError({ field: '--jobs', expected: `a whole number from 1 to ${api.MAX_AT_ONCE}`, received: quote(values.jobs!) });
    const run = {
      out: values.out,
      fonts,
      bleedMm: bleedMm ?? config.bleed,
      marks: values.marks ?? config.marks,
      cmyk: values.cmyk ?? config.cmyk,
      icc: values.icc ?? config.icc,
      browser: values.browser,
      atOnce,
    };
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

    if (command === 'validate') {
      // A draft from extract is checked like data; the placeholders it still holds are listed apart.
      const { data, todo } = api.checkData(values.data, api.resolveFonts(fonts), { placeholders: 'list' });
      if (todo.length > 0) {
        err(`${values.data}: ${todo.length} field${todo.length === 1 ? '' : 's'} to fill in, the rest is valid (${data.figures.length} figures):\n${todo.map(api.formatProblem).join('\n')}`);
        return 2;
      }
      err(`${values.data}: valid (${data.figures.length} figures, ${data.derived.length} derived)`);
      return 0;
    }
    if (command === 'verify') {
      // Number, unit and qualifier against the fragment are reported per figure, not as data errors;
      // a draft's placeholders are listed after the figures.
      const { data, todo } = api.checkData(values.data, api.resolveFonts(fonts), { fragmentRule: false, placeholders: 'list' });
      const { checks, report } = await api.verify(data, values.source!);
      io.stdout.write(`${report}\n`);
      if (todo.length > 0) io.stdout.write(`still to fill in (${todo.length}):\n${todo.map(api.formatProblem).join('\n')}\n`);
      return checks.every((c) => c.ok) ? 0 : 1;
    }
    if (command === 'batch') {
      // Row names and cells are the user's text: the stream shows their control characters escaped
      // (the progress bar's own redraw, \r and erase-line, is kept).
      const stream = {
        isTTY: io.stderr.isTTY,
        write: (text: string) => io.stderr.write(text.startsWith(REDRAW) ? `${REDRAW}${safeText(text.slice(REDRAW.length))}` : safeText(text)),
      };
      const result = await api.batch({ ...run, ...lifecycle, data: values.data, base: values.base!, template: values.template!, sheet: values.sheet, stream });
      if (result.stopped) return result.stopped instanceof UserError ? result.stopped.exitCode : 1;
      return result.rows.every((r) => r.status === 'rendered') ? 0 : 1;
    }
    await api.render({ ...run, ...lifecycle, out: values.out ?? 'output', data: values.data, only, layout: values.layout, source: values.source, log: err });
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
  const api = await library();
  const config = api.readConfig(values.config);
  const fonts = { ...config.fonts, ...parseFontFlags(values.font, api.ROLES) };
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw usageError({ field: '--port', expected: 'a port from 0 to 65535', received: quote(values.port!) });
  const studio = await api.startStudio({ port, host: values.host, dir: values.dir, browser: values.browser, fonts, log: err });
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

/** preflight FILE.pdf ...: every file is checked and reported, one line for one it cannot read. */
async function preflightCommand(files: string[], debug: boolean, io: Streams): Promise<number> {
  if (files.length === 0) throw usageError({ field: 'preflight', expected: 'one or more PDF files', received: 'none' });
  const { formatPreflight, preflightFile } = await library();
  const out = (line: string) => io.stdout.write(`${safeText(line)}\n`);
  let failed = 0;
  for (const file of files) {
    try {
      const report = await preflightFile(file, { quiet: !debug });
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
