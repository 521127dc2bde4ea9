// Reading a user's text file (a data file, a speech, a sheet's source text): the encodings Chinese
// offices save in are read as such — UTF-8 with or without a BOM, UTF-16 (Word's "Unicode text"),
// and GB18030 (GBK), what Chinese Windows writes — and the size is capped before anything is parsed.

import { readFileSync, statSync } from 'node:fs';

/** The longest government work report runs to some hundred thousand characters; 20 MB is far past it. */
export const MAX_SPEECH_BYTES = 20 * 1024 * 1024;

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  text: string;
  encoding: Encoding;
}

/** Why a file cannot be read as text; `reason` is the part after "expected …, received". */
export class TextFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'TextFileError';
  }
}

/** The text of a file's bytes, in whichever of the encodings it is; undefined when none fits. */
export function decodeText(bytes: Uint8Array): DecodedText | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decode(bytes.subarray(3), 'utf-8');
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decode(bytes.subarray(2), 'utf-16be');
  // UTF-16 without a BOM: every other byte of ASCII text is zero.
  const sample = bytes.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  sample.forEach((b, i) => { if (b === 0) (i % 2 === 0 ? evenZeros++ : oddZeros++); });
  if (oddZeros > sample.length / 8 && evenZeros === 0) return decode(bytes, 'utf-16le');
  if (evenZeros > sample.length / 8 && oddZeros === 0) return decode(bytes, 'utf-16be');
  return decode(bytes, 'utf-8') ?? decode(bytes, 'gb18030');
}

function decode(bytes: Uint8Array, encoding: Encoding): DecodedText | undefined {
  try {
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch {
    return undefined;
  }
}

/** A text file of at most `maxBytes`, decoded; TextFileError says what is wrong with it. */
export function readTextFile(file: string, options: { maxBytes: number; what: string }): DecodedText {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new TextFileError(file, `expected ${options.what}, received a folder`);
    size = stat.size;
  } catch (err) {
    if (err instanceof TextFileError) throw err;
    throw new TextFileError(file, `cannot read ${options.what} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (size > options.maxBytes) {
    throw new TextFileError(file, `expected ${options.what} of at most ${mb(options.maxBytes)}, received ${mb(size)}`);
  }
  const bytes = readFileSync(file);
  const decoded = decodeText(bytes);
  if (!decoded) throw new TextFileError(file, `expected text in UTF-8, UTF-16 or GB18030, received bytes that are none of them (is it a Word or Excel file? save it as text)`);
  return decoded;
}

const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/**
 * Characters that have no place in a document's text: C0 controls other than tab and line breaks, DEL,
 * C1 controls, and the bidi overrides that make text read differently from how it is stored.
 */
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** A character shown as its escape, so a terminal does not act on it: \u0007 */
export function escapeChar(c: string): string {
  return `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
