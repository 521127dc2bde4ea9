// Stage 5b: PDF post-processing with pdf-lib: print boxes and crop marks, document metadata
// with fixed dates and IDs, and reading back what Chrome actually wrote (pages, MediaBox, outline).

import { createHash } from 'node:crypto';
import { cmyk, PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFObject, PDFRawStream, PDFRef, PDFString } from 'pdf-lib';
import { LOAD_OPTIONS, SAVE_OPTIONS, streamBytes } from './pdf-content.js';

export interface PdfMeta {
  title: string;
  author: string;
  subject: string;
  keywords: string[];
  /** BCP 47, e.g. zh-CN */
  language: string;
  /** Fixed dates keep the output the same from run to run (YYYY-MM-DD) */
  date: string;
}

export interface PdfInfo {
  pages: number;
  /** MediaBox of the first page, in pt */
  width: number;
  height: number;
  hasOutline: boolean;
}

export interface PrintBoxes {
  /** Trim size in mm */
  trimWidthMm: number;
  trimHeightMm: number;
  /** Bleed Chrome's page already includes on every side, mm */
  bleedMm: number;
  /** Add crop marks in a slug around the bleed */
  marks: boolean;
}

/** Crop marks: 5 mm long, starting at the bleed edge, in a slug wide enough to hold them. */
export const MARK_LENGTH_MM = 5;
export const SLUG_MM = 8;
const MARK_LINE_PT = 0.25;
const PT_PER_MM = 72 / 25.4;

/**
 * TrimBox and BleedBox, computed from the MediaBox Chrome actually wrote (it rounds page sizes):
 * the trim is anchored at the top-left bleed corner, as the page was laid out, and keeps its exact size.
 * With marks, the MediaBox grows by a slug and the marks are drawn there, outside the bleed.
 */
function setPrintBoxes(doc: PDFDocument, boxes: PrintBoxes): void {
  const bleed = boxes.bleedMm * PT_PER_MM;
  const trimW = boxes.trimWidthMm * PT_PER_MM;
  const trimH = boxes.trimHeightMm * PT_PER_MM;
  const slug = boxes.marks ? SLUG_MM * PT_PER_MM : 0;
  for (const page of doc.getPages()) {
    const media = page.getMediaBox();
    const top = media.y + media.height;
    // Clamp to the media: Chrome's rounding may leave a fraction of a point less than asked for.
    const clampX = (x: number) => Math.min(Math.max(x, media.x), media.x + media.width);
    const clampY = (y: number) => Math.min(Math.max(y, media.y), top);
    const trim = { x0: clampX(media.x + bleed), x1: clampX(media.x + bleed + trimW), y0: clampY(top - bleed - trimH), y1: clampY(top - bleed) };
    const bl = { x0: clampX(trim.x0 - bleed), x1: clampX(trim.x1 + bleed), y0: clampY(trim.y0 - bleed), y1: clampY(trim.y1 + bleed) };
    page.setTrimBox(trim.x0, trim.y0, trim.x1 - trim.x0, trim.y1 - trim.y0);
    page.setBleedBox(bl.x0, bl.y0, bl.x1 - bl.x0, bl.y1 - bl.y0);
    if (!boxes.marks) continue;
    page.setMediaBox(media.x - slug, media.y - slug, media.width + 2 * slug, media.height + 2 * slug);
    // Registration colour (all four inks), so every plate carries the marks.
    const line = (x1: number, y1: number, x2: number, y2: number) =>
      page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: MARK_LINE_PT, color: cmyk(1, 1, 1, 1) });
    const gap = Math.max(bleed, 3 * PT_PER_MM);
    const len = MARK_LENGTH_MM * PT_PER_MM;
    for (const [x, dx] of [[trim.x0, -1], [trim.x1, 1]] as const) {
      for (const [y, dy] of [[trim.y0, -1], [trim.y1, 1]] as const) {
        line(x + dx * gap, y, x + dx * (gap + len), y); // horizontal, level with the trim edge
        line(x, y + dy * gap, x, y + dy * (gap + len)); // vertical
      }
    }
  }
}

