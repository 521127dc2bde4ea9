// The options of a run, checked before the data is read and before Chrome starts: the output folder,
// bleed, pages at once, the ICC profile, the font files, the browser — and the config file the CLI
// reads them from. Each problem is a UserError that names the option (or the config file's line),
// what was expected and what was received; nothing has been written when one is thrown.

import { accessSync, closeSync, constants, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, extname, relative, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { browserSetting, checkBrowser } from '../chrome/browser.js';
import { readTextFile, TextFileError } from '../data/text.js';
import { problemText, quote, usageError, UsageError } from '../errors.js';
import { checkFontFiles, ROLES, type Role } from '../fonts/fonts.js';

/** What render and batch take that can be checked up front (both option types fit it). */
export interface RunOptions {
  /** The output folder */
  out?: string;
  fonts?: Partial<Record<Role, string>>;
  bleedMm?: number;
  marks?: boolean;
  cmyk?: boolean;
  icc?: string;
  browser?: string;
  /** batch: pages at once over the one browser */
  atOnce?: number;
}

export const MAX_BLEED_MM = 20;
export const MAX_AT_ONCE = 16;

/**
 * Check a run's options; throws a UserError (exit 2, or 1 for a browser that cannot run) naming the
 * first problem. Reads only: the output folder's nearest existing parent, the ICC profile's header,
 * the font files, and `browser --version` (once per browser per process).
 */
export async function checkRunOptions(options: RunOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (options.out !== undefined) checkOut(options.out);
  if (options.bleedMm !== undefined) checkBleed(options.bleedMm);
  if (options.atOnce !== undefined) checkAtOnce(options.atOnce);
  if (options.icc !== undefined) {
    if (!options.cmyk) throw usageError({ field: '--icc', expected: 'together with --cmyk', received: '--icc alone', hint: 'the profile is for the CMYK PDF/X-3 that --cmyk writes' });
    checkIcc(options.icc);
  }
  checkFontFiles(options.fonts ?? {});
  const browser = browserSetting(options.browser, env);
  if (browser) await checkBrowser(browser.path, browser.setting);
}

/** The output folder: a folder, or a name that can become one, under a folder this user may write. */
export function checkOut(out: string): void {
  const field = '--out';
  if (out.trim() === '') throw usageError({ field, expected: 'a folder to write into', received: 'an empty value', hint: 'give a folder, e.g. --out output' });
  let at = resolve(out);
  for (;;) {
    let stat: Stats | undefined;
    try {
      stat = statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw usageError({ field: `${field} ${quote(out)}`, expected: 'a folder to write into', received: `a path that cannot be read (${code ?? (err as Error).message})` });
    }
    if (stat) {
      if (!stat.isDirectory()) {
        throw usageError(at === resolve(out)
          ? { field: `${field} ${quote(out)}`, expected: 'a folder to write into', received: 'a file', hint: 'choose a folder, or a name that does not exist yet' }
          : { field: `${field} ${quote(out)}`, expected: 'a folder to write into', received: `a path inside ${quote(shown(at))}, which is a file`, hint: 'choose another folder' });
      }
      try {
        accessSync(at, constants.W_OK | constants.X_OK);
      } catch {
        throw usageError({ field: `${field} ${quote(out)}`, expected: 'a folder this user may write to', received: `${at === resolve(out) ? 'a folder' : `a path inside ${quote(shown(at))}`} without that permission`, hint: 'choose another folder' });
      }
      return;
    }
    const parent = dirname(at);
    if (parent === at) return;
    at = parent;
  }
}

/** A path as the user would write it: relative to the current folder where it is inside it. */
const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.');

export function checkBleed(mm: unknown, field = '--bleed'): void {
  if (!(typeof mm === 'number' && Number.isFinite(mm) && mm >= 0 && mm <= MAX_BLEED_MM)) {
    throw usageError({ field, expected: `a number of mm from 0 to ${MAX_BLEED_MM} such as 3`, received: typeof mm === 'string' ? quote(mm) : String(mm), hint: 'print shops ask for 3' });
  }
}

export function checkAtOnce(n: unknown, field = '--jobs'): void {
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_AT_ONCE)) {
    throw usageError({ field, expected: `a whole number from 1 to ${MAX_AT_ONCE}`, received: typeof n === 'string' ? quote(n) : String(n) });
  }
}

