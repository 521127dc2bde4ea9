// shushuo extract: find the figures in the text of a speech and write a draft data file
// for a person to edit. Everything here is pure (text in, result out) except
// extractCommand, which reads the speech file.
//
// The scan walks the speech line by line. Headings (一、 / （一） / 一是) update the
// heading path; every Arabic number (1812, 1,812, 12.5) that is not a date, an issue number, an ordinal
// or part of a name (9+2, 5G) and that has a unit after it becomes a figure, with
// the qualifier the speech puts next to it and a short fragment of the speech's own words.

import { readFileSync } from 'node:fs';
import { formatNumber } from './format.js';
import type { Qualifier } from './data/types.js';
import { fragmentMismatches, numbersIn } from './data/fragment.js';

export interface Heading {
  /** 1: 一、 part; 2: （一） item; 3: 一是 point */
  level: 1 | 2 | 3;
  /** 一, 二, 三 … */
  numeral: string;
  /** The heading's words without its number, up to the first 。 */
  title: string;
  /** 1-based line of the speech */
  line: number;
  /** Offset in the speech text, which tells headings apart */
  offset: number;
}

export interface ExtractedFigure {
  value: number;
  unit: string;
  qualifier?: Qualifier;
  /** The exact words of the speech around the number, spaces included */
  fragment: string;
  /** A short phrase for the figure, taken from its clause; a person should edit it */
  label: string;
  /** The headings the figure stands under, outermost first */
  headings: Heading[];
  /** 1-based line of the speech */
  line: number;
}

// --- numbers, units, qualifiers ------------------------------------------------

const NUMERALS = '一二三四五六七八九十';
const SPACE = /[ \t\u3000]/;

/** Units, tried longest first. */
const UNITS = [
  '个百分点', '个方面', '人次', '个月', '个村', '个社区', '平方米', '公里', '轮次', '万元', '亿元', '万人', '万亩', '万户',
  '%', '％', '个', '元', '人', '家', '次', '项', '名', '户', '亩', '所', '座', '条', '件', '位', '批', '场', '篇',
  '支', '台', '辆', '吨', '倍', '年', '天', '万', '亿',
].sort((a, b) => b.length - a.length);

/** 个村 is not the unit when 村 begins a compound: 427 个村集体经济试点 counts 个. */
const VILLAGE_COMPOUND = /^个村(集体|级|民|干部|党|委|务)/;

/** The prefix qualifiers the project knows, as the speech may write them, longest first. */
const PREFIXES: [string, Qualifier][] = [['仅有', '仅有'], ['超过', '超过'], ['约有', '约'], ['约', '约'], ['近', '近']];

/** Clause boundaries; 、 and , are handled separately (lists, thousands). */
const BOUNDARY = new Set(['。', '；', ';', '！', '!', '？', '?', '，', '：', ':']);

interface Found {
  value: number;
  unit: string;
  qualifier?: Qualifier;
  /** Offsets in the line: where the figure's words start (its qualifier, or a list's qualifier) and end */
  spanStart: number;
  spanEnd: number;
  numberEnd: number;
  /** The qualifier came from the head of a list (仅有 78%、71%) */
  listed: boolean;
}

/** Why a number is not a figure, or undefined when it may be one. */
function notAFigure(value: number, digits: string, before: string, after: string): string | undefined {
  const b = before.replace(/[ \t\u3000]+$/, '');
  const a = after.replace(/^[ \t\u3000]+/, '');
  if (/第$/.test(b)) return 'ordinal';
  if (/[+＋×\/:：~～\-－]$/.test(before) || /^[+＋×\/:：~～\-－]/.test(after)) return 'name';
  if (/[A-Za-z]$/.test(before) || /^[A-Za-z]/.test(after)) return 'name';
  if (/^年度/.test(a)) return 'date';
  if (/^年/.test(a) && digits.length === 4 && value >= 1900 && value <= 2100) return 'date';
  if (/^(月|日|号)/.test(a) || /月$/.test(b)) return 'date';
  if (/^(期|届|大)/.test(a)) return 'issue or ordinal';
  if (/〔$/.test(b) || /^〕/.test(a)) return 'document number';
  if (/^\s*$/.test(before) && /^[、.．]/.test(after)) return 'heading';
  if (/[（(]$/.test(b) && /^[）)]/.test(a)) return 'heading';
  return undefined;
}

