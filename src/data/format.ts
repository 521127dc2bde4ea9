// Chinese number formats. Every number that reaches an output is formatted here,
// so the text, the chart labels and the alt text always agree.

import { qualifierWord } from './qualifiers.js';
import type { DerivedFigure, Figure } from './types.js';

const DIGITS = new Intl.NumberFormat('en-US', { useGrouping: false, maximumSignificantDigits: 15 });

/**
 * Digits for a number as the data gives it: no thousands separators, no exponent, no trailing zeros,
 * up to 15 significant digits (what a decimal in a data file can hold): 0.000001, 1812, 12.5, 1e21 as
 * 1000000000000000000000. Sums and shares computed here are rounded by their makers, not by this.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`formatNumber: expected a finite number, received ${value}`);
  return DIGITS.format(value).replace(/^-0$/, '0');
}

export interface FormattedFigure {
  /** The whole figure as printed: 近40%, 1900元左右, 300余家, 超过六成, 第3位 */
  text: string;
  /** What stands before the number: a qualifier (近, 约, 超过), or 第 for a rank; '' when none */
  prefix: string;
  /** The number as the speech writes it: 1812, 六成, 3.5万, 1,812 */
  number: string;
  /** A qualifier between number and unit (300余家), or '' */
  middle: string;
  /** The unit: %, 个, 万元; '' for 六成 */
  unit: string;
  /** A qualifier after the unit (1900元左右), or '' */
  suffix: string;
}

type Printable = Pick<Figure, 'value' | 'unit' | 'qualifier'> & Partial<Pick<Figure, 'written' | 'qualifierAt' | 'kind'>>;

/** Format a figure (or a derived figure) once, in parts, so callouts can style each part. */
export function formatFigure(figure: Printable): FormattedFigure {
  const q = figure.qualifier ?? '';
  const at = q ? figure.qualifierAt ?? qualifierWord(q)?.place ?? 'before' : undefined;
  const rank = figure.kind === 'rank' ? '第' : '';
  const prefix = `${at === 'before' ? q : ''}${rank}`;
  const middle = at === 'between' ? q : '';
  const suffix = at === 'after' ? q : '';
  const number = figure.written ?? formatNumber(figure.value);
  return { text: `${prefix}${number}${middle}${figure.unit}${suffix}`, prefix, number, middle, unit: figure.unit, suffix };
}

/** The value a from-to figure moved from, as printed: 40% of 由40%提高到75% */
export function formatFrom(figure: Pick<Figure, 'from' | 'fromWritten' | 'unit'>): string {
  if (figure.from === undefined) return '';
  return `${figure.fromWritten ?? formatNumber(figure.from)}${figure.unit}`;
}

/** A derived figure as printed, marked as derived: 约58%（推算） */
export function formatDerived(figure: DerivedFigure): string {
  return `${formatFigure(figure).text}（推算）`;
}

/** 2018-02-08 → 2018年2月8日 (no zero padding, as GB/T 9704 asks). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`formatDate: expected a date as YYYY-MM-DD, received "${iso}"`);
  return `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日`;
}

/** 10 → 第10期 */
export function formatIssue(issue: number): string {
  return `第${issue}期`;
}

const CHINESE_DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Ordinals for headings: 1 → 一, 12 → 十二 (up to 99). */
export function chineseOrdinal(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new Error(`chineseOrdinal: expected an integer 1–99, received ${n}`);
  if (n <= 10) return CHINESE_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CHINESE_DIGITS[tens]}十${ones ? CHINESE_DIGITS[ones] : ''}`;
}
