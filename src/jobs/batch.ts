// Batch: one set of outputs per row of a sheet (CSV or XLSX), e.g. a poster per county.
// sheet + base data file → rows validated like data files → one browser, pages in parallel →
// <out>/<row name>/… with a manifest each, a gallery and batch.json over all rows.
// A row that is invalid or fails to render is reported; the other rows still render.

import { basename, dirname, extname, join, resolve } from 'node:path';
import { MAX_SPEECH_BYTES, readTextFile, TextFileError } from '../data/text.js';
import { parseField, readDataFile, readYaml, validateRaw } from '../data/load.js';
import { folderNameProblem, locate, mapColumns, rowData, rowPlace, SheetDataError, type Base, type Column, type RowData } from '../data/rows.js';
import { resolveFonts, ROLE_STYLES, type RoleFace } from '../fonts/fonts.js';
import { drawnText } from '../fonts/subset.js';
import { templateOutputs, type OutputSpec } from '../view/outputs.js';
import { BATCH_RENDERERS, describeGlyph, eachAtOnce, glyphProblems, ROWS_AT_ONCE, writeGallery, writeThumbnails } from '../pipeline.js';
import { Progress, type ProgressStream } from '../cli/progress.js';
import { readSheet, type SheetRow } from '../data/sheet.js';
import { verifyFigures } from '../data/verify.js';
import { buildView } from '../view/views.js';
import { writeAtomic } from '../output/write.js';
import { lockFolder, readManifest } from '../output/transaction.js';
import { Interrupted, runJob, Session } from './run.js';
import { checkRunOptions, checkSheetFile, type RunOptions } from './options.js';
import { quote, usageError } from '../errors.js';
import { TEMPLATES_DIR } from '../view/registry.js';

export interface BatchOptions extends RunOptions {
  /** The sheet: .csv or .xlsx, a row per set of outputs */
  data: string;
  /** The data file each row fills in */
  base: string;
  /** Output names or groups, e.g. poster-a3 or poster (see templateOutputs) */
  template: string;
  /** Each row's files go to <out>/<row name>/ (default output/<sheet name>) */
  out?: string;
  /** XLSX: the sheet to read (default: the first) */
  sheet?: string;
  /** The templates folder (default: the project's) */
  templatesDir?: string;
  /** Where the progress bar and row results go (stderr in the CLI) */
  stream: ProgressStream;
  /** Wait this long (ms) for another run writing the same folder */
  waitMs?: number;
  /** Render every output, even those whose files are up to date */
  force?: boolean;
  /** Stop (Ctrl-C): the rows done are committed, batch.json says which are not */
  signal?: AbortSignal;
  /** Runs each row's job (default runJob; batch --queue: on the BullMQ workers, src/service/batch-queue.ts) */
  runJob?: typeof runJob;
}

export interface BatchRow {
  row: number;
  name: string;
  /**
   * rendered: every output written (or up to date); invalid: the row's data is wrong, nothing rendered;
   * failed: an output failed (its earlier files, if any, are kept); stopped: not run, the batch was interrupted
   */
  status: 'rendered' | 'invalid' | 'failed' | 'stopped';
  files: string[];
  problems: string[];
}

export interface BatchResult {
  rows: BatchRow[];
  outputs: string[];
  seconds: number;
  summary: string;
  /** The batch was stopped (Ctrl-C, or the browser died): the rows done are committed */
  stopped?: Error;
}

