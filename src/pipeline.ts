// The stages one output goes through, shared by render (one data file) and batch (a row each):
// HTML per output → Chrome (PDF, PNG) → post-processing (pdf-lib, Ghostscript, sharp) → preflight → write.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toPdfX } from './print/ghostscript.js';
import { preflight, preflightDocument, type PreflightReport } from './print/preflight.js';
import type { SpeechData } from './data/types.js';
import { fontFaceCss, missingGlyphs, roleCoverage, roleFontFiles, type MissingGlyph, type RoleFace } from './fonts/fonts.js';
import { finishPng, thumbnail, THUMBNAIL_PX } from './image/image.js';
import { firstPageImage } from './image/first-page.js';
import { galleryHtml, type GalleryItem } from './image/gallery.js';
import { pixelSize, type OutputSpec } from './view/outputs.js';
import { finishPdf, pdfInfo, readPdfInfo } from './print/pdf.js';
import { FONT_CSS_PATH, Renderer, RenderError } from './chrome/render.js';
import { subsetFonts } from './fonts/subset.js';
import { renderHtml } from './view/templates.js';
import type { View } from './view/views.js';
import { sha256, writeAtomic, type ManifestEntry } from './output/write.js';

/** The HTML of each output: PDFs get the bleed; PNGs are screen and proof images at the trim size. */
export function pageHtmls(templatesDir: string, view: View, outputs: OutputSpec[], fontCss: string, bleedMm: number): PageHtml[] {
  const html = (output: OutputSpec, bleed: number) => renderHtml(templatesDir, view, output, { ...output.page, bleedMm: bleed }, fontCss);
  return outputs.map((output) => {
    const pngHtml = output.png ? html(output, 0) : '';
    return { output, pdfHtml: output.pdf ? (bleedMm === 0 && pngHtml ? pngHtml : html(output, bleedMm)) : '', pngHtml };
  });
}

/**
 * The role fonts' CSS as a page of a run links it: the renderer serves the rules (fontFaceCss) once,
 * and Chrome keeps them parsed, instead of 0.7 MB of CSS in every page's HTML.
 */
export const LINKED_FONT_CSS = `@import url("${FONT_CSS_PATH}");`;

/**
 * The run's one browser. It serves the role fonts cut to `text` (all the run's pages may draw; see
 * drawnText) and fails a page that draws a character its role's face lacks. `say` gets the cut's report.
 */
export async function launchRenderer(
  run: { browserPath: string; templatesDir: string; fonts: RoleFace[]; text: string; renderers?: number },
  say: (line: string) => void,
  log: (line: string) => void,
): Promise<Renderer> {
  // Chrome starts while the fonts are cut (some 0.5 s of each, side by side); it asks for them only with the first page.
  const subsetting = subsetFonts(roleFontFiles(run.fonts), run.text);
  const fontFiles = subsetting.then((s) => s.files);
  fontFiles.catch(() => undefined); // a failure is reported from subsetting, below
  const launching = Renderer.launch({ browserPath: run.browserPath, templatesDir: run.templatesDir, fontFiles, fontCss: fontFaceCss(run.fonts, run.text), coverage: roleCoverage(run.fonts, run.text), renderers: run.renderers, log });
  const [subset, renderer] = await Promise.allSettled([subsetting, launching]);
  if (subset.status === 'rejected') {
    if (renderer.status === 'fulfilled') await renderer.value.close();
    throw subset.reason;
  }
  for (const line of subset.value.report) say(`font ${line}`);
  if (renderer.status === 'rejected') throw renderer.reason;
  return renderer.value;
}

/** Run `work` over `items`, `atOnce` at a time (pages over the one browser). */
export async function eachAtOnce<T>(items: T[], atOnce: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(atOnce, items.length)) }, worker));
}

export interface PageHtml {
  output: OutputSpec;
  pdfHtml: string;
  pngHtml: string;
}

export interface PrintOptions {
  bleedMm: number;
  marks: boolean;
  cmyk: boolean;
  icc?: string;
  log: (line: string) => void;
}

