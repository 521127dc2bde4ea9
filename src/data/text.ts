// Reading a user's text file (a data file, a speech, a sheet's source text): the encodings Chinese
// offices save in are read as such — UTF-8 with or without a BOM, UTF-16 (Word's "Unicode text"),
// and GB18030 (GBK), what Chinese Windows writes — and the size is capped before anything is parsed.

import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';

/** The longest government work report runs to some hundred thousand characters; 20 MB is far past it. */
export const MAX_SPEECH_BYTES = 20 * 1024 * 1024;

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface DecodedText {
  text: string;
  encoding: Encoding;
}

/** Why a file cannot be read as text. The message does not name the file (callers put it where they need it); report() does. */
export class TextFileError extends UserError {
  constructor(readonly file: string, message: string) {
    super(message, { place: { file } });
    this.name = 'TextFileError';
  }

  override report(): string {
    return `${this.file}: ${this.message}`;
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
    throw new TextFileError(file, `expected ${options.what} of at most ${sizeText(options.maxBytes)}, received ${sizeText(size)}`);
  }
  const bytes = readFileSync(file);
  const decoded = decodeText(bytes);
  if (!decoded) throw new TextFileError(file, `expected text in UTF-8, UTF-16 or GB18030, received bytes that are none of them (is it a Word or Excel file? save it as text)`);
  return decoded;
}

/** A size for people: 1.5 MB, or 340 KB under a megabyte (1 MB = 1024 × 1024 bytes); `digits` after the point for MB. */
export function sizeText(bytes: number, digits = 1): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(digits)} MB` : `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
}


// Control characters: defined with the errors, which show them escaped.
export { CONTROL, escapeChar } from '../errors.js';
