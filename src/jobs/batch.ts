// Batch: one set of outputs per row of a sheet (CSV or XLSX), e.g. a poster per county.
// sheet + base data file → rows validated like data files → one browser, pages in parallel →
// <out>/<row name>/… with a manifest each, a gallery and batch.json over all rows.
// A row that is invalid or fails to render is reported; the other rows still render.

import { rmSync } from 'node:fs';
import { MAX_SPEECH_BYTES, readTextFile, TextFileError } from '../data/text.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { findBrowser } from '../chrome/browser.js';
import { parseField, readDataFile, readYaml, validateRaw } from '../data/load.js';
import { locate, mapColumns, rowData, rowPlace, SheetDataError, type Base, type Column, type RowData } from '../data/rows.js';
import { fontFaceCss, resolveFonts, ROLE_STYLES, type Role, type RoleFace } from '../fonts/fonts.js';
import { drawnText } from '../fonts/subset.js';
import { templateOutputs, type OutputSpec } from '../view/outputs.js';
import { describeGlyph, eachAtOnce, glyphProblems, launchRenderer, PAGES_AT_ONCE, pageHtmls, renderOutput, writeGallery, type PrintOptions } from '../pipeline.js';
import { Progress, type ProgressStream } from '../cli/progress.js';
import { readSheet } from '../data/sheet.js';
import { verifyFigures } from '../data/verify.js';
import { buildView, type View } from '../view/views.js';
import { writeAtomic, writeManifest, type ManifestEntry } from '../output/write.js';

export interface BatchOptions {
  /** The sheet: .csv or .xlsx, a row per set of outputs */
  data: string;
  /** The data file each row fills in */
  base: string;
  /** Output names or groups, e.g. poster-a3 or poster (see templateOutputs) */
  template: string;
  /** Each row's files go to <out>/<row name>/ */
  out: string;
  /** XLSX: the sheet to read (default: the first) */
  sheet?: string;
  fonts?: Partial<Record<Role, string>>;
  bleedMm?: number;
  marks?: boolean;
  cmyk?: boolean;
  icc?: string;
  browser?: string;
  templatesDir: string;
  /** Pages rendered at once over the one browser */
  atOnce?: number;
  /** Where the progress bar and row results go (stderr in the CLI) */
  stream: ProgressStream;
}

export interface BatchRow {
  row: number;
  name: string;
  /** rendered: every output written; invalid: the row's data is wrong, nothing rendered; failed: an output failed, the row's files removed */
  status: 'rendered' | 'invalid' | 'failed';
  files: string[];
  problems: string[];
}

export interface BatchResult {
  rows: BatchRow[];
  outputs: string[];
  seconds: number;
  summary: string;
}