export async function renderOutput(renderer: Renderer, page: PageHtml, view: View, print: PrintOptions, out: string): Promise<ManifestEntry[]> {
  const { output } = page;
  const entries: ManifestEntry[] = [];
  // What Chrome makes: a PDF and a PNG of the same HTML (no bleed) come from one load of the page.
  const least = output.png ? pixelSize(output.page, output.png.dpi) : undefined;
  const pdfPage = output.pdf ? { width: mmToPx(output.page.widthMm + 2 * print.bleedMm), height: mmToPx(output.page.heightMm + 2 * print.bleedMm), outline: output.outline } : undefined;
  const pngTarget = output.png && least ? { widthPx: least.width, heightPx: least.height, dpi: output.png.dpi, autoHeight: output.autoHeight } : undefined;
  const raws = pdfPage && pngTarget && page.pdfHtml === page.pngHtml
    ? await renderer.render({ name: output.name, html: page.pdfHtml, pdf: pdfPage, png: pngTarget })
    : {
        ...(pdfPage ? await renderer.render({ name: output.name, html: page.pdfHtml, pdf: pdfPage }) : {}),
        ...(pngTarget ? await renderer.render({ name: output.name, html: page.pngHtml, png: pngTarget }) : {}),
      };
  if (output.pdf) {
    const { widthMm, heightMm } = output.page;
    const raw = raws.pdf!;
    const { pdf: rgb, shrunk, doc } = await finishPdf(raw, { trimWidthMm: widthMm, trimHeightMm: heightMm, bleedMm: print.bleedMm, marks: print.marks }, {
      title: view.doc.fullTitle,
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
    mustPass(preflightDocument(doc, rgb, '(bytes)'), `${output.name}.pdf${print.cmyk ? ' (RGB, before Ghostscript)' : ''}`, print.log);
    const pdf = print.cmyk ? await toPdfX(rgb, { icc: print.icc, title: view.doc.title, date: view.doc.issued, log: (l) => print.log(`  ${output.name}.pdf: ${l}`) }) : rgb;
    if (print.cmyk) mustPass(await preflight(pdf), `${output.name}.pdf`, print.log);
    const info = print.cmyk ? await readPdfInfo(pdf) : pdfInfo(doc);
    if (output.outline && !info.hasOutline) throw new RenderError(`${output.name}.pdf: expected bookmarks for its sections, received a PDF without an outline`);
    const file = `${output.name}.pdf`;
    writeAtomic(join(out, file), pdf);
    entries.push({ file, bytes: pdf.byteLength, sha256: sha256(pdf), pages: info.pages, pageSize: { width: round2(info.width), height: round2(info.height), unit: 'pt' }, colour: print.cmyk ? 'CMYK PDF/X-3' : 'RGB' });
  }
  if (output.png) {
    const raw = raws.png!;
    const { width, height } = raw;
    // Screen images also come as JPEG and WebP where those are smaller (the template's alsoAs).
    const done = await finishPng(raw, { width, height, dpi: output.png.dpi }, output.name, output.alsoAs);
    const { png } = done;
    const file = `${output.name}.png`;
    if (output.maxBytes && png.byteLength > output.maxBytes.bytes) {
      throw new RenderError(`${file}: expected at most ${output.maxBytes.label} for ${output.maxBytes.for}, received ${mb(png.byteLength)} even compressed`);
    }
    writeAtomic(join(out, file), png);
    const psnrDb = done.psnr === undefined ? undefined : Number.isFinite(done.psnr) ? Math.round(done.psnr * 10) / 10 : 99;
    entries.push({ file, bytes: png.byteLength, sha256: sha256(png), pixels: { width, height }, dpi: output.png.dpi, png: { palette: done.palette, truecolourBytes: done.truecolourBytes, psnrDb } });
    print.log(`  ${file}: ${done.palette ? `palette ${mb(png.byteLength)}, full colour was ${mb(done.truecolourBytes)} (PSNR ${psnrDb} dB)` : `full colour ${mb(png.byteLength)}`}`);
    for (const alt of done.alternates) {
      const name = `${output.name}.${alt.ext}`;
      writeAtomic(join(out, name), alt.data);
      entries.push({ file: name, bytes: alt.data.byteLength, sha256: sha256(alt.data), pixels: { width, height } });
    }
  }
  return entries;
}

/**
 * Preflight errors fail the run. So do transparency groups, which preflight only notes: Chrome makes
 * one for a CSS transform, filter or opacity, and Ghostscript's PDF/X-3 flattens such a page into one image.
 */
function mustPass(report: PreflightReport, name: string, log: (line: string) => void): void {
  for (const w of report.warnings) log(`  ${name}: warning: ${w}`);
  const groups = report.transparencyGroups.map((where) => `${where}: expected none in a print template (a CSS transform, filter or opacity makes one; PDF/X-3 would flatten the page into an image)`);
  const errors = [...report.errors, ...groups];
  if (errors.length > 0) throw new RenderError(`${name} fails preflight:\n  ${errors.join('\n  ')}`);
}

/**
 * Each role's face must cover every character it may draw: no tofu, no silent fallback.
 * Templates may set any text of the data in the text roles; the number role draws the figures.
 * Fields are named like data problems: figures[3].label.
 */
export function glyphProblems(data: Pick<SpeechData, 'document' | 'sections' | 'figures' | 'derived'>, fonts: RoleFace[]): MissingGlyph[] {
  const texts: { field: string; text: string }[] = [];
  const walk = (value: unknown, field: string) => {
    if (typeof value === 'string') texts.push({ field, text: value });
    else if (typeof value === 'number') texts.push({ field, text: String(value) });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, field ? `${field}.${k}` : k);
  };
  walk({ document: data.document, sections: data.sections, figures: data.figures, derived: data.derived }, '');
  const numberField = /^(figures|derived)\[\d+\]\.(value|written|unit|qualifier|from|fromWritten)$/;
  return fonts.flatMap((face) => missingGlyphs(face.role === 'number' ? texts.filter((t) => numberField.test(t.field)) : texts, face));
}

/** "劐" (U+5290) is not in Noto Sans SC, the face of the heading role (黑体); rewrite it, or … */
export function describeGlyph(p: MissingGlyph, roleStyle: string): string {
  return `the character "${p.char}" (U+${p.char.codePointAt(0)!.toString(16).toUpperCase()}) is not in ${p.face}, the face of the ${p.role} role (${roleStyle}); rewrite it, or give the role a font that has it (--font ${p.role}=FILE)`;
}

/**
 * output/index.html: every file with a thumbnail (thumbs/), its size and a link. `made`: thumbnails a
 * run made while it rendered, by file (see Thumbnails).
 */
export async function writeGallery(out: string, title: string, entries: ManifestEntry[], made?: Thumbnails): Promise<void> {
  writeAtomic(join(out, 'index.html'), galleryHtml(title, await writeThumbnails(out, entries, made)));
}

/**
 * The gallery's thumbnail of each file (thumbs/<file>.png); one newer than its file is kept. A batch
 * makes a row's as soon as the row is done, so the gallery at its end has none left to make.
 */
export async function writeThumbnails(out: string, entries: ManifestEntry[], made?: Thumbnails): Promise<GalleryItem[]> {
  const items: GalleryItem[] = [];
  for (const entry of [...entries].sort((a, b) => a.file.localeCompare(b.file))) {
    const source = join(out, entry.file);
    const thumb = `thumbs/${entry.file}.png`;
    const target = join(out, thumb);
    if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
      items.push({ entry, thumbnail: thumb });
      continue;
    }
    const image = (await made?.get(entry.file)) ?? (await thumbnailOf(source));
    if (image) writeAtomic(target, image);
    items.push(image ? { entry, thumbnail: thumb } : { entry });
  }
  return items;
}