export async function batch(batchOptions: BatchOptions): Promise<BatchResult> {
  const started = performance.now();
  const options = { ...batchOptions, out: batchOptions.out ?? defaultBatchOut(batchOptions.data), templatesDir: batchOptions.templatesDir ?? TEMPLATES_DIR };
  const say = (line: string) => options.stream.write(`${line}\n`);
  if (options.sheet !== undefined && !['.xlsx', '.xls'].includes(extname(options.data).toLowerCase())) {
    throw usageError({ field: '--sheet', expected: 'an .xlsx or .xls workbook in --data, whose sheet it names', received: `${quote(options.data)}, which has no sheets`, hint: 'leave --sheet out for a CSV' });
  }
  await checkSheetFile(options.data);
  await checkRunOptions(options);

  // The base data file must be valid on its own; rows only change its fields.
  const { raw, at } = readYaml(readDataFile(options.base), options.base);
  const baseData = validateRaw(raw, options.base, at);
  const base: Base = { file: options.base, raw: raw as Record<string, unknown>, at };
  const outputs = templateOutputs(options.template, baseData.figures.map((f) => f.id));

  const sheet = readSheet(options.data, { sheet: options.sheet });
  const sheetName = sheet.kind === 'xlsx' ? `${options.data} sheet ${sheet.sheetName}` : options.data;
  const columns = mapColumns(sheet.headers, base, sheetName);
  if (sheet.rows.length === 0) throw new SheetDataError([`${sheetName}: expected rows under the header, received none`]);
  const names = rowNames(sheet.rows, columns, sheetName);
  if (names.every((n) => n.problem)) throw new SheetDataError(names.map((n) => n.problem!));

  // Rows are validated and rendered one after another, as they come: a long sheet never holds
  // every row's data, view and pages at once. The fonts are cut once, to the base file's pages and
  // every cell of the sheet.
  const fonts = resolveFonts(options.fonts);
  const text = [...new Set(drawnText(options.templatesDir, [buildView(baseData)], outputs) + sheet.rows.flatMap((r) => r.cells.map(String)).join(''))].join('');
  const session = new Session({ fonts, browser: options.browser, templatesDir: options.templatesDir, text, log: say, renderers: BATCH_RENDERERS });
  const results: BatchRow[] = sheet.rows.map((r, i) => ({ row: r.row, name: names[i]!.name, status: 'stopped', files: [], problems: [] }));
  say(`${sheetName}: ${sheet.rows.length} rows; rendering ${outputs.map((o) => o.name).join(', ')} for each into ${options.out}/<name>/`);
  const progress = new Progress(sheet.rows.length, 'rows', options.stream);
  // The folder is locked when the first valid row is about to render: a sheet of invalid rows writes nothing.
  let locked: Promise<() => void> | undefined;
  const lock = () => (locked ??= lockFolder(options.out, { waitMs: options.waitMs, log: say }));
  let stopped: Error | undefined;
  try {
    await eachAtOnce(sheet.rows.map((r, i) => i), options.atOnce ?? ROWS_AT_ONCE, async (i) => {
      const result = results[i]!;
      if (stopped || options.signal?.aborted) {
        stopped ??= new Interrupted('the batch was stopped');
        return;
      }
      const sheetRow = sheet.rows[i]!;
      const row = names[i]!.problem ? undefined : rowData(base, columns, sheetRow, sheetName);
      const problems = names[i]!.problem ? [names[i]!.problem!] : [...row!.problems];
      if (row?.data) problems.push(...rowGlyphProblems(row, fonts, columns, base, sheetName), ...rowSourceProblems(row, columns, dirname(options.data), sheetName));
      if (problems.length > 0 || !row?.data) {
        Object.assign(result, { status: 'invalid', problems });
        progress.log(`✗ ${problems.join('\n  ')}`);
        progress.tick(false);
        return;
      }
      await lock();
      const job = await (options.runJob ?? runJob)(session, {
        data: row.data,
        outputs,
        out: join(options.out, row.name),
        lock: false,
        print: { bleedMm: options.bleedMm ?? 0, marks: options.marks ?? false, cmyk: options.cmyk ?? false, icc: options.icc },
        manifest: { generator: 'shushuo batch', sheet: options.data, row: row.row, base: options.base },
        force: options.force,
        signal: options.signal,
        atOnce: 1,
      });
      result.files = job.manifest.map((e) => e.file).sort();
      await writeThumbnails(options.out, job.manifest.map((e) => ({ ...e, file: `${row.name}/${e.file}` })));
      if (job.stopped) {
        stopped ??= job.stopped;
        result.problems.push(`${rowPlace(sheetName, row)}: ${job.stopped.message}`);
        progress.tick(false);
        return;
      }
      if (job.failed.length > 0) {
        result.status = 'failed';
        result.problems.push(...job.failed.map((f) => `${rowPlace(sheetName, row)}, ${f.output}: ${f.reason}`));
        progress.log(`✗ ${result.problems.join('\n  ')}`);
      } else {
        result.status = 'rendered';
        const kept = job.kept.length > 0 ? ` (${job.kept.length === outputs.length ? 'all' : job.kept.length} up to date)` : '';
        progress.log(`✓ row ${row.row} ${row.name}: ${result.files.join(', ')}${kept}`);
      }
      progress.tick(result.status === 'rendered');
    });
  } finally {
    await session.close();
    progress.end();
    const release = await locked?.catch(() => undefined);
    if (release) {
      try {
        // Every row that has files is in the gallery, and batch.json says what each row is now.
        const entries = results.flatMap((r) => (r.status === 'invalid' ? [] : readManifest(join(options.out, r.name)).map((e) => ({ ...e, file: `${r.name}/${e.file}` }))));
        if (entries.length > 0) await writeGallery(options.out, `${basename(options.data)}（${results.filter((r) => r.status === 'rendered').length} 份）`, entries);
        const seconds = (performance.now() - started) / 1000;
        writeAtomic(join(options.out, 'batch.json'), `${JSON.stringify({ sheet: options.data, base: options.base, outputs: outputs.map((o) => o.name), seconds: Math.round(seconds * 10) / 10, rows: results }, null, 2)}\n`);
      } finally {
        release();
      }
    }
  }
  if (!locked && results.every((r) => r.status === 'invalid')) throw new SheetDataError([`${sheetName}: expected at least one valid row, received ${results.length} invalid rows (each listed above); nothing was written`]);
  const seconds = (performance.now() - started) / 1000;
  let summary = summarize(results, outputs, seconds, options.out);
  if (stopped) summary += `\nstopped: ${stopped.message}. Run the same command again (or with --resume) to go on: rows whose files are up to date are kept.`;
  say(summary);
  return { rows: results, outputs: outputs.map((o) => o.name), seconds, summary, ...(stopped ? { stopped } : {}) };
}

