// Stage 1: read a data file, validate it against the JSON Schema and the rules the
// schema cannot express, and return the figures with their derived values filled in.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseAllDocuments, parseDocument, isMap, isPair, isSeq, type Document, type Node } from 'yaml';
import { formatNumber } from './format.js';
import type { DerivedFigure, Figure, FigureKind, Section, SpeechData } from './types.js';
import { findNumber, fragmentMismatches, trendOf } from './fragment.js';
import { guessKind } from './kinds.js';
import { parseWritten } from './numerals.js';
import { isApproximate, placesOf, qualifierWord, QUALIFIERS } from './qualifiers.js';
import { CONTROL, escapeChar, readTextFile, TextFileError } from './text.js';
import { UserError } from '../errors.js';
import { SCHEMA_FILE } from '../paths.js';

export const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

export interface DataProblem {
  file: string;
  line: number;
  /** figures[3].value */
  field: string;
  message: string;
  /** The field as a path, e.g. ['figures', 3, 'value'] */
  path?: PathPart[];
}

export class DataError extends UserError {
  readonly problems: DataProblem[];
  constructor(problems: DataProblem[]) {
    const first = problems[0];
    super(problems.map(formatProblem).join('\n'), { heading: 'invalid data, nothing written:', ...(first ? { place: { file: first.file, line: first.line, field: first.field } } : {}) });
    this.name = 'DataError';
    this.problems = problems;
  }
}

export function formatProblem(p: DataProblem): string {
  return `${p.file}:${p.line} ${p.field}: ${p.message}`;
}

export type PathPart = string | number;

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateSchema = ajv.compile(schema);

/** Read and validate a data file. Throws DataError listing every problem found. */
export function loadData(file: string, options: ValidateOptions = {}): SpeechData {
  return parseData(readDataFile(file), file, options);
}

/** A data file's text; DataError if it cannot be read. */
export function readDataFile(file: string): string {
  try {
    return readTextFile(file, { maxBytes: MAX_DATA_BYTES, what: 'a data file' }).text;
  } catch (err) {
    if (!(err instanceof TextFileError)) throw err;
    throw new DataError([{ file, line: 0, field: '(file)', message: err.message }]);
  }
}

/** A speech's key figures fit in kilobytes; a file this big is not a data file. */
export const MAX_DATA_BYTES = 5 * 1024 * 1024;
/** Deeper than any real tree of sections; deeper input would exhaust the stack of parsers and checks. */
const MAX_DEPTH = 64;
/** Aliases a data file may expand (harmless reuse passes; an alias bomb does not). */
const MAX_ALIASES = 10_000;

export interface ParseOptions {
  /** Check each figure's fragment against its value, unit and qualifier (default true); verify reports them per figure instead */
  fragmentRule?: boolean;
}

/** Validate data given as YAML (or JSON) text; `file` names it in messages. */
export function parseData(text: string, file: string, options: ValidateOptions = {}): SpeechData {
  const { raw, at } = readYaml(text, file);
  return validateRaw(raw, file, at, options);
}

/** A draft from shushuo extract: checked like data, with the fields still to fill in listed apart. */
export function loadDraft(file: string, options: ParseOptions = {}): Draft {
  const { raw, at } = readYaml(readDataFile(file), file);
  return validateDraft(raw, file, at, { ...options, placeholders: 'list' });
}

