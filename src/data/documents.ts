// A speech as the file a person has it: a Word document (.docx, read by mammoth), a PDF with a text
// layer (poppler's pdftotext -layout, its lines joined back into paragraphs), or plain text (.txt,
// .md) in the encodings text.ts reads. The type is told by the content, and must agree with the
// name: a .docx is a ZIP archive holding word/document.xml, a .pdf starts with %PDF-, a text file
// decodes as UTF-8, UTF-16 or GB18030. Each refusal is a DocumentError with a reason a program can
// act on (the studio words it in Chinese) and a message in the project's form:
//   speech.docx: expected a Word document (.docx), received a damaged one (…)
// The text comes back one paragraph a line, as extract and verify read it.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import mammoth from 'mammoth';
import yauzl from 'yauzl';
import { CONTROL, decodeText, MAX_SPEECH_BYTES, sizeText, type Encoding } from './text.js';
import { UserError } from '../errors.js';

export type DocumentKind = 'docx' | 'pdf' | 'text';

export interface SpeechDocument {
  /** One paragraph a line */
  text: string;
  kind: DocumentKind;
  /** Text files: the encoding they were in */
  encoding?: Encoding;
  /** What the reader noted but did not refuse (mammoth's warnings) */
  notes: string[];
}

/** The names a speech may have, by what their content must be. */
export const SPEECH_EXTENSIONS: Record<string, DocumentKind> = { '.docx': 'docx', '.pdf': 'pdf', '.txt': 'text', '.md': 'text', '.text': 'text' };

export type DocumentProblem =
  | 'too-large'
  | 'empty'
  | 'unknown-type'
  | 'type-mismatch'
  | 'legacy-office'
  | 'broken-docx'
  | 'not-docx'
  | 'broken-pdf'
  | 'no-text'
  | 'not-text'
  | 'no-pdftotext';

