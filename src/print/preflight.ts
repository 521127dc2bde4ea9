// Preflight: what a print shop checks in a PDF before it prints, read from the file itself.
//
// The check has two halves.
// 1. The resource walk visits every page's Resources, and the resources of the forms,
//    Type 3 fonts and tiling patterns inside them. It lists the fonts, the colour spaces
//    and the graphics states, images and groups that bring transparency.
// 2. The content walk runs each page's content stream through a small interpreter that
//    tracks the CTM (q/Q/cm, into forms through their /Matrix) and the text state. It finds
//    where images are placed (their effective ppi), how large text prints, and which
//    colour operators paint.
// Problems are collected per object, with the pages they occur on, so that a resource
// shared by eight pages gives one line ("pages 1–8, ExtGState /G3: …"), not eight.

import { readFile } from 'node:fs/promises';
import { PDFArray, PDFBool, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFObject, PDFPageLeaf, PDFRawStream, PDFRef, PDFString } from 'pdf-lib';
import { INLINE_SPACES, LOAD_OPTIONS, Name, operations, pageContent, streamBytes, type Value } from './pdf-content.js';
import { UserError } from '../errors.js';

// ---------------------------------------------------------------------------------------
// The report

export interface PreflightOptions {
  /** Fail an image below this effective resolution. Default 150. */
  minPpi?: number;
  /** Warn about an image below this effective resolution. Default 300. */
  warnPpi?: number;
  /** Warn about text printed smaller than this, in pt. Default 5 (八号). */
  minTextPt?: number;
}

export type BoxName = 'MediaBox' | 'CropBox' | 'BleedBox' | 'TrimBox' | 'ArtBox';
/** [left, bottom, right, top] in pt, UserUnit applied. */
export type Rect = [number, number, number, number];

export interface PageReport {
  page: number;
  boxes: Record<BoxName, Rect>;
  /** The boxes the page sets (or inherits); the others take their defaults (CropBox = MediaBox, the rest = CropBox). */
  setBoxes: BoxName[];
  rotate: number;
  userUnit: number;
  /** The page has /Group << /S /Transparency >>: a blending space, not transparency by itself. */
  transparencyGroup: boolean;
  smallestTextPt: number | undefined;
}

export interface FontReport {
  /** BaseFont with its subset tag; a nameless Type 3 font is named by its resource. */
  name: string;
  /** As pdffonts names it: 'CID TrueType', 'TrueType', 'Type 1', 'Type 1C', 'CID Type 0C', 'Type 3', … */
  type: string;
  embedded: boolean;
  subset: boolean;
  toUnicode: boolean;
  pages: number[];
  /** Resource path of its first use, e.g. 'Font /F4' or 'XObject /Fm0 → Font /T3'. */
  where: string;
}

export interface ImageReport {
  page: number;
  /** 'XObject /Im1', 'XObject /Fm0 → XObject /Im1', 'inline image 2' */
  where: string;
  width: number;
  height: number;
  colourSpace: string;
  bitsPerComponent: number;
  filter: string;
  placedWidthPt: number;
  placedHeightPt: number;
  ppiX: number;
  ppiY: number;
  softMask: boolean;
}

export interface OutputIntent {
  /** GTS_PDFX, GTS_PDFA1, … */
  subtype: string;
  condition: string | undefined;
  info: string | undefined;
  /** N of the DestOutputProfile: 4 for CMYK, 3 for RGB, 1 for grey. */
  profileComponents: number | undefined;
}

export interface PreflightReport {
  file: string;
  pdfVersion: string;
  pages: PageReport[];
  fonts: FontReport[];
  colourSpaces: string[];
  /** The pages each colour space appears on. */
  colourSpacePages: Record<string, number[]>;
  /** GTS_PDFXVersion from the document information, e.g. 'PDF/X-3:2002'. */
  pdfx: string | undefined;
  outputIntents: OutputIntent[];
  images: ImageReport[];
  /** Where and what, e.g. 'page 2, ExtGState /GS0: fill opacity ca 0.5'. Each is also an error. */
  transparency: string[];
  smallestTextPt: number | undefined;
  smallestText: { pt: number; page: number; font: string } | undefined;
  /** Forms with a transparency group: not transparency in use, but PDF/X-3 flattens such a page. Also listed in info. */
  transparencyGroups: string[];
  /** Facts that are not problems (page transparency groups, form groups). */
  info: string[];
  errors: string[];
  warnings: string[];
  /** Time the check took, in ms. */
  ms: number;
}

interface Limits {
  minPpi: number;
  warnPpi: number;
  minTextPt: number;
}

/** Check a PDF for print: boxes, fonts, colour, image resolution, transparency, text size. */
export async function preflight(file: string | Uint8Array, options: PreflightOptions = {}): Promise<PreflightReport> {
  const started = performance.now();
  const limits = readOptions(options);
  const name = typeof file === 'string' ? file : '(bytes)';
  let bytes: Uint8Array;
  try {
    bytes = typeof file === 'string' ? await readFile(file) : file;
  } catch (cause) {
    throw new UnreadablePdf(`${name}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`, { cause });
  }
  return checkDocument(await loadPdf(bytes, name), bytes, name, limits, started);
}

/**
 * Preflight a document already parsed from `bytes` (the renderer's, as pdf-lib saved it): the
 * briefing's pipeline parsed its PDF three times over, some 100 ms of it.
 */
export function preflightDocument(doc: PDFDocument, bytes: Uint8Array, name: string, options: PreflightOptions = {}): PreflightReport {
  return checkDocument(doc, bytes, name, readOptions(options), performance.now());
}