/** Parse YAML text; `at` gives the line of a field. Throws DataError on a syntax error. */
export function readYaml(text: string, file: string): { raw: unknown; at: (path: PathPart[]) => number } {
  const lines = new LineCounter();
  const problem = (line: number, message: string) => new DataError([{ file, line, field: '(yaml)', message }]);
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  let docs: Document[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }) as Document[];
  } catch (err) {
    if (err instanceof RangeError) throw problem(1, `expected a data file nested at most ${MAX_DEPTH} levels deep, received one nested too deeply to read`);
    throw err;
  }
  if (docs.length > 1) {
    throw problem(lineOf(docs[1]!.range?.[0]), `expected one YAML document, received ${docs.length} (a line of --- starts another; a data file is one document)`);
  }
  const doc = docs[0] ?? parseDocument('', { lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new DataError(doc.errors.map((e) => ({
      file,
      line: lineOf(e.pos[0]),
      field: '(yaml)',
      message: /call stack/i.test(e.message)
        ? `expected a data file nested at most ${MAX_DEPTH} levels deep, received one nested too deeply to read`
        : `not valid YAML: ${e.message.split('\n')[0]}`,
    })));
  }
  const deep = depthOver(doc.contents, MAX_DEPTH);
  if (deep) throw problem(lineOf(deep.range?.[0]), `expected a data file nested at most ${MAX_DEPTH} levels deep, received more`);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (err instanceof ReferenceError || err instanceof RangeError) {
      throw problem(1, `expected aliases (*name) that expand to at most ${MAX_ALIASES} nodes, received more: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
  return { raw, at: (path) => lineOf(nodeAt(doc, path)?.range?.[0]) };
}

/** The first node nested deeper than `max` collections, found without recursion. */
function depthOver(root: unknown, max: number): Node | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > max) return node as Node;
      for (const item of node.items) stack.push([isPair(item) ? item.value : item, depth + 1]);
    }
  }
  return undefined;
}

export interface ValidateOptions extends ParseOptions {
  /**
   * error (default): a placeholder (待填写) is a problem, as for any unfinished field.
   * list: a draft — placeholders are listed in `todo`, and everything else is checked.
   */
  placeholders?: 'error' | 'list';
}

/** Validate parsed data against the schema and the rules, in one pass; `at` gives the line of a field for messages. */
export function validateRaw(raw: unknown, file: string, at: (path: PathPart[]) => number, options: ValidateOptions = {}): SpeechData {
  return validateDraft(raw, file, at, { ...options, placeholders: options.placeholders ?? 'error' }).data;
}

export interface Draft {
  data: SpeechData;
  /** Fields that still hold the placeholder 待填写 */
  todo: DataProblem[];
}

/**
 * Validate a draft: every problem of the schema and the rules at once (DataError), and the fields a
 * person must still fill in. With placeholders: 'error' those are problems too.
 */
export function validateDraft(raw: unknown, file: string, at: (path: PathPart[]) => number, options: ValidateOptions = {}): Draft {
  const todoPaths = placeholderPaths(raw);
  const todo = todoPaths.map((path) => ({ file, line: at(path), field: fieldName(path), message: `expected your text, received the placeholder ${PLACEHOLDER} (fill it in)`, path }));
  const clean = withoutPaths(raw, todoPaths);
  const covered = (path: PathPart[]) => todoPaths.some((t) => t.length <= path.length && t.every((p, i) => p === path[i]));
  const problems: DataProblem[] = [];
  if (!validateSchema(clean)) {
    problems.push(...dedupe((validateSchema.errors ?? []).map((e) => schemaProblem(e, clean, file, at)).filter((p) => !covered(p.path ?? []))));
  }
  for (const { path, char } of controlCharacters(raw)) {
    problems.push({ file, line: at(path), field: fieldName(path), message: `expected printable text, received the control character ${escapeChar(char)} (delete it; it was probably pasted in)`, path });
  }
  const broken = new Set(problems.map((p) => JSON.stringify(p.path?.slice(0, 2) ?? [])));
  const skip = (path: PathPart[]) => broken.has(JSON.stringify(path.slice(0, 2))) || covered(path);
  const { data, problems: ruleProblems } = checkRules(raw, file, at, options.fragmentRule ?? true, skip, covered);
  problems.push(...ruleProblems);
  if (options.placeholders !== 'list') problems.push(...todo);
  if (problems.length > 0) throw new DataError(problems.sort((a, b) => a.line - b.line));
  return { data, todo };
}

/** Strings that hold a control character, with the first one each. */
function controlCharacters(value: unknown, path: PathPart[] = []): { path: PathPart[]; char: string }[] {
  if (typeof value === 'string') {
    const m = CONTROL.exec(value);
    return m ? [{ path, char: m[0] }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => controlCharacters(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => controlCharacters(v, [...path, k]));
  return [];
}

/** Every path whose value holds the placeholder. */
function placeholderPaths(value: unknown, path: PathPart[] = []): PathPart[][] {
  if (typeof value === 'string') return value.includes(PLACEHOLDER) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderPaths(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => placeholderPaths(v, [...path, k]));
  return [];
}

/** A copy without the given paths (array items removed from the end backwards, so indexes hold). */
function withoutPaths(raw: unknown, paths: PathPart[][]): unknown {
  if (paths.length === 0) return raw;
  const copy = structuredClone(raw) as Record<string | number, unknown>;
  for (const path of [...paths].reverse()) {
    if (path.length === 0) return {};
    const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown> | unknown[] | undefined;
    const key = path[path.length - 1]!;
    if (Array.isArray(parent) && typeof key === 'number') {
      // Keep figures and sections in place (their indexes name them); drop list words such as keywords.
      if (path[0] === 'document') parent.splice(key, 1);
      else parent[key] = undefined;
    } else if (parent && typeof parent === 'object') {
      delete (parent as Record<string, unknown>)[key as string];
    }
  }
  return copy;
}

// --- schema errors -----------------------------------------------------------

function schemaProblem(e: ErrorObject, raw: unknown, file: string, at: (p: PathPart[]) => number): DataProblem {
  const path = pointerToPath(e.instancePath);
  const received = describe(valueAt(raw, path));
  const p = e.params as Record<string, unknown>;
  let field = fieldName(path);
  let problemPath = path;
  let message: string;
  switch (e.keyword) {
    case 'required':
      field = fieldName([...path, String(p.missingProperty)]);
      problemPath = [...path, String(p.missingProperty)];
      message = `expected a value, received nothing (add ${String(p.missingProperty)}:)`;
      break;
    case 'additionalProperties':
      field = fieldName([...path, String(p.additionalProperty)]);
      message = `expected no such field, received ${String(p.additionalProperty)} (allowed: ${allowedKeys(e.parentSchema)})${RENAMED[String(p.additionalProperty)] ?? ''}`;
      return { file, line: at([...path, String(p.additionalProperty)]), field, message, path: [...path, String(p.additionalProperty)] };
    case 'type': {
      message = `expected ${article(String(p.type))}, received ${received}`;
      const v = valueAt(raw, path);
      const m = typeof v === 'string' ? /^\s*(-?[\d.]+)\s*(%|[^\d\s]+)$/.exec(v) : null;
      if (m && path[path.length - 1] === 'value') message += ` (write ${m[1]} and set unit: "${m[2]}")`;
      break;
    }
    case 'enum':
      message = `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, received ${received}`;
      break;
    case 'pattern':
      message = `expected ${(e.parentSchema as { description?: string })?.description ?? `text matching ${String(p.pattern)}`}, received ${received}`;
      break;
    case 'maxLength':
      message = `expected at most ${String(p.limit)} characters, received ${[...String(valueAt(raw, path))].length}`;
      break;
    case 'minLength':
    case 'minItems':
      message = `expected a non-empty value, received ${received}`;
      break;
    default:
      message = `expected ${e.message ?? 'a valid value'}, received ${received}`;
  }
  return { file, line: at(path), field, message, path: problemPath };
}

/** Fields of the data files before sections came, and where their content goes now. */
const RENAMED: Record<string, string> = {
  structure: '; the structure is now a tree: sections: [{ id, number, title, sections: [...] }], see the README',
  part: '; a figure names the section it stands in: section: <id>',
  item: '; a figure names the section it stands in: section: <id>',
};

function allowedKeys(parentSchema: unknown): string {
  const props = (parentSchema as { properties?: Record<string, unknown> })?.properties;
  return props ? Object.keys(props).join(', ') : '?';
}

function article(type: string): string {
  return { number: 'a number', integer: 'a whole number', string: 'text', array: 'a list', object: 'a mapping' }[type] ?? type;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}

function pointerToPath(pointer: string): PathPart[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(k) ? Number(k) : k;
  });
}

/** figures[3].label → ['figures', 3, 'label']: the inverse of fieldName */
export function parseField(field: string): PathPart[] {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/** figures[3].value */
export function fieldName(path: PathPart[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(top level)';
}

function valueAt(raw: unknown, path: PathPart[]): unknown {
  let v: unknown = raw;
  for (const p of path) v = v == null ? undefined : (v as Record<string | number, unknown>)[p];
  return v;
}

/** The YAML node at a path, or the nearest ancestor that exists. */
function nodeAt(doc: Document, path: PathPart[]): Node | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (node && typeof node === 'object' && ('range' in node)) {
      // For a key of a mapping, point at the key itself.
      if (n > 0 && n === path.length && typeof path[n - 1] === 'string') {
        const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((it) => (it.key as { value?: unknown })?.value === path[n - 1]);
          if (pair?.key && typeof pair.key === 'object' && 'range' in (pair.key as object)) return pair.key as Node;
        }
      }
      return node as Node;
    }
  }
  return undefined;
}

function dedupe(problems: DataProblem[]): DataProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line} ${p.field}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// --- rules the schema cannot express ----------------------------------------

/** What shushuo extract writes where a person must fill something in. */
export const PLACEHOLDER = '待填写';

type RawFigure = Omit<Figure, 'value' | 'from' | 'kind' | 'percent' | 'unit'> & { value: number | string; from?: number | string; kind?: FigureKind; unit?: string };
type RawSection = Omit<Section, 'sections'> & { sections?: RawSection[] };
type RawData = {
  document: SpeechData['document'];
  sections?: RawSection[];
  figures: (RawFigure | undefined)[];
  derived?: { id: string; op: 'complement'; from: string[]; label: string }[];
};

/**
 * The rules the schema cannot express, run on every part the schema let through (`skip` names the
 * parts it did not), and the data they describe: numbers as written parsed, kinds filled in.
 */
function checkRules(
  input: unknown,
  file: string,
  at: (p: PathPart[]) => number,
  fragmentRule: boolean,
  skip: (path: PathPart[]) => boolean,
  covered: (path: PathPart[]) => boolean,
): { data: SpeechData; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  // A field that still holds the placeholder is listed once, as a thing to fill in, not again here.
  const add = (path: PathPart[], message: string) => {
    if (!covered(path)) problems.push({ file, line: at(path), field: fieldName(path), message, path });
  };
  const raw = (input && typeof input === 'object' ? input : {}) as Partial<RawData>;
  const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
  const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

  // Dates must exist on the calendar.
  const doc = (isObject(raw.document) ? raw.document : {}) as SpeechData['document'];
  for (const key of ['issued', 'speechDate'] as const) {
    const v = doc[key];
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !calendarDate(v)) add(['document', key], `expected a date on the calendar, received ${v}`);
  }

  // Sections: ids unique; figures point at one of them.
  const sectionIds = new Map<string, string>();
  const sections = (nodes: unknown, path: PathPart[]): Section[] =>
    list<RawSection>(nodes).flatMap((node, i) => {
      const here = [...path, i];
      if (!isObject(node) || typeof node.id !== 'string') return [];
      const first = sectionIds.get(node.id);
      if (first) add([...here, 'id'], `expected a unique id, received "${node.id}" (already used by ${first})`);
      else sectionIds.set(node.id, fieldName(here));
      const { sections: children, ...rest } = node;
      return [{ ...rest, sections: sections(children, [...here, 'sections']) } as Section];
    });
  const tree = sections(raw.sections, ['sections']);

  // Figures and derived values share one id space.
  const ids = new Map<string, string>();
  const claim = (id: unknown, path: PathPart[]) => {
    if (typeof id !== 'string') return;
    const first = ids.get(id);
    if (first) add([...path, 'id'], `expected a unique id, received "${id}" (already used by ${first})`);
    else ids.set(id, fieldName(path));
  };
  const figures: Figure[] = [];
  list<RawFigure | undefined>(raw.figures).forEach((f, i) => {
    const path = ['figures', i];
    if (!isObject(f)) return;
    claim(f.id, path);
    if (skip(path)) return;
    const figure = readFigure(f, path, add);
    if (!figure) return;
    if (figure.section !== undefined && !sectionIds.has(figure.section)) {
      const known = [...sectionIds.keys()];
      add([...path, 'section'], known.length > 0
        ? `expected the id of a section (${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''}), received "${figure.section}"`
        : `expected no section, since the data has no sections, received "${figure.section}"`);
    }
    if (fragmentRule) for (const m of fragmentMismatches(figure)) add([...path, m.field], m.message);
    figures.push(figure);
  });

  const byId = new Map(figures.map((f) => [f.id, f]));
  const derived: DerivedFigure[] = [];
  list<NonNullable<RawData['derived']>[number]>(raw.derived).forEach((d, i) => {
    const path = ['derived', i];
    if (!isObject(d)) return;
    claim(d.id, path);
    if (skip(path) || !Array.isArray(d.from)) return;
    let sum = 0;
    let ok = true;
    d.from.forEach((id, j) => {
      const source = byId.get(id);
      if (!source) {
        ok = false;
        if (!ids.has(id)) add([...path, 'from', j], `expected the id of a figure, received "${id}"`);
      } else if (!source.percent) {
        ok = false;
        add([...path, 'from', j], `expected a percentage figure for complement, received ${id} with unit "${source.unit}"`);
      } else {
        sum += source.value;
      }
    });
    if (sum > 100) add([...path, 'from'], `expected percentages that add up to at most 100, received ${formatNumber(sum)}`);
    else if (ok) derived.push(complement(d, d.from.map((id) => byId.get(id)!)));
  });

  const data: SpeechData = {
    file,
    document: { ...doc, keywords: Array.isArray(doc.keywords) ? doc.keywords : [] },
    sections: tree,
    figures,
    derived,
  };
  return { data, problems };
}

/** A figure as the rest of the project reads it: numbers parsed, unit and kind filled in. Problems go to `add`. */
function readFigure(f: RawFigure, path: PathPart[], add: (p: PathPart[], m: string) => void): Figure | undefined {
  const value = readNumber(f.value, [...path, 'value'], add);
  if (!value) return undefined;
  // A decline may be given as a negative number: the speech says 下降2.3%, so 2.3 prints, going down.
  let declined = false;
  if (value.value < 0) {
    if (trendOf(f.fragment ?? '') === 'down' && f.trend !== 'up') {
      value.value = -value.value;
      declined = true;
    } else {
      add([...path, 'value'], `expected a number the speech states, received ${formatNumber(value.value)} (a speech says 下降 or 减少 with a positive number: write ${formatNumber(-value.value)} and a fragment that says so)`);
      return undefined;
    }
  }
  const from = f.from === undefined ? undefined : readNumber(f.from, [...path, 'from'], add);
  const unit = f.unit ?? '';
  if (f.qualifier !== undefined && !qualifierWord(f.qualifier)) {
    add([...path, 'qualifier'], `expected one of ${QUALIFIERS.map((q) => q.word).join(', ')}, received ${JSON.stringify(f.qualifier)}`);
  } else if (f.qualifier !== undefined && f.qualifierAt !== undefined && !placesOf(f.qualifier).includes(f.qualifierAt)) {
    add([...path, 'qualifierAt'], `expected ${placesOf(f.qualifier).join(' or ')} for ${f.qualifier}, received ${f.qualifierAt}`);
  }
  if (f.qualifier === undefined && f.qualifierAt !== undefined) add([...path, 'qualifierAt'], `expected a qualifier to place, received qualifierAt alone`);
  const percent = value.percent || unit === '%' || unit === '％';
  if (value.percent && unit !== '') add([...path, 'unit'], `expected no unit after ${value.written}, which is a share in itself, received "${unit}"`);
  const numberAt = findNumber(f.fragment ?? '', { value: value.value, unit, ...(value.written !== undefined ? { written: value.written } : {}) })?.start;
  const kind = f.kind ?? guessKind({ unit, percent, multiple: value.multiple, from: f.from, qualifier: f.qualifier, fragment: f.fragment, ...(numberAt !== undefined ? { numberAt } : {}) });
  if (kind === 'share' && !percent) add([...path, 'kind'], `expected a percentage (unit "%", or a share such as 六成) for a share of a whole, received unit "${unit}"`);
  if (kind === 'share' && percent && (value.value < 0 || value.value > 100)) add([...path, 'value'], `expected a share from 0 to 100%, received ${formatNumber(value.value)} (a rise of more than 100% is kind: growth)`);
  if (percent && (value.value < 0 || value.value > 100000)) add([...path, 'value'], `expected a percentage from 0 to 100000, received ${formatNumber(value.value)}`);
  if (kind === 'from-to' && from === undefined) add([...path, 'from'], 'expected the value it moved from (kind from-to), received nothing (add from:)');
  if (from !== undefined && kind !== 'from-to') add([...path, 'kind'], `expected from-to for a figure with from:, received ${kind}`);
  if (kind === 'rank' && !(Number.isInteger(value.value) && value.value >= 1)) add([...path, 'value'], `expected a place such as 3 for a rank, received ${formatNumber(value.value)}`);
  const trend = f.trend ?? (declined ? 'down' : ['growth', 'points', 'from-to'].includes(kind) ? trendOf(f.fragment ?? '') ?? (from && from.value > value.value ? 'down' : 'up') : undefined);
  return {
    ...f,
    value: value.value,
    ...(value.written !== undefined ? { written: value.written } : {}),
    unit,
    kind,
    percent,
    ...(trend ? { trend } : {}),
    ...(from ? { from: from.value, ...(from.written !== undefined ? { fromWritten: from.written } : {}) } : {}),
  } as Figure;
}

/** Larger numbers lose digits in a double; a speech states them in 万亿 anyway. */
const MAX_VALUE = 1e15;

/** A value as the data gives it: a number, or the number as the speech writes it (六成, 两千, 3.5万, 1,812). */
function readNumber(v: number | string, path: PathPart[], add: (p: PathPart[], m: string) => void): { value: number; written?: string; percent: boolean; multiple: boolean } | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      add(path, `expected a finite number, received ${v}`);
      return undefined;
    }
    if (Math.abs(v) >= MAX_VALUE) {
      add(path, `expected a number below 1000万亿 (10^15), received ${v} (a speech states it in 万 or 亿: write 3.5 and unit: 亿元)`);
      return undefined;
    }
    return { value: v, percent: false, multiple: false };
  }
  const parsed = parseWritten(v);
  if (!parsed) {
    const m = /^\s*(-?[\d.,]+)\s*(%|[^\d\s]+)$/.exec(v);
    add(path, `expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received ${JSON.stringify(v)}${m ? ` (write ${m[1]} and set unit: "${m[2]}")` : ''}`);
    return undefined;
  }
  if (Math.abs(parsed.value) >= MAX_VALUE) {
    add(path, `expected a number below 1000万亿 (10^15), received ${JSON.stringify(v)} (write it in 万 or 亿: 3.5万亿)`);
    return undefined;
  }
  if (parsed.plain && parsed.text === formatNumber(parsed.value)) return { value: parsed.value, percent: false, multiple: false };
  return { value: parsed.value, written: parsed.text, percent: parsed.percent, multiple: parsed.multiple };
}

/** YYYY-MM-DD that exists on the calendar. */
function calendarDate(iso: string): boolean {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** complement: 100% minus the named percentages; approximate if any of them is. */
function complement(d: { id: string; from: string[]; label: string }, sources: Figure[]): DerivedFigure {
  const value = 100 - sources.reduce((s, f) => s + f.value, 0);
  const approximate = sources.some((f) => isApproximate(f.qualifier));
  return { id: d.id, op: 'complement', from: d.from, label: d.label, value: Math.round(value * 100) / 100, unit: '%', percent: true, ...(approximate ? { qualifier: '约' } : {}) };
}
