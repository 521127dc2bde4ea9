// Rows of a sheet as data: each column names a field of the base data file (document.title,
// figures.<id>.value …), each row fills those fields in, and the result is validated like a data file.
// Problems name the row and the column, or the base file's line for a field no column sets.

import { DataError, fieldName, parseField, schema, validateRaw, type DataProblem, type PathPart } from './load.js';
import type { SpeechData } from './types.js';
import { columnLetter, type CellValue, type SheetRow } from './sheet.js';
import { UserError } from '../errors.js';

/** The base data file, parsed but not yet filled in. */
export interface Base {
  file: string;
  raw: Record<string, unknown>;
  /** Line of a field in the base file */
  at: (path: PathPart[]) => number;
}

export type ColumnTarget = { kind: 'name' } | { kind: 'source' } | { kind: 'comment' } | { kind: 'field'; path: PathPart[] };

export interface Column {
  index: number;
  /** C */
  letter: string;
  /** figures.branches.value */
  header: string;
  target: ColumnTarget;
}

/** A problem of the sheet as a whole (its columns), or of one row. */
export class SheetDataError extends UserError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'), { heading: 'invalid sheet, nothing rendered:' });
    this.name = 'SheetDataError';
    this.problems = problems;
  }
}

interface FigureLike {
  id: string;
  unit?: string;
}

const definitions = (schema as { definitions: Record<string, Record<string, unknown>> }).definitions;
const properties = (schema as { properties: Record<string, { properties?: Record<string, unknown>; items?: { properties?: Record<string, unknown> } }> }).properties;
const DOCUMENT_FIELDS = properties.document!.properties!;
const FIGURE_FIELDS = properties.figures!.items!.properties!;

/** What the column headers may say, for messages. */
export const COLUMN_FORMS = 'name, source, document.<field>, figures.<figure id>.<field>, derived.<id>.label, or a note starting with #';

/** Read the header row: every column must name something the base data has. Throws SheetDataError listing every bad column. */
export function mapColumns(headers: string[], base: Base, sheetName: string): Column[] {
  const problems: string[] = [];
  const figures = (base.raw.figures ?? []) as FigureLike[];
  const derived = (base.raw.derived ?? []) as FigureLike[];
  const columns: Column[] = headers.map((header, index) => {
    const letter = columnLetter(index);
    const bad = (expected: string) => {
      problems.push(`${sheetName} column ${letter}: expected ${expected}, received "${header}"`);
      return { index, letter, header, target: { kind: 'comment' as const } };
    };
    if (header === 'name') return { index, letter, header, target: { kind: 'name' } };
    if (header === 'source') return { index, letter, header, target: { kind: 'source' } };
    // A note, or an empty spacer column (the sheet reader refuses cells under an empty header).
    if (header.startsWith('#') || header === '') return { index, letter, header, target: { kind: 'comment' } };
    const parts = header.split('.');
    if (parts[0] === 'document' && parts.length === 2) {
      if (!(parts[1]! in DOCUMENT_FIELDS)) return bad(`document.<field> with a field of ${Object.keys(DOCUMENT_FIELDS).join(', ')}`);
      return { index, letter, header, target: { kind: 'field', path: ['document', parts[1]!] } };
    }
    if ((parts[0] === 'figures' || parts[0] === 'derived') && parts.length === 3) {
      const list = parts[0] === 'figures' ? figures : derived;
      const at = list.findIndex((f) => f.id === parts[1]);
      if (at < 0) return bad(`${parts[0]}.<id>.<field> with an id of ${base.file} (${list.map((f) => f.id).join(', ') || 'none'})`);
      const keys = parts[0] === 'figures' ? Object.keys(FIGURE_FIELDS).filter((k) => k !== 'id') : ['label'];
      if (!keys.includes(parts[2]!)) return bad(`${parts[0]}.${parts[1]}.<field> with a field of ${keys.join(', ')}`);
      return { index, letter, header, target: { kind: 'field', path: [parts[0], at, parts[2]!] } };
    }
    return bad(COLUMN_FORMS);
  });
  // Every number printed must come from the row: a figure whose value the sheet does not give would
  // print the base file's number on every row's poster.
  for (const f of figures) {
    if (!headers.includes(`figures.${f.id}.value`)) {
      problems.push(`${sheetName}: expected a column figures.${f.id}.value (every figure of ${base.file} takes its number from the sheet), received none; add it, or remove the figure from ${base.file}`);
    }
  }
  if (problems.length > 0) throw new SheetDataError(problems);
  return columns;
}

export interface RowData {
  /** Row number as the spreadsheet shows it */
  row: number;
  /** Output folder of the row: its name column, or row-<number> */
  name: string;
  data?: SpeechData;
  /** The row's cells, by column */
  cells: CellValue[];
  /** Each says where: the row and its column, or the base file's line */
  problems: string[];
}

/** counties.csv row 3 (示例县乙): where a row's problems are */
export function rowPlace(sheetName: string, row: Pick<RowData, 'row' | 'name'>, named = true): string {
  return `${sheetName} row ${row.row}${named && row.name ? ` (${row.name})` : ''}`;
}

