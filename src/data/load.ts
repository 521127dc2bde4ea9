// Stage 1: read a data file, validate it against the JSON Schema and the rules the
// schema cannot express, and return the figures with their derived values filled in.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, type Document, type Node } from 'yaml';
import { formatNumber } from '../format.js';
import type { DerivedFigure, Figure, SpeechData } from './types.js';
import { fragmentMismatches } from './fragment.js';

const require = createRequire(import.meta.url);
export const schema = require('../../schema/shushuo-data.schema.json') as Record<string, unknown>;

export interface DataProblem {
  file: string;
  line: number;
  /** figures[3].value */
  field: string;
  message: string;
  /** The field as a path, e.g. ['figures', 3, 'value'] */
  path?: PathPart[];
}

export class DataError extends Error {
  readonly problems: DataProblem[];
  constructor(problems: DataProblem[]) {
    super(problems.map(formatProblem).join('\n'));
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
export function loadData(file: string, options: ParseOptions = {}): SpeechData {
  return parseData(readDataFile(file), file, options);
}

/** A data file's text; DataError if it cannot be read. */
export function readDataFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError([{ file, line: 0, field: '(file)', message: `cannot read the data file (${(err as Error).message})` }]);
  }
}

export interface ParseOptions {
  /** Check each figure's fragment against its value, unit and qualifier (default true); verify reports them per figure instead */
  fragmentRule?: boolean;
}

/** Validate data given as YAML (or JSON) text; `file` names it in messages. */
export function parseData(text: string, file: string, options: ParseOptions = {}): SpeechData {
  const { raw, at } = readYaml(text, file);
  return validateRaw(raw, file, at, options);
}

/** Parse YAML text; `at` gives the line of a field. Throws DataError on a syntax error. */
export function readYaml(text: string, file: string): { raw: unknown; at: (path: PathPart[]) => number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    throw new DataError(doc.errors.map((e) => ({
      file, line: lineOf(e.pos[0]), field: '(yaml)', message: `not valid YAML: ${e.message.split('\n')[0]}`,
    })));
  }
  return { raw: doc.toJS() as unknown, at: (path) => lineOf(nodeAt(doc, path)?.range?.[0]) };
}

