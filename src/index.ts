// The public API. One run reads like the pipeline it is:
// data → view (charts) → templates → render (Chrome) → post (sharp, pdf-lib) → write.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBrowser } from './browser.js';
import { loadData } from './data/load.js';
import type { SpeechData } from './data/types.js';
import { FONTS, missingGlyphs } from './fonts.js';
import { finishPng } from './image.js';
import { OUTPUTS, pixelSize, selectOutputs, type OutputSpec } from './outputs.js';
import { readPdfInfo, setPdfMetadata } from './pdf.js';
import { Renderer, RenderError } from './render.js';
import { renderHtml } from './templates.js';
import { buildView, type View } from './views.js';
import { sha256, writeAtomic, writeManifest, type ManifestEntry } from './write.js';

export { loadData, DataError, formatProblem } from './data/load.js';
export type { SpeechData } from './data/types.js';
export { OUTPUTS } from './outputs.js';

export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATES_DIR = join(PROJECT_DIR, 'templates');

export interface RenderOptions {
  data: string;
  out: string;
  /** Output names; all when empty */
  only?: string[];
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

/** Validate a data file; throws DataError. Also checks that the fonts cover every character. */
export function validate(file: string): SpeechData {
  const data = loadData(file);
  checkGlyphs(data);
  return data;
}

export async function render(options: RenderOptions): Promise<RenderResult> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  const outputs = selectOutputs(options.only);

  // Data: everything that can be wrong with the input fails here, before anything is written.
  const data = validate(options.data);
  const view = buildView(data);
  const pages = outputs.map((output) => ({ output, html: renderHtml(templatesDir, view, output) }));

  const browser = await findBrowser(options.browser);
  log(`browser: ${browser.path} (${browser.source})`);
  const renderer = await Renderer.launch({ browserPath: browser.path, templatesDir, log });
  const written: ManifestEntry[] = [];
  try {
    for (const { output, html } of pages) {
      const t0 = performance.now();
      const files = await renderOutput(renderer, output, html, view, options.out);
      written.push(...files);
      const list = files.map((f) => `${f.file} ${describeEntry(f)}`).join(', ');
      log(`${output.name.padEnd(12)} ${seconds(t0)}  ${list}`);
    }
  } finally {
    await renderer.close();
  }

  const manifest = writeManifest(options.out, mergeManifest(options.out, written), {
    generator: 'shushuo',
    data: data.file,
  });
  const total = (performance.now() - started) / 1000;
  log(`done: ${written.length} files from ${pages.length} outputs in ${total.toFixed(1)} s → ${options.out}`);
  return { files: written, manifest, seconds: total };
}

async function renderOutput(renderer: Renderer, output: OutputSpec, html: string, view: View, out: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const job = { name: output.name, html, width: mmToPx(output.page.widthMm), height: mmToPx(output.page.heightMm) };
  if (output.pdf) {
    const raw = await renderer.pdf(job, { outline: output.outline });
    const pdf = await setPdfMetadata(raw, {
      title: `${view.doc.title}（${view.doc.issueText}）`,
      author: view.doc.office,
      subject: view.doc.speechTitle,
      keywords: view.doc.keywords,
      language: view.lang,
      date: view.doc.issued,
    });
    const info = await readPdfInfo(pdf);
    if (output.outline && !info.hasOutline) throw new RenderError(`${output.name}.pdf: expected bookmarks for its sections, received a PDF without an outline`);
    const file = `${output.name}.pdf`;
    writeAtomic(join(out, file), pdf);
    entries.push({ file, bytes: pdf.byteLength, sha256: sha256(pdf), pages: info.pages, pageSize: { width: round2(info.width), height: round2(info.height), unit: 'pt' } });
  }
  if (output.png) {
    const { width, height } = pixelSize(output.page, output.png.dpi);
    const raw = await renderer.png({ ...job, widthPx: width, heightPx: height, dpi: output.png.dpi });
    const png = await finishPng(raw, { width, height, dpi: output.png.dpi }, output.name);
    const file = `${output.name}.png`;
    writeAtomic(join(out, file), png);
    entries.push({ file, bytes: png.byteLength, sha256: sha256(png), pixels: { width, height }, dpi: output.png.dpi });
  }
  return entries;
}

/** Fonts must cover every character of the data: no tofu, no silent fallback. */
function checkGlyphs(data: SpeechData): void {
  const texts: { field: string; text: string }[] = [];
  const walk = (value: unknown, field: string) => {
    if (typeof value === 'string') texts.push({ field, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${field}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, field ? `${field}.${k}` : k);
  };
  walk({ document: data.document, structure: data.structure, figures: data.figures, derived: data.derived }, '');
  const problems = [FONTS.serif, FONTS.sans].flatMap((face) => missingGlyphs(texts, face));
  if (problems.length > 0) {
    const text = readFileSync(data.file, 'utf8');
    const lineOf = (char: string) => text.slice(0, Math.max(0, text.indexOf(char))).split('\n').length;
    const lines = problems.map((p) => `${data.file}:${lineOf(p.char)} ${p.field}: the character "${p.char}" (U+${p.char.codePointAt(0)!.toString(16).toUpperCase()}) is not in ${p.family}; rewrite it or use a font that has it`);
    throw new GlyphError(lines.join('\n'));
  }
}

export class GlyphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlyphError';
  }
}

/** Keep entries of earlier runs for files this run did not rewrite, if they are still there. */
function mergeManifest(out: string, written: ManifestEntry[]): ManifestEntry[] {
  const file = join(out, 'manifest.json');
  if (!existsSync(file)) return written;
  let old: ManifestEntry[] = [];
  try {
    old = (JSON.parse(readFileSync(file, 'utf8')) as { files?: ManifestEntry[] }).files ?? [];
  } catch {
    return written;
  }
  const fresh = new Set(written.map((e) => e.file));
  const kept = old.filter((e) => !fresh.has(e.file) && OUTPUTS.some((o) => e.file.startsWith(`${o.name}.`)) && existsSync(join(out, e.file)) && statSync(join(out, e.file)).size === e.bytes);
  return [...kept, ...written];
}

function describeEntry(e: ManifestEntry): string {
  const size = `${(e.bytes / 1024 / 1024).toFixed(2)} MB`;
  if (e.pages) return `(${e.pages} pages, ${size})`;
  if (e.pixels) return `(${e.pixels.width}×${e.pixels.height} px @ ${e.dpi} dpi, ${size})`;
  return `(${size})`;
}

const seconds = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s`;
const mmToPx = (mm: number) => (mm / 25.4) * 96;
const round2 = (n: number) => Math.round(n * 100) / 100;
