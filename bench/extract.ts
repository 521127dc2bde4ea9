// npm run bench:extract — how well extract drafts the test speeches: per speech, the figures of its
// answer key, the figures drafted, how many match, recall, precision, kind accuracy, numbers taken
// that are no figures, the placeholders left, and the list of misses and false hits. This is how we
// report extract's quality; it makes no timing claims.
//
// The scoring is exported for test/extract-fixtures.test.ts, which asserts on the same numbers.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { DataError, parseData, readYaml, validateDraft } from '../src/data/load.js';
import { parseWritten } from '../src/data/numerals.js';
import { draftYaml, extract, type ExtractedFigure, type ExtractedSection, type Extraction } from '../src/data/extract.js';
import { formatNumber } from '../src/data/format.js';
import { verifyFigures } from '../src/data/verify.js';

export interface KeyFigure {
  text: string;
  line: number;
  value: number | string;
  written?: string;
  unit?: string;
  qualifier?: string;
  kind?: string;
  trend?: string;
  from?: number | string;
}

export interface KeySection {
  number?: string;
  title: string;
  sections?: KeySection[];
}

export interface Key {
  document: { speechTitle?: string; speaker?: string; speechDate?: string };
  /** Absent: the key does not judge the structure (the Luoyang data groups its review by hand) */
  sections?: KeySection[];
  figures: KeyFigure[];
  not?: { text: string; line: number; why?: string }[];
}

export interface Fixture {
  name: string;
  /** The speech's path, for the draft's comment and for messages */
  path: string;
  text: string;
  key: Key;
}

export interface Score {
  name: string;
  keyFigures: number;
  drafted: number;
  matched: number;
  recall: number;
  precision: number;
  /** Share of matched figures whose kind is the key's (1 when nothing matched) */
  kinds: number;
  /** Drafted figures on a not: entry, as "line N: text (why)" */
  falseFigures: string[];
  /** Key figures not drafted, as "line N: text" */
  misses: string[];
  /** Drafted figures that match no key figure */
  falseHits: string[];
  /** Matched figures of another kind (or trend, or from), as "line N: text: kind K, expected E" */
  kindMisses: string[];
  /** Differences of the section tree from the key's */
  sectionProblems: string[];
  /** Differences of speechTitle, speechDate (and speaker) from the key's */
  documentProblems: string[];
  /** Placeholders (待填写) left in the draft */
  todo: number;
  /** What validateDraft (placeholders: list) says is wrong with the draft */
  invalid: string[];
  /** Figures verifyFigures does not give ✓ */
  unverified: string[];
  /** The draft itself, for messages */
  draft: string;
}

const DIR = fileURLToPath(new URL('../test/fixtures/speeches/', import.meta.url));
const LUOYANG_TEXT = fileURLToPath(new URL('../../shared/sources/luoyang-2018-02-08-speech.txt', import.meta.url));
const LUOYANG_DATA = fileURLToPath(new URL('../data/luoyang-2018-02-08.yaml', import.meta.url));

/** Every speech of test/fixtures/speeches with its answer key, and the Luoyang speech when it is on this machine. */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.key.yaml')).sort()) {
    const name = file.slice(0, -'.key.yaml'.length);
    const path = join(DIR, `${name}.txt`);
    if (!existsSync(path)) continue;
    out.push({ name, path, text: readFileSync(path, 'utf8'), key: parse(readFileSync(join(DIR, file), 'utf8')) as Key });
  }
  const luoyang = luoyangFixture();
  if (luoyang) out.push(luoyang);
  return out;
}

/**
 * The Luoyang speech, scored against the figures of data/luoyang-2018-02-08.yaml: each figure's line is
 * the line its fragment stands on. The data file writes 约有50个村 with unit 个村, where the keys count
 * 个 (23个村). Its review (2017年工作回顾 › 主要成绩, 存在问题) groups runs under names a person gave
 * them; a draft leaves such groups to be named (待填写), so the key's tree takes them as unnamed groups.
 */
export function luoyangFixture(): Fixture | undefined {
  if (!existsSync(LUOYANG_TEXT)) return undefined;
  const text = readFileSync(LUOYANG_TEXT, 'utf8');
  const data = parseData(readFileSync(LUOYANG_DATA, 'utf8'), LUOYANG_DATA);
  const lines = text.split('\n').map((l) => l.replace(/\s+/g, ''));
  const figures: KeyFigure[] = data.figures.map((f) => ({
    text: f.fragment,
    line: lines.findIndex((l) => l.includes(f.fragment.replace(/\s+/g, ''))) + 1,
    value: f.value,
    ...(f.written !== undefined ? { written: f.written } : {}),
    unit: f.unit === '个村' ? '个' : f.unit,
    ...(f.qualifier !== undefined ? { qualifier: f.qualifier } : {}),
    kind: f.kind,
  }));
  type Node = { number?: string; title: string; sections: Node[] };
  const named = (n: Node): KeySection => ({ ...(n.number ? { number: n.number } : {}), title: n.title, sections: n.sections.map(named) });
  const sections: KeySection[] = (data.sections as Node[]).flatMap((top) => (top.number || top.sections.some((x) => x.number)
    ? [named(top)]
    : top.sections.map((group) => ({ title: '待填写', sections: group.sections.map(named) }))));
  return {
    name: 'luoyang-2018-02-08',
    path: LUOYANG_TEXT,
    text,
    key: { document: { speechTitle: data.document.speechTitle, speechDate: data.document.speechDate, ...(data.document.speaker ? { speaker: data.document.speaker } : {}) }, sections, figures },
  };
}