function unitAt(rest: string): string | undefined {
  if (VILLAGE_COMPOUND.test(rest)) return '个';
  return UNITS.find((u) => rest.startsWith(u));
}

/** The figures of one line, in order. */
function numbersOf(line: string): Found[] {
  const out: Found[] = [];
  for (const n of numbersIn(line)) {
    const start = n.index;
    const end = start + n.text.length;
    const value = Number(n.digits);
    const before = line.slice(0, start);
    const after = line.slice(end);
    // 1.2.3, 1,2: part of something else.
    if (/[.,]$/.test(before) || after.startsWith('.')) continue;
    if (notAFigure(value, n.text, before, after)) continue;

    let unitStart = end;
    while (unitStart < line.length && SPACE.test(line[unitStart]!)) unitStart++;
    const unit = unitAt(line.slice(unitStart));
    if (!unit) continue;
    let spanEnd = unitStart + unit.length;

    let qualifier: Qualifier | undefined;
    let spanStart = start;
    const b = before.replace(/[ \t\u3000]+$/, '');
    const prefix = PREFIXES.find(([word]) => b.endsWith(word) && !/(最近|附近)$/.test(b));
    if (prefix) {
      qualifier = prefix[1];
      spanStart = b.length - prefix[0].length;
    }
    let k = spanEnd;
    while (k < line.length && SPACE.test(line[k]!)) k++;
    if (line.startsWith('左右', k)) {
      if (!qualifier) qualifier = '左右';
      spanEnd = k + 2;
    }
    // 仅有 78%、71%, 仅有 50%、40%和30%: 仅有 before the first number of a list applies to each, as in
    // the fragment rule (src/data/fragment.ts); 和 or 及 joins a third or later item. 近 and 约 stay with
    // the number they stand before.
    let listed = false;
    const previous = out[out.length - 1];
    const joint = /[ \t\u3000]*、[ \t\u3000]*$/.exec(before) ?? (previous?.listed ? /[ \t\u3000]*[和及][ \t\u3000]*$/.exec(before) : null);
    if (!qualifier && previous && joint && joint.index === previous.spanEnd
      && previous.qualifier === '仅有') {
      qualifier = previous.qualifier;
      spanStart = previous.spanStart;
      listed = true;
    }
    out.push({ value, unit, ...(qualifier ? { qualifier } : {}), spanStart, spanEnd, numberEnd: end, listed });
  }
  return out;
}

// --- fragments and labels --------------------------------------------------------

function isBoundary(line: string, i: number): boolean {
  const c = line[i]!;
  if (BOUNDARY.has(c)) return true;
  if (c === ',') return !numbersIn(line).some((n) => n.index < i && i < n.index + n.text.length);
  // 、 separates clauses, except between the numbers of a list (78%、71%).
  if (c === '、') return !(/[\d%％][ \t\u3000]*$/.test(line.slice(0, i)) && /^[ \t\u3000]*\d/.test(line.slice(i + 1)));
  return false;
}

function clauseOf(line: string, start: number, end: number): [number, number] {
  let s = start;
  while (s > 0 && !isBoundary(line, s - 1)) s--;
  let e = end;
  while (e < line.length && !isBoundary(line, e)) e++;
  while (s < e && SPACE.test(line[s]!)) s++;
  while (e > s && SPACE.test(line[e - 1]!)) e--;
  return [s, e];
}

const MAX_FRAGMENT = 30;

/** The problem the data file rule (src/data/fragment.ts) finds with this fragment, or undefined. */
export function fragmentProblem(f: { value: number; unit: string; qualifier?: Qualifier; fragment: string }): string | undefined {
  return fragmentMismatches(f)[0]?.message;
}

function fragmentOf(line: string, found: Found): string {
  const [cs, ce] = clauseOf(line, found.spanStart, found.spanEnd);
  let s = cs;
  let e = ce;
  if (e - s > MAX_FRAGMENT) {
    s = Math.max(cs, found.spanStart - 14);
    e = Math.min(ce, found.spanEnd + 10);
  }
  const candidates = [line.slice(s, e).trim(), line.slice(found.spanStart, found.spanEnd).trim()];
  return candidates.find((fragment) => !fragmentProblem({ ...found, fragment })) ?? candidates[candidates.length - 1]!;
}

