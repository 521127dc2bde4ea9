// The public API. One run reads like the pipeline it is:
// data → view (charts) → templates → render (Chrome) → post (sharp, pdf-lib) → write.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL } from './data/text.js';
import { DataError, parseField, readDataFile, readYaml, validateDraft, type DataProblem, type Draft, type ValidateOptions } from './data/load.js';
import type { SpeechData } from './data/types.js';
import { describeFonts, resolveFonts, ROLE_STYLES, type Role, type RoleFace } from './fonts/fonts.js';
import { drawnText } from './fonts/subset.js';
import { selectOutputs, type Layout } from './view/outputs.js';
import { describeEntry, describeGlyph, glyphProblems } from './pipeline.js';
import { runJob, Session, type JobResult } from './jobs/run.js';
import { checkRunOptions } from './jobs/options.js';
import { MANIFEST } from './output/transaction.js';
import { buildView } from './view/views.js';
import { formatVerify, verifyFigures, type FigureCheck } from './data/verify.js';
import type { ManifestEntry } from './output/write.js';
import { quote, UserError } from './errors.js';
import { TEMPLATES_DIR } from './view/registry.js';
import { preflight, UnreadablePdf, type PreflightReport } from './print/preflight.js';
import type { Studio, StudioOptions } from './studio/index.js';

export { loadData, loadDraft, DataError, formatProblem, type Draft } from './data/load.js';
export type { SpeechData } from './data/types.js';
export { OUTPUTS, LAYOUTS, OutputNameError, selectOutputs, TEMPLATE_GROUPS, type Layout } from './view/outputs.js';
export { PROJECT_DIR, TEMPLATES_DIR } from './view/registry.js';
export { FontFileError, resolveFonts, ROLES, type Role } from './fonts/fonts.js';
export { preflight, formatPreflight, UnreadablePdf, type PreflightReport } from './print/preflight.js';
export { formatVerify, type FigureCheck } from './data/verify.js';
export { batch, type BatchOptions, type BatchResult } from './jobs/batch.js';
export { readConfig, MAX_AT_ONCE, MAX_BLEED_MM, type Config } from './jobs/options.js';
export { PAGES_AT_ONCE, ROWS_AT_ONCE } from './pipeline.js';

export interface RenderOptions {
  data: string;
  out: string;
  /** Output names; all when empty */
  only?: string[];
  /** Render only the briefing in this layout (briefing, gongwen); other outputs stay */
  layout?: Layout;
  /** Font files for roles, e.g. { body: 'fonts/仿宋_GB2312.ttf' }; the rest use the defaults */
  fonts?: Partial<Record<Role, string>>;
  /** Bleed in mm added to every side of each PDF page (posters' art runs into it) */
  bleedMm?: number;
  /** Crop marks in a slug outside the bleed */
  marks?: boolean;
  /** The speech's text: figures that do not verify against it are not rendered */
  source?: string;
  /** Write CMYK PDF/X-3 through Ghostscript instead of Chrome's RGB */
  cmyk?: boolean;
  /** CMYK ICC profile for --cmyk; one on the machine when absent */
  icc?: string;
  /** Browser executable; found automatically when absent */
  browser?: string;
  templatesDir?: string;
  /** Progress lines (stderr in the CLI) */
  log?: (line: string) => void;
  /** Wait this long (ms) for another run writing the same folder, instead of failing at once */
  waitMs?: number;
  /** Render every output, even those whose files are up to date */
  force?: boolean;
  /** Stop (Ctrl-C): what is done is committed */
  signal?: AbortSignal;
}

export interface RenderResult {
  files: ManifestEntry[];
  /** Outputs whose files were up to date, kept as they were */
  kept: string[];
  manifest: string;
  seconds: number;
}

/** Validate a data file; throws DataError. Also checks that each role's face covers every character it may draw. */
export function validate(file: string, fonts: RoleFace[] = resolveFonts(), options: ValidateOptions = {}): SpeechData {
  return checkData(file, fonts, options).data;
}

/**
 * Check a data file or a draft in one pass: the schema, the rules and the fonts, every problem at
 * once (DataError, each at its line); with placeholders: 'list', the fields still to fill in come apart.
 */
export function checkData(file: string, fonts: RoleFace[] = resolveFonts(), options: ValidateOptions = {}): Draft {
  const { raw, at } = readYaml(readDataFile(file), file);
  let draft: Draft | undefined;
  const problems: DataProblem[] = [];
  try {
    draft = validateDraft(raw, file, at, { ...options, placeholders: options.placeholders ?? 'error' });
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    problems.push(...err.problems);
  }
  for (const p of glyphProblems((raw ?? {}) as SpeechData, fonts).filter((g) => !CONTROL.test(g.char))) {
    const path = parseField(p.field);
    problems.push({ file, line: at(path), field: p.field, message: describeGlyph(p, ROLE_STYLES[p.role]), path });
  }
  if (problems.length > 0 || !draft) throw new DataError(problems.sort((a, b) => a.line - b.line));
  return draft;
}