/** Why a file cannot be read as a speech: `reason` for programs, the message for people. */
export class DocumentError extends UserError {
  constructor(readonly reason: DocumentProblem, readonly file: string, message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, { place: { file }, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'DocumentError';
    this.detail = options.detail;
  }

  /** A library's own words (mammoth's, poppler's), when it gave some */
  readonly detail: string | undefined;

  override report(): string {
    return `${this.file}: ${this.message}`;
  }
}

/** The largest document.xml a speech's .docx can hold; more is a ZIP bomb, not a speech. */
const MAX_DOCUMENT_XML = 200 * 1024 * 1024;
/** pdftotext gets this long for a speech. */
const PDFTOTEXT_TIMEOUT_MS = 60_000;

const SIGNATURES = {
  zip: Buffer.from('PK\x03\x04', 'latin1'),
  pdf: Buffer.from('%PDF-', 'latin1'),
  ole: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  rtf: Buffer.from('{\\rtf', 'latin1'),
};

const startsWith = (bytes: Uint8Array, sig: Buffer) => bytes.length >= sig.length && sig.equals(Buffer.from(bytes.buffer, bytes.byteOffset, sig.length));

/** What the bytes are, by their first bytes: the kinds read here, and the look-alikes people send instead. */
function sniff(bytes: Uint8Array): DocumentKind | 'zip' | 'ole' | 'rtf' | 'binary' {
  if (startsWith(bytes, SIGNATURES.zip)) return 'zip';
  if (startsWith(bytes, SIGNATURES.pdf)) return 'pdf';
  if (startsWith(bytes, SIGNATURES.ole)) return 'ole';
  if (startsWith(bytes, SIGNATURES.rtf)) return 'rtf';
  return 'text';
}

const KIND_NAMES: Record<DocumentKind, string> = { docx: 'a Word document (.docx)', pdf: 'a PDF with text', text: 'a text file (.txt, .md) in UTF-8, UTF-16 or GB18030' };

/**
 * Read a speech from a file's bytes; `name` is the file's name (its extension says what it should be).
 * Throws a DocumentError naming the file, what was expected and what was received.
 */
export async function readDocument(bytes: Uint8Array, name: string, options: { pdftotext?: string; maxBytes?: number } = {}): Promise<SpeechDocument> {
  const maxBytes = options.maxBytes ?? MAX_SPEECH_BYTES;
  const ext = extname(name).toLowerCase();
  const claimed = SPEECH_EXTENSIONS[ext];
  const allowed = Object.keys(SPEECH_EXTENSIONS).join(', ');
  if (bytes.byteLength > maxBytes) throw new DocumentError('too-large', name, `expected a speech of at most ${sizeText(maxBytes)}, received ${sizeText(bytes.byteLength)}`);
  if (!claimed) {
    throw new DocumentError('unknown-type', name, `expected a speech as ${allowed}, received a ${ext ? `${ext} file` : 'file without an extension'}${ext === '.doc' || ext === '.wps' ? ' (save it from Word or WPS as .docx)' : ''}`);
  }
  if (bytes.byteLength === 0) throw new DocumentError('empty', name, `expected ${KIND_NAMES[claimed]}, received an empty file`);
  const found = sniff(bytes);
  if (found === 'ole') {
    throw new DocumentError('legacy-office', name, `expected ${KIND_NAMES[claimed]}, received an old Word (.doc) or WPS file, or one protected by a password (open it in Word or WPS, remove the password and save it as .docx)`);
  }
  if (found === 'rtf') throw new DocumentError('type-mismatch', name, `expected ${KIND_NAMES[claimed]}, received an RTF document (save it from Word or WPS as .docx)`);
  if (claimed === 'docx') {
    if (found !== 'zip') throw new DocumentError('type-mismatch', name, `expected a Word document (.docx), which is a ZIP archive, received ${describeContent(found, bytes)}`);
    return readDocx(bytes, name);
  }
  if (claimed === 'pdf') {
    if (found !== 'pdf') throw new DocumentError('type-mismatch', name, `expected a PDF (it starts with %PDF-), received ${describeContent(found, bytes)}`);
    return readPdf(bytes, name, options.pdftotext ?? 'pdftotext');
  }
  if (found !== 'text') throw new DocumentError('type-mismatch', name, `expected ${KIND_NAMES.text}, received ${describeContent(found, bytes)}`);
  const decoded = decodeText(bytes);
  if (!decoded || binaryText(decoded.text)) {
    const image = imageKind(bytes);
    throw new DocumentError('not-text', name, `expected ${KIND_NAMES.text}, received ${image ?? 'bytes that are none of them'} (save the speech from Word or WPS as .docx, or as text)`);
  }
  const text = tidy(decoded.text);
  if (text.trim() === '') throw new DocumentError('empty', name, `expected ${KIND_NAMES.text}, received a file with nothing but blank lines`);
  return { text, kind: 'text', encoding: decoded.encoding, notes: [] };
}

/** Read a speech file from disk (shushuo extract, the studio's own files); too large a file is refused before it is read. */
export async function readDocumentFile(file: string, options: { pdftotext?: string; maxBytes?: number } = {}): Promise<SpeechDocument> {
  const maxBytes = options.maxBytes ?? MAX_SPEECH_BYTES;
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new DocumentError('unknown-type', file, 'expected a speech file, received a folder');
    size = stat.size;
  } catch (err) {
    if (err instanceof DocumentError) throw err;
    throw new DocumentError('unknown-type', file, `cannot read the speech (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
  if (size > maxBytes) throw new DocumentError('too-large', file, `expected a speech of at most ${sizeText(maxBytes)}, received ${sizeText(size)}`);
  return readDocument(readFileSync(file), file, { ...options, maxBytes });
}

function describeContent(found: ReturnType<typeof sniff>, bytes: Uint8Array): string {
  if (found === 'zip') return 'a ZIP archive (a .docx, .xlsx or .zip file)';
  if (found === 'pdf') return 'a PDF';
  if (found === 'docx') return 'a Word document';
  const image = imageKind(bytes);
  if (image) return image;
  const decoded = decodeText(bytes);
  return decoded && !binaryText(decoded.text) ? 'plain text' : 'a file that is neither (binary data)';
}

function imageKind(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8));
  if (head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG') return 'a PNG image';
  if (head[0] === 0xff && head[1] === 0xd8) return 'a JPEG image';
  if (head.toString('latin1', 0, 4) === 'GIF8') return 'a GIF image';
  return undefined;
}

/** Text decoders accept much binary data (GB18030 most of all); real text has no NULs and few control characters. */
function binaryText(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const sample = text.slice(0, 8192);
  let controls = 0;
  for (const c of sample) if (CONTROL.test(c)) controls++;
  return controls > Math.max(2, sample.length / 200);
}

// --- .docx ------------------------------------------------------------------------------------

async function readDocx(bytes: Uint8Array, name: string): Promise<SpeechDocument> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let entries: { name: string; size: number }[];
  try {
    entries = await zipEntries(buffer);
  } catch (err) {
    throw new DocumentError('broken-docx', name, `expected a Word document (.docx), received a damaged one: its ZIP archive cannot be read (${(err as Error).message}); open it in Word or WPS and save it again`, { cause: err, detail: (err as Error).message });
  }
  const main = entries.find((e) => e.name === 'word/document.xml');
  if (!main) {
    const what = entries.some((e) => e.name.startsWith('xl/')) ? 'an Excel workbook'
      : entries.some((e) => e.name.startsWith('ppt/')) ? 'a PowerPoint presentation'
        : 'a ZIP archive without word/document.xml';
    throw new DocumentError('not-docx', name, `expected a Word document (.docx), received ${what}`);
  }
  if (main.size > MAX_DOCUMENT_XML) throw new DocumentError('broken-docx', name, `expected a Word document (.docx), received one whose text part unpacks to ${sizeText(main.size)}, far more than a speech`);
  let result: Awaited<ReturnType<typeof mammoth.extractRawText>>;
  try {
    result = await mammoth.extractRawText({ buffer });
  } catch (err) {
    const detail = String((err as Error).message ?? err).split('\n')[0]!;
    throw new DocumentError('broken-docx', name, `expected a Word document (.docx), received a damaged one: ${detail}; open it in Word or WPS and save it again`, { cause: err, detail });
  }
  const text = tidy(result.value);
  if (text.trim() === '') throw new DocumentError('no-text', name, 'expected a Word document with text, received one without any (is the speech an image in it?)');
  return { text, kind: 'docx', notes: result.messages.map((m) => m.message) };
}

/** The names and unpacked sizes of a ZIP archive's entries. */
function zipEntries(buffer: Buffer): Promise<{ name: string; size: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no archive'));
      const out: { name: string; size: number }[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        out.push({ name: e.fileName, size: e.uncompressedSize });
        if (out.length > 10_000) {
          zip.close();
          reject(new Error('more than 10000 entries'));
          return;
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

// --- .pdf -------------------------------------------------------------------------------------

async function readPdf(bytes: Uint8Array, name: string, pdftotext: string): Promise<SpeechDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'shushuo-pdf-'));
  let out: string;
  try {
    const file = join(dir, 'speech.pdf');
    writeFileSync(file, bytes);
    out = await new Promise<string>((resolve, reject) => {
      execFile(pdftotext, ['-layout', '-enc', 'UTF-8', '-eol', 'unix', file, '-'], { maxBuffer: 256 * 1024 * 1024, timeout: PDFTOTEXT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') return reject(new DocumentError('no-pdftotext', name, `expected poppler's pdftotext to read PDFs, found none (install poppler-utils: npm run setup)`, { cause: err }));
          const detail = (stderr || err.message).trim().split('\n').pop() ?? '';
          return reject(new DocumentError('broken-pdf', name, `expected a PDF with text, received one poppler cannot read (${detail})`, { cause: err, detail }));
        }
        resolve(stdout);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = joinLayoutLines(out);
  if (text.replace(/\s/g, '').length === 0) {
    throw new DocumentError('no-text', name, 'expected a PDF with text, received one without a text layer (a scan: save the speech from Word as .docx, or run text recognition first)');
  }
  return { text, kind: 'pdf', notes: [] };
}

/** Lines that ends a paragraph: 。！？：；…… and closing quotes or brackets after them. */
const PARAGRAPH_END = /[。！？!?：:；;…][”’」』）)]*$/;
/** Lines that start a heading of their own: 一、 （一） 1. 第一， 一是 (a heading is its own paragraph). */
const HEADING_START = /^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十]+[，,、]|[一二三四五六七八九十]是)/;
/** A page number alone on a line: 1, - 1 -, — 2 —, 第 3 页 */
const PAGE_NUMBER = /^[-—－–\s]*(?:第\s*)?\d+\s*(?:页)?[-—－–\s]*$/;

