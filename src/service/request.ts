// A render request as the service takes it: `{ data, outputs, options }` → checked exactly as the CLI
// checks a data file (the same DataError, field by field), the outputs as --only names them, the
// print options as --bleed, --marks, --cmyk — then hashed, so the same inputs are the same job.

import { DataError, parseField, readYaml, validateDraft, type DataProblem, type PathPart } from '../data/load.js';
import { CONTROL } from '../data/text.js';
import type { SpeechData } from '../data/types.js';
import { ROLE_STYLES, type RoleFace } from '../fonts/fonts.js';
import { checkBleed } from '../jobs/options.js';
import { describeGlyph, glyphProblems } from '../pipeline.js';
import { sha256 } from '../output/write.js';
import { selectOutputs, type OutputSpec } from '../view/outputs.js';
import { UserError, usageError } from '../errors.js';
import { VERSION as version } from '../paths.js';

/** How a request's data is named in messages (a data file's messages name the file). */
export const DATA_NAME = 'data';

export interface PrintChoice {
  bleedMm: number;
  marks: boolean;
  cmyk: boolean;
}

/** What a job carries through a queue: plain JSON. */
export interface RenderRequest {
  /** The hash of the inputs: the same data, outputs and options are the same job */
  id: string;
  /** The data as parsed (checked again where it renders) */
  raw: unknown;
  /** Data its sender has checked already, as a batch checks its rows (then `raw` is null) */
  checked?: SpeechData;
  /** SHA-256 of the data alone, for the audit log */
  dataHash: string;
  /** Output names, as selectOutputs resolved them */
  outputs: string[];
  print: PrintChoice;
  /** The API token's name that sent it (absent on the loopback address without tokens) */
  token?: string;
  /** When it was accepted, ms since the epoch */
  submitted: number;
}

/** A request's body that is not the shape the API takes: 400, before any data is looked at. */
export class BadRequest extends UserError {
  constructor(message: string, readonly status = 400) {
    super(message);
    this.name = 'BadRequest';
  }
}

/**
 * Check a request body; throws DataError (422, the CLI's messages), OutputNameError or a UsageError
 * (422), or BadRequest (400). Nothing is queued when this throws.
 */
export function checkRequest(body: unknown, fonts: RoleFace[]): { request: Omit<RenderRequest, 'submitted' | 'token'>; data: SpeechData; outputs: OutputSpec[] } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('expected a JSON object { "data": …, "outputs": […], "options": {…} }, received ' + describe(body));
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['data', 'outputs', 'options'].includes(k));
  if (unknown.length > 0) throw new BadRequest(`expected the fields data, outputs, options, received ${unknown.join(', ')}`);
  const { raw, at } = readData(b.data);
  const data = checkData(raw, fonts, at);

  if (b.outputs !== undefined && !(Array.isArray(b.outputs) && b.outputs.every((o) => typeof o === 'string'))) {
    throw usageError({ field: 'outputs', expected: 'a list of output names or groups, as --only takes them (e.g. ["poster-a3", "card"])', received: describe(b.outputs) });
  }
  const only = (b.outputs as string[] | undefined)?.flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);
  const outputs = selectOutputs(only, undefined, data.figures.map((f) => f.id));
  const print = readPrint(b.options);
  const request = {
    raw,
    dataHash: sha256(canonical(raw)),
    outputs: outputs.map((o) => o.name),
    print,
    id: '',
  };
  request.id = sha256(canonical([version, request.dataHash, request.outputs, print])).slice(0, 32);
  return { request, data, outputs };
}

/** The data: an object, or the YAML (or JSON) text of a data file. */
function readData(data: unknown): { raw: unknown; at: (path: PathPart[]) => number } {
  if (data === undefined || data === null) throw new DataError([{ file: DATA_NAME, line: 0, field: '(data)', message: 'expected the data as an object or as the YAML text of a data file, received nothing' }]);
  if (typeof data === 'string') return readYaml(data, DATA_NAME);
  if (typeof data !== 'object' || Array.isArray(data)) throw new DataError([{ file: DATA_NAME, line: 0, field: '(data)', message: `expected the data as an object or as the YAML text of a data file, received ${describe(data)}` }]);
  return { raw: data, at: () => 0 };
}

/**
 * Check the data as checkData checks a data file: the schema, the rules and the fonts, every problem
 * at once. An object has no lines: each problem is at line 0, named by its field.
 */
export function checkData(raw: unknown, fonts: RoleFace[], at: (path: PathPart[]) => number = () => 0): SpeechData {
  const problems: DataProblem[] = [];
  let data: SpeechData | undefined;
  try {
    data = validateDraft(raw, DATA_NAME, at, { placeholders: 'error' }).data;
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    problems.push(...err.problems);
  }
  for (const p of glyphProblems((raw ?? {}) as SpeechData, fonts).filter((g) => !CONTROL.test(g.char))) {
    problems.push({ file: DATA_NAME, line: at(parseField(p.field)), field: p.field, message: describeGlyph(p, ROLE_STYLES[p.role]), path: parseField(p.field) });
  }
  if (problems.length > 0 || !data) throw new DataError(problems);
  return data;
}

function readPrint(options: unknown): PrintChoice {
  if (options === undefined || options === null) return { bleedMm: 0, marks: false, cmyk: false };
  if (typeof options !== 'object' || Array.isArray(options)) throw usageError({ field: 'options', expected: 'an object of bleed, marks, cmyk', received: describe(options) });
  const o = options as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['bleed', 'marks', 'cmyk'].includes(k));
  if (unknown.length > 0) throw usageError({ field: 'options', expected: 'the print options bleed, marks, cmyk', received: unknown.join(', ') });
  const bleedMm = o.bleed ?? 0;
  checkBleed(bleedMm, 'options.bleed');
  for (const key of ['marks', 'cmyk'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw usageError({ field: `options.${key}`, expected: 'true or false', received: describe(o[key]) });
  }
  return { bleedMm: bleedMm as number, marks: o.marks === true, cmyk: o.cmyk === true };
}

/** JSON with the keys of every object sorted: the same data hashes the same, however it was written. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v);
}

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return String(v);
}
