// What a figure's fragment of the speech says, against what the figure claims: the number as the
// speech writes it (digits or Chinese numerals), the unit right after it, and every qualifier next to
// it (before the number, between number and unit, after the unit). Pure; used when a data file is
// read, by verify, and by extract when it chooses a fragment.

import { formatNumber } from './format.js';
import { numbersIn, type WrittenNumber } from './numerals.js';
import { QUALIFIER_VERBS, QUALIFIERS, qualifierWord, wordsAt } from './qualifiers.js';
import type { Figure, QualifierPlace } from './types.js';

export { numbersIn, type WrittenNumber } from './numerals.js';

export interface FragmentMismatch {
  field: 'fragment' | 'value' | 'unit' | 'qualifier' | 'qualifierAt' | 'from' | 'trend';
  message: string;
}

export type FragmentFigure = Pick<Figure, 'value' | 'unit' | 'fragment'> &
  Partial<Pick<Figure, 'written' | 'qualifier' | 'qualifierAt' | 'kind' | 'from' | 'fromWritten' | 'trend'>>;

/** A number of the fragment read as the figure: where it starts and ends, and where its unit ends. */
export interface NumberHit {
  run: WrittenNumber;
  /** Offset where the number as the figure reads it starts and ends (3.5 of 3.5万元 when the unit is 万元) */
  start: number;
  end: number;
}

const SPACES = /^[ \t\u3000]+/;
const trimStart = (s: string) => s.replace(SPACES, '');
const trimEnd = (s: string) => s.replace(/[ \t\u3000]+$/, '');

/**
 * The figure's number in the fragment: the run written as the data writes it (六成, 3.5万, 1,812), or
 * whose digits are the value (5 of 5万元 when the unit is 万元). Runs followed by the unit come first.
 */
export function findNumber(fragment: string, f: Pick<Figure, 'value' | 'unit'> & Partial<Pick<Figure, 'written'>>, from = 0): NumberHit | undefined {
  const hits: NumberHit[] = [];
  const digits = formatNumber(f.value);
  for (const run of numbersIn(fragment)) {
    if (run.index < from) continue;
    const end = run.index + run.text.length;
    if (f.written !== undefined) {
      if (squeeze(run.text) === squeeze(f.written)) hits.push({ run, start: run.index, end });
      continue;
    }
    if (run.plain && run.digits === digits) hits.push({ run, start: run.index, end });
    // 5万元 with unit 万元: the digits alone are the number, the scale is part of the unit.
    else if (run.scale && run.digits === digits) hits.push({ run, start: run.index, end: run.index + run.text.length - run.scale.length });
  }
  const unitAfter = (h: NumberHit) => unitFollows(fragment.slice(h.end), f.unit);
  return hits.find(unitAfter) ?? hits[0];
}

const squeeze = (s: string) => s.replace(/\s+/g, '');

/** The text after the number starts with the unit, perhaps after a between-qualifier (300余家). */
function unitFollows(after: string, unit: string): boolean {
  const rest = trimStart(after);
  if (rest.startsWith(unit)) return true;
  const between = wordsAt('between').find((w) => rest.startsWith(w));
  return between !== undefined && trimStart(rest.slice(between.length)).startsWith(unit);
}

export interface FoundQualifier {
  word: string;
  place: QualifierPlace;
  /** Offsets of the qualifier's words in the fragment (a list's 仅有 may stand far before the number) */
  start: number;
  end: number;
}

/**
 * The qualifiers the fragment puts next to a number: before it (近40%, 约占45%), between number and
 * unit (300余家) and after the unit (12家左右). A 仅有 before a list (仅有78%、71%) applies to each
 * number of the list.
 */
export function qualifiersAround(fragment: string, hit: Pick<NumberHit, 'start' | 'end'>, unit: string, rank = false): FoundQualifier[] {
  const found: FoundQualifier[] = [];
  let before = trimEnd(fragment.slice(0, hit.start));
  if (rank && before.endsWith('第')) before = trimEnd(before.slice(0, -1));
  // 近3年来 is "in the last three years", not "nearly three years".
  const recent = /^\s*年\s*(来|以来)/.test(fragment.slice(hit.end));
  const prefix = beforeWord(before);
  if (prefix && !(recent && prefix.word === '近')) found.push(prefix);
  else if (!prefix) {
    const listed = listQualifier(before, unit);
    if (listed) found.push(listed);
  }
  let at = hit.end + (fragment.slice(hit.end).length - trimStart(fragment.slice(hit.end)).length);
  const between = wordsAt('between').find((w) => fragment.startsWith(w, at) && trimStart(fragment.slice(at + w.length)).startsWith(unit) && unit !== '');
  if (between) {
    found.push({ word: between, place: 'between', start: at, end: at + between.length });
    at += between.length;
    at += fragment.slice(at).length - trimStart(fragment.slice(at)).length;
  }
  if (fragment.startsWith(unit, at)) {
    at += unit.length;
    at += fragment.slice(at).length - trimStart(fragment.slice(at)).length;
    const after = wordsAt('after').find((w) => fragment.startsWith(w, at) && afterWordEnds(w, fragment.slice(at + w.length)));
    if (after) found.push({ word: after, place: 'after', start: at, end: at + after.length });
  }
  return found;
}

/** 多 and 余 after a unit (1年多) are qualifiers only at the end of a phrase, not in 5个多元主体. */
function afterWordEnds(word: string, rest: string): boolean {
  if (word !== '多' && word !== '余') return true;
  return rest === '' || /^[\s，。；、！？,.;!?的）)”]/.test(rest);
}

