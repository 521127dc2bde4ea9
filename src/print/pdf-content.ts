// Content streams (ISO 32000-1, 7.2 and 7.8.2): the one lexer that preflight, the ink rewrite and the
// text repair use, and the decoded bytes of a page's content streams. Pure: objects in, values out.
//
// The lexer reads bytes, so binary data in strings and inline images passes as it is. Strings,
// arrays, dictionaries and inline images are single operands, so an `rg` inside `(0 0 0 rg)` is
// never an operator. Every operand and operator carries its byte offsets, so a caller can rewrite
// one operation and copy every other byte unchanged.

import { constants as zlib, inflateSync } from 'node:zlib';
import { decodePDFRawStream, ParseSpeeds, PDFArray, PDFName, PDFRawStream, PDFRef, type PDFPageLeaf } from 'pdf-lib';

/**
 * pdf-lib loads and saves without yielding to the event loop. By default it waits a timer tick every
 * 100 objects read and 50 written: the briefing's load took 15 ms that way against 6, its save 37 ms against 3.
 */
export const LOAD_OPTIONS = { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest } as const;
export const SAVE_OPTIONS = { useObjectStreams: false, updateFieldAppearances: false, objectsPerTick: Infinity } as const;

/** A name, without its slash and with `#xx` escapes decoded: `/F1` → `F1`. */
export class Name {
  constructor(readonly value: string) {}
}

/** An operand. A string is its bytes; arrays and dictionaries come whole. */
export type Value = number | boolean | null | Name | Uint8Array | Value[] | Map<string, Value>;

export interface Operand {
  value: Value;
  /** Byte offsets: the operand is bytes[start, end) */
  start: number;
  end: number;
}

export interface Operation {
  op: string;
  operands: Operand[];
  /** For `BI`: the inline image's dictionary. The operation then runs through `EI`. */
  image?: Map<string, Value>;
  /** Byte offsets of the operator */
  start: number;
  end: number;
}

/** Inline images abbreviate their colour spaces. */
export const INLINE_SPACES: Record<string, string> = { G: 'DeviceGray', RGB: 'DeviceRGB', CMYK: 'DeviceCMYK', I: 'Indexed' };

/**
 * The operators of a content stream with their operands, in order. Operands that no operator
 * follows are dropped. A stray delimiter (`)`, `>`, `]`, `{`, `}`) comes as an operator of its own.
 */
export function* operations(bytes: Uint8Array): Generator<Operation> {
  const lexer = new Lexer(bytes);
  let operands: Operand[] = [];
  for (;;) {
    lexer.skipSpace();
    const start = lexer.pos;
    const value = lexer.next();
    if (value === undefined) return;
    if (value instanceof Op) {
      const image = value.value === 'BI' ? lexer.inlineImage() : undefined;
      yield { op: value.value, operands, ...(image && { image }), start, end: lexer.pos };
      operands = [];
    } else operands.push({ value, start, end: lexer.pos });
  }
}

// ---------------------------------------------------------------------------------------------
// The lexer

class Op {
  constructor(readonly value: string) {}
}

const WHITESPACE = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) WHITESPACE[c] = 1;
const DELIMITER = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIMITER[c.charCodeAt(0)] = 1;
const HEX = new Int8Array(256).fill(-1);
for (const c of '0123456789abcdef') HEX[c.charCodeAt(0)] = HEX[c.toUpperCase().charCodeAt(0)] = parseInt(c, 16);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
/** The bytes a number can start with: only words starting so are tried against NUMBER. */
const NUMBER_START = new Uint8Array(256);
for (const c of '+-.0123456789') NUMBER_START[c.charCodeAt(0)] = 1;
/** The byte after a backslash in a literal string, for the escapes that are not octal or a line end. */
const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x66: 0x0c };

const ch = (s: string) => s.charCodeAt(0);
const isOctal = (c: number | undefined) => c !== undefined && c >= ch('0') && c <= ch('7');