const squeeze = (s: string) => s.replace(/\s+/g, '');
const printed = (f: { written?: string; value: number; unit: string; qualifier?: string }) =>
  `${f.qualifier ? `${f.qualifier} ` : ''}${f.written ?? formatNumber(f.value)}${f.unit}`;

/** The key figure's value and written form: value 60 with written 六成, or value "六成". */
function keyNumber(k: KeyFigure): { value: number; written?: string } {
  if (typeof k.value === 'number') return { value: k.value, ...(k.written !== undefined ? { written: String(k.written) } : {}) };
  const parsed = parseWritten(String(k.value));
  if (!parsed) throw new Error(`key figure on line ${k.line}: cannot read the value ${JSON.stringify(k.value)}`);
  const plain = parsed.plain && parsed.text === formatNumber(parsed.value);
  return { value: parsed.value, ...(plain ? {} : { written: parsed.text }) };
}

/** A drafted figure states the key figure: same line, value, unit, qualifier and written form. */
export function sameFigure(f: ExtractedFigure, k: KeyFigure): boolean {
  const { value, written } = keyNumber(k);
  const draftedWritten = f.written !== undefined && f.written !== formatNumber(f.value) ? f.written : undefined;
  return f.line === k.line && Math.abs(f.value - value) < 1e-9 && f.unit === String(k.unit ?? '')
    && (f.qualifier ?? '') === String(k.qualifier ?? '') && (draftedWritten ?? '') === (written ?? '');
}

/** The drafted figure's words overlap the not: entry's words on the same line. */
function takesNot(f: ExtractedFigure, n: { text: string; line: number }, lines: string[]): boolean {
  if (f.line !== n.line) return false;
  const line = lines[n.line - 1] ?? '';
  const start = squeeze(line.slice(0, f.column)).length;
  const end = start + f.text.length;
  const squeezed = squeeze(line);
  const word = squeeze(String(n.text));
  for (let at = squeezed.indexOf(word); at >= 0; at = squeezed.indexOf(word, at + 1)) {
    if (at < end && start < at + word.length) return true;
  }
  return false;
}

const untrail = (s: string) => s.trim().replace(/[。，；：、！？.,;:!?\s]+$/, '');

/** Differences between the drafted tree and the key's: numbers and titles (titles may differ by trailing punctuation). */
export function compareSections(got: ExtractedSection[], want: KeySection[], where = ''): string[] {
  const problems: string[] = [];
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) {
    const g = got[i];
    const w = want[i];
    const at = `${where}${w?.number ?? g?.number ?? ''}`;
    if (!g) {
      problems.push(`missing section ${at}${w!.title}`);
      continue;
    }
    if (!w) {
      problems.push(`extra section ${g.number ?? ''}${g.title} (line ${g.line})`);
      continue;
    }
    if ((g.number ?? '') !== String(w.number ?? '')) problems.push(`${at}: number ${g.number ?? '(none)'}, expected ${w.number ?? '(none)'}`);
    if (untrail(g.title) !== untrail(String(w.title))) problems.push(`${at}: title "${g.title}", expected "${w.title}"`);
    problems.push(...compareSections(g.sections, w.sections ?? [], `${at} › `));
  }
  return problems;
}