const LEADING = /^(特别是|其中|目前|当前|同时|但是|但|而且|并且|通过|今年要把|要把|要)/;

function labelOf(line: string, found: Found): string {
  const [cs, ce] = clauseOf(line, found.spanStart, found.spanEnd);
  const left = line.slice(cs, found.spanStart).trim().replace(LEADING, '').replace(/(有|占|为)$/, '').trim();
  if ([...left].length >= 2) return [...left].slice(-30).join('');
  const right = line.slice(found.spanEnd, ce).replace(/^[ \t\u3000]*(左右)?/, '').split(/\d/)[0]!.trim();
  if ([...right].length >= 2) return [...right].slice(0, 30).join('');
  return '待填写';
}

// --- headings ----------------------------------------------------------------

function titleFrom(text: string): string {
  return text.split('。')[0]!.trim().slice(0, 40);
}

function headingsOf(line: string, lineNo: number, offset: number, lastPoint: string | undefined): Heading[] {
  const out: Heading[] = [];
  const part = new RegExp(`^\\s*([${NUMERALS}]+)、(.+)$`).exec(line);
  if (part) out.push({ level: 1, numeral: part[1]!, title: titleFrom(part[2]!), line: lineNo, offset });
  const item = new RegExp(`^\\s*[（(]([${NUMERALS}]+)[）)](.+)$`).exec(line);
  if (item) out.push({ level: 2, numeral: item[1]!, title: titleFrom(item[2]!), line: lineNo, offset });
  // 一是 … 二是 …: at the start of a line or a sentence, in order.
  let last = lastPoint;
  for (const m of line.matchAll(new RegExp(`(^|[。：；:;])\\s*([${NUMERALS}]+)是`, 'g'))) {
    const numeral = m[2]!;
    if (numeral !== '一' && (!last || ordinalValue(numeral) !== ordinalValue(last) + 1)) continue;
    const at = m.index! + m[0].length;
    out.push({ level: 3, numeral, title: titleFrom(line.slice(at)), line: lineNo, offset: offset + at - numeral.length - 1 });
    last = numeral;
  }
  return out;
}

function ordinalValue(numeral: string): number {
  const d = (c: string | undefined) => (c ? NUMERALS.indexOf(c) + 1 : 0);
  if (numeral.length === 1) return d(numeral);
  if (numeral[0] === '十') return 10 + d(numeral[1]);
  return d(numeral[0]) * 10 + (numeral.length === 3 ? d(numeral[2]) : 0);
}

/** Every heading of the speech, in order. */
export function findHeadings(text: string): Heading[] {
  const out: Heading[] = [];
  let offset = 0;
  let lastPoint: string | undefined;
  text.split('\n').forEach((line, i) => {
    for (const h of headingsOf(line, i + 1, offset, lastPoint)) {
      out.push(h);
      if (h.level === 3) lastPoint = h.numeral;
      else lastPoint = undefined;
    }
    offset += line.length + 1;
  });
  return out;
}

// --- the scan ------------------------------------------------------------------

/** Find the figures of a speech, in the order the speech gives them. */
export function extractFigures(text: string): ExtractedFigure[] {
  const headings = findHeadings(text);
  const figures: ExtractedFigure[] = [];
  let offset = 0;
  text.split('\n').forEach((line, i) => {
    for (const found of numbersOf(line)) {
      const at = offset + found.spanStart;
      const path: Heading[] = [];
      for (const h of headings) {
        if (h.offset > at) break;
        while (path.length > 0 && path[path.length - 1]!.level >= h.level) path.pop();
        path.push(h);
      }
      figures.push({
        value: found.value,
        unit: found.unit,
        ...(found.qualifier ? { qualifier: found.qualifier } : {}),
        fragment: fragmentOf(line, found),
        label: labelOf(line, found),
        headings: path,
        line: i + 1,
      });
    }
    offset += line.length + 1;
  });
  return figures;
}

// --- the draft data file ----------------------------------------------------------

export interface DraftOptions {
  /** The speech file, named in the draft's first comment */
  source: string;
}