function checkDocument(doc: PDFDocument, bytes: Uint8Array, name: string, limits: Limits, started: number): PreflightReport {
  const check = new Check(limits);
  try {
    const pages = doc.getPages();
    if (pages.length === 0) throw new Error('it has no pages');
    pages.forEach((page, i) => check.page(page.node, i + 1));
    check.document(doc);
    return check.report(name, pdfVersion(bytes, doc), performance.now() - started);
  } catch (cause) {
    if (cause instanceof UnreadablePdf) throw cause;
    throw new UnreadablePdf(`${name}: not a readable PDF (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
}

/** A file preflight cannot read as a PDF: truncated, encrypted, or not a PDF at all. */
export class UnreadablePdf extends UserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { exitCode: 1, place: { file: message.split(': ')[0] }, cause: options?.cause });
    this.name = 'UnreadablePdf';
  }
}

/**
 * What on one page brings transparency, by resource path: 'ExtGState /GS0: fill opacity ca 0.5, expected 1',
 * 'XObject /Fm0: form with a transparency group'. The resource walk of preflight, without the page's content.
 */
export function pageTransparency(leaf: PDFPageLeaf): string[] {
  const check = new Check(readOptions({}));
  check.walkResources(leaf.Resources(), { page: 0, path: '' }, new Set());
  return check.transparencyFound();
}

function readOptions(options: PreflightOptions): Limits {
  const limits = { minPpi: options.minPpi ?? 150, warnPpi: options.warnPpi ?? 300, minTextPt: options.minTextPt ?? 5 };
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
      throw new TypeError(`preflight options: ${key}: expected a positive number, received ${JSON.stringify(value)}`);
    }
  }
  return limits;
}

async function loadPdf(bytes: Uint8Array, name: string): Promise<PDFDocument> {
  try {
    return await PDFDocument.load(bytes, LOAD_OPTIONS);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/encrypted/i.test(message)) {
      throw new UnreadablePdf(`${name}: the PDF is encrypted; expected an unencrypted PDF (print shops cannot check or impose encrypted files)`, { cause });
    }
    throw new UnreadablePdf(`${name}: not a readable PDF (${message})`, { cause });
  }
}

function pdfVersion(bytes: Uint8Array, doc: PDFDocument): string {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  const header = /%PDF-(\d\.\d)/.exec(head)?.[1] ?? '?';
  const catalog = nameOf(doc.catalog.lookup(N('Version')));
  return catalog && catalog > header ? catalog : header;
}

// ---------------------------------------------------------------------------------------
// Findings: problems keyed by object and message, with the pages they occur on

class Findings {
  private readonly items = new Map<string, { pages: Set<number>; where: string; what: string }>();

  /** page 0 means the whole document. */
  add(page: number, where: string, what: string, key = `${where}|${what}`): void {
    const item = this.items.get(key) ?? { pages: new Set<number>(), where, what };
    if (page > 0) item.pages.add(page);
    this.items.set(key, item);
  }

  lines(): string[] {
    return [...this.items.values()].map(({ pages, where, what }) => {
      const place = [pages.size ? pageList([...pages]) : '', where].filter(Boolean).join(', ');
      return place ? `${place}: ${what}` : what;
    });
  }
}

/** "page 3", "pages 1–8", "pages 1, 3, 5–7" */
function pageList(pages: number[]): string {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    runs.push(j > i ? `${sorted[i]}–${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return `${sorted.length === 1 ? 'page' : 'pages'} ${runs.join(', ')}`;
}

// ---------------------------------------------------------------------------------------
// Reading pdf-lib objects

const N = (name: string) => PDFName.of(name);

function nameOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

function numberOf(obj: PDFObject | undefined): number | undefined {
  return obj instanceof PDFNumber ? obj.asNumber() : undefined;
}

function textOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

function isTrue(obj: PDFObject | undefined): boolean {
  return obj instanceof PDFBool && obj.asBoolean();
}

function numbersOf(arr: PDFArray | undefined): number[] {
  if (!arr) return [];
  return Array.from({ length: arr.size() }, (_, i) => numberOf(arr.lookup(i)) ?? NaN);
}

/** A dict's own dict (Type3 fonts, forms and patterns are streams: their dict). */
function dictOf(obj: PDFObject | undefined): PDFDict | undefined {
  if (obj instanceof PDFRawStream) return obj.dict;
  return obj instanceof PDFDict ? obj : undefined;
}

const ids = new WeakMap<object, string>();
let nextId = 0;
/** A key for an object: its reference when it has one, else its identity. */
function keyOf(obj: PDFObject): string {
  if (obj instanceof PDFRef) return obj.toString();
  let id = ids.get(obj);
  if (!id) ids.set(obj, (id = `#${nextId++}`));
  return id;
}

/** The named entries of one category of a Resources dict, resolved. */
function resourceEntries(res: PDFDict | undefined, category: string): { name: string; obj: PDFObject; key: string }[] {
  const dict = res?.lookupMaybe(N(category), PDFDict);
  if (!dict) return [];
  return dict.entries().flatMap(([name, value]) => {
    const obj = dict.context.lookup(value);
    return obj ? [{ name: name.decodeText(), obj, key: keyOf(value) }] : [];
  });
}

function resource(res: PDFDict | undefined, category: string, name: string): { obj: PDFObject; key: string } | undefined {
  const dict = res?.lookupMaybe(N(category), PDFDict);
  const value = dict?.get(N(name));
  const obj = value && dict?.context.lookup(value);
  return value && obj ? { obj, key: keyOf(value) } : undefined;
}

function filterName(dict: PDFDict): string {
  const filter = dict.lookup(N('Filter'));
  if (filter instanceof PDFArray) return Array.from({ length: filter.size() }, (_, i) => nameOf(filter.lookup(i))).join('+');
  return nameOf(filter) ?? 'none';
}

// ---------------------------------------------------------------------------------------
// Colour spaces

const DEVICE_SPACES = new Set(['DeviceGray', 'DeviceRGB', 'DeviceCMYK', 'Pattern']);

/** 'DeviceRGB', 'ICCBased(N=4)', 'Indexed(DeviceRGB, 255)', 'Separation(PANTONE 186 C)', … */
function describeColourSpace(obj: PDFObject | undefined, depth = 0): string {
  const name = nameOf(obj);
  if (name) return name;
  if (!(obj instanceof PDFArray) || obj.size() === 0 || depth > 4) return 'unknown';
  const family = nameOf(obj.lookup(0)) ?? 'unknown';
  switch (family) {
    case 'ICCBased': {
      const n = numberOf(dictOf(obj.lookup(1))?.lookup(N('N')));
      return `ICCBased(N=${n ?? '?'})`;
    }
    case 'Indexed':
      return `Indexed(${describeColourSpace(obj.lookup(1), depth + 1)}, ${numberOf(obj.lookup(2)) ?? '?'})`;
    case 'Separation':
      return `Separation(${nameOf(obj.lookup(1)) ?? '?'})`;
    case 'DeviceN': {
      const names = obj.lookup(1);
      const inks = names instanceof PDFArray ? Array.from({ length: names.size() }, (_, i) => nameOf(names.lookup(i))) : [];
      return `DeviceN(${inks.join(', ')})`;
    }
    case 'Pattern':
      return obj.size() > 1 ? `Pattern(${describeColourSpace(obj.lookup(1), depth + 1)})` : 'Pattern';
    default:
      return family;
  }
}

/** Order for the report: device spaces first, then the rest by name. */
function colourOrder(a: string, b: string): number {
  const rank = (s: string) => ['DeviceGray', 'DeviceRGB', 'DeviceCMYK'].indexOf(s) + 1 || 9;
  return rank(a) - rank(b) || a.localeCompare(b);
}

// ---------------------------------------------------------------------------------------
// Fonts

interface FontFacts {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  toUnicode: boolean;
  /** The em in text-space units: 1, except for Type 3 fonts, which have no em of their own;
   *  for them 1000 glyph units count as the em, as Chrome and most writers make them. */
  scale: number;
}

function describeFont(font: PDFDict, resourceName: string): FontFacts {
  const subtype = nameOf(font.lookup(N('Subtype'))) ?? '?';
  const baseFont = nameOf(font.lookup(N('BaseFont')));
  const toUnicode = font.has(N('ToUnicode'));
  if (subtype === 'Type3') {
    const matrix = numbersOf(font.lookupMaybe(N('FontMatrix'), PDFArray));
    const scale = matrix.length === 6 ? Math.hypot(matrix[2]!, matrix[3]!) / 0.001 : 1;
    const name = baseFont ?? nameOf(font.lookup(N('Name'))) ?? `/${resourceName}`;
    return { name, type: 'Type 3', embedded: true, subset: false, toUnicode, scale };
  }
  const descendant = subtype === 'Type0' ? dictOf(font.lookupMaybe(N('DescendantFonts'), PDFArray)?.lookup(0)) : undefined;
  const descriptor = (descendant ?? font).lookupMaybe(N('FontDescriptor'), PDFDict);
  const file = ['FontFile', 'FontFile2', 'FontFile3'].find((key) => descriptor?.has(N(key)));
  const file3 = file === 'FontFile3' ? nameOf(dictOf(descriptor?.lookup(N('FontFile3')))?.lookup(N('Subtype'))) : undefined;
  const cidType = descendant && nameOf(descendant.lookup(N('Subtype')));
  const name = baseFont ?? `/${resourceName}`;
  return { name, type: fontType(subtype, cidType, file, file3), embedded: file !== undefined, subset: /^[A-Z]{6}\+/.test(name), toUnicode, scale: 1 };
}

/** The font type, worded as pdffonts words it. */
function fontType(subtype: string, cidType: string | undefined, file: string | undefined, file3: string | undefined): string {
  const ot = file3 === 'OpenType' ? ' (OT)' : '';
  if (subtype === 'Type0') {
    if (cidType === 'CIDFontType2') return `CID TrueType${ot}`;
    return file === 'FontFile3' ? `CID Type 0C${ot}` : 'CID Type 0';
  }
  if (subtype === 'TrueType') return `TrueType${ot}`;
  if (subtype === 'Type1' || subtype === 'MMType1') return file === 'FontFile3' ? `Type 1C${ot}` : 'Type 1';
  return subtype;
}

// ---------------------------------------------------------------------------------------
// Transparency in graphics states

/** What makes an ExtGState transparent; empty for CA 1, ca 1, BM /Normal (what Chrome writes). */
function extGStateTransparency(gs: PDFDict): string[] {
  const found: string[] = [];
  const stroke = numberOf(gs.lookup(N('CA')));
  const fill = numberOf(gs.lookup(N('ca')));
  if (stroke !== undefined && stroke < 1) found.push(`stroke opacity CA ${stroke}, expected 1`);
  if (fill !== undefined && fill < 1) found.push(`fill opacity ca ${fill}, expected 1`);
  const smask = gs.lookup(N('SMask'));
  if (smask && smask !== N('None')) {
    const kind = nameOf(dictOf(smask)?.lookup(N('S')));
    found.push(`soft mask SMask${kind ? ` /${kind}` : ''}, expected /None`);
  }
  const bmObj = gs.lookup(N('BM'));
  const blend = bmObj instanceof PDFArray ? nameOf(bmObj.lookup(0)) : nameOf(bmObj);
  if (blend && blend !== 'Normal' && blend !== 'Compatible') found.push(`blend mode /${blend}, expected /Normal`);
  return found;
}

// ---------------------------------------------------------------------------------------
// Geometry

export type Matrix = readonly [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** m × n: first m, then n (PDF's row-vector convention). */
export function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[1] * n[2],
    m[0] * n[1] + m[1] * n[3],
    m[2] * n[0] + m[3] * n[2],
    m[2] * n[1] + m[3] * n[3],
    m[4] * n[0] + m[5] * n[2] + n[4],
    m[4] * n[1] + m[5] * n[3] + n[5],
  ];
}

function toMatrix(values: readonly unknown[]): Matrix | undefined {
  if (values.length !== 6 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
  return [...values] as unknown as Matrix; // a copy: the caller reuses its operand array
}

const MM_PER_PT = 25.4 / 72;

/** Trim trailing zeros: 594.96, 841.92, 72 */
function fmt(n: number, digits = 2): string {
  return String(Number(n.toFixed(digits)));
}

function rectSize(r: Rect): string {
  const w = r[2] - r[0];
  const h = r[3] - r[1];
  const at = r[0] !== 0 || r[1] !== 0 ? ` at ${fmt(r[0])},${fmt(r[1])}` : '';
  return `${fmt(w)}×${fmt(h)} pt (${(w * MM_PER_PT).toFixed(1)}×${(h * MM_PER_PT).toFixed(1)} mm)${at}`;
}

function inside(inner: Rect, outer: Rect, tolerance = 0.01): boolean {
  return inner[0] >= outer[0] - tolerance && inner[1] >= outer[1] - tolerance && inner[2] <= outer[2] + tolerance && inner[3] <= outer[3] + tolerance;
}

function rectOf(obj: PDFObject | undefined, leaf: PDFPageLeaf, unit: number): Rect | undefined {
  const arr = leaf.context.lookup(obj);
  if (!(arr instanceof PDFArray)) return undefined;
  const v = numbersOf(arr);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) return undefined;
  const [x0, y0, x1, y1] = v as [number, number, number, number];
  return [Math.min(x0, x1) * unit, Math.min(y0, y1) * unit, Math.max(x0, x1) * unit, Math.max(y0, y1) * unit];
}

const BOX_NAMES: BoxName[] = ['MediaBox', 'CropBox', 'BleedBox', 'TrimBox', 'ArtBox'];

// ---------------------------------------------------------------------------------------
// The check: one object that walks the pages and collects what it finds

interface Scope {
  page: number;
  /** Resource path down to this scope, '' on the page itself. */
  path: string;
}

const at = (scope: Scope, category: string, name: string) => `${scope.path}${category} /${name}`;
/** The path prefix for what lies inside a resource. */
const into = (where: string): string => `${where} → `;

class Check {
  private readonly pages: PageReport[] = [];
  private readonly fonts = new Map<string, FontFacts & { pages: Set<number>; where: string }>();
  private readonly fontFacts = new Map<PDFDict, FontFacts>();
  private readonly colours = new Map<string, Set<number>>();
  private readonly images: ImageReport[] = [];
  private readonly errors = new Findings();
  private readonly warnings = new Findings();
  private readonly transparency = new Findings();
  private readonly info = new Findings();
  /** Form transparency groups: info here, but Ghostscript's PDF/X-3 flattens a page with one. */
  private readonly groups = new Findings();
  private smallest: { pt: number; page: number; font: string } | undefined;
  private pdfx: string | undefined;
  private readonly outputIntents: OutputIntent[] = [];

  constructor(private readonly limits: Limits) {}

  page(leaf: PDFPageLeaf, page: number): void {
    const userUnit = numberOf(leaf.lookup(N('UserUnit'))) ?? 1;
    const report = this.boxes(leaf, page, userUnit);
    this.pages.push(report);
    const res = leaf.Resources();
    const scope: Scope = { page, path: '' };
    this.walkResources(res, scope, new Set());
    const content = pageContent(leaf, (stream) => this.decode(stream, scope, 'content stream'));
    new ContentWalk(this, content, res, scope, [userUnit, 0, 0, userUnit, 0, 0], new Set()).run();
  }

  // -- page boxes ------------------------------------------------------------------------

  private boxes(leaf: PDFPageLeaf, page: number, unit: number): PageReport {
    const own = (name: BoxName) =>
      rectOf(name === 'MediaBox' || name === 'CropBox' ? leaf.getInheritableAttribute(N(name)) : leaf.get(N(name)), leaf, unit);
    const media = own('MediaBox');
    if (!media) this.errors.add(page, '', 'no valid MediaBox; expected [left bottom right top] (612×792 pt assumed)');
    const mediaBox = media ?? [0, 0, 612 * unit, 792 * unit];
    const crop = own('CropBox') ?? mediaBox;
    const boxes: Record<BoxName, Rect> = {
      MediaBox: mediaBox,
      CropBox: crop,
      BleedBox: own('BleedBox') ?? crop,
      TrimBox: own('TrimBox') ?? crop,
      ArtBox: own('ArtBox') ?? crop,
    };
    const setBoxes = BOX_NAMES.filter((name) => own(name) !== undefined);
    this.checkBoxes(boxes, setBoxes, page);
    const group = leaf.lookupMaybe(N('Group'), PDFDict);
    const transparencyGroup = nameOf(group?.lookup(N('S'))) === 'Transparency';
    if (transparencyGroup) this.info.add(page, '', 'page-level transparency group (/Group << /S /Transparency >>): a blending space, not transparency in use');
    const rotate = numberOf(leaf.context.lookup(leaf.getInheritableAttribute(N('Rotate')))) ?? 0;
    return { page, boxes, setBoxes, rotate, userUnit: unit, transparencyGroup, smallestTextPt: undefined };
  }

  private checkBoxes(boxes: Record<BoxName, Rect>, set: BoxName[], page: number): void {
    const label = (name: BoxName, fallback: string) => `${name} ${rectSize(boxes[name])}${set.includes(name) ? '' : ` (not set, so the ${fallback})`}`;
    if (!inside(boxes.TrimBox, boxes.BleedBox)) {
      this.errors.add(page, '', `${label('TrimBox', 'CropBox')} lies outside the ${label('BleedBox', 'CropBox')}; expected the TrimBox inside the BleedBox`);
    }
    if (!inside(boxes.BleedBox, boxes.MediaBox)) {
      this.errors.add(page, '', `${label('BleedBox', 'CropBox')} lies outside the MediaBox ${rectSize(boxes.MediaBox)}; expected the BleedBox inside the MediaBox`);
    }
    if (!inside(boxes.CropBox, boxes.MediaBox)) {
      this.warnings.add(page, '', `CropBox ${rectSize(boxes.CropBox)} reaches outside the MediaBox ${rectSize(boxes.MediaBox)}; viewers clip it to the MediaBox`);
    }
  }

  // -- the resource walk -----------------------------------------------------------------

  /** Fonts, graphics states, colour spaces, XObjects, patterns and shadings of one Resources dict, and of the forms, Type 3 fonts and patterns inside it. */
  walkResources(res: PDFDict | undefined, scope: Scope, seen: Set<PDFObject>): void {
    if (!res || seen.has(res)) return;
    seen.add(res);
    for (const { name, obj, key } of resourceEntries(res, 'Font')) this.font(obj, name, key, scope, seen);
    for (const { name, obj, key } of resourceEntries(res, 'ExtGState')) this.extGState(obj, at(scope, 'ExtGState', name), key, scope.page);
    for (const { obj } of resourceEntries(res, 'ColorSpace')) this.colour(describeColourSpace(obj), scope.page);
    for (const { name, obj, key } of resourceEntries(res, 'XObject')) this.xobject(obj, name, key, scope, seen);
    for (const { name, obj, key } of resourceEntries(res, 'Pattern')) this.pattern(obj, name, key, res, scope, seen);
    for (const { obj } of resourceEntries(res, 'Shading')) this.colour(describeColourSpace(dictOf(obj)?.lookup(N('ColorSpace'))), scope.page);
  }

  private font(obj: PDFObject, name: string, key: string, scope: Scope, seen: Set<PDFObject>): void {
    const dict = dictOf(obj);
    if (!dict) return;
    const where = at(scope, 'Font', name);
    const entry = this.fonts.get(key) ?? { ...this.fontFactsOf(dict, name), pages: new Set<number>(), where };
    entry.pages.add(scope.page);
    this.fonts.set(key, entry);
    if (entry.type === 'Type 3' && !seen.has(dict)) {
      seen.add(dict);
      this.walkResources(dict.lookupMaybe(N('Resources'), PDFDict), { page: scope.page, path: into(where) }, seen);
    }
  }

  fontFactsOf(dict: PDFDict, name: string): FontFacts {
    let facts = this.fontFacts.get(dict);
    if (!facts) this.fontFacts.set(dict, (facts = describeFont(dict, name)));
    return facts;
  }

  private extGState(obj: PDFObject, where: string, key: string, page: number): void {
    const dict = dictOf(obj);
    if (!dict) return;
    for (const what of extGStateTransparency(dict)) this.transparency.add(page, where, what, `${key}|${what}`);
  }

  private xobject(obj: PDFObject, name: string, key: string, scope: Scope, seen: Set<PDFObject>): void {
    if (!(obj instanceof PDFRawStream) || seen.has(obj)) return;
    seen.add(obj);
    const where = at(scope, 'XObject', name);
    const subtype = nameOf(obj.dict.lookup(N('Subtype')));
    if (subtype === 'Image') this.imageResource(obj.dict, where, key, scope.page);
    if (subtype === 'Form') {
      const group = obj.dict.lookupMaybe(N('Group'), PDFDict);
      if (nameOf(group?.lookup(N('S'))) === 'Transparency') {
        this.groups.add(scope.page, where, 'form with a transparency group', `${key}|group`);
      }
      this.walkResources(obj.dict.lookupMaybe(N('Resources'), PDFDict), { page: scope.page, path: into(where) }, seen);
    }
  }

  /** An image resource: its colour space, and whether it brings transparency with it. */
  private imageResource(dict: PDFDict, where: string, key: string, page: number): void {
    if (!isTrue(dict.lookup(N('ImageMask')))) this.colour(describeColourSpace(dict.lookup(N('ColorSpace'))), page);
    if (dict.has(N('SMask'))) this.transparency.add(page, where, 'image with a soft mask (/SMask, e.g. an alpha channel)', `${key}|smask`);
    if ((numberOf(dict.lookup(N('SMaskInData'))) ?? 0) > 0) this.transparency.add(page, where, 'JPEG 2000 image with alpha (/SMaskInData)', `${key}|smaskindata`);
    if (dict.has(N('Mask'))) {
      const kind = dict.lookup(N('Mask')) instanceof PDFArray ? 'colour-key mask' : 'stencil mask';
      this.warnings.add(page, where, `image with a hard /Mask (${kind}): not transparency, PDF/X-1a and X-3 allow it, but check the edges after flattening`, `${key}|mask`);
    }
  }

  private pattern(obj: PDFObject, name: string, key: string, res: PDFDict, scope: Scope, seen: Set<PDFObject>): void {
    const dict = dictOf(obj);
    if (!dict || seen.has(dict)) return;
    seen.add(dict);
    const where = at(scope, 'Pattern', name);
    const gs = dict.lookupMaybe(N('ExtGState'), PDFDict);
    if (gs) this.extGState(gs, where, key, scope.page);
    const shading = dictOf(dict.lookup(N('Shading')));
    if (shading) this.colour(describeColourSpace(shading.lookup(N('ColorSpace'))), scope.page);
    if (!(obj instanceof PDFRawStream)) return;
    // A tiling pattern: its cells are content of their own. Its matrix maps to the page's
    // default space, which is exact for page-level patterns and an approximation inside forms.
    const inner: Scope = { page: scope.page, path: into(where) };
    const patternRes = dict.lookupMaybe(N('Resources'), PDFDict) ?? res;
    this.walkResources(patternRes, inner, seen);
    const matrix = toMatrix(numbersOf(dict.lookupMaybe(N('Matrix'), PDFArray))) ?? IDENTITY;
    const content = this.decode(obj, inner);
    if (content) new ContentWalk(this, content, patternRes, inner, matrix, new Set([obj])).run();
  }

  decode(stream: PDFRawStream, scope: Scope, what = 'stream'): Uint8Array | undefined {
    try {
      return streamBytes(stream);
    } catch (cause) {
      this.errors.add(scope.page, scope.path.replace(/ → $/, ''), `the ${what} could not be decoded (${filterName(stream.dict)}): ${(cause as Error).message}`);
      return undefined;
    }
  }

  // -- what the content walk reports -------------------------------------------------------

  colour(space: string, page: number): void {
    const pages = this.colours.get(space) ?? new Set<number>();
    pages.add(page);
    this.colours.set(space, pages);
  }

  image(image: ImageReport): void {
    this.images.push(image);
    // Pixel sizes are rounded (A4 at 300 dpi is 2480 px, 299.95 ppi), so compare whole ppi.
    const ppi = Math.round(Math.min(image.ppiX, image.ppiY));
    const what = `${image.width}×${image.height} px placed at ${fmt(image.placedWidthPt * MM_PER_PT, 1)}×${fmt(image.placedHeightPt * MM_PER_PT, 1)} mm is ${fmt(ppi, 0)} ppi`;
    if (ppi < this.limits.minPpi) this.errors.add(image.page, image.where, `${what}; expected at least ${this.limits.minPpi} ppi (${this.limits.warnPpi} for sharp print)`);
    else if (ppi < this.limits.warnPpi) this.warnings.add(image.page, image.where, `${what}; ${this.limits.warnPpi} ppi or more prints sharp`);
  }

  text(pt: number, page: number, font: string): void {
    const report = this.pages[page - 1];
    if (report && (report.smallestTextPt === undefined || pt < report.smallestTextPt)) report.smallestTextPt = pt;
    if (!this.smallest || pt < this.smallest.pt) this.smallest = { pt, page, font };
  }

  contentError(scope: Scope, what: string): void {
    this.errors.add(scope.page, scope.path.replace(/ → $/, ''), what);
  }

  transparencyFound(): string[] {
    return [...this.transparency.lines(), ...this.groups.lines()];
  }

  // -- the document as a whole -------------------------------------------------------------

  document(doc: PDFDocument): void {
    const info = doc.context.lookup(doc.context.trailerInfo.Info);
    this.pdfx = info instanceof PDFDict ? textOf(info.lookup(N('GTS_PDFXVersion'))) : undefined;
    const intents = doc.catalog.lookupMaybe(N('OutputIntents'), PDFArray);
    for (let i = 0; intents && i < intents.size(); i++) {
      const intent = dictOf(intents.lookup(i));
      if (!intent) continue;
      this.outputIntents.push({
        subtype: nameOf(intent.lookup(N('S'))) ?? '?',
        condition: textOf(intent.lookup(N('OutputConditionIdentifier'))),
        info: textOf(intent.lookup(N('Info'))),
        profileComponents: numberOf(dictOf(intent.lookup(N('DestOutputProfile')))?.lookup(N('N'))),
      });
    }
    this.checkPdfx();
  }

  /** A file that says it is PDF/X must keep the promises a RIP relies on. */
  private checkPdfx(): void {
    if (!this.pdfx) return;
    const intent = this.outputIntents.find((i) => i.subtype === 'GTS_PDFX');
    if (!intent) this.errors.add(0, '', `the file says ${this.pdfx} but has no GTS_PDFX output intent; expected /OutputIntents in the catalog`);
    const untrimmed = this.pages.filter((p) => !p.setBoxes.includes('TrimBox') && !p.setBoxes.includes('ArtBox')).map((p) => p.page);
    for (const page of untrimmed) this.errors.add(page, '', `${this.pdfx} requires a TrimBox or ArtBox; the page has neither`, 'pdfx-trim');
    if (intent?.profileComponents === 4 && this.colours.has('DeviceRGB')) {
      this.warnings.add(0, '', `DeviceRGB in a ${this.pdfx} file with a CMYK output intent; expected DeviceCMYK or DeviceGray`);
    }
  }

  report(file: string, pdfVersion: string, ms: number): PreflightReport {
    const fonts = [...this.fonts.values()].map(({ scale: _scale, pages, ...font }) => ({ ...font, pages: [...pages].sort((a, b) => a - b) }));
    this.fontProblems(fonts);
    this.pageProblems();
    const transparency = this.transparency.lines();
    const colourSpacePages = Object.fromEntries([...this.colours].sort(([a], [b]) => colourOrder(a, b)).map(([space, pages]) => [space, [...pages].sort((a, b) => a - b)]));
    return {
      file,
      pdfVersion,
      pages: this.pages,
      fonts,
      colourSpaces: Object.keys(colourSpacePages),
      colourSpacePages,
      pdfx: this.pdfx,
      outputIntents: this.outputIntents,
      images: this.images,
      transparency,
      smallestTextPt: this.smallest?.pt,
      smallestText: this.smallest,
      transparencyGroups: this.groups.lines(),
      info: [...this.info.lines(), ...this.groups.lines().map((line) => `${line}: a blending space, not transparency in use`)],
      errors: [...this.errors.lines(), ...transparency.map((line) => `transparency in use: ${line}`)],
      warnings: this.warnings.lines(),
      ms,
    };
  }

  /** Type 3 and fonts without a font file are errors; a CID font without ToUnicode is a warning. */
  private fontProblems(fonts: FontReport[]): void {
    for (const font of fonts) {
      const named = font.name.startsWith('/') ? '' : ` (${font.name})`;
      for (const page of font.pages) {
        if (font.type === 'Type 3') {
          this.errors.add(page, `${font.where}${named}`, 'Type 3 font; expected an embedded TrueType or CFF font, received Type 3 (glyphs as drawing procedures, which print shops reject)');
        } else if (!font.embedded) {
          this.errors.add(page, `${font.where}${named}`, `font not embedded; expected every font embedded, received a ${font.type} font without a font file`);
        } else if (font.type.startsWith('CID') && !font.toUnicode) {
          this.warnings.add(page, `${font.where}${named}`, 'no ToUnicode map, so the text cannot be searched or copied');
        }
      }
    }
  }

  /** Text below the minimum size, and pages that are one image with no text. */
  private pageProblems(): void {
    const { minTextPt } = this.limits;
    for (const p of this.pages) {
      if (p.smallestTextPt !== undefined && p.smallestTextPt < minTextPt - 0.005) {
        this.warnings.add(p.page, '', `text prints at ${fmt(p.smallestTextPt)} pt; expected at least ${fmt(minTextPt)} pt${minTextPt === 5 ? ' (八号)' : ''}`);
      }
      if (p.smallestTextPt === undefined && this.images.some((i) => i.page === p.page && covers(i, p.boxes.TrimBox))) {
        this.warnings.add(p.page, '', 'the page is one image with no text: was it flattened (transparency through Ghostscript)?');
      }
    }
  }
}

// ---------------------------------------------------------------------------------------
// The content walk: a graphics-state interpreter that only tracks what preflight needs

interface GraphicsState {
  ctm: Matrix;
  font: FontFacts | undefined;
  fontSize: number;
  leading: number;
  renderMode: number;
}

const MAX_FORM_DEPTH = 16;

class ContentWalk {
  private gs: GraphicsState;
  private readonly stack: GraphicsState[] = [];
  private tm: Matrix = IDENTITY;
  private tlm: Matrix = IDENTITY;
  private inlineImages = 0;

  constructor(
    private readonly check: Check,
    private readonly content: Uint8Array,
    private readonly res: PDFDict | undefined,
    private readonly scope: Scope,
    ctm: Matrix,
    /** The forms being run, to stop a form that draws itself. */
    private readonly active: Set<PDFObject>,
  ) {
    this.gs = { ctm, font: undefined, fontSize: 0, leading: 0, renderMode: 0 };
  }

  run(): void {
    for (const { op, operands, image } of operations(this.content)) {
      this.operator(op, operands.map((o) => o.value), image);
    }
  }

  private operator(op: string, args: Value[], image: Map<string, Value> | undefined): void {
    const nums = args.filter((a): a is number => typeof a === 'number');
    switch (op) {
      // graphics state
      case 'q': this.stack.push({ ...this.gs }); break;
      case 'Q': this.gs = this.stack.pop() ?? this.gs; break;
      case 'cm': { const m = toMatrix(args); if (m) this.gs.ctm = multiply(m, this.gs.ctm); break; }
      // colour
      case 'rg': case 'RG': this.colour('DeviceRGB'); break;
      case 'k': case 'K': this.colour('DeviceCMYK'); break;
      case 'g': case 'G': this.colour('DeviceGray'); break;
      case 'cs': case 'CS': this.namedColourSpace(args[0]); break;
      case 'sh': this.shading(args[0]); break;
      // text state
      case 'BT': this.tm = this.tlm = IDENTITY; break;
      case 'Tf': this.setFont(args[0], nums[0]); break;
      case 'TL': this.gs.leading = nums[0] ?? 0; break;
      case 'Tr': this.gs.renderMode = nums[0] ?? 0; break;
      case 'Tm': { const m = toMatrix(args); if (m) this.tm = this.tlm = m; break; }
      case 'Td': this.moveLine(nums[0] ?? 0, nums[1] ?? 0); break;
      case 'TD': this.gs.leading = -(nums[1] ?? 0); this.moveLine(nums[0] ?? 0, nums[1] ?? 0); break;
      case 'T*': this.moveLine(0, -this.gs.leading); break;
      // text showing
      case 'Tj': case 'TJ': this.showText(args[0]); break;
      case "'": this.moveLine(0, -this.gs.leading); this.showText(args[0]); break;
      case '"': this.moveLine(0, -this.gs.leading); this.showText(args[2]); break;
      // XObjects and inline images
      case 'Do': this.paintXObject(args[0]); break;
      case 'BI': this.inlineImage(image ?? new Map()); break;
    }
  }

  private colour(space: string): void {
    this.check.colour(space, this.scope.page);
  }

  private namedColourSpace(name: Value | undefined): void {
    if (!(name instanceof Name)) return;
    if (DEVICE_SPACES.has(name.value)) return this.colour(name.value);
    const found = resource(this.res, 'ColorSpace', name.value);
    if (found) this.colour(describeColourSpace(found.obj));
    else this.check.contentError(this.scope, `colour space /${name.value} is used but not in the resources`);
  }

  private shading(name: Value | undefined): void {
    if (!(name instanceof Name)) return;
    const found = resource(this.res, 'Shading', name.value);
    if (found) this.colour(describeColourSpace(dictOf(found.obj)?.lookup(N('ColorSpace'))));
  }

  private setFont(name: Value | undefined, size: number | undefined): void {
    this.gs.fontSize = size ?? 0;
    if (!(name instanceof Name)) return;
    const found = resource(this.res, 'Font', name.value);
    const dict = found && dictOf(found.obj);
    this.gs.font = dict ? this.check.fontFactsOf(dict, name.value) : undefined;
    if (!dict) this.check.contentError(this.scope, `font /${name.value} is used but not in the resources`);
  }

  private moveLine(tx: number, ty: number): void {
    this.tlm = multiply([1, 0, 0, 1, tx, ty], this.tlm);
    this.tm = this.tlm;
  }

  /** The printed size of text: font size × the vertical scale of text matrix × CTM. */
  private showText(text: Value | undefined): void {
    const font = this.gs.font;
    if (!font || this.gs.renderMode === 3 || !hasGlyphs(text)) return;
    const m = multiply(this.tm, this.gs.ctm);
    const pt = Math.abs(this.gs.fontSize) * font.scale * Math.hypot(m[2], m[3]);
    if (pt > 0.01) this.check.text(pt, this.scope.page, font.name);
  }

  private paintXObject(name: Value | undefined): void {
    if (!(name instanceof Name)) return;
    const found = resource(this.res, 'XObject', name.value);
    const where = at(this.scope, 'XObject', name.value);
    if (!found || !(found.obj instanceof PDFRawStream)) {
      this.check.contentError(this.scope, `XObject /${name.value} is painted but not in the resources`);
      return;
    }
    const stream = found.obj;
    const subtype = nameOf(stream.dict.lookup(N('Subtype')));
    if (subtype === 'Image') this.placeImage(imageFacts(stream.dict), where);
    if (subtype === 'Form') this.runForm(stream, where);
  }

  private runForm(form: PDFRawStream, where: string): void {
    if (this.active.has(form) || this.active.size >= MAX_FORM_DEPTH) return;
    const scope: Scope = { page: this.scope.page, path: into(where) };
    const content = this.check.decode(form, scope);
    if (!content) return;
    const matrix = toMatrix(numbersOf(form.dict.lookupMaybe(N('Matrix'), PDFArray))) ?? IDENTITY;
    const res = form.dict.lookupMaybe(N('Resources'), PDFDict) ?? this.res;
    new ContentWalk(this.check, content, res, scope, multiply(matrix, this.gs.ctm), new Set([...this.active, form])).run();
  }

  private inlineImage(dict: Map<string, Value>): void {
    this.inlineImages++;
    const image = inlineImageFacts(dict, this.res);
    if (image.colourSpace !== 'ImageMask') this.colour(image.colourSpace);
    this.placeImage(image, `${this.scope.path}inline image ${this.inlineImages}`);
  }

  /** ppi = pixels / placed size in inches; the image's unit square is mapped by the CTM. */
  private placeImage(image: ImageFacts, where: string): void {
    const [a, b, c, d] = this.gs.ctm;
    const placedWidthPt = Math.hypot(a, b);
    const placedHeightPt = Math.hypot(c, d);
    if (placedWidthPt < 0.01 || placedHeightPt < 0.01 || image.width === 0 || image.height === 0) return;
    const ppiX = image.width / (placedWidthPt / 72);
    const ppiY = image.height / (placedHeightPt / 72);
    this.check.image({ page: this.scope.page, where, ...image, placedWidthPt, placedHeightPt, ppiX, ppiY });
  }
}

/** Whether an image is placed at least as large as 95% of a box. */
function covers(image: ImageReport, box: Rect): boolean {
  return image.placedWidthPt * image.placedHeightPt >= 0.95 * (box[2] - box[0]) * (box[3] - box[1]);
}

interface ImageFacts {
  width: number;
  height: number;
  colourSpace: string;
  bitsPerComponent: number;
  filter: string;
  softMask: boolean;
}

function imageFacts(dict: PDFDict): ImageFacts {
  const mask = isTrue(dict.lookup(N('ImageMask')));
  return {
    width: numberOf(dict.lookup(N('Width'))) ?? 0,
    height: numberOf(dict.lookup(N('Height'))) ?? 0,
    colourSpace: mask ? 'ImageMask' : describeColourSpace(dict.lookup(N('ColorSpace'))),
    bitsPerComponent: numberOf(dict.lookup(N('BitsPerComponent'))) ?? (mask ? 1 : 8),
    filter: filterName(dict),
    softMask: dict.has(N('SMask')) || (numberOf(dict.lookup(N('SMaskInData'))) ?? 0) > 0,
  };
}

/** An inline image's dict uses abbreviations: /W for /Width, /CS /RGB for /ColorSpace /DeviceRGB. */
function inlineImageFacts(dict: Map<string, Value>, res: PDFDict | undefined): ImageFacts {
  const get = (long: string, short: string) => dict.get(long) ?? dict.get(short);
  const mask = get('ImageMask', 'IM') === true;
  const filter = get('Filter', 'F');
  return {
    width: numberOr(get('Width', 'W'), 0),
    height: numberOr(get('Height', 'H'), 0),
    colourSpace: mask ? 'ImageMask' : inlineColourSpace(get('ColorSpace', 'CS'), res),
    bitsPerComponent: mask ? 1 : numberOr(get('BitsPerComponent', 'BPC'), 8),
    filter: filter === undefined ? 'none' : Array.isArray(filter) ? filter.map(nameOrFirst).join('+') : nameOrFirst(filter),
    softMask: false,
  };
}

function inlineColourSpace(cs: Value | undefined, res: PDFDict | undefined): string {
  if (Array.isArray(cs)) return nameOrFirst(cs);
  if (!(cs instanceof Name)) return 'unknown';
  const named = INLINE_SPACES[cs.value] ?? (DEVICE_SPACES.has(cs.value) ? cs.value : undefined);
  const found = named ? undefined : resource(res, 'ColorSpace', cs.value);
  return named ?? (found ? describeColourSpace(found.obj) : cs.value);
}

function numberOr(value: Value | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function nameOrFirst(value: Value): string {
  if (value instanceof Name) return value.value;
  if (Array.isArray(value) && value[0] instanceof Name) return value[0].value;
  return '?';
}

/** Whether a Tj string or TJ array shows at least one glyph byte. */
function hasGlyphs(text: Value | undefined): boolean {
  if (text instanceof Uint8Array) return text.length > 0;
  return Array.isArray(text) && text.some((part) => part instanceof Uint8Array && part.length > 0);
}

// ---------------------------------------------------------------------------------------
// The human-readable report

/** A multi-line report that ends with the verdict. */
export function formatPreflight(report: PreflightReport): string {
  const lines: string[] = [`${report.file}: PDF ${report.pdfVersion}, ${report.pages.length} ${report.pages.length === 1 ? 'page' : 'pages'} (checked in ${fmt(report.ms / 1000, 2)} s)`];
  lines.push('page boxes:', ...boxLines(report.pages).map((l) => `  ${l}`));
  lines.push(...fontLines(report.fonts));
  const spaces = report.colourSpaces.map((s) => `${s} (${pageList(report.colourSpacePages[s] ?? [])})`);
  lines.push(`colour spaces: ${spaces.join('; ') || 'none'}`);
  const intents = report.outputIntents.map((i) => `${i.subtype} ${i.condition ?? '(no OutputConditionIdentifier)'}${i.profileComponents ? `, profile N=${i.profileComponents}` : ''}`);
  lines.push(`PDF/X: ${report.pdfx ?? 'no'}; output intent: ${intents.join('; ') || 'none'}`);
  lines.push(...imageLines(report.images));
  lines.push(`transparency: ${report.transparency.length ? '' : 'none'}`.trimEnd(), ...report.transparency.map((t) => `  ${t}`));
  if (report.transparency.length) lines.push('  (Ghostscript flattens a page with transparency into one image, and its text is lost: use opaque colours)');
  const small = report.smallestText;
  lines.push(`smallest text: ${small ? `${fmt(small.pt)} pt on page ${small.page} (${small.font})` : 'no text'}`);
  if (report.info.length) lines.push('info:', ...report.info.map((l) => `  ${l}`));
  if (report.errors.length) lines.push(`errors (${report.errors.length}):`, ...report.errors.map((l) => `  ✗ ${l}`));
  if (report.warnings.length) lines.push(`warnings (${report.warnings.length}):`, ...report.warnings.map((l) => `  ! ${l}`));
  lines.push(verdict(report));
  return lines.join('\n');
}

function verdict(report: PreflightReport): string {
  const counts = `${report.errors.length} ${report.errors.length === 1 ? 'error' : 'errors'}, ${report.warnings.length} ${report.warnings.length === 1 ? 'warning' : 'warnings'}`;
  return report.errors.length ? `✗ ${counts}` : `✓ passes (${counts})`;
}

/** One line per run of pages with the same boxes. */
function boxLines(pages: PageReport[]): string[] {
  const describe = (p: PageReport) => {
    const parts = [`MediaBox ${rectSize(p.boxes.MediaBox)}`];
    const same: BoxName[] = [];
    for (const name of BOX_NAMES.slice(1)) {
      if (p.boxes[name].every((v, i) => Math.abs(v - p.boxes.MediaBox[i]!) < 0.005)) same.push(name);
      else parts.push(`${name} ${rectSize(p.boxes[name])}`);
    }
    if (same.length) parts.push(`${same.join(', ')} = MediaBox`);
    const unset = BOX_NAMES.filter((n) => !p.setBoxes.includes(n));
    if (unset.length) parts.push(`not set: ${unset.join(', ')}`);
    if (p.rotate) parts.push(`rotated ${p.rotate}°`);
    if (p.userUnit !== 1) parts.push(`UserUnit ${p.userUnit}`);
    return parts.join('; ');
  };
  const runs: { first: number; last: number; text: string }[] = [];
  for (const p of pages) {
    const text = describe(p);
    const run = runs.at(-1);
    if (run && run.text === text && run.last === p.page - 1) run.last = p.page;
    else runs.push({ first: p.page, last: p.page, text });
  }
  return runs.map((r) => `${r.first === r.last ? `page ${r.first}` : `pages ${r.first}–${r.last}`}: ${r.text}`);
}

/** Fonts grouped by name without the subset tag, type and embedding. */
function fontLines(fonts: FontReport[]): string[] {
  const groups = new Map<string, { font: FontReport; count: number; pages: Set<number> }>();
  for (const font of fonts) {
    const key = [font.name.replace(/^[A-Z]{6}\+/, ''), font.type, font.embedded, font.subset].join('|');
    const group = groups.get(key) ?? { font, count: 0, pages: new Set<number>() };
    group.count++;
    font.pages.forEach((p) => group.pages.add(p));
    groups.set(key, group);
  }
  const embedded = fonts.every((f) => f.embedded && f.type !== 'Type 3');
  const lines = [`fonts: ${fonts.length}${fonts.length ? (embedded ? ' (all embedded, none Type 3)' : '') : ''}`];
  for (const { font, count, pages } of groups.values()) {
    const state = font.type === 'Type 3' ? 'TYPE 3' : font.embedded ? `embedded${font.subset ? ', subset' : ''}` : 'NOT EMBEDDED';
    lines.push(`  ${font.name.replace(/^[A-Z]{6}\+/, '')}  ${font.type}  ${state}${count > 1 ? ` ×${count}` : ''}  ${pageList([...pages])}`);
  }
  return lines;
}

function imageLines(images: ImageReport[]): string[] {
  if (!images.length) return ['images: none'];
  const shown = images.slice(0, 40).map((i) => {
    const ppi = i.ppiX.toFixed(0) === i.ppiY.toFixed(0) ? `${fmt(i.ppiX, 0)} ppi` : `${fmt(i.ppiX, 0)}×${fmt(i.ppiY, 0)} ppi`;
    return `  page ${i.page}, ${i.where}: ${i.width}×${i.height} px ${i.colourSpace}, placed ${fmt(i.placedWidthPt * MM_PER_PT, 1)}×${fmt(i.placedHeightPt * MM_PER_PT, 1)} mm, ${ppi}${i.softMask ? ', soft mask' : ''}`;
  });
  const more = images.length > shown.length ? [`  … and ${images.length - shown.length} more`] : [];
  const lowest = Math.min(...images.map((i) => Math.min(i.ppiX, i.ppiY)));
  return [`images: ${images.length} placed, lowest ${fmt(lowest, 0)} ppi`, ...shown, ...more];
}