/**
 * Chrome's PDF made ready to print, in one pass: refuse pages Chrome shrank, then set the page
 * boxes (and crop marks), the metadata with fixed dates, and a content-derived ID. `doc` is the
 * document as saved, for checks that would otherwise parse the bytes again.
 */
export async function finishPdf(raw: Uint8Array, boxes: PrintBoxes, meta: PdfMeta): Promise<{ pdf: Uint8Array; shrunk: ShrunkPage[]; doc: PDFDocument }> {
  const doc = await PDFDocument.load(raw, LOAD_OPTIONS);
  const shrunk = shrunkPagesOf(doc);
  if (shrunk.length > 0) return { pdf: raw, shrunk, doc };
  setPrintBoxes(doc, boxes);
  return { pdf: await saveWithMetadata(doc, meta), shrunk, doc };
}

/** Stands in the trailer's ID while the file is hashed: as long as an MD5 in hex. */
const ID_PLACEHOLDER = '5' + '0'.repeat(31);

/**
 * Write title, author, subject, keywords, language, fixed dates and a content-derived ID, so the
 * same input gives the same bytes. The file is saved once with a placeholder ID, hashed, and the
 * hash written over the placeholder (the same length: no offset moves); saving twice, to hash and
 * then to write, took some 30 ms of the briefing.
 */