const TODO = '待填写';

/** A YAML scalar: JSON's double-quoted strings are valid YAML and keep Chinese as it is. */
const q = (s: string) => JSON.stringify(s);

interface DocumentGuess {
  value: string | number;
  line?: number;
}

/** What the header of the speech says about the document; a person checks each guess. */
function guessDocument(text: string): Record<string, DocumentGuess> {
  const lines = text.split('\n');
  const compact = (s: string) => s.replace(/[ \t\u3000]+/g, '');
  const find = (re: RegExp): [RegExpExecArray, number] | undefined => {
    for (let i = 0; i < lines.length; i++) {
      const m = re.exec(compact(lines[i]!));
      if (m) return [m, i + 1];
    }
    return undefined;
  };
  const iso = (m: RegExpExecArray) => `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const out: Record<string, DocumentGuess> = {};
  const issue = find(/^第(\d+)期$/);
  if (issue) out.issue = { value: Number(issue[0][1]), line: issue[1] };
  const office = find(/^(中共.+(办公室|委员会)|.+办公室)$/);
  if (office) out.office = { value: office[0][1]!, line: office[1] };
  const issued = find(/^(\d{4})年(\d{1,2})月(\d{1,2})日$/);
  if (issued) out.issued = { value: iso(issued[0]), line: issued[1] };
  const speechDate = find(/^[（(](\d{4})年(\d{1,2})月(\d{1,2})日/);
  if (speechDate) out.speechDate = { value: iso(speechDate[0]), line: speechDate[1] };
  const title = find(/^((.+?)同志在(.+?)上的讲话)$/);
  if (title) {
    out.speechTitle = { value: title[0][1]!, line: title[1] };
    out.speaker = { value: title[0][2]!, line: title[1] };
    out.meeting = { value: title[0][3]!, line: title[1] };
  }
  const note = find(/(根据(记录|录音)整理)/);
  if (note) out.sourceNote = { value: note[0][1]!, line: note[1] };
  const distribution = find(/^[（(]此件(发至.+?)[）)]$/);
  if (distribution) out.distribution = { value: distribution[0][1]!, line: distribution[1] };
  return out;
}

interface DraftStructure {
  review: { achievements: { id: string; title: string; line: number; key: number }[]; problems: { id: string; title: string; line: number; key: number }[] };
  parts: { id: string; numeral: string; title: string; line: number; key: number; items: { id: string; title: string; line: number; key: number }[] }[];
}

/** Parts and items from the headings; the 一是 runs before the first part become the review. */
function structureOf(headings: Heading[]): DraftStructure {
  const s: DraftStructure = { review: { achievements: [], problems: [] }, parts: [] };
  let runs = 0;
  for (const h of headings) {
    if (h.level === 1) {
      s.parts.push({ id: `part-${s.parts.length + 1}`, numeral: h.numeral, title: h.title, line: h.line, key: h.offset, items: [] });
    } else if (h.level === 2) {
      const part = s.parts[s.parts.length - 1];
      if (part) part.items.push({ id: `${part.id}-item-${part.items.length + 1}`, title: h.title, line: h.line, key: h.offset });
    } else if (s.parts.length === 0) {
      if (h.numeral === '一') runs++;
      const list = runs <= 1 ? s.review.achievements : runs === 2 ? s.review.problems : undefined;
      const kind = runs <= 1 ? 'achievement' : 'problem';
      list?.push({ id: `${kind}-${list.length + 1}`, title: h.title, line: h.line, key: h.offset });
    }
  }
  return s;
}

/** A draft data file in the project's format, with every figure found and a comment naming its line. */
export function draftYaml(text: string, extracted: ExtractedFigure[], options: DraftOptions): string {
  const doc = guessDocument(text);
  const structure = structureOf(findHeadings(text));
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);

  push(
    `# Draft data file written by shushuo extract from ${options.source}.`,
    `# Fill in every ${TODO}, check every guess against the speech, keep only the key figures,`,
    '# and give the figures ids and labels that read well. Then: shushuo validate --data THIS_FILE',
    `# ${extracted.length} figures found.`,
    '',
    'document:',
  );
  const field = (key: string, what: string, kind: 'text' | 'number' | 'date' = 'text') => {
    const g = doc[key];
    if (g) push(`  ${key}: ${typeof g.value === 'number' ? g.value : q(g.value)}  # guessed from line ${g.line}: check it`);
    else push(`  ${key}: ${TODO}  # ${TODO}: ${what}${kind === 'number' ? ' (a whole number)' : kind === 'date' ? ' (YYYY-MM-DD)' : ''}`);
  };
  push(`  title: ${TODO}  # ${TODO}: title of the briefing, e.g. 数说基层党建`);
  field('office', 'issuing office');
  field('issue', 'issue number', 'number');
  field('issued', 'date of issue', 'date');
  field('speaker', 'who gave the speech');
  field('meeting', 'the meeting');
  field('speechTitle', 'title of the speech as printed');
  field('speechDate', 'date of the speech', 'date');
  if (doc.sourceNote) field('sourceNote', '');
  if (doc.distribution) field('distribution', '');
  push(`  keywords: [${TODO}]  # ${TODO}: a few keywords`, '');

  push('structure:', '  review:', `    title: ${TODO}  # ${TODO}: what the review part is called, e.g. 2017年工作回顾`);
  const items = (indent: string, list: { id: string; title: string; line: number }[], placeholder: string) => {
    if (list.length === 0) push(`${indent}- { id: ${placeholder}, title: ${TODO} }  # ${TODO}: no headings found here`);
    for (const x of list) push(`${indent}- { id: ${x.id}, title: ${q(x.title)} }  # line ${x.line}`);
  };
  push('    achievements:');
  items('      ', structure.review.achievements, 'achievement-1');
  push('    problems:');
  items('      ', structure.review.problems, 'problem-1');
  push('  parts:');
  const parts = structure.parts.length > 0 ? structure.parts
    : [{ id: 'part-1', numeral: '一', title: TODO, line: 0, key: -1, items: [] }];
  for (const p of parts) {
    push(
      `    - id: ${p.id}${p.line ? `  # line ${p.line}` : `  # ${TODO}: no 一、 headings found`}`,
      `      numeral: ${p.numeral}`,
      `      title: ${p.title === TODO ? TODO : q(p.title)}`,
      `      itemsName: ${TODO}  # ${TODO}: what the items are called, e.g. 重点任务`,
      '      items:',
    );
    items('        ', p.items, `${p.id}-item-1`);
  }
  push('');

  // Where a figure goes: the part and item of its headings, or the review.
  const placeOf = (f: ExtractedFigure): { part: string; item?: string } => {
    const h1 = f.headings.find((h) => h.level === 1);
    if (!h1) {
      const h3 = f.headings.find((h) => h.level === 3);
      const x = h3 && [...structure.review.achievements, ...structure.review.problems].find((y) => y.key === h3.offset);
      return x ? { part: 'review', item: x.id } : { part: 'review' };
    }
    const part = parts.find((p) => p.key === h1.offset)!;
    const h2 = f.headings.find((h) => h.level === 2);
    const item = h2 && part.items.find((y) => y.key === h2.offset);
    return item ? { part: part.id, item: item.id } : { part: part.id };
  };

  if (extracted.length === 0) {
    push('figures: []  # no figures found: add at least one');
  } else {
    push('figures:');
    extracted.forEach((f, i) => {
      const place = placeOf(f);
      const where = f.headings.map((h) => (h.level === 1 ? `${h.numeral}、` : h.level === 2 ? `（${h.numeral}）` : `${h.numeral}是`) + h.title.slice(0, 12)).join(' › ');
      push(
        `  # line ${f.line}${where ? `: ${where}` : ''}`,
        `  - id: fig-${i + 1}`,
        `    value: ${f.value}`,
        `    unit: ${q(f.unit)}`,
        ...(f.qualifier ? [`    qualifier: ${f.qualifier}`] : []),
        `    label: ${q(f.label)}`,
        `    part: ${place.part}`,
        ...(place.item ? [`    item: ${place.item}`] : []),
        `    fragment: ${q(f.fragment)}`,
        '',
      );
    });
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Read a speech and return its draft data file. The one function here that touches the file system. */
export function extractCommand(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the speech ${file} (${(err as Error).message})`, { cause: err });
  }
  return draftYaml(text, extractFigures(text), { source: file });
}