/**
 * pdftotext -layout keeps the page's lines, so a paragraph comes as several lines. A line joins the one
 * before it when that one runs to the right margin and does not end a sentence, and the line is not
 * indented (Chinese paragraphs start indented by two characters) and does not start a heading. Page
 * numbers alone on a line are dropped; a paragraph may run on over a page break.
 */
export function joinLayoutLines(layout: string): string {
  const raw = layout.replace(/\r\n?/g, '\n').split(/\n|\f/);
  const lines = raw.map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '' && !PAGE_NUMBER.test(l.trim()));
  if (lines.length === 0) return '';
  const indentOf = (l: string) => /^[ \u3000]*/.exec(l)![0].length;
  const margin = Math.min(...lines.map(indentOf));
  const width = (l: string) => [...l].reduce((n, c) => n + (/[\u1100-\uffff]/.test(c) ? 2 : 1), 0);
  const widest = Math.max(...lines.map(width));
  const out: string[] = [];
  let previous: string | undefined;
  for (const line of lines) {
    const text = line.trim();
    const indented = indentOf(line) > margin + 1;
    const full = previous !== undefined && width(previous) >= widest * 0.85;
    if (out.length > 0 && previous !== undefined && !indented && full && !PARAGRAPH_END.test(previous.trim()) && !HEADING_START.test(text)) {
      const last = out[out.length - 1]!;
      // Chinese runs on without a space; Latin words keep one.
      out[out.length - 1] = /[A-Za-z0-9,.]$/.test(last) && /^[A-Za-z0-9]/.test(text) ? `${last} ${text}` : `${last}${text}`;
    } else {
      out.push(text);
    }
    previous = line;
  }
  return `${out.join('\n')}\n`;
}

/** One paragraph a line: line breaks made plain, blank lines and trailing spaces dropped, a final newline. */
function tidy(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').replace(/[\u2028\u2029\v\f]/g, '\n').split('\n').map((l) => l.replace(/[ \t\u3000]+$/, ''));
  return `${lines.filter((l) => l.trim() !== '').join('\n')}\n`;
}