/** Validate parsed data against the schema and the rules; `at` gives the line of a field for messages. */
export function validateRaw(raw: unknown, file: string, at: (path: PathPart[]) => number, options: ParseOptions = {}): SpeechData {
  if (!validateSchema(raw)) {
    const problems = (validateSchema.errors ?? []).map((e) => schemaProblem(e, raw, file, at));
    throw new DataError(dedupe(problems));
  }
  const data = raw as Omit<SpeechData, 'file' | 'derived'> & { derived?: Omit<DerivedFigure, 'value' | 'unit' | 'qualifier'>[] };
  const problems = checkRules(data, file, at, options.fragmentRule ?? true);
  if (problems.length > 0) throw new DataError(problems);

  const byId = new Map(data.figures.map((f) => [f.id, f]));
  const derived = (data.derived ?? []).map((d) => complement(d, d.from.map((id) => byId.get(id)!)));
  return { file, document: data.document, structure: data.structure, figures: data.figures, derived };
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
      message = `expected no such field, received ${String(p.additionalProperty)} (allowed: ${allowedKeys(e.parentSchema)})`;
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

function checkRules(
  data: Omit<SpeechData, 'file' | 'derived'> & { derived?: { id: string; from: string[] }[] },
  file: string,
  at: (p: PathPart[]) => number,
  fragmentRule: boolean,
): DataProblem[] {
  const problems: DataProblem[] = [];
  const add = (path: PathPart[], message: string) => problems.push({ file, line: at(path), field: fieldName(path), message, path });

  // A draft from shushuo extract marks what a person must fill in; it is not data yet.
  const placeholders = (value: unknown, path: PathPart[]): void => {
    if (typeof value === 'string' && value.includes(PLACEHOLDER)) add(path, `expected your text, received the placeholder ${PLACEHOLDER} (fill it in)`);
    else if (Array.isArray(value)) value.forEach((v, i) => placeholders(v, [...path, i]));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) placeholders(v, [...path, k]);
  };
  placeholders({ document: data.document, structure: data.structure, figures: data.figures }, []);

  // Ids are unique across figures and derived values, and across the structure.
  const ids = new Map<string, string>();
  const claim = (id: string, path: PathPart[]) => {
    const first = ids.get(id);
    if (first) add([...path, 'id'], `expected a unique id, received "${id}" (already used by ${first})`);
    else ids.set(id, fieldName(path));
  };
  data.figures.forEach((f, i) => claim(f.id, ['figures', i]));
  (data.derived ?? []).forEach((d, i) => claim(d.id, ['derived', i]));

  const { review, parts } = data.structure;
  const itemsOf = new Map<string, Set<string>>([['review', new Set([...review.achievements, ...review.problems].map((x) => x.id))]]);
  const structureIds = new Map<string, string>();
  const claimStructure = (id: string, path: PathPart[]) => {
    const first = structureIds.get(id);
    if (first) add([...path, 'id'], `expected a unique id, received "${id}" (already used by ${first})`);
    else structureIds.set(id, fieldName(path));
  };
  review.achievements.forEach((x, i) => claimStructure(x.id, ['structure', 'review', 'achievements', i]));
  review.problems.forEach((x, i) => claimStructure(x.id, ['structure', 'review', 'problems', i]));
  parts.forEach((part, i) => {
    claimStructure(part.id, ['structure', 'parts', i]);
    part.items.forEach((x, j) => claimStructure(x.id, ['structure', 'parts', i, 'items', j]));
    itemsOf.set(part.id, new Set(part.items.map((x) => x.id)));
  });

  data.figures.forEach((f, i) => {
    const path = ['figures', i];
    const items = itemsOf.get(f.part);
    if (!items) {
      add([...path, 'part'], `expected one of ${[...itemsOf.keys()].map((k) => JSON.stringify(k)).join(', ')}, received "${f.part}"`);
    } else if (f.item !== undefined && !items.has(f.item)) {
      add([...path, 'item'], `expected an item of ${f.part} (${[...items].join(', ')}), received "${f.item}"`);
    }
    if (!Number.isFinite(f.value)) add([...path, 'value'], `expected a finite number, received ${f.value}`);
    if (f.unit === '%' && (f.value < 0 || f.value > 1000)) add([...path, 'value'], `expected a percentage between 0 and 1000, received ${f.value}`);
    if (fragmentRule) checkFragment(f, path, add);
  });

  const byId = new Map(data.figures.map((f) => [f.id, f]));
  (data.derived ?? []).forEach((d, i) => {
    const path = ['derived', i];
    let sum = 0;
    d.from.forEach((id, j) => {
      const source = byId.get(id);
      if (!source) add([...path, 'from', j], `expected the id of a figure, received "${id}"`);
      else if (source.unit !== '%') add([...path, 'from', j], `expected a percentage figure for complement, received ${id} with unit "${source.unit}"`);
      else sum += source.value;
    });
    if (sum > 100) add([...path, 'from'], `expected percentages that add up to at most 100, received ${formatNumber(sum)}`);
  });
  return problems;
}

/** The fragment must state the value and the qualifier the figure claims, and no qualifier it omits. */
function checkFragment(f: Figure, path: PathPart[], add: (p: PathPart[], m: string) => void): void {
  for (const m of fragmentMismatches(f)) add([...path, m.field], m.message);
}

/** complement: 100% minus the named percentages; approximate if any of them is. */
function complement(d: { id: string; from: string[]; label: string }, sources: Figure[]): DerivedFigure {
  const value = 100 - sources.reduce((s, f) => s + f.value, 0);
  const approximate = sources.some((f) => f.qualifier && f.qualifier !== '仅有');
  return { id: d.id, op: 'complement', from: d.from, label: d.label, value: Math.round(value * 100) / 100, unit: '%', ...(approximate ? { qualifier: '约' as const } : {}) };
}