async function saveWithMetadata(doc: PDFDocument, meta: PdfMeta): Promise<Uint8Array> {
  const date = new Date(`${meta.date}T00:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords(meta.keywords);
  doc.setLanguage(meta.language);
  doc.setCreator('shushuo');
  doc.setProducer('shushuo (Chrome, pdf-lib)');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  renumberStructureIds(doc);
  const placeholder = PDFHexString.of(ID_PLACEHOLDER);
  doc.context.trailerInfo.ID = doc.context.obj([placeholder, placeholder]);
  const pdf = await doc.save(SAVE_OPTIONS);
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  const trailer = text.lastIndexOf('trailer');
  const at = [text.indexOf(`<${ID_PLACEHOLDER}>`, trailer)];
  at.push(text.indexOf(`<${ID_PLACEHOLDER}>`, at[0]! + 1));
  if (trailer < 0 || at.some((i) => i < 0)) throw new Error(`finishPdf: expected the ID placeholder twice in the trailer of the saved PDF, received ${at.filter((i) => i >= 0).length}`);
  const id = createHash('md5').update(text).digest('hex');
  for (const i of at) text.write(id, i + 1, 'latin1');
  // The ID object stays the hash, for a later save of this document.
  doc.context.trailerInfo.ID = doc.context.obj([PDFHexString.of(id), PDFHexString.of(id)]);
  return pdf;
}

export async function readPdfInfo(pdf: Uint8Array): Promise<PdfInfo> {
  return pdfInfo(await PDFDocument.load(pdf, LOAD_OPTIONS));
}

export function pdfInfo(doc: PDFDocument): PdfInfo {
  const first = doc.getPage(0);
  const { width, height } = first.getMediaBox();
  const outlines = doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict);
  return { pages: doc.getPageCount(), width, height, hasOutline: Boolean(outlines?.get(PDFName.of('First'))) };
}

/**
 * Pages Chrome shrank to fit: when anything is wider than the page, Chrome scales the whole page
 * down a little (every 16 pt becomes 15.98 pt) and says nothing. Its page content starts with two
 * `cm` operators whose product is 0.75 (CSS px → pt) when nothing was shrunk.
 */
export async function shrunkPages(pdf: Uint8Array): Promise<ShrunkPage[]> {
  return shrunkPagesOf(await PDFDocument.load(pdf, LOAD_OPTIONS));
}

export interface ShrunkPage {
  page: number;
  /** 1 when nothing was shrunk */
  scale: number;
}

function shrunkPagesOf(doc: PDFDocument): ShrunkPage[] {
  const shrunk: ShrunkPage[] = [];
  doc.getPages().forEach((page, i) => {
    const node = page.node.Contents();
    const contents = node instanceof PDFArray ? node.lookup(0) : node;
    if (!(contents instanceof PDFRawStream)) return;
    const head = Buffer.from(streamBytes(contents).subarray(0, 400)).toString('latin1');
    const cms = [...head.matchAll(/([-\d.]+) [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ cm/g)].slice(0, 2).map((m) => Math.abs(Number(m[1])));
    if (cms.length < 2) return;
    const scale = cms[0]! * cms[1]!;
    if (Math.abs(scale - 0.75) > 0.0001) shrunk.push({ page: i + 1, scale: scale / 0.75 });
  });
  return shrunk;
}

/**
 * Chrome names the elements of its structure tree after DOM node ids (node00000111). Which element
 * gets the lower id changes from run to run (ids are handed out as nodes are first asked for), so
 * rename them in the order the elements stand in the file, and rebuild the ID tree sorted by the
 * new names.
 */
function renumberStructureIds(doc: PDFDocument): void {
  const NODE_ID = /^node(\d+)$/;
  const visit = (obj: PDFObject, use: (s: PDFString) => PDFObject | undefined) => {
    const each = (value: PDFObject, set: (v: PDFObject) => void) => {
      if (value instanceof PDFString && NODE_ID.test(value.asString())) {
        const next = use(value);
        if (next) set(next);
      } else if (value instanceof PDFDict || value instanceof PDFArray) visit(value, use);
    };
    if (obj instanceof PDFDict) for (const [key, value] of obj.entries()) each(value, (v) => obj.set(key, v));
    else if (obj instanceof PDFArray) obj.asArray().forEach((value, i) => each(value, (v) => obj.set(i, v)));
  };
  const objects = doc.context
    .enumerateIndirectObjects()
    .sort(([a], [b]) => a.objectNumber - b.objectNumber)
    .map(([, obj]) => obj);
  // Elements' own /ID first, in object order; an id used only elsewhere comes after them.
  const order = new Set<string>();
  for (const obj of objects) {
    const id = obj instanceof PDFDict ? obj.get(PDFName.of('ID')) : undefined;
    if (id instanceof PDFString && NODE_ID.test(id.asString())) order.add(id.asString());
  }
  const others = new Set<string>();
  for (const obj of objects) visit(obj, (s) => void (order.has(s.asString()) || others.add(s.asString())));
  [...others].sort((a, b) => Number(NODE_ID.exec(a)![1]) - Number(NODE_ID.exec(b)![1])).forEach((id) => order.add(id));
  if (order.size === 0) return;
  const width = Math.max(8, String(order.size).length);
  const renamed = new Map([...order].map((id, i) => [id, PDFString.of(`node${String(i + 1).padStart(width, '0')}`)]));
  for (const obj of objects) visit(obj, (s) => renamed.get(s.asString()));
  rebuildIdTree(doc);
}

/** The structure tree's ID tree as one leaf, its names sorted (a name tree must be). */
function rebuildIdTree(doc: PDFDocument): void {
  const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'));
  if (!(root instanceof PDFDict)) return;
  const tree = root.lookup(PDFName.of('IDTree'));
  if (!(tree instanceof PDFDict)) return;
  const pairs: [string, PDFObject][] = [];
  const old = [root.get(PDFName.of('IDTree'))];
  const walk = (node: PDFDict) => {
    const names = node.lookup(PDFName.of('Names'));
    if (names instanceof PDFArray) {
      for (let i = 0; i + 1 < names.size(); i += 2) {
        const name = names.get(i);
        if (name instanceof PDFString || name instanceof PDFHexString) pairs.push([name.decodeText(), names.get(i + 1)]);
      }
    }
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) for (const kid of kids.asArray()) {
      old.push(kid);
      const dict = doc.context.lookup(kid);
      if (dict instanceof PDFDict) walk(dict);
    }
  };
  walk(tree);
  for (const ref of old) if (ref instanceof PDFRef) doc.context.delete(ref);
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const names = doc.context.obj([]);
  for (const [name, ref] of pairs) {
    names.push(PDFString.of(name));
    names.push(ref);
  }
  root.set(PDFName.of('IDTree'), doc.context.obj({ Names: names }));
}
