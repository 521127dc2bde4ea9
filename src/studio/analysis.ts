// What the page shows of a project: its data checked by the CLI's own rules (checkData on
// data.yaml, so every message is the one `shushuo validate` prints), each figure checked against the
// speech (verifyFigures, as `shushuo verify`), where each figure stands in the speech, how it prints,
// which chart shows it, and whether it is signed off. Reads data.yaml and speech.txt; writes nothing.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { checkData } from '../index.js';
import { DataError, formatProblem, validateDraft, type DataProblem, type PathPart } from '../data/load.js';
import { findNumber } from '../data/fragment.js';
import { formatFigure } from '../data/format.js';
import type { Figure, SpeechData } from '../data/types.js';
import { verifyFigures } from '../data/verify.js';
import type { RoleFace } from '../fonts/fonts.js';
import { buildView, type View } from '../view/views.js';
import { DATA_FILE, figureHash, includedFigures, SPEECH_TEXT, type ExportChoice, type ProjectState, type RawFigure, type RawSection, type ProjectStore } from './projects.js';

/** A problem as the page shows it: the field it belongs to and the CLI's message. */
export interface FieldProblem {
  /** figures[2].value, document.title … as in the CLI's message */
  field: string;
  path: PathPart[];
  /** What is wrong: expected …, received … (hint) */
  message: string;
  /** The whole line the CLI prints: projects/x/data.yaml:14 figures[2].value: expected … */
  line: string;
  /** The figure it is about, by id (figures[2] is the third figure data.yaml holds) */
  figure?: string;
  /** The field of the figure or the document: value, label, title … */
  key?: string;
  /** A field that still holds the placeholder 待填写 */
  todo?: boolean;
}

export interface FigureRow {
  id: string;
  included: boolean;
  /** The fields as the data file holds them, as text for the inputs */
  fields: Record<'label' | 'value' | 'unit' | 'qualifier' | 'kind' | 'section' | 'fragment', string>;
  /** How it prints: 近40% */
  printed?: string;
  /** The chart that shows it in the briefing */
  chart?: string;
  /** verify: ✓ or ✗ with each difference; absent without a speech, or while the figure's fields have problems */
  check?: { ok: boolean; problems: string[]; line?: number };
  /** Where the fragment stands in the speech's text (UTF-16 offsets), its number, and its sentence */
  place?: { start: number; end: number; number?: [number, number]; sentence: [number, number] };
  confirmed?: { by: string; at: string };
}

export interface ProjectView {
  id: string;
  name: string;
  version: number;
  updated: string;
  note: string;
  /** data.yaml, as the CLI is given it */
  dataFile: string;
  speech?: { text: string; original: string; kind: string; file: string };
  document: Record<string, unknown>;
  sections: { id: string; label: string; depth: number }[];
  figures: FigureRow[];
  /** Every problem of data.yaml, and the fields still to fill in */
  problems: FieldProblem[];
  signoff: { reviewer?: string };
  /** What still stands between the project and an export */
  ready: { valid: boolean; todo: number; problems: number; unverified: string[]; unconfirmed: string[]; exportable: boolean };
  /** The last export's choice */
  exportOptions?: ExportChoice;
}

/** What analyse found besides the view: the data as the renderer reads it, when it is valid enough to show. */
export interface Analysis {
  view: ProjectView;
  /** The data, placeholders and all (a draft), when data.yaml has no problem but unfinished fields */
  data?: SpeechData;
  /** The data with every field filled in: what an export renders */
  complete: boolean;
}

/** The kinds of chart, as the page names them. */
const CHART_NAMES: Record<string, string> = {
  'big-number': '大数字', ring: '环形图', 'coverage-bars': '覆盖条', 'stacked-bar': '堆叠条', unit: '图标阵', change: '箭头', 'from-to': '前后对比',
};