class Lexer {
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /** The next operand (arrays and dicts whole) or operator; undefined at the end. */
  next(): Value | Op | undefined {
    this.skipSpace();
    const c = this.bytes[this.pos];
    if (c === undefined) return undefined;
    if (c === ch('/')) return this.name();
    if (c === ch('(')) return this.literalString();
    if (c === ch('<')) return this.bytes[this.pos + 1] === ch('<') ? this.dict() : this.hexString();
    if (c === ch('[')) return this.array();
    if (DELIMITER[c]) {
      this.pos++;
      return new Op(String.fromCharCode(c));
    }
    const word = this.regular();
    if (NUMBER_START[c] && NUMBER.test(word)) return Number(word);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    return new Op(word);
  }

  /** White space and comments. */
  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos]!;
      if (WHITESPACE[c]) this.pos++;
      else if (c === ch('%')) while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      else break;
    }
  }

  /** After BI: the image dict up to ID, then the image data up to EI. */
  inlineImage(): Map<string, Value> {
    const dict = new Map<string, Value>();
    for (;;) {
      const key = this.next();
      if (key === undefined || (key instanceof Op && key.value === 'ID')) break;
      if (!(key instanceof Name)) continue;
      const value = this.next();
      if (value === undefined || value instanceof Op) break;
      dict.set(key.value, value);
    }
    this.pos++; // the single white-space byte after ID
    this.skipImageData(dict);
    return dict;
  }

  private skipImageData(dict: Map<string, Value>): void {
    const length = unfilteredLength(dict);
    if (length !== undefined && this.isEI(this.afterSpace(this.pos + length))) {
      this.pos = this.afterSpace(this.pos + length) + 2;
      return;
    }
    // Filtered data, or a dict that does not tell the length: look for EI between white space.
    for (let i = this.pos; i < this.bytes.length - 1; i++) {
      if (WHITESPACE[this.bytes[i - 1] ?? 0x20] && this.isEI(i)) {
        this.pos = i + 2;
        return;
      }
    }
    this.pos = this.bytes.length;
  }

  private isEI(i: number): boolean {
    const after = this.bytes[i + 2];
    return this.bytes[i] === ch('E') && this.bytes[i + 1] === ch('I') && (after === undefined || WHITESPACE[after] === 1 || DELIMITER[after] === 1);
  }

  private afterSpace(i: number): number {
    while (i < this.bytes.length && WHITESPACE[this.bytes[i]!]) i++;
    return i;
  }

  /** Characters up to the next white space or delimiter. */
  private regular(): string {
    const start = this.pos;
    const b = this.bytes;
    while (this.pos < b.length && !WHITESPACE[b[this.pos]!] && !DELIMITER[b[this.pos]!]) this.pos++;
    // Byte by byte: words are short, and a Buffer for each took a third of the preflight's time.
    let word = '';
    for (let i = start; i < this.pos; i++) word += String.fromCharCode(b[i]!);
    return word;
  }

  private name(): Name {
    this.pos++;
    return new Name(this.regular().replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }

  /** ( … ) with nested parentheses, backslash escapes and line ends (an unescaped one is \n). */
  private literalString(): Uint8Array {
    const b = this.bytes;
    const out: number[] = [];
    let depth = 1;
    this.pos++;
    while (this.pos < b.length) {
      const c = b[this.pos++]!;
      if (c === ch('\\')) {
        const e = b[this.pos++];
        if (e === undefined) break;
        if (isOctal(e)) {
          let code = e - ch('0');
          for (let n = 0; n < 2 && isOctal(b[this.pos]); n++) code = code * 8 + b[this.pos++]! - ch('0');
          out.push(code & 0xff);
        } else if (e === 0x0d) {
          if (b[this.pos] === 0x0a) this.pos++; // line continuation
        } else if (e !== 0x0a) out.push(ESCAPES[e] ?? e);
        continue;
      }
      if (c === ch('(')) depth++;
      else if (c === ch(')') && --depth === 0) break;
      if (c === 0x0d) {
        out.push(0x0a);
        if (b[this.pos] === 0x0a) this.pos++;
      } else out.push(c);
    }
    return Uint8Array.from(out);
  }

  /** < … >: hex digits, white space ignored, an odd last digit followed by 0. */
  private hexString(): Uint8Array {
    const b = this.bytes;
    const digits: number[] = [];
    this.pos++;
    while (this.pos < b.length && b[this.pos] !== ch('>')) {
      const d = HEX[b[this.pos]!]!;
      if (d >= 0) digits.push(d);
      this.pos++;
    }
    this.pos++;
    if (digits.length % 2) digits.push(0);
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = digits[2 * i]! * 16 + digits[2 * i + 1]!;
    return out;
  }

  private array(): Value[] {
    const items: Value[] = [];
    this.pos++;
    for (;;) {
      this.skipSpace();
      const c = this.bytes[this.pos];
      if (c === undefined) break;
      if (c === ch(']')) {
        this.pos++;
        break;
      }
      const item = this.next();
      if (item === undefined) break;
      if (!(item instanceof Op)) items.push(item);
    }
    return items;
  }

  private dict(): Map<string, Value> {
    const map = new Map<string, Value>();
    this.pos += 2;
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.bytes.length) break;
      if (this.bytes[this.pos] === ch('>') && this.bytes[this.pos + 1] === ch('>')) {
        this.pos += 2;
        break;
      }
      const key = this.next();
      if (key === undefined) break;
      if (!(key instanceof Name)) continue;
      this.skipSpace();
      if (this.bytes[this.pos] === ch('>') && this.bytes[this.pos + 1] === ch('>')) continue;
      const value = this.next();
      if (value !== undefined && !(value instanceof Op)) map.set(key.value, value);
    }
    return map;
  }
}

