// Stage 5c: print prep for offset printing, CMYK PDF/X-3 through Ghostscript. The one module that runs gs.
//
//   1. inks     Chrome writes every colour as DeviceRGB. The print inks (black K100, the red Y80 M80)
//               and neutral greys are rewritten to exact DeviceCMYK in every content stream
//               (src/print/inks.ts); pages without a TrimBox get their MediaBox as TrimBox.
//   2. gs       pdfwrite as PDF/X-3: the other colours are converted through the ICC profile, which is
//               embedded as the output intent. Fonts stay embedded (never -dNoOutputFonts).
//   3. text     Ghostscript 10.00 writes incomplete ToUnicode maps (punctuation and common hanzi come
//               back as raw CIDs) and drops the /ActualText spans with which Chrome corrects its own
//               maps (Kangxi radicals: 月 → ⽉). Text would no longer be searchable. Ghostscript keeps
//               the order of the glyphs and their CIDs, so what each input glyph stands for (its
//               ActualText, else its ToUnicode entry) is written into the ToUnicode of the output font.
//   4. fixed    Dates come from options.date (SOURCE_DATE_EPOCH), and the /ID is a hash of the file,
//               so the same input gives the same bytes.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  PDFDict,
  PDFDocument,
  pdfDocEncodingDecode,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFContext,
  type PDFPageLeaf,
} from 'pdf-lib';
import { PRINT_INKS, rewriteInks, type Ink } from './inks.js';
import { contentStreams, LOAD_OPTIONS, Name, operations, pageContent, SAVE_OPTIONS, streamBytes, type Value } from './pdf-content.js';
import { pageTransparency } from './preflight.js';


export interface PdfxOptions {
  /** CMYK ICC profile (ICC v2) for the conversion and the output intent; found on the machine when absent */
  icc?: string;
  /** Document title written into the PDF/X info dictionary */
  title: string;
  /** YYYY-MM-DD: creation and modification date, fixed so that output is reproducible */
  date: string;
  /** Colours printed as exact inks; PRINT_INKS when absent */
  inks?: Ink[];
  /** The gs executable; found on PATH when absent */
  ghostscript?: string;
  /** Diagnostic lines: ink counts, colours left for ICC conversion, text repair, gs warnings */
  log?: (line: string) => void;
  /** Repair the ToUnicode maps of Ghostscript's fonts from the input (default true; false only to see the damage) */
  repairText?: boolean;
}

export class GhostscriptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GhostscriptError';
  }
}

/** The places a CMYK profile is looked for, in order. */
export const CMYK_PROFILES = [
  '/usr/share/color/icc/ghostscript/default_cmyk.icc', // Debian libgs-common (Artifex CMYK SWOP)
  '/usr/share/ghostscript/iccprofiles/default_cmyk.icc',
  '/usr/local/share/ghostscript/iccprofiles/default_cmyk.icc',
  '/usr/share/texlive/texmf-dist/tex/generic/colorprofiles/FOGRA39L_coated.icc', // texlive-base
  '/usr/share/texmf/tex/generic/colorprofiles/FOGRA39L_coated.icc',
];