/** A file or folder name a user can keep: no path separators, no characters Windows refuses. */
const NAME_OK = /^(?!\.{1,2}$)[^/\\:*?"<>|\x00-\x1f]{1,80}$/;

/** What is wrong with a row's name as a folder name, or undefined. */
export function folderNameProblem(name: string): string | undefined {
  return NAME_OK.test(name) ? undefined : `expected a folder name for the row's files (1 to 80 characters, none of / \\ : * ? " < > |), received ${JSON.stringify(name)}`;
}

/** Fill the base data in with one row and validate the result like a data file. */
export function rowData(base: Base, columns: Column[], sheetRow: SheetRow, sheetName: string): RowData {
  const nameColumn = columns.find((c) => c.target.kind === 'name');
  const name = nameColumn ? String(sheetRow.cells[nameColumn.index] ?? '').trim() : `row-${sheetRow.row}`;
  const where = rowPlace(sheetName, { row: sheetRow.row, name }, Boolean(nameColumn));
  const problems: string[] = [];
  const bad = nameColumn ? folderNameProblem(name) : undefined;
  if (bad) problems.push(`${where}, column ${nameColumn!.letter} name: ${bad}`);
  for (const e of sheetRow.errors ?? []) {
    const column = columns.find((c) => c.index === e.column);
    problems.push(`${where}, ${column ? `column ${column.letter} ${column.header}` : 'a column without a header'}, ${e.message}`);
  }
  if (sheetRow.errors?.length) return { row: sheetRow.row, name, cells: sheetRow.cells, problems };

  const raw = structuredClone(base.raw);
  // Units first: a value cell may repeat its figure's unit (85%, 120个).
  const fields = columns.filter((c): c is Column & { target: { kind: 'field' } } => c.target.kind === 'field');
  const ordered = [...fields].sort((a, b) => Number(b.target.path.at(-1) === 'unit') - Number(a.target.path.at(-1) === 'unit'));
  for (const column of ordered) {
    const path = column.target.path;
    const parent = valueAt(raw, path.slice(0, -1)) as Record<string, unknown>;
    const key = path.at(-1) as string;
    const cell = sheetRow.cells[column.index] ?? '';
    if (cell === '') {
      delete parent[key];
      continue;
    }
    parent[key] = cellToField(cell, path, parent);
  }

  let data: SpeechData | undefined;
  try {
    data = validateRaw(raw, base.file, base.at);
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    problems.push(...err.problems.map((p) => `${where}, ${locate(p, columns, raw, base)}: ${p.message}`));
  }
  return { row: sheetRow.row, name, ...(problems.length === 0 ? { data } : {}), cells: sheetRow.cells, problems };
}

/** Where a problem is, in the words of the sheet: the column that set the field, or the base file's line. */
export function locate(p: Pick<DataProblem, 'field' | 'line' | 'path'>, columns: Column[], raw: unknown, base: Pick<Base, 'file'>): string {
  const path = p.path ?? parseField(p.field);
  let best: Column | undefined;
  for (const c of columns) {
    if (c.target.kind !== 'field') continue;
    const target = c.target.path;
    if (target.length <= path.length && target.every((part, i) => part === path[i]) && (!best || target.length > (best.target as { path: PathPart[] }).path.length)) best = c;
  }
  if (best) return `column ${best.letter} ${best.header}`;
  return `${headerName(path, raw)} (${base.file}:${p.line}; no column sets it)`;
}

/** ['figures', 3, 'fragment'] → figures.<id of figure 3>.fragment, the header a column for it would have. */
function headerName(path: PathPart[], raw: unknown): string {
  if ((path[0] === 'figures' || path[0] === 'derived') && typeof path[1] === 'number') {
    const id = ((raw as Record<string, FigureLike[]>)[path[0]]?.[path[1]])?.id;
    if (id) return [path[0], id, ...path.slice(2)].join('.');
  }
  return fieldName(path);
}

function valueAt(raw: unknown, path: PathPart[]): unknown {
  let v: unknown = raw;
  for (const p of path) v = (v as Record<string | number, unknown>)[p];
  return v;
}

/** A cell as the field wants it: numbers for numeric fields, lists split on 、，, dates as YYYY-MM-DD. Anything else stays as written, for validation to report. */
function cellToField(cell: CellValue, path: PathPart[], parent: Record<string, unknown>): unknown {
  const key = path.at(-1) as string;
  const spec = (path[0] === 'document' ? DOCUMENT_FIELDS[key] : FIGURE_FIELDS[key]) as { type?: string | string[]; $ref?: string } | undefined;
  const types = [(spec?.$ref ? definitions[spec.$ref.split('/').pop()!]?.type : spec?.type) ?? []].flat() as string[];
  const type = types[0];
  // A figure's value may be written as the speech writes it (六成): a cell that is not a number stays text.
  if (types.includes('number') || types.includes('integer')) return typeof cell === 'number' ? cell : toNumber(cell, typeof parent.unit === 'string' ? parent.unit : undefined);
  const text = typeof cell === 'number' ? String(cell) : cell;
  if (type === 'array') return text.split(/\s*[、，,；;]\s*/).filter(Boolean);
  if (spec?.$ref?.endsWith('/date')) return toDate(text);
  return text;
}

/** "1,812" → 1812, "８５％" → 85 when the unit is %, "120个" → 120 when the unit is 个; "九" stays "九". */
export function toNumber(cell: string, unit?: string): number | string {
  let t = cell.normalize('NFKC').replace(/\s+/g, '');
  if (unit && t.endsWith(unit.normalize('NFKC'))) t = t.slice(0, -unit.normalize('NFKC').length);
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : cell;
}

/** 2018/2/8, 2018.2.8, 2018年2月8日 → 2018-02-08; anything else stays as written. */
export function toDate(cell: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(cell.trim());
  return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : cell;
}