/** The byte length of unfiltered inline image data, when the dict says enough to know it. */
function unfilteredLength(dict: Map<string, Value>): number | undefined {
  const get = (long: string, short: string) => dict.get(long) ?? dict.get(short);
  if (get('Filter', 'F') !== undefined) return undefined;
  const width = get('Width', 'W');
  const height = get('Height', 'H');
  const mask = get('ImageMask', 'IM') === true;
  const bpc = mask ? 1 : get('BitsPerComponent', 'BPC');
  const cs = get('ColorSpace', 'CS');
  const space = cs instanceof Name ? (INLINE_SPACES[cs.value] ?? cs.value) : Array.isArray(cs) && cs[0] instanceof Name ? cs[0].value : undefined;
  const components = mask ? 1 : ({ DeviceGray: 1, DeviceRGB: 3, DeviceCMYK: 4, Indexed: 1 } as Record<string, number>)[space ?? ''];
  if (typeof width !== 'number' || typeof height !== 'number' || typeof bpc !== 'number' || components === undefined) return undefined;
  return height * Math.ceil((width * bpc * components) / 8);
}

// ---------------------------------------------------------------------------------------------
// Streams

/** The content streams of a page, in order: its /Contents is one stream or an array of them. */
export function contentStreams(page: PDFPageLeaf): { ref: PDFRef; stream: PDFRawStream }[] {
  const contents = page.get(PDFName.of('Contents'));
  const list = page.context.lookup(contents);
  const refs = list instanceof PDFArray ? list.asArray() : [contents];
  return refs.flatMap((ref) => {
    const stream = ref instanceof PDFRef ? page.context.lookup(ref) : undefined;
    return ref instanceof PDFRef && stream instanceof PDFRawStream ? [{ ref, stream }] : [];
  });
}

/** A page's content streams, decoded and each followed by a newline. `decode` throws, or returns undefined to leave a stream out. */
export function pageContent(page: PDFPageLeaf, decode: (stream: PDFRawStream, ref: PDFRef) => Uint8Array | undefined): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const { ref, stream } of contentStreams(page)) {
    const bytes = decode(stream, ref);
    if (bytes) parts.push(bytes, NEWLINE);
  }
  return Buffer.concat(parts);
}

const NEWLINE = new Uint8Array([0x0a]);

/** The decoded bytes of a stream. FlateDecode goes through zlib (which reads a truncated stream as far as it goes), the rest through pdf-lib. */
export function streamBytes(stream: PDFRawStream): Uint8Array {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const only = filter instanceof PDFArray && filter.size() === 1 ? filter.lookup(0) : filter;
  if (only === undefined) return stream.contents;
  if (only === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))) {
    return inflateSync(stream.contents, { finishFlush: zlib.Z_SYNC_FLUSH });
  }
  return decodePDFRawStream(stream).decode();
}