/** Check a project: data.yaml as the CLI reads it, the figures against the speech, and the sign-off. */
export function analyse(store: ProjectStore, id: string, state: ProjectState, fonts: RoleFace[]): Analysis {
  const dataFile = displayPath(store.file(id, DATA_FILE));
  const speechFile = state.speech ? store.file(id, SPEECH_TEXT) : undefined;
  const speechText = speechFile ? readFileSync(speechFile, 'utf8') : undefined;
  const included = includedFigures(state);

  // 1. data.yaml, as `shushuo validate` reads it, with the unfinished fields listed apart.
  let data: SpeechData | undefined;
  const problems: FieldProblem[] = [];
  const place = (p: DataProblem, todo: boolean): FieldProblem => {
    const path = p.path ?? [];
    const out: FieldProblem = { field: p.field, path, message: p.message, line: formatProblem(p), ...(todo ? { todo } : {}) };
    if (path[0] === 'figures' && typeof path[1] === 'number') {
      const figure = included[path[1]];
      if (figure) out.figure = figure.id;
      if (typeof path[2] === 'string') out.key = path[2];
    } else if (path[0] === 'document' && typeof path[1] === 'string') {
      out.key = path[1];
    }
    return out;
  };
  try {
    const draft = checkData(dataFile, fonts, { placeholders: 'list' });
    data = draft.data;
    problems.push(...draft.todo.map((p) => place(p, true)));
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    problems.push(...err.problems.map((p) => place(p, false)));
  }
  const todo = problems.filter((p) => p.todo).length;
  const valid = problems.every((p) => p.todo);

  // 2. Each figure on its own, so one bad figure does not hide how the others print and verify.
  const parsed = new Map<string, Figure>();
  for (const f of state.data.figures) {
    const one = data?.figures.find((g) => g.id === f.id) ?? parseFigure(f);
    if (one) parsed.set(f.id, one);
  }
  const checks = new Map<string, { ok: boolean; problems: string[]; line?: number }>();
  if (speechText !== undefined) {
    const sourceName = displayPath(speechFile!);
    for (const f of state.data.figures) {
      const one = parsed.get(f.id);
      if (!one) continue; // its fields have problems: it is checked once they are put right
      const [check] = verifyFigures({ ...DUMMY, figures: [one] } as SpeechData, speechText, sourceName);
      checks.set(f.id, { ok: check!.ok, problems: check!.problems, ...(check!.line !== undefined ? { line: check!.line } : {}) });
    }
  }

  // 3. Which chart shows each figure, from the view the templates get.
  const charts = new Map<string, string>();
  if (data) {
    try {
      for (const [figure, kind] of chartKinds(buildView(data), data)) charts.set(figure, CHART_NAMES[kind] ?? kind);
    } catch { /* an unfinished date: no view yet */ }
  }

  const rows: FigureRow[] = state.data.figures.map((f) => {
    const one = parsed.get(f.id);
    const confirmation = state.signoff.figures[f.id];
    const where = speechText !== undefined && typeof f.fragment === 'string' ? locate(speechText, f.fragment, one) : undefined;
    return {
      id: f.id,
      included: !state.excluded.includes(f.id),
      fields: {
        label: text(f.label),
        value: text(f.value),
        unit: text(f.unit),
        qualifier: text(f.qualifier),
        kind: text(f.kind),
        section: text(f.section),
        fragment: text(f.fragment),
      },
      ...(one ? { printed: formatFigure(one).text } : {}),
      ...(charts.has(f.id) ? { chart: charts.get(f.id)! } : {}),
      ...(checks.has(f.id) ? { check: checks.get(f.id)! } : {}),
      ...(where ? { place: where } : {}),
      ...(confirmation && confirmation.hash === figureHash(f) ? { confirmed: { by: confirmation.by, at: confirmation.at } } : {}),
    };
  });
  const live = rows.filter((r) => r.included);
  const unverified = live.filter((r) => r.check && !r.check.ok).map((r) => r.id);
  const unconfirmed = live.filter((r) => !r.confirmed).map((r) => r.id);
  const view: ProjectView = {
    id,
    name: state.name,
    version: state.version,
    updated: state.updated,
    note: state.note,
    dataFile,
    ...(state.speech && speechText !== undefined ? { speech: { text: speechText, original: state.speech.original, kind: state.speech.kind, file: displayPath(speechFile!) } } : {}),
    document: state.data.document ?? {},
    sections: flatSections(state.data.sections ?? []),
    figures: rows,
    problems,
    signoff: { ...(state.signoff.reviewer ? { reviewer: state.signoff.reviewer } : {}) },
    ready: {
      valid,
      todo,
      problems: problems.length - todo,
      unverified,
      unconfirmed,
      exportable: valid && todo === 0 && live.length > 0 && unverified.length === 0 && unconfirmed.length === 0,
    },
  };
  return { view, ...(data ? { data } : {}), complete: valid && todo === 0 };
}