/** Names that the batch's own files use, or that no file system keeps apart. */
const RESERVED = new Set(['batch.json', 'index.html', 'thumbs', 'manifest.json', '.', '..']);

/**
 * Each row's folder name (its name column, else row-<n>), or the problem with it: a name a folder
 * cannot have, one of the batch's own files, or one another row has (also in another case).
 */
function rowNames(rows: SheetRow[], columns: Column[], sheetName: string): { name: string; problem?: string }[] {
  const column = columns.find((c) => c.target.kind === 'name');
  const first = new Map<string, number>();
  return rows.map((r) => {
    const name = column ? String(r.cells[column.index] ?? '').trim() : `row-${r.row}`;
    const where = `${rowPlace(sheetName, { row: r.row, name }, Boolean(column))}, column ${column?.letter ?? '?'} name`;
    const bad = column ? folderNameProblem(name) : undefined;
    if (bad) return { name, problem: `${where}: ${bad}` };
    const key = name.normalize('NFC').toLowerCase();
    if (RESERVED.has(key) || key.startsWith('.shushuo')) return { name, problem: `${where}: expected a name the batch does not use for its own files (${[...RESERVED].join(', ')}), received "${name}"` };
    const seen = first.get(key);
    if (seen !== undefined) return { name, problem: `${where}: expected a name no other row has, received "${name}" (row ${seen} has it${key !== name ? ', in another case' : ''})` };
    first.set(key, r.row);
    return { name };
  });
}

/** Rows listed one by one in the summary; batch.json has them all. */
const SUMMARY_ROWS = 20;

