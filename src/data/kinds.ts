// What a figure is, guessed from its unit and the words around it, when the data file does not say.
// extract writes the guess into the draft, so a person checks it; loading fills it in when left out.
// The units a figure may carry live here too: extract reads them after a number, guessKind sorts them.

import type { FigureKind } from './types.js';

/** What a unit measures. */
export type UnitClass = 'count' | 'amount' | 'time' | 'points' | 'multiple' | 'percent';

/** 量词 of things and people: 个, 名, 户, 人次 … (个 + a noun is 个: 23个村 counts 个). */
export const COUNT_UNITS: readonly string[] = [
  '个', '名', '人', '人次', '户', '户次', '家', '家次', '所', '座', '项', '条', '件', '件次', '次', '轮', '轮次',
  '批', '批次', '场', '场次', '篇', '支', '台', '台套', '辆', '套', '张', '起', '期', '处', '位', '种', '类', '只', '头',
  '株', '棵', '间', '栋', '幢', '层', '架', '架次', '艘', '部', '本', '册', '份', '例', '宗', '笔', '根', '口', '盏',
  '块', '片', '段', '门', '组', '队', '车次', '床', '个方面',
  // Hours of study are a quota to meet (不少于32学时), not a span of time.
  '学时', '课时',
];

/** Money, weight, area, length, energy: 万 and 亿 before them belong to the unit (5万元, 120万亩). */
export const AMOUNT_UNITS: readonly string[] = [
  '元', '美元', '港元', '欧元', '亩', '公顷', '平方米', '平方公里', '平方千米', '立方米', '公里', '千米', '米', '厘米',
  '吨', '千克', '公斤', '斤', '克', '千瓦', '千瓦时', '兆瓦', '瓦', '度', '标箱',
];

/** Lengths of time. 月 and 日 alone are dates (3月, 15日), and 周年 is an anniversary. */
export const TIME_UNITS: readonly string[] = ['年', '个月', '天', '小时', '个小时', '分钟', '个工作日', '工作日', '个季度', '季度'];

const CLASS = new Map<string, UnitClass>([
  ...COUNT_UNITS.map((u) => [u, 'count'] as [string, UnitClass]),
  ...AMOUNT_UNITS.flatMap((u) => ['', '万', '亿', '万亿'].map((s) => [s + u, 'amount'] as [string, UnitClass])),
  ...TIME_UNITS.map((u) => [u, 'time'] as [string, UnitClass]),
  ...COUNT_UNITS.map((u) => [`万${u}`, 'count'] as [string, UnitClass]),
  ['个百分点', 'points'], ['百分点', 'points'], ['倍', 'multiple'], ['%', 'percent'], ['％', 'percent'], ['‰', 'percent'],
]);

/** Every unit, longest first, so 个百分点 is tried before 个 and 平方公里 before 公里. */
export const UNITS: readonly string[] = [...CLASS.keys()].sort((a, b) => b.length - a.length);

export function unitClass(unit: string): UnitClass | undefined {
  return CLASS.get(unit);
}

const MEASURES = /元|吨|亩|公顷|平方米|平方公里|立方米|公里|千米|米|千瓦|瓦|度|斤|克|升|方$/;
/**
 * Words that make a percentage a rate of change: 增长18.5%, 同比下降2.3%, 压减5%. Not 提高到 or 降至,
 * which give the value reached (a target, or the end of a from-to).
 */
const CHANGE_BEFORE = /(增长|增幅|增速|提高|提升|上升|增加|扩大|下降|降低|减少|回落|下滑|降幅|涨幅|压减|缩减|压缩|缩小)了?\s*(?:约|近|超过|逾)?\s*$/;
const TARGET = /力争|目标|确保|预计|计划|争取|到\s*\d{4}\s*年|到\d{4}|今年要|明年要/;

export interface KindClues {
  unit: string;
  /** The number is a share in itself: 40%, 六成 */
  percent: boolean;
  /** 翻一番 and the like */
  multiple?: boolean;
  /** A from-to figure gives the value it moved from */
  from?: unknown;
  qualifier?: string;
  /** The fragment, and where the number starts in it */
  fragment?: string;
  numberAt?: number;
  /** The words before the number, when the caller knows more than the fragment (its clause): used instead of the fragment's */
  before?: string;
  /** The value, to tell a rise of more than 100% (growth) from a share */
  value?: number;
  /** The number is a place: 第3位 */
  rank?: boolean;
  /**
   * Whether the figure states a value to reach, when the caller has read it from the sentence and the
   * part of the speech (a plan, 明年, 力争); undefined: guessed from the words before the number.
   */
  target?: boolean;
}

export function guessKind(c: KindClues): FigureKind {
  const before = c.before ?? (c.fragment !== undefined && c.numberAt !== undefined ? c.fragment.slice(0, c.numberAt) : '');
  const cls = unitClass(c.unit);
  if (c.from !== undefined) return 'from-to';
  if (c.unit.includes('百分点')) return 'points';
  if (c.multiple || c.unit === '倍') return 'multiple';
  if (c.rank || (/第\s*$/.test(before) && /^[位名]$/.test(c.unit))) return 'rank';
  // 用3年时间 is a length of time even where the speech plans it.
  if (cls === 'time') return 'duration';
  if (c.target ?? (c.qualifier === '达到' || TARGET.test(before))) return 'target';
  if (c.percent) return CHANGE_BEFORE.test(before) || (c.value !== undefined && c.value > 100) ? 'growth' : 'share';
  if (cls === 'amount' || MEASURES.test(c.unit)) return 'amount';
  return 'count';
}