/** A path as the CLI is given it when run from here: projects/x/data.yaml. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** A document that passes, for reading one figure alone. */
const DUMMY = { file: '(figure)', document: { title: 'x', office: 'x', issued: '2000-01-01', speechTitle: 'x', speechDate: '2000-01-01', keywords: [] }, sections: [], derived: [] };

/** One figure read as the loader reads it (its section left out: the tree is checked with the whole file). */
function parseFigure(f: RawFigure): Figure | undefined {
  const { section: _section, ...rest } = f;
  try {
    return validateDraft({ document: DUMMY.document, figures: [rest] }, '(figure)', () => 0, { placeholders: 'list', fragmentRule: false }).data.figures[0];
  } catch {
    return undefined;
  }
}

/** The sections as a list for a select: 一、去年工作回顾, indented by depth. */
function flatSections(sections: RawSection[], depth = 0): { id: string; label: string; depth: number }[] {
  return sections.flatMap((s) => [
    { id: String(s.id), label: `${s.number ?? ''}${s.title ?? ''}`, depth },
    ...flatSections(Array.isArray(s.sections) ? s.sections : [], depth + 1),
  ]);
}

/** The chart kind of each figure: its own chart, or the bars and stacked bars it joins. */
function chartKinds(view: View, data: SpeechData): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of view.parts) {
    for (const chart of part.charts) {
      for (const f of part.allFigures) {
        if (chart.id === `${part.id}-${f.id}` || chart.id === `${part.id}-${f.id}-bars`) out.set(f.id, chart.kind);
        else if (chart.kind === 'coverage-bars' && chart.caption.includes(`“${f.fragment}”`) && !out.has(f.id)) out.set(f.id, chart.kind);
      }
      if (chart.kind === 'stacked-bar') {
        const derived = data.derived.find((d) => chart.id === `${part.id}-${d.id}`);
        for (const id of derived?.from ?? []) out.set(id, chart.kind);
      }
    }
  }
  return out;
}

/**
 * Where a fragment stands in the speech, as verify finds it (on one line, spaces aside), with the
 * figure's number inside it and the sentence around it.
 */
export function locate(speech: string, fragment: string, figure?: Figure): FigureRow['place'] | undefined {
  const target = fragment.replace(/\s+/g, '');
  if (!target) return undefined;
  let offset = 0;
  for (const line of speech.split('\n')) {
    const index: number[] = [];
    let squeezed = '';
    for (let i = 0; i < line.length; i++) {
      if (!/\s/.test(line[i]!)) {
        index.push(offset + i);
        squeezed += line[i];
      }
    }
    const at = squeezed.indexOf(target);
    if (at >= 0) {
      const start = index[at]!;
      const end = index[at + target.length - 1]! + 1;
      let number: [number, number] | undefined;
      const hit = figure ? findNumber(fragment, figure) : undefined;
      if (hit) {
        const before = fragment.slice(0, hit.start).replace(/\s+/g, '').length;
        const length = fragment.slice(hit.start, hit.end).replace(/\s+/g, '').length;
        if (length > 0) number = [index[at + before]!, index[at + before + length - 1]! + 1];
      }
      return { start, end, ...(number ? { number } : {}), sentence: sentenceAround(speech, start, end) };
    }
    offset += line.length + 1;
  }
  return undefined;
}

/** The sentence that holds [start, end): from after the last 。！？； or line break before it to the next 。！？ or line break. */
function sentenceAround(text: string, start: number, end: number): [number, number] {
  let from = start;
  while (from > 0 && !/[。！？!?；;\n]/.test(text[from - 1]!)) from--;
  let to = end;
  while (to < text.length && !/[。！？!?\n]/.test(text[to]!)) to++;
  if (to < text.length && text[to] !== '\n') to++;
  while (from < to && /\s/.test(text[from]!)) from++;
  return [from, to];
}