export async function batch(options: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const say = (line: string) => options.stream.write(`${line}\n`);

  // The base data file must be valid on its own; rows only change its fields.
  const { raw, at } = readYaml(readDataFile(options.base), options.base);
  validateRaw(raw, options.base, at);
  const base: Base = { file: options.base, raw: raw as Record<string, unknown>, at };
  const figureIds = ((raw as { figures: { id: string }[] }).figures).map((f) => f.id);
  const outputs = templateOutputs(options.template, figureIds);

  const sheet = readSheet(options.data, { sheet: options.sheet });
  const sheetName = sheet.kind === 'xlsx' ? `${options.data} sheet ${sheet.sheetName}` : options.data;
  const columns = mapColumns(sheet.headers, base, sheetName);
  if (sheet.rows.length === 0) throw new SheetDataError([`${sheetName}: expected rows under the header, received none`]);

  const fonts = resolveFonts(options.fonts);
  const rows = sheet.rows.map((r) => rowData(base, columns, r, sheetName));
  checkRowGlyphs(rows, fonts, columns, base, sheetName);
  checkRowSources(rows, columns, dirname(options.data), sheetName);
  checkUniqueNames(rows, columns, sheetName);
  const valid = rows.filter((r) => r.data);
  if (valid.length === 0) throw new SheetDataError(rows.flatMap((r) => r.problems));

  const results = new Map<RowData, BatchRow>(rows.map((r) => [r, { row: r.row, name: r.name, status: r.data ? 'rendered' : 'invalid', files: [], problems: [...r.problems] }]));
  for (const r of rows) if (!r.data) say(`✗ ${r.problems.join('\n  ')}`);
  say(`${sheetName}: ${rows.length} rows, ${valid.length} valid; rendering ${outputs.map((o) => o.name).join(', ')} for each into ${options.out}/<name>/`);

  // Every output of every valid row, row by row, so rows finish in order. Views and HTML are made
  // when a job starts, so a long sheet does not hold every page's HTML at once.
  const fontCss = fontFaceCss(fonts);
  const jobs = valid.flatMap((row) => outputs.map((output) => ({ row, output })));
  const views = new Map<RowData, View>();
  const viewOf = (row: RowData) => views.get(row) ?? views.set(row, buildView(row.data!)).get(row)!;
  const pending = new Map(valid.map((r) => [r, outputs.length]));
  const written = new Map<RowData, ManifestEntry[]>(valid.map((r) => [r, []]));
  const rowsDone = () => `${valid.length - [...pending.values()].filter((n) => n > 0).length}/${valid.length} rows`;
  const progress = new Progress(jobs.length, 'outputs', options.stream, rowsDone);

  const browser = await findBrowser(options.browser);
  say(`browser: ${browser.path} (${browser.source})`);
  // Fonts cut to the characters of every row (a row whose view fails is reported when its job runs).
  const rowViews = valid.flatMap((r) => {
    try {
      return [buildView(r.data!)];
    } catch {
      return [];
    }
  });
  const text = drawnText(options.templatesDir, rowViews, outputs);
  const renderer = await launchRenderer({ browserPath: browser.path, templatesDir: options.templatesDir, fonts, text }, say, () => undefined);
  const print: PrintOptions = { bleedMm: options.bleedMm ?? 0, marks: options.marks ?? false, cmyk: options.cmyk ?? false, icc: options.icc, log: () => undefined };
  try {
    await eachAtOnce(jobs, options.atOnce ?? PAGES_AT_ONCE, async ({ row, output }) => {
      const result = results.get(row)!;
      let ok = true;
      try {
        const view = viewOf(row);
        const [page] = pageHtmls(options.templatesDir, view, [output], fontCss, options.bleedMm ?? 0);
        written.get(row)!.push(...(await renderOutput(renderer, page!, view, print, join(options.out, row.name))));
      } catch (err) {
        ok = false;
        result.status = 'failed';
        const message = (err as Error).message;
        const named = message.startsWith(output.name) ? message : `${output.name}: ${message}`;
        const column = columnOfText(message, columns, row);
        result.problems.push(`${rowPlace(sheetName, row)}, ${column ? `column ${column.letter} ${column.header}, ` : ''}${named}`);
      }
      pending.set(row, pending.get(row)! - 1);
      if (pending.get(row) === 0) {
        views.delete(row);
        finishRow(row, result, written.get(row)!, options, progress);
      }
      progress.tick(ok);
    });
  } finally {
    await renderer.close();
    progress.end();
  }

  const all = [...results.values()];
  const entries = valid.flatMap((r) => (results.get(r)!.status === 'rendered' ? written.get(r)!.map((e) => ({ ...e, file: `${r.name}/${e.file}` })) : []));
  if (entries.length > 0) await writeGallery(options.out, `${basename(options.data)}（${all.filter((r) => r.status === 'rendered').length} 份）`, entries);
  const seconds = (performance.now() - started) / 1000;
  writeAtomic(join(options.out, 'batch.json'), `${JSON.stringify({ sheet: options.data, base: options.base, outputs: outputs.map((o) => o.name), seconds: Math.round(seconds * 10) / 10, rows: all }, null, 2)}\n`);
  const summary = summarize(all, outputs, seconds, options.out);
  say(summary);
  return { rows: all, outputs: outputs.map((o) => o.name), seconds, summary };
}

/** A row is done: keep its files with a manifest, or, if an output failed, remove what it wrote. */
function finishRow(row: RowData, result: BatchRow, entries: ManifestEntry[], options: BatchOptions, progress: Progress): void {
  const dir = join(options.out, row.name);
  if (result.status === 'failed') {
    for (const e of entries) rmSync(join(dir, e.file), { force: true });
    progress.log(`✗ ${result.problems.join('\n  ')}`);
    return;
  }
  result.files = entries.map((e) => e.file).sort();
  writeManifest(dir, entries, { generator: 'shushuo batch', sheet: options.data, row: row.row, base: options.base });
  progress.log(`✓ row ${row.row} ${row.name}: ${result.files.join(', ')}`);
}

