// The public API. One run reads like the pipeline it is:
// data → view (charts) → templates → render (Chrome) → post (sharp, pdf-lib) → write.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './chrome/browser.js';
import { CONTROL, MAX_SPEECH_BYTES, readTextFile, TextFileError } from './data/text.js';
import { DataError, parseField, readDataFile, readYaml, validateDraft, type DataProblem, type Draft, type ValidateOptions } from './data/load.js';
import type { SpeechData } from './data/types.js';
import { describeFonts, fontFaceCss, resolveFonts, ROLE_STYLES, type Role, type RoleFace } from './fonts/fonts.js';
import { drawnText } from './fonts/subset.js';
import { cardOutputs, OUTPUTS, selectOutputs, type OutputSpec } from './view/outputs.js';
import { describeEntry, describeGlyph, eachAtOnce, glyphProblems, launchRenderer, PAGES_AT_ONCE, pageHtmls, renderOutput, writeGallery, type PrintOptions } from './pipeline.js';
import { buildView } from './view/views.js';
import { formatVerify, verifyFigures, type FigureCheck } from './data/verify.js';
import { writeManifest, type ManifestEntry } from './output/write.js';

export { loadData, loadDraft, DataError, formatProblem, type Draft } from './data/load.js';
export type { SpeechData } from './data/types.js';
export { OUTPUTS, LAYOUTS, OutputNameError } from './view/outputs.js';
export { FontFileError, ROLES, type Role } from './fonts/fonts.js';
export { preflight, formatPreflight, type PreflightReport } from './print/preflight.js';
export { formatVerify, type FigureCheck } from './data/verify.js';
export { batch, type BatchOptions, type BatchResult } from './jobs/batch.js';

export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATES_DIR = join(PROJECT_DIR, 'templates');

export interface RenderOptions {
  data: string;
  out: string;
  /** Output names; all when empty */
  only?: string[];
  /** Render only the briefing in this layout (briefing, gongwen); other outputs stay */
  layout?: string;
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
}

export interface RenderResult {
  files: ManifestEntry[];
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
  for (const p of glyphProblems(raw as SpeechData, fonts).filter((g) => !CONTROL.test(g.char))) {
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
  const bleedMm = options.bleedMm ?? 0;
  if (!(bleedMm >= 0 && bleedMm <= 20)) throw new RangeError(`--bleed: expected 0 to 20 mm, received ${options.bleedMm}`);

  // Data and fonts: everything that can be wrong with the input fails here, before anything is written.
  const fonts = resolveFonts(options.fonts);
  for (const line of describeFonts(fonts)) log(`font ${line}`);
  const data = validate(options.data, fonts);
  if (options.source) {
    const { checks, report } = verify(data, options.source);
    if (checks.some((c) => !c.ok)) throw new VerifyError(report);
    log(`source: all ${checks.length} figures verified against ${options.source}`);
  }
  const figureIds = data.figures.map((f) => f.id);
  const outputs = selectOutputs(options.only, options.layout, figureIds);
  const view = buildView(data);
  const fontCss = fontFaceCss(fonts);

  const browser = await findBrowser(options.browser);
  log(`browser: ${browser.path} (${browser.source})`);
  const renderer = await launchRenderer({ browserPath: browser.path, templatesDir, fonts, text: drawnText(templatesDir, [view], outputs) }, log, log);
  const written: ManifestEntry[] = [];
  const failed: { output: string; reason: string }[] = [];
  const print: PrintOptions = { bleedMm, marks: options.marks ?? false, cmyk: options.cmyk ?? false, icc: options.icc, log };
  try {
    // Two pages at a time over the one browser: on two cores that is where the gain ends.
    // An output that fails is reported; the others are still written.
    await eachAtOnce(outputs, PAGES_AT_ONCE, async (output) => {
      const t0 = performance.now();
      try {
        const [page] = pageHtmls(templatesDir, view, [output], fontCss, bleedMm);
        const files = await renderOutput(renderer, page!, view, print, options.out);
        written.push(...files);
        const list = files.map((f) => `${f.file} ${describeEntry(f)}`).join(', ');
        log(`${output.name.padEnd(16)} ${seconds(t0)}  ${list}`);
      } catch (err) {
        const reason = (err as Error).message.replace(new RegExp(`^${output.name}(\\.\\w+)?: `), '');
        failed.push({ output: output.name, reason });
        log(`${output.name.padEnd(16)} ${seconds(t0)}  ✗ failed: ${reason}`);
      }
    });
  } finally {
    await renderer.close();
  }

  const all = mergeManifest(options.out, written, [...OUTPUTS, ...cardOutputs(figureIds)]);
  const manifest = writeManifest(options.out, all, {
    generator: 'shushuo',
    data: data.file,
    fonts: Object.fromEntries(fonts.map((f) => [f.role, `${f.source.family}${f.origin === 'default' ? '' : ` (${f.origin})`}`])),
  });
  await writeGallery(options.out, view.doc.fullTitle, all);
  const total = (performance.now() - started) / 1000;
  log(`done: ${written.length} files from ${outputs.length - failed.length} of ${outputs.length} outputs in ${total.toFixed(1)} s → ${options.out}`);
  if (failed.length > 0) throw new OutputsFailed(failed, written.length);
  return { files: written, manifest, seconds: total };
}

/** Some outputs failed; the others were written. */
export class OutputsFailed extends Error {
  constructor(readonly failed: { output: string; reason: string }[], readonly written: number) {
    super(`${failed.length} output${failed.length === 1 ? '' : 's'} failed (the other files were written):\n${failed.map((f) => `  ${f.output}: ${f.reason.replace(/\n/g, '\n    ')}`).join('\n')}`);
    this.name = 'OutputsFailed';
  }
}

/** Check every figure of the data against the speech's text (see src/data/verify.ts). */
export function verify(data: SpeechData, sourceFile: string): { checks: FigureCheck[]; report: string } {
  let source: string;
  try {
    source = readTextFile(sourceFile, { maxBytes: MAX_SPEECH_BYTES, what: 'the speech as text' }).text;
  } catch (err) {
    if (!(err instanceof TextFileError)) throw err;
    throw new VerifyError(`${sourceFile}: ${err.message}`);
  }
  const checks = verifyFigures(data, source, sourceFile);
  return { checks, report: formatVerify(checks, sourceFile) };
}

/** Figures that do not trace back to the speech: a user error, nothing is rendered. */
export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** Keep entries of earlier runs for files this run did not rewrite, if they are still there. */
function mergeManifest(out: string, written: ManifestEntry[], known: OutputSpec[]): ManifestEntry[] {
  const file = join(out, 'manifest.json');
  if (!existsSync(file)) return written;
  let old: ManifestEntry[] = [];
  try {
    old = (JSON.parse(readFileSync(file, 'utf8')) as { files?: ManifestEntry[] }).files ?? [];
  } catch {
    return written;
  }
  const fresh = new Set(written.map((e) => e.file));
  const kept = old.filter((e) => !fresh.has(e.file) && known.some((o) => e.file.startsWith(`${o.name}.`)) && existsSync(join(out, e.file)) && statSync(join(out, e.file)).size === e.bytes);
  return [...kept, ...written];
}

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s`;