/** Score extract's draft of one speech against its key. */
export function scoreFixture(fx: Fixture, found: Extraction = extract(fx.text)): Score {
  const lines = fx.text.split('\n');
  const figures = found.figures;
  const used = new Set<number>();
  const pairs: [ExtractedFigure, KeyFigure][] = [];
  const falseHits: string[] = [];
  for (const f of figures) {
    const i = fx.key.figures.findIndex((k, j) => !used.has(j) && sameFigure(f, k));
    if (i >= 0) {
      used.add(i);
      pairs.push([f, fx.key.figures[i]!]);
    } else {
      falseHits.push(`line ${f.line}: ${printed(f)} (${f.text}, kind ${f.kind})`);
    }
  }
  const misses = fx.key.figures.flatMap((k, j) => {
    if (used.has(j)) return [];
    const { value, written } = keyNumber(k);
    return [`line ${k.line}: ${k.text} (${printed({ value, unit: String(k.unit ?? ''), ...(written ? { written } : {}), ...(k.qualifier ? { qualifier: String(k.qualifier) } : {}) })})`];
  });
  const falseFigures = figures.flatMap((f) =>
    (fx.key.not ?? []).filter((n) => takesNot(f, n, lines)).map((n) => `line ${n.line}: ${f.text} takes ${n.text}${n.why ? ` (${n.why})` : ''}`));
  const kindMisses = pairs.flatMap(([f, k]) => {
    const out: string[] = [];
    if (k.kind !== undefined && f.kind !== k.kind) out.push(`line ${f.line}: ${k.text}: kind ${f.kind}, expected ${k.kind}`);
    if (k.trend !== undefined && f.trend !== k.trend) out.push(`line ${f.line}: ${k.text}: trend ${f.trend ?? '(none)'}, expected ${k.trend}`);
    if (k.from !== undefined && f.from !== (typeof k.from === 'number' ? k.from : parseWritten(String(k.from))?.value)) out.push(`line ${f.line}: ${k.text}: from ${f.from ?? '(none)'}, expected ${k.from}`);
    return out;
  });
  const kindsRight = pairs.filter(([f, k]) => k.kind === undefined || f.kind === k.kind).length;

  const documentProblems: string[] = [];
  for (const field of ['speechTitle', 'speechDate', 'speaker'] as const) {
    const want = fx.key.document[field];
    const got = found.document[field]?.value;
    if (want !== undefined && String(want) !== got) documentProblems.push(`${field}: ${got ?? '(none)'}, expected ${String(want)}`);
  }

  const draft = draftYaml(fx.text, { source: fx.path }, found);
  const invalid: string[] = [];
  const unverified: string[] = [];
  let todo = 0;
  try {
    const { raw, at } = readYaml(draft, `${fx.name}.draft.yaml`);
    const checked = validateDraft(raw, `${fx.name}.draft.yaml`, at, { placeholders: 'list' });
    todo = checked.todo.length;
    for (const c of verifyFigures(checked.data, fx.text, fx.path)) if (!c.ok) unverified.push(`${c.id} ${c.text}: ${c.problems.join('; ')}`);
  } catch (err) {
    if (err instanceof DataError) invalid.push(...err.problems.map((p) => `line ${p.line} ${p.field}: ${p.message}`));
    else invalid.push(String(err));
  }

  return {
    name: fx.name,
    keyFigures: fx.key.figures.length,
    drafted: figures.length,
    matched: pairs.length,
    recall: fx.key.figures.length === 0 ? 1 : pairs.length / fx.key.figures.length,
    precision: figures.length === 0 ? 1 : pairs.length / figures.length,
    kinds: pairs.length === 0 ? 1 : kindsRight / pairs.length,
    falseFigures,
    misses,
    falseHits,
    kindMisses,
    sectionProblems: fx.key.sections === undefined ? [] : compareSections(found.sections, fx.key.sections),
    documentProblems,
    todo,
    invalid,
    unverified,
    draft,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One line per speech: recall, precision, kinds. */
export function scoreLine(s: Score): string {
  return `${s.name}: recall ${pct(s.recall)} (${s.matched}/${s.keyFigures}), precision ${pct(s.precision)} (${s.matched}/${s.drafted}), kinds ${pct(s.kinds)}`;
}

function table(scores: Score[]): string {
  const head = ['speech', 'key', 'drafted', 'matched', 'recall', 'precision', 'kinds', 'false', 'todo', 'sections', 'valid', 'verified'];
  const rows = scores.map((s) => [
    s.name, String(s.keyFigures), String(s.drafted), String(s.matched), pct(s.recall), pct(s.precision), pct(s.kinds),
    String(s.falseFigures.length), String(s.todo), s.sectionProblems.length === 0 ? 'ok' : `${s.sectionProblems.length} diff`,
    s.invalid.length === 0 ? 'yes' : `${s.invalid.length} problems`, s.unverified.length === 0 ? 'all' : `${s.unverified.length} not`,
  ]);
  const width = (i: number) => Math.max(...[head, ...rows].map((r) => [...r[i]!].length));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width(i)) : c.padStart(width(i)))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

function main(): void {
  const scores = loadFixtures().map((fx) => scoreFixture(fx));
  console.log(table(scores));
  for (const s of scores) {
    const lists: [string, string[]][] = [
      ['misses', s.misses], ['false hits', s.falseHits], ['numbers that are no figures, taken', s.falseFigures],
      ['kinds, trends, from', s.kindMisses], ['sections', s.sectionProblems], ['document', s.documentProblems],
      ['validation', s.invalid], ['verify', s.unverified],
    ];
    const shown = lists.filter(([, l]) => l.length > 0);
    if (shown.length === 0) continue;
    console.log(`\n${s.name}`);
    for (const [title, list] of shown) console.log(`  ${title}:\n${list.map((x) => `    ${x}`).join('\n')}`);
  }
  const total = scores.reduce((a, s) => ({ key: a.key + s.keyFigures, drafted: a.drafted + s.drafted, matched: a.matched + s.matched }), { key: 0, drafted: 0, matched: 0 });
  console.log(`\nall: recall ${pct(total.matched / Math.max(1, total.key))}, precision ${pct(total.matched / Math.max(1, total.drafted))} over ${scores.length} speeches`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
