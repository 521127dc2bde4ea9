// Chinese number formats. Every number that reaches an output is formatted here,
// so the text, the chart labels and the alt text always agree.

import type { DerivedFigure, Figure, Qualifier } from './data/types.js';

const PREFIX_QUALIFIERS: ReadonlySet<Qualifier> = new Set(['近', '约', '仅有', '超过']);

/** Digits for a number: no thousands separators below 万, at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`formatNumber: expected a finite number, received ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return String(rounded);
}

/** Scale by 万 or 亿 where a count or amount is large: 123456 → 12.35万. */
export function formatScaled(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e8) return `${formatNumber(value / 1e8)}亿`;
  if (abs >= 1e5) return `${formatNumber(value / 1e4)}万`;
  return formatNumber(value);
}

export interface FormattedFigure {
  /** The whole figure as printed: 近40%, 1900元左右, 约50个村 */
  text: string;
  /** The qualifier before the number, or '' */
  prefix: string;
  /** The number with its scale: 1812, 5, 12.35万 */
  number: string;
  /** The unit: %, 个, 万元 */
  unit: string;
  /** The qualifier after the unit, or '' */
  suffix: string;
}

/** Format a figure (or a derived figure) once, in parts, so callouts can style each part. */
export function formatFigure(figure: Pick<Figure, 'value' | 'unit' | 'qualifier'>): FormattedFigure {
  const q = figure.qualifier;
  const prefix = q && PREFIX_QUALIFIERS.has(q) ? q : '';
  const suffix = q && !PREFIX_QUALIFIERS.has(q) ? q : '';
  const number = figure.unit === '%' ? formatNumber(figure.value) : formatScaled(figure.value);
  return { text: `${prefix}${number}${figure.unit}${suffix}`, prefix, number, unit: figure.unit, suffix };
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