/** An ICC profile is some kilobytes to a few MB. */
const MAX_ICC_BYTES = 64 * 1024 * 1024;

/**
 * A CMYK output profile that PDF/X-3 can carry: the 'acsp' signature at byte 36, the device class
 * 'prtr' at byte 12, the colour space 'CMYK' at byte 16, ICC version 2 (byte 8).
 */
export function checkIcc(file: string, field = '--icc'): void {
  const where = `${field} ${quote(file)}`;
  const expected = 'a CMYK output ICC profile (.icc), version 2';
  const hint = 'give the profile your print shop names, e.g. FOGRA39 (ISO Coated v2) or Japan Color 2001 Coated';
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch (err) {
    throw usageError({ field: where, expected, received: `a path that does not exist or cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
  }
  if (stat.isDirectory()) throw usageError({ field: where, expected, received: 'a folder' });
  if (stat.size > MAX_ICC_BYTES) throw usageError({ field: where, expected, received: `a file of ${(stat.size / 1024 / 1024).toFixed(0)} MB, too large for a profile` });
  const head = Buffer.alloc(132);
  let read = 0;
  try {
    const fd = openSync(file, 'r');
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw usageError({ field: where, expected, received: `a file that cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
  }
  if (read < 132 || head.toString('latin1', 36, 40) !== 'acsp') {
    throw usageError({ field: where, expected, received: read < 132 ? `${read} bytes, too short for an ICC profile` : 'a file that is not an ICC profile (no "acsp" signature at byte 36)', hint });
  }
  const space = head.toString('latin1', 16, 20).trim();
  if (space !== 'CMYK') throw usageError({ field: where, expected, received: `${article(space)} ${space} profile`, hint });
  const deviceClass = head.toString('latin1', 12, 16);
  if (deviceClass !== 'prtr') throw usageError({ field: where, expected, received: `a CMYK profile of class ${quote(deviceClass.trim())}, not an output (prtr) profile`, hint });
  const version = head[8]!;
  if (version !== 2) throw usageError({ field: where, expected, received: `an ICC version ${version}.${head[9]! >> 4} profile`, hint: 'PDF/X-3 needs version 2: ask the print shop for the v2 profile' });
}

const article = (word: string) => (/^[AEIOU]/i.test(word) || /^RGB|^L/.test(word) ? 'an' : 'a');

/**
 * The sheet of a batch is what its name says: an .xlsx is a ZIP file (a CSV renamed to .xlsx is the
 * usual mistake), and neither is a folder. The reader checks the rest.
 */
export async function checkSheetFile(file: string): Promise<void> {
  const { SheetError } = await import('../data/sheet.js');
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch {
    return; // the reader says it cannot read it
  }
  if (stat.isDirectory()) throw new SheetError(`${file}: expected a .csv or .xlsx file, received a folder`);
  if (extname(file).toLowerCase() !== '.xlsx' || stat.size === 0) return;
  const head = Buffer.alloc(Math.min(512, stat.size));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const csv = /^[^\n]*[,\t][^\n]*(\r?\n|$)/.test(text) && !text.includes('\uFFFD');
  throw new SheetError(`${file}: expected an Excel workbook (an .xlsx file is a ZIP archive), received ${csv ? 'text that looks like a CSV (name it .csv, or save it from Excel or WPS as .xlsx)' : 'a file that is not one (save it from Excel or WPS as .xlsx)'}`);
}

// ---------------------------------------------------------------------------------------------
// The config file (--config)

export interface Config {
  fonts: Partial<Record<Role, string>>;
  bleed?: number;
  marks?: boolean;
  cmyk?: boolean;
  icc?: string;
}

const CONFIG_KEYS = ['fonts', 'bleed', 'marks', 'cmyk', 'icc'] as const;

/**
 * Read --config: fonts (role → file, relative to the config file), bleed, marks, cmyk, icc. Every
 * problem is a UsageError at the config file's line: `--config FILE:LINE bleed: expected …, received …`.
 */
export function readConfig(file: string | undefined): Config {
  if (file === undefined) return { fonts: {} };
  if (file.trim() === '') throw usageError({ field: '--config', expected: 'a YAML or JSON file', received: 'an empty value' });
  let text: string;
  try {
    text = readTextFile(file, { maxBytes: 1024 * 1024, what: 'a config file (YAML or JSON)' }).text;
  } catch (err) {
    if (!(err instanceof TextFileError)) throw err;
    throw new UsageError(`--config ${file}: ${err.message}`, { place: { file } });
  }
  const lines = new LineCounter();
  const lineOf = (node: unknown) => ((node as Node | null)?.range ? lines.linePos((node as Node).range![0]).line : 0);
  const fail = (line: number, field: string, expected: string, received: string, hint?: string) =>
    new UsageError(`--config ${problemText({ file, line, field, expected, received, ...(hint ? { hint } : {}) })}`, { place: { file, line, field } });

  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }) as Document[];
  if (docs.length > 1) throw fail(lineOf(docs[1]!.contents) || 1, '(yaml)', 'one YAML document', `${docs.length}`, 'a line of --- starts another');
  const doc = docs[0];
  if (!doc || doc.contents === null) return { fonts: {} };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw fail(lines.linePos(e.pos[0]).line, '(yaml)', 'valid YAML', e.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, ''));
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw fail(1, '(yaml)', 'plain values', `aliases that expand too far (${(err as Error).message.split('\n')[0]})`);
  }
  const root = doc.contents;
  if (!isMap(root) || !raw || typeof raw !== 'object' || Array.isArray(raw)) throw fail(lineOf(root) || 1, '(top level)', `a mapping of ${CONFIG_KEYS.join(', ')}`, describe(raw));
  const values = raw as Record<string, unknown>;
  const keyLine = (key: string) => lineOf(root.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.key) || 1;
  const valueLine = (path: string[]) => lineOf(doc.getIn(path, true)) || keyLine(path[0]!);

  const unknown = Object.keys(values).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const line = keyLine(unknown[0]!);
    throw new UsageError(`--config ${file}: expected keys ${CONFIG_KEYS.join(', ')}, received ${unknown.map((k) => quote(k).slice(1, -1)).join(', ')} (line ${unknown.map(keyLine).join(', ')})`, { place: { file, line, field: unknown[0]! } });
  }
  const config: Config = { fonts: {} };
  const fonts = values.fonts;
  if (fonts !== undefined && fonts !== null) {
    if (typeof fonts !== 'object' || Array.isArray(fonts)) throw fail(valueLine(['fonts']), 'fonts', 'a mapping of role: file, e.g. { body: fonts/仿宋_GB2312.ttf }', describe(fonts));
    for (const [role, path] of Object.entries(fonts as Record<string, unknown>)) {
      const line = valueLine(['fonts', role]);
      if (!(ROLES as readonly string[]).includes(role)) throw fail(line, `fonts.${role}`, `a role of ${ROLES.join(', ')}`, quote(role));
      if (typeof path !== 'string' || path.trim() === '') throw fail(line, `fonts.${role}`, 'a font file path (relative to the config file)', describe(path));
      config.fonts[role as Role] = resolve(dirname(file), path);
    }
  }
  const bleed = values.bleed;
  if (bleed !== undefined) {
    if (!(typeof bleed === 'number' && Number.isFinite(bleed) && bleed >= 0 && bleed <= MAX_BLEED_MM)) {
      const mm = typeof bleed === 'string' ? /^\s*(\d+(\.\d+)?)\s*(mm|毫米)\s*$/i.exec(bleed) : null;
      throw fail(valueLine(['bleed']), 'bleed', `a number of mm from 0 to ${MAX_BLEED_MM} such as 3`, describe(bleed), mm ? `write ${mm[1]}` : 'print shops ask for 3');
    }
    config.bleed = bleed;
  }
  for (const key of ['marks', 'cmyk'] as const) {
    const v = values[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw fail(valueLine([key]), key, 'true or false', describe(v), typeof v === 'string' && /^(yes|no|on|off|y|n|是|否)$/i.test(v) ? 'write true or false' : undefined);
    config[key] = v;
  }
  const icc = values.icc;
  if (icc !== undefined) {
    if (typeof icc !== 'string' || icc.trim() === '') throw fail(valueLine(['icc']), 'icc', 'an ICC profile path (relative to the config file)', describe(icc));
    config.icc = resolve(dirname(file), icc);
  }
  return config;
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quote(v);
  return String(v);
}