/** Row numbers as spans: 3, 5–9, 12 */
function spans(rows: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j + 1 < rows.length && rows[j + 1] === rows[j]! + 1) j++;
    out.push(j === i ? `${rows[i]}` : `${rows[i]}–${rows[j]}`);
    i = j + 1;
  }
  return out.length > 6 ? `${out.slice(0, 5).join(', ')} … ${out.at(-1)}` : out.join(', ');
}

/** The run in a few lines: counts, then each row that did not render and why. */
export function summarize(rows: BatchRow[], outputs: OutputSpec[], seconds: number, out: string): string {
  const count = (s: BatchRow['status']) => rows.filter((r) => r.status === s).length;
  const files = rows.reduce((n, r) => n + r.files.length, 0);
  const lines = [`batch: ${rows.length} rows, ${count('rendered')} rendered (${files} files in ${out}), ${count('invalid')} invalid, ${count('failed')} failed, in ${seconds.toFixed(1)} s (${outputs.length} outputs per row)`];
  const bad = rows.filter((x) => x.status !== 'rendered' && x.problems.length > 0);
  for (const r of bad.slice(0, SUMMARY_ROWS)) lines.push(`  row ${r.row} ${r.name}: ${r.status}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}, first: ${r.problems[0]}`);
  if (bad.length > SUMMARY_ROWS) lines.push(`  … and ${bad.length - SUMMARY_ROWS} more rows with problems (batch.json lists every row)`);
  const notRun = rows.filter((x) => x.status !== 'rendered' && x.problems.length === 0);
  if (notRun.length > 0) lines.push(`  ${notRun.length === 1 ? `row ${notRun[0]!.row} ${notRun[0]!.name}` : `${notRun.length} rows (${spans(notRun.map((r) => r.row))})`}: not run (the batch was stopped)`);
  return lines.join('\n');
}

/** Each role's face must cover every character of the row, as for a data file. */
function rowGlyphProblems(r: RowData, fonts: RoleFace[], columns: Column[], base: Base, sheetName: string): string[] {
  return glyphProblems(r.data!, fonts).map((p) => {
    const where = locate({ field: p.field, line: base.at(parseField(p.field)) }, columns, r.data, base);
    return `${rowPlace(sheetName, r)}, ${where}: ${describeGlyph(p, ROLE_STYLES[p.role])}`;
  });
}

/**
 * A source column names each row's speech (or report) text, relative to the sheet; every figure of
 * the row must verify against it, as with render --source.
 */
function rowSourceProblems(r: RowData, columns: Column[], sheetDir: string, sheetName: string): string[] {
  const column = columns.find((c) => c.target.kind === 'source');
  if (!column) return [];
  const problems: string[] = [];
  const where = rowPlace(sheetName, r);
  const cell = String(r.cells[column.index] ?? '').trim();
  if (!cell) return [`${where}, column ${column.letter} source: expected the speech's text file for this row's figures, received an empty cell`];
  let text: string;
  try {
    text = readTextFile(resolve(sheetDir, cell), { maxBytes: MAX_SPEECH_BYTES, what: 'a text file' }).text;
  } catch (err) {
    if (!(err instanceof TextFileError)) throw err;
    return [`${where}, column ${column.letter} source: expected a text file relative to the sheet, received "${cell}" (${err.message.replace(/^cannot read a text file \((.*)\)$/, '$1')})`];
  }
  for (const check of verifyFigures(r.data!, text, cell).filter((c) => !c.ok)) {
    const fragment = columns.find((c) => c.header === `figures.${check.id}.fragment`);
    // Every difference is the fragment's cell's to put right; one that is not the words themselves says which field.
    for (const d of check.differences) problems.push(`${where}, ${fragment ? `column ${fragment.letter} ${fragment.header}` : `figures.${check.id}.fragment`}: ${d.field === 'fragment' ? '' : `${d.field}: `}${d.message}`);
  }
  return problems;
}

/** Default output folder of a batch: output/<sheet name without extension>. */
export function defaultBatchOut(sheet: string): string {
  return join('output', basename(sheet, extname(sheet)));
}
