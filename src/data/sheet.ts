// Reading a table of rows from a CSV (UTF-8, or GB18030 as Chinese Excel writes it) or an Excel
// workbook: a header row naming the columns, then one row per record, as strings and numbers.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import * as XLSX from '@e965/xlsx';
import { UserError } from '../errors.js';

export type CellValue = string | number;

export interface SheetRow {
  /** The row number the user sees in Excel/WPS: the header is row 1; empty rows count but are not returned */
  row: number;
  /** CSV only: the text line where the record starts (1-based) */
  line?: number;
  /** One per header, in header order */
  cells: CellValue[];
  /** XLSX: cells holding an error (#DIV/0! …), by column index: the row is invalid, the others render */
  errors?: { column: number; message: string }[];
}

export interface Sheet {
  file: string;
  kind: 'csv' | 'xlsx';
  /** XLSX: the sheet read */
  sheetName?: string;
  /** CSV: how the bytes were decoded */
  encoding?: 'utf-8' | 'gb18030';
  headers: string[];
  rows: SheetRow[];
}

export class SheetError extends UserError {
  constructor(message: string) {
    super(message, { heading: 'invalid sheet, nothing rendered:' });
    this.name = 'SheetError';
  }
}

/** 0 → A, 25 → Z, 26 → AA */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export function readSheet(file: string, options: { sheet?: string } = {}): Sheet {
  const ext = extname(file).toLowerCase();
  const kind = ['.csv', '.tsv', '.txt'].includes(ext) ? 'csv' : ['.xlsx', '.xls'].includes(ext) ? 'xlsx' : undefined;
  if (!kind) throw new SheetError(`${file}: expected a .csv or .xlsx file, received ${ext || 'a name without an extension'}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SheetError(`${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return kind === 'csv' ? readCsv(file, bytes) : readXlsx(file, bytes, options.sheet);
}

interface RawRow {
  row: number;
  line?: number;
  cells: CellValue[];
  errors?: { column: number; message: string }[];
}

function readCsv(file: string, bytes: Buffer): Sheet {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new SheetError(`${file}: expected UTF-8 or GB18030 text, received UTF-16 ("Unicode 文本"); save the sheet as "CSV UTF-8 (逗号分隔)" or as .xlsx`);
  }
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = hasBom ? bytes.subarray(3) : bytes;
  let text: string;
  let encoding: 'utf-8' | 'gb18030' = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    encoding = 'gb18030';
    text = new TextDecoder('gb18030').decode(body);
  }
  const firstLine = text.split(/\r?\n|\r/, 1)[0] ?? '';
  const delimiter = firstLine.includes('\t') && !firstLine.includes(',') ? '\t' : ',';
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    // Empty lines are kept as records so that record n is Excel's row n.
    parsed = parseCsv(text, { delimiter, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as unknown as typeof parsed;
  } catch (err) {
    throw new SheetError(`${file}: expected CSV text, received ${(err as Error).message}`);
  }
  // Lines are counted here: csv-parse's info.lines counts a CRLF inside quotes as two lines.
  // info.bytes is the UTF-8 offset where the next record starts.
  const utf8 = Buffer.from(text);
  let line = 1;
  let offset = 0;
  const records = parsed.map(({ record, info }, i) => {
    const r: RawRow = { row: i + 1, line, cells: record.map((cell) => cell.trim()) };
    line += utf8.toString('utf8', offset, info.bytes).match(/\r\n|\r|\n/g)?.length ?? 0;
    offset = info.bytes;
    return r;
  });
  return { file, kind: 'csv', encoding, ...table(file, records, true) };
}

function readXlsx(file: string, bytes: Buffer, sheet: string | undefined): Sheet {
  let wb: XLSX.WorkBook;
  try {
    // Without cellFormula, a formula cell with no saved value is left out (empty) rather than read as 0.
    wb = XLSX.read(bytes, { type: 'buffer', cellNF: true, cellFormula: false, cellHTML: false, sheets: sheet ?? 0 });
  } catch (err) {
    throw new SheetError(`${file}: expected an Excel workbook, received a file that cannot be read as one (${(err as Error).message})`);
  }
  const sheetName = sheet ?? wb.SheetNames[0];
  const ws = sheetName === undefined ? undefined : wb.Sheets[sheetName];
  if (sheetName === undefined) throw new SheetError(`${file}: expected a workbook with a sheet, received one with none`);
  if (!ws) {
    throw new SheetError(`${file}: expected a sheet named "${sheet}", received a workbook with the sheets ${wb.SheetNames.map((n) => `"${n}"`).join(', ')}`);
  }
  const date1904 = Boolean(wb.Workbook?.WBProps?.date1904);
  const byRow = new Map<number, CellValue[]>();
  const errors = new Map<number, { column: number; message: string }[]>();
  for (const [address, cell] of Object.entries(ws)) {
    if (address.startsWith('!')) continue;
    const { r, c } = XLSX.utils.decode_cell(address);
    const value = cellValue(cell as XLSX.CellObject, date1904);
    const cells = byRow.get(r + 1) ?? [];
    while (cells.length < c) cells.push('');
    if (value instanceof CellErrorValue) {
      // In the header row an error names no column: the sheet cannot be read.
      if (r === 0) throw new SheetError(`${file} sheet ${sheetName} cell ${address}: ${value.message}`);
      errors.set(r + 1, [...(errors.get(r + 1) ?? []), { column: c, message: `cell ${address}: ${value.message}` }]);
      cells[c] = '#ERROR';
    } else cells[c] = value;
    byRow.set(r + 1, cells);
  }
  const records = [...byRow].sort(([a], [b]) => a - b).map(([row, cells]): RawRow => ({ row, cells, ...(errors.has(row) ? { errors: errors.get(row) } : {}) }));
  return { file, kind: 'xlsx', sheetName, ...table(`${file} sheet ${sheetName}`, records, false) };
}

/** A cell that holds an error: reported with its row, which is then invalid (the other rows render). */
class CellErrorValue {
  constructor(readonly message: string) {}
}

function cellValue(cell: XLSX.CellObject, date1904: boolean): CellValue | CellErrorValue {
  switch (cell.t) {
    case 's': return String(cell.v ?? '').trim();
    case 'b': return cell.v ? 'TRUE' : 'FALSE';
    case 'z': return '';
    case 'e': {
      const received = cell.w ? `the error ${cell.w}` : 'an error with no value saved (open the file in Excel or WPS and save it again)';
      return new CellErrorValue(`expected a value, received ${received}`);
    }
    case 'n': {
      const v = cell.v as number;
      const format = numberFormat(cell);
      if (XLSX.SSF.is_date(format)) return dateText(v, date1904) ?? v;
      // 85% shows 0.85 × 100; 15 significant digits (as Excel keeps) drop the float noise: 0.071 → 7.1.
      if (format.replace(/"[^"]*"|\\./g, '').includes('%')) return Number((v * 100).toPrecision(15));
      return v;
    }
    default: return String(cell.v ?? '').trim();
  }
}

// SheetJS quirk: the first cell to use a built-in format it does not start with (31, the
// 2018年2月8日 date of a Chinese Excel; 67, a percent) gets no .z, and its .w is written in the
// stand-in format SheetJS then loads for that id: m/d/yy for dates. Later cells get the stand-in as .z.
function numberFormat(cell: XLSX.CellObject): string {
  if (cell.z !== undefined) return String(cell.z);
  if (/^\d{1,2}\/\d{1,2}\/\d{2}$/.test(cell.w ?? '')) return 'm/d/yy';
  if ((cell.w ?? '').endsWith('%')) return '0%';
  return 'General';
}

function dateText(v: number, date1904: boolean): string | undefined {
  const d = XLSX.SSF.parse_date_code(v, { date1904 }) as { y: number; m: number; d: number; H: number; M: number; S: number } | null;
  if (!d) return undefined;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const date = `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
  if (!d.H && !d.M && !d.S) return date;
  return `${date} ${pad(d.H)}:${pad(d.M)}${d.S ? `:${pad(d.S)}` : ''}`;
}

/** Header row and rows from the records of a sheet; `where` is the file (and sheet) for messages. */
function table(where: string, records: RawRow[], csv: boolean): { headers: string[]; rows: SheetRow[] } {
  const at = (r: RawRow, column?: number) =>
    `${where} ${column === undefined ? `row ${r.row}` : `cell ${columnLetter(column)}${r.row}`}${r.line === undefined ? '' : ` (line ${r.line})`}`;
  const head = records[0]?.row === 1 ? records[0].cells.map((c) => String(c).trim()) : [];
  const body = records.filter((r) => r.row > 1);
  let width = head.length;
  while (width > 0 && head[width - 1] === '') width--;
  const headers = head.slice(0, width);
  if (width === 0) {
    const first = body.find((r) => r.cells.some((c) => c !== ''));
    if (!first) throw new SheetError(`${where}: expected a header row naming the columns, received an empty sheet`);
    throw new SheetError(`${where} row 1: expected a header row naming the columns, received an empty row 1 (the table starts in row ${first.row}; it must start in row 1)`);
  }
  const seen = new Map<string, number>();
  headers.forEach((h, i) => {
    const before = seen.get(h);
    if (before !== undefined) {
      throw new SheetError(`${where} row 1: expected a different header in each column, received "${h}" in both column ${columnLetter(before)} and column ${columnLetter(i)}`);
    }
    if (h !== '') seen.set(h, i);
  });
  const rows: SheetRow[] = [];
  for (const r of body) {
    r.cells.forEach((cell, i) => {
      if (cell === '' || headers[i]) return;
      if (csv && i >= head.length) {
        let count = r.cells.length;
        while (r.cells[count - 1] === '') count--;
        throw new SheetError(`${at(r)}: expected at most ${head.length} cells, one per column of the header row, received ${count} (a comma too many, or a cell with a comma in it that needs quotes)`);
      }
      throw new SheetError(`${at(r, i)}: expected a header in ${columnLetter(i)}1 naming this column, received an empty header above "${cell}"`);
    });
    if (r.cells.every((c) => c === '')) continue;
    rows.push({ row: r.row, ...(r.line === undefined ? {} : { line: r.line }), cells: headers.map((_, i) => r.cells[i] ?? ''), ...(r.errors ? { errors: r.errors } : {}) });
  }
  return { headers, rows };
}
