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

/** A change of a percentage, in 百分点 (percentage points): 3.5 → 提高3.5个百分点, -2 → 下降2个百分点. */
export function formatPointChange(points: number): string {
  if (points === 0) return '持平';
  return `${points > 0 ? '提高' : '下降'}${formatNumber(Math.abs(points))}个百分点`;
}

/**
 * Year-on-year (同比) change from last year's value to this year's: 同比增长147%, 同比下降12.5%, 同比持平.
 * Last year's value must be positive; a change from nothing has no percentage.
 */
export function formatYearOnYear(current: number, previous: number): string {
  if (!(previous > 0)) throw new Error(`formatYearOnYear: expected last year's value above 0, received ${previous}`);
  const change = ((current - previous) / previous) * 100;
  const rounded = Math.round(change * 100) / 100;
  if (rounded === 0) return '同比持平';
  return `同比${rounded > 0 ? '增长' : '下降'}${formatNumber(Math.abs(rounded))}%`;
}

/**
 * Full-width punctuation in Chinese text: ASCII , ; : ! ? ( ) become ，；：！？（）, except inside
 * numbers and Latin words (3.5, 1,812, 10:30 and (a) stay as they are).
 */
export function fullWidthPunctuation(text: string): string {
  const FULL: Record<string, string> = { ',': '，', ';': '；', ':': '：', '!': '！', '?': '？', '(': '（', ')': '）' };
  const han = /[\u3400-\u9fff\uff08-\uff1f\u3000-\u303f“”]/;
  const chars = [...text];
  return chars
    .map((c, i) => {
      const full = FULL[c];
      if (!full) return c;
      const before = chars[i - 1] ?? '';
      const after = chars[i + 1] ?? '';
      // Between digits it is part of the number (1,812 / 10:30); between Latin letters, part of the word.
      if (/[\d]/.test(before) && /[\d]/.test(after)) return c;
      if (c === '(' || c === ')') return han.test(before) || han.test(after) || /\d/.test(before + after) ? full : c;
      return han.test(before) || han.test(after) || /[\d%]/.test(before) ? full : c;
    })
    .join('');
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
