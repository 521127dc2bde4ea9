// The public API. One run reads like the pipeline it is:
// data → view (charts) → templates → render (Chrome) → post (sharp, pdf-lib) → write.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './browser.js';
import { toPdfX } from './ghostscript.js';
import { preflight } from './preflight.js';
import { loadData } from './data/load.js';
import type { SpeechData } from './data/types.js';
import { describeFonts, fontFaceCss, missingGlyphs, resolveFonts, roleFontFiles, ROLE_STYLES, type Role, type RoleFace } from './fonts.js';
import { finishPng, smallerFormats, thumbnail } from './image.js';
import { galleryHtml, type GalleryItem } from './gallery.js';
import { cardOutputs, OUTPUTS, pixelSize, selectOutputs, type OutputSpec } from './outputs.js';
import { finishPdf, readPdfInfo } from './pdf.js';
import { Renderer, RenderError } from './render.js';
import { renderHtml, type PageGeometry } from './templates.js';
import { buildView, type View } from './views.js';
import { formatVerify, verifyFigures, type FigureCheck } from './verify.js';
import { sha256, writeAtomic, writeManifest, type ManifestEntry } from './write.js';

export { loadData, DataError, formatProblem } from './data/load.js';
export type { SpeechData } from './data/types.js';
export { OUTPUTS, LAYOUTS, OutputNameError } from './outputs.js';
export { FontFileError, ROLES, type Role } from './fonts.js';
export { preflight, formatPreflight, type PreflightReport } from './preflight.js';
export { formatVerify, type FigureCheck } from './verify.js';

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
export function validate(file: string, fonts: RoleFace[] = resolveFonts()): SpeechData {
  const data = loadData(file);
  checkGlyphs(data, fonts);
  return data;
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
  const html = (output: OutputSpec, bleed: number) => renderHtml(templatesDir, view, output, { ...output.page, bleedMm: bleed }, fontCss);
  // PDFs get the bleed; PNGs are screen and proof images at the trim size.
  const pages = outputs.map((output) => {
    const pngHtml = output.png ? html(output, 0) : '';
    return { output, pdfHtml: output.pdf ? (bleedMm === 0 && pngHtml ? pngHtml : html(output, bleedMm)) : '', pngHtml };
  });

  const browser = await findBrowser(options.browser);
  log(`browser: ${browser.path} (${browser.source})`);
  const renderer = await Renderer.launch({ browserPath: browser.path, templatesDir, fontFiles: roleFontFiles(fonts), log });
  const written: ManifestEntry[] = [];
  const print: PrintOptions = { bleedMm, marks: options.marks ?? false, cmyk: options.cmyk ?? false, icc: options.icc, log };
  try {
    // Two pages at a time over the one browser: on two cores that is where the gain ends.
    let next = 0;
    const worker = async () => {
      while (next < pages.length) {
        const page = pages[next++]!;
        const t0 = performance.now();
        const files = await renderOutput(renderer, page, view, print, options.out);
        written.push(...files);
        const list = files.map((f) => `${f.file} ${describeEntry(f)}`).join(', ');
        log(`${page.output.name.padEnd(16)} ${seconds(t0)}  ${list}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PAGES_AT_ONCE, pages.length) }, worker));
  } finally {
    await renderer.close();
  }

  const all = mergeManifest(options.out, written, [...OUTPUTS, ...cardOutputs(figureIds)]);
  const manifest = writeManifest(options.out, all, {
    generator: 'shushuo',
    data: data.file,
    fonts: Object.fromEntries(fonts.map((f) => [f.role, `${f.source.family}${f.origin === 'default' ? '' : ` (${f.origin})`}`])),
  });
  await writeGallery(options.out, `${view.doc.title}（${view.doc.issueText}）`, all);
  const total = (performance.now() - started) / 1000;
  log(`done: ${written.length} files from ${pages.length} outputs in ${total.toFixed(1)} s → ${options.out}`);
  return { files: written, manifest, seconds: total };
}

/** output/index.html: every file with a thumbnail (thumbs/), its size and a link. Thumbnails newer than their file are kept. */
async function writeGallery(out: string, title: string, entries: ManifestEntry[]): Promise<void> {
  const items: GalleryItem[] = [];
  for (const entry of [...entries].sort((a, b) => a.file.localeCompare(b.file))) {
    const source = join(out, entry.file);
    const thumb = `thumbs/${entry.file}.png`;
    const target = join(out, thumb);
    if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
      items.push({ entry, thumbnail: thumb });
      continue;
    }
    const image = entry.file.endsWith('.pdf') ? firstPageImage(source) : entry.file.endsWith('.png') ? source : undefined;
    if (!image) {
      items.push({ entry });
      continue;
    }
    writeAtomic(target, await thumbnail(image));
    items.push({ entry, thumbnail: thumb });
  }
  writeAtomic(join(out, 'index.html'), galleryHtml(title, items));
}

/** Page 1 of a PDF as a small PNG, through poppler's pdftoppm; undefined where poppler is missing. */
function firstPageImage(pdf: string): Buffer | undefined {
  const run = spawnSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', '-png', pdf], { maxBuffer: 64 * 1024 * 1024 });
  return run.status === 0 && run.stdout.length > 0 ? run.stdout : undefined;
}

interface PageHtml {
  output: OutputSpec;
  pdfHtml: string;
  pngHtml: string;
}

interface PrintOptions {
  bleedMm: number;
  marks: boolean;
  cmyk: boolean;
  icc: string | undefined;
  log: (line: string) => void;
}

async function renderOutput(renderer: Renderer, page: PageHtml, view: View, print: PrintOptions, out: string): Promise<ManifestEntry[]> {
  const { output } = page;
  const entries: ManifestEntry[] = [];
  if (output.pdf) {
    const { widthMm, heightMm } = output.page;
    const job = { name: output.name, html: page.pdfHtml, width: mmToPx(widthMm + 2 * print.bleedMm), height: mmToPx(heightMm + 2 * print.bleedMm) };
    const raw = await renderer.pdf(job, { outline: output.outline });
    const { pdf: rgb, shrunk } = await finishPdf(raw, { trimWidthMm: widthMm, trimHeightMm: heightMm, bleedMm: print.bleedMm, marks: print.marks }, {
      title: `${view.doc.title}（${view.doc.issueText}）`,
      author: view.doc.office,
      subject: view.doc.speechTitle,
      keywords: view.doc.keywords,
      language: view.lang,
      date: view.doc.issued,
    });
    if (shrunk.length > 0) {
      const pages = shrunk.map((p) => `page ${p.page} at ${(p.scale * 100).toFixed(2)}%`).join(', ');
      throw new RenderError(`${output.name}.pdf: expected every page at 100%, received ${pages}: Chrome shrinks a page when something on it is wider than the page; find the element that sticks out`);
    }
    // Every PDF must pass the same preflight a user can run: Chrome's, so that a template with
    // transparency fails here and not inside Ghostscript, and the CMYK file made from it.
    await mustPass(rgb, `${output.name}.pdf${print.cmyk ? ' (RGB, before Ghostscript)' : ''}`, print.log);
    const pdf = print.cmyk ? await toPdfX(rgb, { icc: print.icc, title: view.doc.title, date: view.doc.issued, log: (l) => print.log(`  ${output.name}.pdf: ${l}`) }) : rgb;
    if (print.cmyk) await mustPass(pdf, `${output.name}.pdf`, print.log);
    const info = await readPdfInfo(pdf);
    if (output.outline && !info.hasOutline) throw new RenderError(`${output.name}.pdf: expected bookmarks for its sections, received a PDF without an outline`);
    const file = `${output.name}.pdf`;
    writeAtomic(join(out, file), pdf);
    entries.push({ file, bytes: pdf.byteLength, sha256: sha256(pdf), pages: info.pages, pageSize: { width: round2(info.width), height: round2(info.height), unit: 'pt' }, colour: print.cmyk ? 'CMYK PDF/X-3' : 'RGB' });
  }
  if (output.png) {
    const least = pixelSize(output.page, output.png.dpi);
    const job = { name: output.name, html: page.pngHtml, width: mmToPx(output.page.widthMm), height: mmToPx(output.page.heightMm) };
    const raw = await renderer.png({ ...job, widthPx: least.width, heightPx: least.height, dpi: output.png.dpi, autoHeight: output.autoHeight });
    const { width, height } = raw;
    const done = await finishPng(raw, { width, height, dpi: output.png.dpi }, output.name);
    const { png } = done;
    const file = `${output.name}.png`;
    if (output.kind === 'wechat' && png.byteLength > WECHAT_MAX_BYTES) {
      throw new RenderError(`${file}: expected at most 5 MB for WeChat, received ${mb(png.byteLength)} even compressed`);
    }
    writeAtomic(join(out, file), png);
    const psnrDb = done.psnr === undefined ? undefined : Number.isFinite(done.psnr) ? Math.round(done.psnr * 10) / 10 : 99;
    entries.push({ file, bytes: png.byteLength, sha256: sha256(png), pixels: { width, height }, dpi: output.png.dpi, png: { palette: done.palette, truecolourBytes: done.truecolourBytes, psnrDb } });
    print.log(`  ${file}: ${done.palette ? `palette ${mb(png.byteLength)}, full colour was ${mb(done.truecolourBytes)} (PSNR ${psnrDb} dB)` : `full colour ${mb(png.byteLength)}`}`);
    // Screen images also come as JPEG and WebP where those are smaller.
    if (output.kind === 'wechat' || output.kind === 'card') {
      for (const alt of await smallerFormats(png)) {
        const name = `${output.name}.${alt.ext}`;
        writeAtomic(join(out, name), alt.data);
        entries.push({ file: name, bytes: alt.data.byteLength, sha256: sha256(alt.data), pixels: { width, height } });
      }
    }
  }
  return entries;
}

/**
 * Preflight errors fail the run. So do transparency groups, which preflight only notes: Chrome makes
 * one for a CSS transform, filter or opacity, and Ghostscript's PDF/X-3 flattens such a page into one image.
 */
async function mustPass(pdf: Uint8Array, name: string, log: (line: string) => void): Promise<void> {
  const report = await preflight(pdf);
  for (const w of report.warnings) log(`  ${name}: warning: ${w}`);
  const groups = report.transparencyGroups.map((where) => `${where}: expected none in a print template (a CSS transform, filter or opacity makes one; PDF/X-3 would flatten the page into an image)`);
  const errors = [...report.errors, ...groups];
  if (errors.length > 0) throw new RenderError(`${name} fails preflight:\n  ${errors.join('\n  ')}`);
}

/**
 * Each role's face must cover every character it may draw: no tofu, no silent fallback.
 * Templates may set any text of the data in the text roles; the number role draws the figures.
 */
function checkGlyphs(data: SpeechData, fonts: RoleFace[]): void {
  const texts: { field: string; text: string }[] = [];
  const walk = (value: unknown, field: string) => {
    if (typeof value === 'string') texts.push({ field, text: value });
    else if (typeof value === 'number') texts.push({ field, text: String(value) });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, field ? `${field}.${k}` : k);
  };
  walk({ document: data.document, structure: data.structure, figures: data.figures, derived: data.derived }, '');
  const numberField = /^(figures|derived)\[\d+\]\.(value|unit|qualifier)$/;
  const problems = fonts.flatMap((face) => missingGlyphs(face.role === 'number' ? texts.filter((t) => numberField.test(t.field)) : texts, face));
  if (problems.length > 0) {
    const text = readFileSync(data.file, 'utf8');
    const lineOf = (char: string) => text.slice(0, Math.max(0, text.indexOf(char))).split('\n').length;
    const lines = problems.map((p) => `${data.file}:${lineOf(p.char)} ${p.field}: the character "${p.char}" (U+${p.char.codePointAt(0)!.toString(16).toUpperCase()}) is not in ${p.face}, the face of the ${p.role} role (${ROLE_STYLES[p.role]}); rewrite it, or give the role a font that has it (--font ${p.role}=FILE)`);
    throw new GlyphError(lines.join('\n'));
  }
}

/** Check every figure of the data against the speech's text (see src/verify.ts). */
export function verify(data: SpeechData, sourceFile: string): { checks: FigureCheck[]; report: string } {
  let source: string;
  try {
    source = readFileSync(sourceFile, 'utf8');
  } catch (err) {
    throw new VerifyError(`${sourceFile}: cannot read the speech (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
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

export class GlyphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlyphError';
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

function describeEntry(e: ManifestEntry): string {
  const size = `${(e.bytes / 1024 / 1024).toFixed(2)} MB`;
  if (e.pages) return `(${e.pages} pages, ${size})`;
  if (e.pixels) return `(${e.pixels.width}×${e.pixels.height} px @ ${e.dpi} dpi, ${size})`;
  return `(${size})`;
}

const PAGES_AT_ONCE = 2;
/** WeChat refuses images over 5 MB. */
const WECHAT_MAX_BYTES = 5 * 1024 * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s`;
const mmToPx = (mm: number) => (mm / 25.4) * 96;
const round2 = (n: number) => Math.round(n * 100) / 100;