/** The column whose cell a render error quotes (a headline that does not fit), if any. */
function columnOfText(message: string, columns: Column[], row: RowData): Column | undefined {
  const quoted = [...message.matchAll(/"([^"]{4,})"/g)].map((m) => m[1]!);
  return columns.find((c) => {
    const cell = c.target.kind === 'field' ? String(row.cells[c.index] ?? '') : '';
    return cell.length >= 4 && quoted.some((q) => cell.includes(q) || q.includes(cell));
  });
}

/** The run in a few lines: counts, then each row that did not render and why. */
export function summarize(rows: BatchRow[], outputs: OutputSpec[], seconds: number, out: string): string {
  const count = (s: BatchRow['status']) => rows.filter((r) => r.status === s).length;
  const files = rows.reduce((n, r) => n + r.files.length, 0);
  const lines = [`batch: ${rows.length} rows, ${count('rendered')} rendered (${files} files in ${out}), ${count('invalid')} invalid, ${count('failed')} failed, in ${seconds.toFixed(1)} s (${outputs.length} outputs per row)`];
  for (const r of rows.filter((x) => x.status !== 'rendered')) lines.push(`  row ${r.row} ${r.name}: ${r.status}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}, first: ${r.problems[0]}`);
  return lines.join('\n');
}

/** Each role's face must cover every character of the row, as for a data file. */
function checkRowGlyphs(rows: RowData[], fonts: RoleFace[], columns: Column[], base: Base, sheetName: string): void {
  for (const r of rows) {
    if (!r.data) continue;
    const missing = glyphProblems(r.data, fonts);
    if (missing.length === 0) continue;
    for (const p of missing) {
      const where = locate({ field: p.field, line: base.at(parseField(p.field)) }, columns, r.data, base);
      r.problems.push(`${rowPlace(sheetName, r)}, ${where}: ${describeGlyph(p, ROLE_STYLES[p.role])}`);
    }
    delete r.data;
  }
}

/**
 * A source column names each row's speech (or report) text, relative to the sheet; every figure of
 * the row must verify against it, as with render --source.
 */
function checkRowSources(rows: RowData[], columns: Column[], sheetDir: string, sheetName: string): void {
  const column = columns.find((c) => c.target.kind === 'source');
  if (!column) return;
  for (const r of rows) {
    if (!r.data) continue;
    const where = rowPlace(sheetName, r);
    const cell = String(r.cells[column.index] ?? '').trim();
    let text: string | undefined;
    try {
      text = cell ? readTextFile(resolve(sheetDir, cell), { maxBytes: MAX_SPEECH_BYTES, what: 'a text file' }).text : undefined;
    } catch (err) {
      if (!(err instanceof TextFileError)) throw err;
      r.problems.push(`${where}, column ${column.letter} source: expected a text file relative to the sheet, received "${cell}" (${err.message.replace(/^cannot read a text file \((.*)\)$/, '$1')})`);
    }
    if (!cell) r.problems.push(`${where}, column ${column.letter} source: expected the speech's text file for this row's figures, received an empty cell`);
    if (text !== undefined) {
      for (const check of verifyFigures(r.data, text, cell).filter((c) => !c.ok)) {
        const fragment = columns.find((c) => c.header === `figures.${check.id}.fragment`);
        for (const p of check.problems) r.problems.push(`${where}, ${fragment ? `column ${fragment.letter} ${fragment.header}` : `figures.${check.id}.fragment`}: ${p.replace(/^fragment: /, '')}`);
      }
    }
    if (r.problems.length > 0) delete r.data;
  }
}

/** Row names become folders: two rows with one name would overwrite each other's files. */
function checkUniqueNames(rows: RowData[], columns: Column[], sheetName: string): void {
  const column = columns.find((c) => c.target.kind === 'name');
  const first = new Map<string, number>();
  for (const r of rows) {
    const key = r.name.normalize('NFC').toLowerCase();
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, r.row);
      continue;
    }
    r.problems.push(`${rowPlace(sheetName, r)}, column ${column?.letter ?? '?'} name: expected a name no other row has, received "${r.name}" (row ${seen} has it)`);
    delete r.data;
  }
}

/** Default output folder of a batch: output/<sheet name without extension>. */
export function defaultBatchOut(sheet: string): string {
  return join('output', basename(sheet, extname(sheet)));
}