/**
 * Thumbnails made while a run renders, one at a time, from the files as they are staged: a run's
 * gallery had to make all 39 of the default set after the last output (some 1.5 s).
 */
export class Thumbnails {
  readonly #made = new Map<string, Promise<Buffer | undefined>>();
  #last: Promise<unknown> = Promise.resolve();

  /** Start the thumbnail of `dir/file` once the one before it is made. */
  add(dir: string, file: string): void {
    const made = this.#last.then(() => thumbnailOf(join(dir, file))).catch(() => undefined);
    this.#made.set(file, made);
    this.#last = made;
  }

  /** The thumbnail of a file, undefined when none was started or it could not be made (the file moved on). */
  get(file: string): Promise<Buffer | undefined> | undefined {
    return this.#made.get(file);
  }
}

/** A PDF's first page or a PNG as a gallery thumbnail; undefined for other files, or without poppler. */
async function thumbnailOf(file: string): Promise<Buffer | undefined> {
  const image = file.endsWith('.pdf') ? await firstPageImage(file, THUMBNAIL_PX) : file.endsWith('.png') ? file : undefined;
  return image ? thumbnail(image) : undefined;
}

export function describeEntry(e: ManifestEntry): string {
  const size = `${(e.bytes / 1024 / 1024).toFixed(2)} MB`;
  if (e.pages) return `(${e.pages} pages, ${size})`;
  if (e.pixels) return `(${e.pixels.width}×${e.pixels.height} px${e.dpi ? ` @ ${e.dpi} dpi` : ''}, ${size})`;
  return `(${size})`;
}

export const PAGES_AT_ONCE = 2;
/**
 * Rows of a batch rendered at once over the one browser (each row's outputs one after another). With
 * Chromium's headless shell and one renderer for all, 100 rows of briefing and card ran at 3.62–3.99
 * rows/s with three against 3.43–3.54 with two, and four gained nothing.
 */
export const ROWS_AT_ONCE = 3;
/**
 * Renderer processes a batch's tabs share. Two, one per core here: a renderer lays out, runs and
 * prints its pages on one thread, so with one for all three rows, 60 rows of briefing and card ran at
 * 3.89 rows/s, and with two at 4.26 (medians of five runs, taken in turn). A tab each (three) was not
 * faster (3.72 against 4.05, medians of three) and took the 10,000-row WeChat batch to 648 MB, a
 * renderer holding some 100 MB; with two it peaked at 558–584 MB over runs of 60–200 s, near the 600 MB
 * bound (one renderer: 494 MB). Renderers are not replaced in a long batch: tabs are.
 */
export const BATCH_RENDERERS = 2;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const mmToPx = (mm: number) => (mm / 25.4) * 96;
const round2 = (n: number) => Math.round(n * 100) / 100;