export async function render(options: RenderOptions): Promise<RenderResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  selectOutputs(options.only, options.layout); // names and layout, before the data is read
  await checkRunOptions(options);
  const bleedMm = options.bleedMm ?? 0;

  // Data and fonts: everything that can be wrong with the input fails here, before anything is written.
  const fonts = resolveFonts(options.fonts);
  for (const line of describeFonts(fonts)) log(`font ${line}`);
  const data = validate(options.data, fonts);
  if (options.source) {
    const { checks, report } = await verify(data, options.source);
    if (checks.some((c) => !c.ok)) throw new VerifyError(report);
    log(`source: all ${checks.length} figures verified against ${options.source}`);
  }
  const outputs = selectOutputs(options.only, options.layout, data.figures.map((f) => f.id));
  const view = buildView(data);

  // One job over one browser, opened only if some output is not up to date.
  const session = new Session({ fonts, browser: options.browser, templatesDir, text: drawnText(templatesDir, [view], outputs), log, debug: log });
  let result: JobResult;
  let rendered = 0;
  try {
    result = await runJob(session, {
      data,
      view,
      outputs,
      out: options.out,
      print: { bleedMm, marks: options.marks ?? false, cmyk: options.cmyk ?? false, icc: options.icc },
      manifest: {
        generator: 'shushuo',
        data: data.file,
        fonts: Object.fromEntries(fonts.map((f) => [f.role, `${f.source.family}${f.origin === 'default' ? '' : ` (${f.origin})`}`])),
      },
      gallery: view.doc.fullTitle,
      waitMs: options.waitMs,
      force: options.force,
      signal: options.signal,
    }, (e) => {
      if (e.status === 'kept') log(`${e.name.padEnd(16)}  up to date  ${e.files.map((f) => f.file).join(', ')}`);
      else if (e.status === 'done') {
        rendered++;
        log(`${e.name.padEnd(16)} ${e.seconds.toFixed(1).padStart(5)} s  ${e.files.map((f) => `${f.file} ${describeEntry(f)}`).join(', ')}`);
      } else log(`${e.name.padEnd(16)} ${e.seconds.toFixed(1).padStart(5)} s  ✗ failed: ${e.reason}`);
    });
  } finally {
    await session.close();
  }
  const total = (performance.now() - started) / 1000;
  const kept = result.kept.length > 0 ? `, ${result.kept.length} up to date` : '';
  const what = `${result.files.length} files from ${rendered} of ${outputs.length} outputs${kept} in ${total.toFixed(1)} s → ${options.out}`;
  log(result.stopped ? `stopped: ${what}` : `done: ${what}`);
  if (result.stopped) throw result.stopped;
  if (result.failed.length > 0) throw new OutputsFailed(result.failed, result.files.length);
  return { files: result.files, kept: result.kept, manifest: join(options.out, MANIFEST), seconds: total };
}

/** Some outputs failed; the others were written. */
export class OutputsFailed extends Error {
  constructor(readonly failed: { output: string; reason: string }[], readonly written: number) {
    super(`${failed.length} output${failed.length === 1 ? '' : 's'} failed (the other files were written):\n${failed.map((f) => `  ${f.output}: ${f.reason.replace(/\n/g, '\n    ')}`).join('\n')}`);
    this.name = 'OutputsFailed';
  }
}

/** Check every figure of the data against the speech's text (see src/data/verify.ts). */
export async function verify(data: SpeechData, sourceFile: string): Promise<{ checks: FigureCheck[]; report: string }> {
  // The speech as the person has it: a Word document, a text PDF, or a text file.
  const { readDocumentFile } = await import('./data/documents.js');
  const source = (await readDocumentFile(sourceFile)).text;
  const checks = verifyFigures(data, source, sourceFile);
  return { checks, report: formatVerify(checks, sourceFile) };
}

/** Figures that do not trace back to the speech: a user error, nothing is rendered. */
export class VerifyError extends UserError {
  constructor(message: string) {
    super(message, { heading: 'figures that do not trace back to the speech, nothing written:' });
    this.name = 'VerifyError';
  }
}

/** A speech's text: a Word document, a text PDF or a text file; readable, and not empty (DocumentError otherwise). */
export async function readSpeech(file: string): Promise<string> {
  const { readDocumentFile } = await import('./data/documents.js');
  return (await readDocumentFile(file)).text;
}

/** A draft data file (YAML) from a speech's figures, for a person to check and complete (see src/data/extract.ts). */
export async function extractDraft(file: string): Promise<string> {
  const { draftYaml } = await import('./data/extract.js');
  return draftYaml(await readSpeech(file), { source: file });
}

/** The studio, the local web page (loaded on demand: it brings its web server). */
export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  return (await import('./studio/index.js')).startStudio(options);
}

/**
 * Preflight a PDF file: first what its size, first and last bytes say (a folder, an empty file, a Word
 * file, a file cut short is an UnreadablePdf at once), then the print check. `quiet` keeps pdf-lib's
 * console warnings about each damaged object it skips off the console; the report says what matters.
 */
export async function preflightFile(file: string, options: { quiet?: boolean } = {}): Promise<PreflightReport> {
  const problem = pdfFileProblem(file);
  if (problem) throw new UnreadablePdf(`${file}: ${problem}`);
  const warn = console.warn;
  if (options.quiet) console.warn = () => undefined;
  try {
    return await preflight(file);
  } finally {
    console.warn = warn;
  }
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