/** A qualifier right before the number, perhaps with a verb between (约占, 仅为); not 最近 or 附近. */
function beforeWord(before: string): FoundQualifier | undefined {
  for (const word of wordsAt('before')) {
    const q = qualifierWord(word)!;
    const forms = [word, ...(q.verbs ? QUALIFIER_VERBS.map((v) => word + v) : [])];
    const form = forms.sort((a, b) => b.length - a.length).find((w) => before.endsWith(w)) ?? (q.reach ? new RegExp(`${word}\\p{Script=Han}{1,${q.reach}}$`, 'u').exec(before)?.[0] : undefined);
    if (!form) continue;
    const start = before.length - form.length;
    if (word === '近' && /[最附临]$/.test(before.slice(0, start))) continue;
    return { word, place: 'before', start, end: start + word.length };
  }
  return undefined;
}

/**
 * 仅有 78%、71% / 仅有 50%、40%和30%: an 'only' qualifier before a list applies to every number in it.
 * `before` is the fragment up to the number; 和 or 及 joins only a third or later item.
 */
function listQualifier(before: string, unit: string): FoundQualifier | undefined {
  const only = QUALIFIERS.filter((q) => q.meaning === 'only').map((q) => q.word).sort((a, b) => b.length - a.length);
  const u = unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const item = String.raw`[\d一二两三四五六七八九十百千万〇零.,]+\s*(?:%|％|${u})?`;
  for (const word of only) {
    const items = String.raw`${word}\s*(?:${item}\s*[、，]\s*)+`;
    const m = new RegExp(`(${items})$`).exec(before) ?? new RegExp(String.raw`(${items}${item}\s*[和及])$`).exec(before);
    if (m) return { word, place: 'before', start: m.index, end: m.index + word.length };
  }
  return undefined;
}

const UP = /增长|提高|提升|上升|增加|增至|扩大|翻/;
const DOWN = /下降|降低|减少|回落|下滑|缩小|降至|减至/;

/** The trend the fragment states, if it states one. */
export function trendOf(fragment: string): 'up' | 'down' | undefined {
  const up = UP.exec(fragment)?.index;
  const down = DOWN.exec(fragment)?.index;
  if (up === undefined) return down === undefined ? undefined : 'down';
  if (down === undefined) return 'up';
  return up < down ? 'up' : 'down';
}

/** Everything the fragment says differently from the figure: its number, unit, qualifier, and for from-to the value it moved from. */
export function fragmentMismatches(f: FragmentFigure): FragmentMismatch[] {
  const printed = f.written ?? formatNumber(f.value);
  const hit = findNumber(f.fragment, f);
  if (!hit) {
    const other = numbersIn(f.fragment).find((r) => Math.abs(r.value - f.value) < 1e-9 && !r.plain);
    if (other && f.written === undefined) {
      return [{ field: 'value', message: `expected the number as the speech writes it, "${other.text}", received ${printed} (write value: ${other.text})` }];
    }
    return [{ field: 'fragment', message: `expected the words of the speech that state ${printed}, received "${f.fragment}" (no ${printed} in it)` }];
  }
  const found: FragmentMismatch[] = [];
  const after = trimStart(f.fragment.slice(hit.end));
  if (!unitFollows(f.fragment.slice(hit.end), f.unit)) {
    found.push({ field: 'unit', message: `expected the unit the fragment gives after ${printed} ("${after.slice(0, 4)}…"), received "${f.unit}"` });
  }

  const stated = qualifiersAround(f.fragment, hit, f.unit, f.kind === 'rank');
  const claimed = f.qualifier;
  const same = stated.find((q) => q.word === claimed);
  const required = stated.filter((q) => !qualifierWord(q.word)?.optional);
  if (claimed === undefined) {
    if (required.length > 0) found.push({ field: 'qualifier', message: `expected ${required[0]!.word}, as the speech says ("${f.fragment}"), received nothing` });
  } else if (!same) {
    const other = required[0];
    found.push({
      field: 'qualifier',
      message: other
        ? `expected ${other.word}, as the speech says ("${f.fragment}"), received ${claimed}`
        : `expected no qualifier, since the fragment "${f.fragment}" does not say ${claimed} next to ${printed}, received ${claimed}`,
    });
  } else {
    const extra = required.find((q) => q.word !== claimed);
    if (extra) found.push({ field: 'qualifier', message: `expected ${claimed} and ${extra.word}, as the speech says ("${f.fragment}"); a figure takes one qualifier: put the other in the label, or choose the fragment` });
    const place = f.qualifierAt ?? qualifierWord(claimed)?.place;
    if (place !== same.place) found.push({ field: 'qualifierAt', message: `expected ${same.place}, where the speech puts ${claimed} ("${f.fragment}"), received ${place}` });
  }

  if (f.kind === 'from-to' || f.from !== undefined) {
    if (f.from === undefined) {
      found.push({ field: 'from', message: `expected the value it moved from (kind from-to), received nothing (add from:)` });
    } else {
      const fromHit = findNumber(f.fragment.slice(0, hit.start), { value: f.from, unit: f.unit, ...(f.fromWritten !== undefined ? { written: f.fromWritten } : {}) });
      if (!fromHit) found.push({ field: 'from', message: `expected a value the fragment gives before ${printed}, received ${f.fromWritten ?? formatNumber(f.from)} (not in "${f.fragment}")` });
    }
  }
  const trend = trendOf(f.fragment);
  if (f.trend && trend && f.trend !== trend) {
    found.push({ field: 'trend', message: `expected ${trend}, as the fragment says ("${f.fragment}"), received ${f.trend}` });
  }
  return found;
}
