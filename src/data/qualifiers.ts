// The words a speech puts next to a number to qualify it, where each stands, and what it means.
// One list serves the schema's check, the fragment rule, extract and the charts.

import type { QualifierMeaning, QualifierPlace } from './types.js';

export interface QualifierWord {
  word: string;
  /** Where it usually stands: 近40%, 300余家, 12家左右 */
  place: QualifierPlace;
  /** Also found at these places: 多 in 300多家 and 1年多 */
  alsoAt?: QualifierPlace[];
  meaning: QualifierMeaning;
  /**
   * A verb the speech may put between a qualifier before the number and the number: 约占45%, 约有50个,
   * 仅为3%. The qualifier is printed alone (约45%); the verb is part of the label's sentence.
   */
  verbs?: boolean;
  /**
   * Up to this many characters of any verb may stand between it and the number: 至少配备2名,
   * 最多安排3次. The qualifier still qualifies the number, and is printed next to it (至少2名).
   */
  reach?: number;
  /** Usually a plain verb (经费达到500万元): its absence in the data is not an error */
  optional?: boolean;
}

export const QUALIFIERS: readonly QualifierWord[] = [
  // about
  { word: '近', place: 'before', meaning: 'about', verbs: true },
  { word: '将近', place: 'before', meaning: 'about', verbs: true },
  { word: '接近', place: 'before', meaning: 'about' },
  { word: '约', place: 'before', meaning: 'about', verbs: true },
  { word: '大约', place: 'before', meaning: 'about', verbs: true },
  { word: '左右', place: 'after', meaning: 'about' },
  { word: '上下', place: 'after', meaning: 'about' },
  // at least
  { word: '超过', place: 'before', meaning: 'at-least' },
  { word: '逾', place: 'before', meaning: 'at-least' },
  { word: '突破', place: 'before', meaning: 'at-least' },
  { word: '至少', place: 'before', meaning: 'at-least', verbs: true, reach: 3 },
  { word: '不少于', place: 'before', meaning: 'at-least' },
  { word: '不低于', place: 'before', meaning: 'at-least' },
  { word: '以上', place: 'after', meaning: 'at-least' },
  { word: '余', place: 'between', alsoAt: ['after'], meaning: 'at-least' },
  { word: '多', place: 'between', alsoAt: ['after'], meaning: 'at-least' },
  { word: '有余', place: 'after', meaning: 'at-least' },
  // at most
  { word: '不足', place: 'before', meaning: 'at-most' },
  { word: '不到', place: 'before', meaning: 'at-most' },
  { word: '不超过', place: 'before', meaning: 'at-most' },
  { word: '不高于', place: 'before', meaning: 'at-most' },
  { word: '最多', place: 'before', meaning: 'at-most', reach: 3 },
  { word: '以下', place: 'after', meaning: 'at-most' },
  { word: '以内', place: 'after', meaning: 'at-most' },
  // only
  { word: '仅有', place: 'before', meaning: 'only' },
  { word: '仅占', place: 'before', meaning: 'only' },
  { word: '只有', place: 'before', meaning: 'only' },
  { word: '仅', place: 'before', meaning: 'only', verbs: true },
  // a target
  { word: '达到', place: 'before', meaning: 'target', optional: true },
];

/** Verbs allowed between a qualifier that takes them and the number (约占45%). */
export const QUALIFIER_VERBS = ['占', '有', '为', '是', '达'] as const;

const BY_WORD = new Map(QUALIFIERS.map((q) => [q.word, q]));

export function qualifierWord(word: string | undefined): QualifierWord | undefined {
  return word === undefined ? undefined : BY_WORD.get(word);
}

/** Every place a qualifier may stand. */
export function placesOf(word: string): QualifierPlace[] {
  const q = BY_WORD.get(word);
  return q ? [q.place, ...(q.alsoAt ?? [])] : [];
}

/** Words of one place, longest first, so 不超过 is tried before 超过. */
export function wordsAt(place: QualifierPlace): string[] {
  return QUALIFIERS.filter((q) => q.place === place || q.alsoAt?.includes(place)).map((q) => q.word).sort((a, b) => b.length - a.length);
}

/** The figure is not exact: a chart must not draw it as an exact count. 'only' and 'target' are exact. */
export function isApproximate(word: string | undefined): boolean {
  const m = qualifierWord(word)?.meaning;
  return m === 'about' || m === 'at-least' || m === 'at-most';
}