/** Convert a Chrome (RGB) PDF into a CMYK PDF/X-3 with exact inks, an output intent and searchable text. */
export async function toPdfX(rgbPdf: Uint8Array, options: PdfxOptions): Promise<Uint8Array> {
  const log = options.log ?? (() => undefined);
  const gs = options.ghostscript ?? findGhostscript();
  const icc = resolve(options.icc ?? findCmykProfile());
  const profile = readCmykProfile(icc);
  const epoch = Date.parse(`${options.date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date) || Number.isNaN(epoch)) throw new GhostscriptError(`toPdfX date: expected YYYY-MM-DD, received "${options.date}"`);

  // 1. Inks: exact CMYK for black, the red and the greys; TrimBox on every page.
  const source = await PDFDocument.load(rgbPdf, LOAD_OPTIONS);
  const inks = options.inks ?? PRINT_INKS;
  const counts = rewriteDocumentInks(source, inks);
  log(`inks: ${describeCounts(counts.replaced) || 'none'}; left for ICC conversion: ${describeCounts(counts.left) || 'none'}`);
  for (const page of source.getPages()) {
    if (!page.node.has(PDFName.of('TrimBox')) && !page.node.has(PDFName.of('ArtBox'))) {
      const m = page.getMediaBox();
      page.setTrimBox(m.x, m.y, m.width, m.height);
    }
  }
  // pdfi copies the input's info dictionary over the DOCINFO pdfmark, so the title goes in here too.
  source.setTitle(options.title);
  const sourceFonts = new Map<PDFDict, FontInfo>();
  const sourceText = source.getPages().map((page) => pageGlyphs(page.node, source.context, sourceFonts));
  const transparency = source.getPages().map((page) => pageTransparency(page.node));
  const prepared = await source.save(SAVE_OPTIONS);

  // 2. Ghostscript, in a temp folder that is removed afterwards.
  const dir = mkdtempSync(join(tmpdir(), 'shushuo-pdfx-'));
  let output: Uint8Array;
  try {
    const input = join(dir, 'in.pdf');
    const def = join(dir, 'pdfx_def.ps');
    const out = join(dir, 'out.pdf');
    writeFileSync(input, prepared);
    writeFileSync(def, pdfxDefinitions({ title: options.title, icc, profile }));
    const args = ghostscriptArgs({ icc, output: out, definitions: def, input });
    const { code, stderr } = await run(gs, args, { SOURCE_DATE_EPOCH: String(epoch / 1000) });
    if (code !== 0 || !existsSync(out)) {
      throw new GhostscriptError(`Ghostscript failed to write the PDF/X-3 (exit code ${code}): ${gs} ${args.join(' ')}\n${tail(stderr)}`);
    }
    for (const line of stderr.split('\n').filter((l) => l.trim())) log(`gs: ${line.trim()}`);
    output = readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // 3. Text: what the input's glyphs stand for, into the ToUnicode maps of the output's fonts.
  const result = await PDFDocument.load(output, LOAD_OPTIONS);
  if (result.getPageCount() !== sourceText.length) {
    throw new GhostscriptError(`Ghostscript wrote ${result.getPageCount()} pages, expected ${sourceText.length}`);
  }
  const repair = repairToUnicode(sourceText, result, options.repairText ?? true, transparency);
  log(`text: ${repair.glyphs} glyphs; ${repair.fixed} character mappings restored in ${repair.fonts} fonts${repair.conflicts ? `; ${repair.conflicts} glyphs with two texts (kept the first)` : ''}`);

  // 4. Fixed bytes. pdf-lib keeps gs's info dictionary and output intent, but always writes a
  // %PDF-1.7 header: gs's version (1.3 for PDF/X-3) goes back in. The /ID becomes a hash of the file.
  const saved = repair.fonts > 0 ? await result.save({ ...SAVE_OPTIONS, addDefaultPage: false }) : output;
  return fixFileId(withHeaderOf(output, saved));
}

/** The gs executable: `gs` on PATH. Throws an actionable error when it is missing. */
export function findGhostscript(): string {
  const names = process.platform === 'win32' ? ['gswin64c.exe', 'gswin32c.exe'] : ['gs'];
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const name of names) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  throw new GhostscriptError(
    `Ghostscript not found: looked for ${names.join(', ')} in PATH (${dirs.join(delimiter) || 'empty'}). ` +
      'Install it (Debian/Ubuntu: apt-get install ghostscript; macOS: brew install ghostscript) or pass its path as the ghostscript option.',
  );
}

/** A CMYK ICC profile on this machine. Throws an error naming the places it looked. */
export function findCmykProfile(): string {
  const found = CMYK_PROFILES.find((file) => existsSync(file));
  if (found) return found;
  throw new GhostscriptError(
    `No CMYK ICC profile found: looked for ${CMYK_PROFILES.join(', ')}. ` +
      'Install libgs-common (Ghostscript\'s default_cmyk.icc) or texlive-base (FOGRA39L_coated.icc), or give the profile of your print shop with --icc FILE.',
  );
}

/** The gs command line for PDF/X-3 (without the executable). */
export function ghostscriptArgs(files: { icc: string; definitions: string; input: string; output: string }): string[] {
  return [
    '-dPDFX',
    '-dBATCH',
    '-dNOPAUSE',
    '-dSAFER',
    '-dQUIET',
    '-sDEVICE=pdfwrite',
    '-dPDFSETTINGS=/prepress',
    '-sColorConversionStrategy=CMYK',
    '-sProcessColorModel=DeviceCMYK',
    `-sOutputICCProfile=${files.icc}`,
    `--permit-file-read=${files.icc}`,
    // Gradients become images; give them room instead of coarse steps.
    '-dMaxShadingBitmapSize=16000000',
    '-dAutoRotatePages=/None',
    `-sOutputFile=${files.output}`,
    files.definitions,
    files.input,
  ];
}

// ---------------------------------------------------------------------------------------------
// The ICC profile and the PDF/X definitions (after Ghostscript's lib/PDFX_def.ps)

export interface CmykProfile {
  /** The profile's description tag */
  description: string;
  /** Registered characterisation (FOGRA39, CGATS TR 001 …) or Custom */
  identifier: string;
  bytes: number;
}

/** Read and check a CMYK ICC profile: an output (prtr) profile in CMYK, ICC version 2 as PDF/X-3 needs. */
export function readCmykProfile(file: string): CmykProfile {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new GhostscriptError(`ICC profile ${file}: cannot be read (${(err as Error).message})`, { cause: err });
  }
  if (data.length < 132 || data.toString('latin1', 36, 40) !== 'acsp') throw new GhostscriptError(`ICC profile ${file}: not an ICC profile (no "acsp" signature)`);
  const space = data.toString('latin1', 16, 20);
  if (space !== 'CMYK') throw new GhostscriptError(`ICC profile ${file}: expected a CMYK profile, received a ${space.trim()} profile (give the CMYK output profile of the print shop)`);
  const version = data[8]!;
  if (version !== 2) throw new GhostscriptError(`ICC profile ${file}: PDF/X-3 needs an ICC version 2 profile, received version ${version}.${data[9]! >> 4} (ask the print shop for the v2 profile)`);
  const description = iccDescription(data) ?? file.split(/[\\/]/).pop()!;
  return { description, identifier: outputConditionIdentifier(description), bytes: data.length };
}

function iccDescription(data: Buffer): string | undefined {
  const count = data.readUInt32BE(128);
  for (let i = 0; i < count && 132 + 12 * (i + 1) <= data.length; i++) {
    const at = 132 + 12 * i;
    if (data.toString('latin1', at, at + 4) !== 'desc') continue;
    const offset = data.readUInt32BE(at + 4);
    const type = data.toString('latin1', offset, offset + 4);
    if (type === 'desc') {
      const length = data.readUInt32BE(offset + 8);
      return data.toString('latin1', offset + 12, offset + 12 + length).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      const size = data.readUInt32BE(offset + 20);
      const start = offset + data.readUInt32BE(offset + 24);
      const utf16 = Buffer.from(data.subarray(start, start + size));
      return utf16.swap16().toString('utf16le');
    }
  }
  return undefined;
}

/** The registered characterisation for well-known profiles (www.color.org registry); Custom for others. */
function outputConditionIdentifier(description: string): string {
  const known: [RegExp, string][] = [
    [/FOGRA39/i, 'FOGRA39'],
    [/ISO ?Coated ?v2/i, 'FOGRA39'],
    [/FOGRA51|PSO Coated v3/i, 'FOGRA51'],
    [/Japan ?Color ?2001 ?Coated/i, 'JC200103'],
    [/GRACoL/i, 'CGATS TR 006'],
    [/SWOP/i, 'CGATS TR 001'],
  ];
  return known.find(([re]) => re.test(description))?.[1] ?? 'Custom';
}

/** PostScript string literal: ASCII as it is, anything else as UTF-16BE hex with a byte order mark. */
function psString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const utf16 = Buffer.from(text, 'utf16le').swap16();
  return `<FEFF${utf16.toString('hex').toUpperCase()}>`;
}

/** A file name as a PostScript string: its UTF-8 bytes, escaped. */
function psFileName(file: string): string {
  return `(${[...Buffer.from(file, 'utf8')].map((b) => (b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b < 0x20 || b > 0x7e ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))).join('')})`;
}

/** The PDF/X definitions gs reads before the input: version and title, the ICC profile, the output intent. */
export function pdfxDefinitions(o: { title: string; icc: string; profile: CmykProfile }): string {
  return `%!
% PDF/X-3 definitions written by shushuo (after Ghostscript's lib/PDFX_def.ps).
[ /GTS_PDFXVersion (PDF/X-3:2002)
  /Title ${psString(o.title)}
  /Trapped /False
/DOCINFO pdfmark

[/_objdef {icc_PDFX} /type /stream /OBJ pdfmark
[{icc_PDFX} << /N 4 >> /PUT pdfmark
[{icc_PDFX} ${psFileName(o.icc)} (r) file /PUT pdfmark

[/_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark
[{OutputIntent_PDFX} <<
  /Type /OutputIntent
  /S /GTS_PDFX
  /OutputCondition ${psString(o.profile.description)}
  /Info ${psString(o.profile.description)}
  /OutputConditionIdentifier ${psString(o.profile.identifier)}
  /RegistryName (http://www.color.org)
  /DestOutputProfile {icc_PDFX}
>> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark
`;
}

// ---------------------------------------------------------------------------------------------
// Running gs

/** Run gs; its messages come on stdout (warnings) and stderr (errors), and are kept together in order. */
function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // GS_OPTIONS would add switches behind our back.
    const { GS_OPTIONS: _ignored, ...base } = process.env;
    const child = spawn(cmd, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => reject(new GhostscriptError(`Ghostscript could not be started: ${cmd} (${err.message})`, { cause: err })));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function tail(text: string, lines = 15): string {
  const all = text.trim().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).join('\n') || '(gs wrote nothing to stderr)';
}

// ---------------------------------------------------------------------------------------------
// 1. Inks in every content stream: pages and the Form XObjects they draw.

interface InkCounts {
  replaced: Record<string, number>;
  left: Record<string, number>;
}

function rewriteDocumentInks(doc: PDFDocument, inks: Ink[]): InkCounts {
  const counts: InkCounts = { replaced: {}, left: {} };
  const done = new Set<string>();
  const rewrite = (ref: PDFRef, resources: PDFDict | undefined) => {
    if (done.has(ref.toString())) return;
    done.add(ref.toString());
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) return;
    const text = Buffer.from(decode(stream, `content stream ${ref.toString()}`)).toString('latin1');
    const result = rewriteInks(text, inks, { rgbSpaces: rgbColourSpaces(resources, doc.context) });
    add(counts.replaced, result.replaced);
    add(counts.left, result.left);
    if (result.content !== text) doc.context.assign(ref, flateStream(doc.context, stream.dict, Buffer.from(result.content, 'latin1')));
    // Forms drawn by this stream: rewrite them with their own resources.
    const xobjects = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const [, value] of xobjects?.entries() ?? []) {
      if (!(value instanceof PDFRef)) continue;
      const form = doc.context.lookup(value);
      if (form instanceof PDFRawStream && form.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) {
        rewrite(value, form.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources);
      }
    }
  };
  for (const page of doc.getPages()) {
    const resources = page.node.Resources();
    for (const { ref } of contentStreams(page.node)) rewrite(ref, resources);
  }
  return counts;
}

function add(to: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) to[k] = (to[k] ?? 0) + v;
}

function describeCounts(c: Record<string, number>): string {
  return Object.entries(c).map(([k, v]) => `${k} ×${v}`).join(', ');
}

function rgbColourSpaces(resources: PDFDict | undefined, context: PDFContext): string[] {
  const spaces = resources?.lookupMaybe(PDFName.of('ColorSpace'), PDFDict);
  const names: string[] = [];
  for (const [key, value] of spaces?.entries() ?? []) {
    if (context.lookup(value) === PDFName.of('DeviceRGB')) names.push(key.decodeText());
  }
  return names;
}

/** The decoded bytes of a stream; `what` names it in the error. */
function decode(stream: PDFRawStream, what: string): Uint8Array {
  try {
    return streamBytes(stream);
  } catch (err) {
    throw new GhostscriptError(`${what}: cannot decode it (${(err as Error).message})`, { cause: err });
  }
}

/** A new Flate stream with the other entries of `dict` (Form XObjects keep BBox, Resources …). */
function flateStream(context: PDFContext, dict: PDFDict, contents: Uint8Array): PDFRawStream {
  const copy = dict.clone(context);
  copy.delete(PDFName.of('DecodeParms'));
  copy.set(PDFName.of('Filter'), PDFName.of('FlateDecode'));
  const data = deflateSync(contents);
  copy.set(PDFName.of('Length'), PDFNumber.of(data.length));
  return PDFRawStream.of(copy, data);
}

// ---------------------------------------------------------------------------------------------
// 3. Text: which glyph of which font each page draws, and the Unicode text for it.

interface FontInfo {
  key: string;
  /** Bytes per character code: 2 for Identity-H/V composite fonts, 1 for simple fonts */
  width: 1 | 2;
  toUnicode: Map<number, string>;
  /** The font dictionary, to write a new ToUnicode into */
  dict: PDFDict;
}

interface Glyph {
  font: FontInfo;
  code: number;
  /** The text of a marked-content span around this glyph alone (/ActualText): what the glyph stands for, whatever ToUnicode says */
  actualText?: string;
}

/** The glyphs a page draws, in content-stream order, through its Form XObjects too. `fonts` caches the fonts of one document. */
function pageGlyphs(page: PDFPageLeaf, context: PDFContext, fonts: Map<PDFDict, FontInfo>): Glyph[] {
  const glyphs: Glyph[] = [];
  const fontInfo = (dict: PDFDict, key: string): FontInfo => {
    let info = fonts.get(dict);
    if (!info) {
      const composite = dict.get(PDFName.of('Subtype')) === PDFName.of('Type0');
      const stream = dict.lookup(PDFName.of('ToUnicode'));
      const toUnicode = stream instanceof PDFRawStream ? parseToUnicode(Buffer.from(decode(stream, `ToUnicode of ${key}`)).toString('latin1')) : new Map<number, string>();
      info = { key, width: composite ? 2 : 1, toUnicode, dict };
      fonts.set(dict, info);
    }
    return info;
  };
  // Open marked-content sections (BMC/BDC … EMC), across content streams and forms.
  const spans: { actualText?: string; glyphs: number[] }[] = [];
  const walk = (content: Uint8Array, resources: PDFDict | undefined, depth: number) => {
    if (depth > 8) return;
    let font: FontInfo | undefined;
    const show = (value: Value | undefined) => {
      if (!font || !(value instanceof Uint8Array)) return;
      for (let i = 0; i + font.width <= value.length; i += font.width) {
        for (let m = spans.length - 1; m >= 0; m--) {
          if (spans[m]!.actualText === undefined) continue;
          spans[m]!.glyphs.push(glyphs.length);
          break;
        }
        glyphs.push({ font, code: font.width === 2 ? value[i]! * 256 + value[i + 1]! : value[i]! });
      }
    };
    for (const { op, operands } of operations(content)) {
      const args = operands.map((o) => o.value);
      const name = args[0] instanceof Name ? args[0].value : '';
      switch (op) {
        case 'BMC':
          spans.push({ glyphs: [] });
          break;
        case 'BDC':
          spans.push({ actualText: actualText(args[1], resources, context), glyphs: [] });
          break;
        case 'EMC': {
          const span = spans.pop();
          // One glyph, one text: the glyph stands for that text. (Spans over several glyphs are left to ToUnicode.)
          const only = span?.glyphs.length === 1 ? glyphs[span.glyphs[0]!] : undefined;
          if (only && span?.actualText !== undefined) only.actualText = span.actualText;
          break;
        }
        case 'Tf': {
          const ref = resources?.lookupMaybe(PDFName.of('Font'), PDFDict)?.get(PDFName.of(name));
          const dict = ref ? context.lookup(ref) : undefined;
          font = dict instanceof PDFDict ? fontInfo(dict, ref instanceof PDFRef ? ref.toString() : name) : undefined;
          break;
        }
        case 'Tj':
        case "'":
          show(args[args.length - 1]);
          break;
        case '"':
          show(args[2]);
          break;
        case 'TJ': {
          const array = args[0];
          if (Array.isArray(array)) for (const item of array) show(item);
          break;
        }
        case 'Do': {
          const ref = resources?.lookupMaybe(PDFName.of('XObject'), PDFDict)?.get(PDFName.of(name));
          const form = ref instanceof PDFRef ? context.lookup(ref) : undefined;
          if (ref instanceof PDFRef && form instanceof PDFRawStream && form.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) {
            const saved = font;
            walk(decode(form, `content stream ${ref.toString()}`), form.dict.lookupMaybe(PDFName.of('Resources'), PDFDict) ?? resources, depth + 1);
            font = saved;
          }
          break;
        }
      }
    }
  };
  walk(pageContent(page, (stream, ref) => decode(stream, `content stream ${ref.toString()}`)), page.Resources(), 0);
  return glyphs;
}

/** The /ActualText of a BDC property list: inline (`<< /ActualText (…) >>`) or named in the resources' /Properties. */
function actualText(props: Value | undefined, resources: PDFDict | undefined, context: PDFContext): string | undefined {
  if (props instanceof Map) {
    const value = props.get('ActualText');
    return value instanceof Uint8Array ? decodeTextString(value) : undefined;
  }
  if (props instanceof Name) {
    const dict = resources?.lookupMaybe(PDFName.of('Properties'), PDFDict)?.get(PDFName.of(props.value));
    const list = dict ? context.lookup(dict) : undefined;
    const value = list instanceof PDFDict ? list.lookup(PDFName.of('ActualText')) : undefined;
    return value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;
  }
  return undefined;
}

/** A PDF text string: UTF-16BE or UTF-8 with a byte order mark, else PDFDocEncoding. */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.slice(2)).swap16().toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return Buffer.from(bytes.slice(3)).toString('utf8');
  return pdfDocEncodingDecode(bytes);
}

/** A ToUnicode CMap: bfchar and bfrange (both forms) into code → text. */
export function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const code = (bytes: Uint8Array) => bytes.reduce((n, b) => n * 256 + b, 0);
  const utf16 = (bytes: Uint8Array) => {
    let s = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes[i]! * 256 + bytes[i + 1]!);
    return s;
  };
  // The entries of a block are the operands of its end operator.
  for (const { op, operands } of operations(Buffer.from(cmap, 'latin1'))) {
    const v = operands.map((o) => o.value);
    if (op === 'endbfchar') {
      for (let i = 0; i + 1 < v.length; i += 2) {
        const [src, dst] = [v[i], v[i + 1]];
        if (src instanceof Uint8Array && dst instanceof Uint8Array) map.set(code(src), utf16(dst));
      }
    } else if (op === 'endbfrange') {
      for (let i = 0; i + 2 < v.length; i += 3) {
        const [lo, hi, dst] = [v[i], v[i + 1], v[i + 2]];
        if (!(lo instanceof Uint8Array) || !(hi instanceof Uint8Array)) continue;
        const from = code(lo);
        const to = Math.min(code(hi), from + 0xffff);
        if (Array.isArray(dst)) {
          for (let c = from; c <= to && c - from < dst.length; c++) {
            const item = dst[c - from];
            if (item instanceof Uint8Array) map.set(c, utf16(item));
          }
        } else if (dst instanceof Uint8Array) {
          const base = utf16(dst);
          for (let c = from; c <= to; c++) {
            // The last UTF-16 unit counts up through the range.
            map.set(c, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + (c - from)));
          }
        }
      }
    }
  }
  return map;
}

/** A ToUnicode CMap for the codes of one font. */
export function writeToUnicode(map: Map<number, string>, width: 1 | 2): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(width * 2, '0');
  const unicode = (s: string) => [...s].map((ch) => Buffer.from(ch, 'utf16le').swap16().toString('hex').toUpperCase()).join('');
  const entries = [...map.entries()].sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    blocks.push(`${block.length} beginbfchar\n${block.map(([c, s]) => `<${hex(c)}> <${unicode(s)}>`).join('\n')}\nendbfchar`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<${hex(0)}> <${hex(width === 2 ? 0xffff : 0xff)}>
endcodespacerange
${blocks.join('\n')}
endcmap
CMapName currentdict /CMap defineresource pop
end
end
`;
}

/** Kangxi radicals and CJK radical supplement characters back to the unified ideographs they stand for. */
export function unifyRadicals(text: string): string {
  return text.replace(/[\u2e80-\u2eff\u2f00-\u2fdf]/g, (ch) => {
    const nfkc = ch.normalize('NFKC');
    return nfkc !== ch ? nfkc : ch;
  });
}

interface RepairResult {
  glyphs: number;
  /** Character codes whose mapping was missing or wrong */
  fixed: number;
  /** Fonts that got a new ToUnicode */
  fonts: number;
  /** Output glyphs that the input gave different texts (the first one is kept) */
  conflicts: number;
}

/**
 * Give every font of gs's output the mappings of the input font that drew the same glyphs.
 * Ghostscript keeps the order of the text and the CIDs, so the n-th glyph of a page in the output
 * is the n-th glyph of that page in the input. Where the sequences differ, they are aligned on
 * their codes first.
 */
function repairToUnicode(sourcePages: Glyph[][], result: PDFDocument, repair: boolean, transparency: string[][]): RepairResult {
  const fonts = new Map<PDFDict, FontInfo>();
  const wanted = new Map<FontInfo, Map<number, { text: string; fromSpan: boolean }>>();
  let glyphs = 0;
  let conflicts = 0;
  result.getPages().forEach((page, index) => {
    const before = sourcePages[index] ?? [];
    const after = pageGlyphs(page.node, result.context, fonts);
    glyphs += after.length;
    if (before.length > 0 && after.length === 0) {
      const found = transparency[index] ?? [];
      throw new GhostscriptError(
        `page ${index + 1}: Ghostscript's output has no text left (the input had ${before.length} glyphs)` +
          (found.length ? `; the page uses transparency (${found.join('; ')})` : '') +
          '. Ghostscript flattens pages with transparency into one image: use opaque colours only (no opacity, rgba, shadows or alpha images) in print templates.',
      );
    }
    for (const [a, b] of align(before, after)) {
      // What the input says the glyph is: its ActualText, else its ToUnicode entry with radicals unified.
      const fromSpan = a.actualText !== undefined;
      const mapped = a.font.toUnicode.get(a.code);
      const text = fromSpan ? a.actualText : mapped === undefined ? undefined : unifyRadicals(mapped);
      if (text === undefined) continue;
      let map = wanted.get(b.font);
      if (!map) wanted.set(b.font, (map = new Map()));
      const known = map.get(b.code);
      if (known === undefined || (fromSpan && !known.fromSpan)) map.set(b.code, { text, fromSpan });
      else if (known.text !== text && known.fromSpan === fromSpan) conflicts++;
    }
  });
  if (!repair) return { glyphs, fixed: 0, fonts: 0, conflicts };

  let fixed = 0;
  let changedFonts = 0;
  for (const font of fonts.values()) {
    const map = new Map([...font.toUnicode].map(([code, text]) => [code, unifyRadicals(text)]));
    let changed = [...map].some(([code, text]) => text !== font.toUnicode.get(code));
    for (const [code, { text }] of wanted.get(font) ?? []) {
      if (map.get(code) !== text) {
        map.set(code, text);
        fixed++;
        changed = true;
      }
    }
    if (!changed) continue;
    const old = font.dict.get(PDFName.of('ToUnicode'));
    const bytes = Buffer.from(writeToUnicode(map, font.width), 'latin1');
    font.dict.set(PDFName.of('ToUnicode'), result.context.register(flateStream(result.context, result.context.obj({}), bytes)));
    const shared = [...fonts.values()].some((f) => f.dict.get(PDFName.of('ToUnicode')) === old);
    if (old instanceof PDFRef && !shared) result.context.delete(old);
    changedFonts++;
  }
  return { glyphs, fixed, fonts: changedFonts, conflicts };
}

/** Pairs of glyphs that are the same glyph: position by position when the codes agree, else by their longest common subsequence. */
function align(a: Glyph[], b: Glyph[]): [Glyph, Glyph][] {
  if (a.length === b.length && a.every((g, i) => g.code === b[i]!.code)) return a.map((g, i) => [g, b[i]!]);
  const n = a.length;
  const m = b.length;
  if (n * m > 50_000_000) return [];
  // LCS table, row by row from the end, in a flat Uint32Array.
  const table = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] = a[i]!.code === b[j]!.code ? table[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(table[(i + 1) * (m + 1) + j]!, table[i * (m + 1) + j + 1]!);
    }
  }
  const pairs: [Glyph, Glyph][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[i]!.code === b[j]!.code) pairs.push([a[i++]!, b[j++]!]);
    else if (table[(i + 1) * (m + 1) + j]! >= table[i * (m + 1) + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------
// 4. The header version of `original` written into `pdf` (both headers are 8 bytes, `%PDF-1.x`).

function withHeaderOf(original: Uint8Array, pdf: Uint8Array): Uint8Array {
  const header = Buffer.from(original.subarray(0, 8)).toString('latin1');
  if (!/^%PDF-\d\.\d$/.test(header) || !/^%PDF-\d\.\d$/.test(Buffer.from(pdf.subarray(0, 8)).toString('latin1'))) {
    throw new GhostscriptError(`unexpected PDF header: ${JSON.stringify(header)}`);
  }
  const out = new Uint8Array(pdf);
  out.set(original.subarray(0, 8), 0);
  return out;
}

// The file identifier: a hash of the file instead of gs's clock-based one.
// gs writes each ID string in whichever form is shorter, <hex> or (literal), so its length varies.
// The trailer comes after the xref table, so rewriting it moves no offset.

export function fixFileId(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const trailer = text.lastIndexOf('trailer');
  const span = trailer < 0 ? undefined : idSpan(text, trailer);
  if (!span) throw new GhostscriptError('the PDF written by Ghostscript has no /ID in its trailer; PDF/X needs one');
  const withId = (hex: string) => Buffer.from(text.slice(0, span.start) + `/ID [<${hex}><${hex}>]` + text.slice(span.end), 'latin1');
  const hash = createHash('md5').update(withId('0'.repeat(32))).digest('hex').toUpperCase();
  return new Uint8Array(withId(hash));
}

/** Where "/ID [ string string ]" stands after `from`, each string <hex> or (literal). */
function idSpan(text: string, from: number): { start: number; end: number } | undefined {
  const start = text.indexOf('/ID', from);
  if (start < 0) return undefined;
  const skipSpace = (i: number) => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    return i;
  };
  let i = skipSpace(start + 3);
  if (text[i] !== '[') return undefined;
  i++;
  for (let n = 0; n < 2; n++) {
    i = stringEnd(text, skipSpace(i));
    if (i < 0) return undefined;
  }
  i = skipSpace(i);
  return text[i] === ']' ? { start, end: i + 1 } : undefined;
}

/** The index just past the PDF string that starts at i, or -1. Literal strings nest balanced parentheses. */
function stringEnd(text: string, i: number): number {
  if (text[i] === '<') {
    const close = text.indexOf('>', i);
    return close > 0 && /^[0-9A-Fa-f\s]*$/.test(text.slice(i + 1, close)) ? close + 1 : -1;
  }
  if (text[i] !== '(') return -1;
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j + 1;
  }
  return -1;
}
