// Numbers as a Chinese speech writes them: 1,812 · 3.5万 · 两千三百 · 六成 · 百分之八十 · 四分之一 ·
// 过半 · 翻两番 · 二〇二三. Finds them in a text and gives each its value; which of them are figures,
// and whether 万 belongs to the unit (3.5万元), is the caller's to decide. Pure.

export interface WrittenNumber {
  /** Offset of the number in the text it was found in */
  index: number;
  /** As written: 1812 · 1,812 · 12.5 · 3.5万 · 1234.5亿 · 六成 · 两千 · 两千三百 · 一万五千 · 十二 · 百分之八十 · 百分之百 · 四分之一 · 过半 · 半数 · 翻一番 · 翻两番 · 二〇二三 */
  text: string;
  /** The numeric value: 1812 · 1812 · 12.5 · 35000 · 123450000000 · 60 · 2000 · 2300 · 15000 · 12 · 80 · 100 · 25 · 50 · 50 · 2 · 4 · 2023 */
  value: number;
  /** The written form is itself a share of a whole, in percent: 六成 (60), 百分之八十, 四分之一 (25), 过半 (50), 半数 (50), 三成半 (35) */
  percent: boolean;
  /** The written form carries a multiple: 翻一番 (2), 翻两番 (4) */
  multiple: boolean;
  /** The written form carries its own bound: 过半 → 'at-least' */
  meaning?: 'at-least';
  /** Arabic digits only (with optional decimals, ASCII thousands separators): 1812, 1,812, 12.5 */
  plain: boolean;
  /** For forms that start with Arabic digits: those digits without separators (3.5 of 3.5万, 1812 of 1,812) */
  digits?: string;
  /** A scale character written after Arabic digits, part of the number: 万 or 亿 (3.5万, 1234.5亿, 2.4万), or 万亿 */
  scale?: string;
  /** Written (partly) in Chinese numerals: everything that is not plain, 3.5万 included */
  chinese: boolean;
}

/**
 * Words with numeral characters that are never numbers: nothing inside them is returned. A number
 * that starts before such a word may run into it (一万一千 holds 万一), and a longer number that
 * starts where it starts wins (一点五 over 一点, 十分之一 over 十分).
 */
export const NOT_NUMBERS: readonly string[] = [
  '万一', '一旦', '一些', '一切', '统一', '唯一', '一直', '一定', '一起', '一样', '一致', '一般', '进一步',
  '一体', '一线', '一把手', '三农', '四风', '一带一路', '一国两制', '两学一做', '两岸', '两会', '一系列',
  '一方面', '一流', '一律', '一贯', '一道', '一同', '一向', '一举', '一并', '一味', '一再', '一经', '一下',
  '一点', '一番', '之一', '同一', '逐一', '不一', '十分', '十足', '千万不', '千万要', '一成不变',
  '一心一意', '一如既往', '一以贯之', '一丝不苟', '一鼓作气', '一蹴而就', '一劳永逸', '一点一滴', '一五一十',
  '千方百计', '万众一心', '千家万户', '千军万马', '千辛万苦', '千差万别', '千变万化', '千头万绪', '千篇一律',
  '成千上万', '成百上千', '百姓', '百花齐放', '百家争鸣', '百舸争流', '百折不挠', '百尺竿头', '万无一失',
  '九牛一毛', '五湖四海', '四面八方', '三令五申', '七上八下', '乱七八糟',
  // Round words of no definite number: 几百人, 数十个, 上千家
  '几十', '几百', '几千', '几万', '数十', '数百', '数千', '数万', '上百', '上千', '上万', '成百', '成千',
];

const DIGIT = new Map<string, number>([
  ['零', 0], ['〇', 0], ['一', 1], ['二', 2], ['两', 2], ['三', 3], ['四', 4], ['五', 5], ['六', 6], ['七', 7], ['八', 8], ['九', 9],
  ['壹', 1], ['贰', 2], ['叁', 3], ['肆', 4], ['伍', 5], ['陆', 6], ['柒', 7], ['捌', 8], ['玖', 9],
]);
const UNIT = new Map<string, number>([['十', 10], ['拾', 10], ['百', 100], ['佰', 100], ['千', 1000], ['仟', 1000]]);
/** Zeros a scale adds: 3.5万, 1234.5亿, 12万亿 */
const SCALE_ZEROS = new Map<string, number>([['万', 4], ['亿', 8], ['万亿', 12]]);

const DIGITS = [...DIGIT.keys()].join('');
const UNITS = [...UNIT.keys()].join('');
/** Digits that may follow 点: 两 is never one */
const FRACTION_DIGITS = DIGITS.replace('两', '');
const NUMERALS = `${DIGITS}${UNITS}万亿`;
/** Arabic digits, full-width included */
const D = '0-9０-９';

/** 1812 · 1,812 (groups of exactly three) · 12.5 · 3.5万 · 12万亿 */
const ARABIC = new RegExp(`(?:[${D}]{1,3}(?:,[${D}]{3})+(?![${D}]|,[${D}])|[${D}]+)(?:[.．][${D}]+)?(万亿|万|亿)?`, 'y');
/** The number after 百分之: 80, 3.5 */
const ARABIC_SHARE = new RegExp(`[${D}]+(?:[.．][${D}]+)?`, 'y');
/** A run of Chinese numerals, with 点 only before a digit: 两千三百, 三点五 */
const RUN = new RegExp(`[${NUMERALS}](?:[${NUMERALS}]|点(?=[${FRACTION_DIGITS}]))*`, 'y');
/** 四分之一, 百分之八十, 千分之五, 万分之三: the denominator */
const FRACTION = new RegExp(`([${DIGITS}${UNITS}万]{1,8})分之`, 'y');
/** 六成, 三成半; not 三成员, 五成果, 三成长 (but 近三成长期未参加: 三成, then 长期) */
const TENTHS = new RegExp(`([${DIGITS}${UNITS}]{1,3})成(?:(半)|(?![员果效就本绩立熟功交品型分]|长(?!期)))`, 'y');
/** 过半 (not in 超过半数, nor 过半年), 半数, 一半 */
const HALF = /(?<!超)过半(?![年个月天日])|半数|一半/y;
/** 翻一番, 翻了两番, 翻番 */
const DOUBLING = /翻了?([一二两三四五六七八九十])番|翻番/y;
/** Where a number may start */
const START = `[${D}${NUMERALS}过半翻]`;
const ARABIC_DIGIT = new RegExp(`[${D}]`);
const UNIT_OR_DOT = new RegExp(`[${UNITS}点]`);
const FRACTION_TAIL = new RegExp(`^([${FRACTION_DIGITS}]+)(万亿|万|亿)?$`);
const NOT_NUMBER = [...NOT_NUMBERS].sort((a, b) => b.length - a.length).join('|');

/** A number found at one place, before it is given its offset and text. */
interface Hit {
  length: number;
  value: number;
  percent?: boolean;
  multiple?: boolean;
  meaning?: 'at-least';
  plain?: boolean;
  digits?: string;
  scale?: string;
}

/** Every number of a text, in order, longest match at each place; never overlapping. */
export function numbersIn(text: string): WrittenNumber[] {
  const blocked = [...text.matchAll(new RegExp(NOT_NUMBER, 'g'))].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  const start = new RegExp(START, 'g');
  const found: WrittenNumber[] = [];
  let b = 0;
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const at = m.index;
    while (b < blocked.length && blocked[b]!.end <= at) b++;
    const block = blocked[b] !== undefined && blocked[b]!.start <= at ? blocked[b] : undefined;
    if (block && block.start < at) {
      start.lastIndex = block.end;
      continue;
    }
    const hit = longestAt(text, at);
    if (block && (!hit || hit.length <= block.end - at)) {
      start.lastIndex = block.end;
      continue;
    }
    if (!hit) continue;
    found.push(written(text.slice(at, at + hit.length), at, hit));
    start.lastIndex = at + hit.length;
  }
  return found;
}

/** The text as exactly one number (the whole text, trimmed), or undefined. parseWritten('六成')?.value === 60 */
export function parseWritten(text: string): WrittenNumber | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const found = numbersIn(trimmed);
  const only = found.length === 1 ? found[0] : undefined;
  if (!only || only.text !== trimmed) return undefined;
  return { ...only, index: text.length - text.trimStart().length };
}

/**
 * The value of a run of Chinese numerals, or undefined: 两千三百 → 2300, 一万五千 → 15000, 十二 → 12,
 * 二十 → 20, 一百零五 → 105, 两 → 2, 〇 → 0, 二〇二三 → 2023 (digit by digit when written with 〇 and no
 * 十百千万), 三点五 → 3.5. Also 一万五 → 15000 and 三百五 → 350 (the spoken short form), 百万 → 1000000,
 * 三点五亿 → 350000000. Two digits side by side without 〇 (三四, 两三) are a range, not a number: undefined.
 */
export function chineseValue(s: string): number | undefined {
  const dot = s.indexOf('点');
  if (dot < 0) return integerValue(s);
  const whole = integerValue(s.slice(0, dot));
  const rest = FRACTION_TAIL.exec(s.slice(dot + 1));
  if (whole === undefined || !rest) return undefined;
  const fraction = [...rest[1]!].map((c) => DIGIT.get(c)).join('');
  return scaled(`${whole}.${fraction}`, SCALE_ZEROS.get(rest[2] ?? '') ?? 0);
}

function integerValue(s: string): number | undefined {
  const chars = [...s];
  if (chars.length === 0) return undefined;
  if (chars.every((c) => DIGIT.has(c))) return digitByDigit(chars);
  let total = 0;
  let section = 0; // below 万
  let pending: number | undefined; // a digit not yet given its place
  let lastUnit = Infinity; // 十百千 within a section only go down
  let place = 0; // the last place written, 十 to 亿
  let zero = false;
  let wan = false;
  let yi = false;
  // 一百零五: 5; 一万五 and 三百五, the short forms: 5000 and 50
  const tail = () => (pending === undefined ? 0 : !zero && place >= 100 ? (pending * place) / 10 : pending);
  for (const [i, c] of chars.entries()) {
    const d = DIGIT.get(c);
    const u = UNIT.get(c);
    if (d === 0) {
      if (pending !== undefined || zero || place === 0) return undefined;
      zero = true;
    } else if (d !== undefined) {
      if (pending !== undefined) return undefined;
      pending = d;
    } else if (u !== undefined) {
      // 十二 and 百万 go without 一; 百 and 千 only at the start
      if (u >= lastUnit || (pending === undefined && u !== 10 && i > 0)) return undefined;
      section += (pending ?? 1) * u;
      pending = undefined;
      lastUnit = u;
      place = u;
      zero = false;
    } else if (c === '万' || c === '亿') {
      if ((c === '万' && wan) || (c === '亿' && yi)) return undefined;
      const part = (c === '亿' ? total : 0) + section + tail();
      if (part === 0) return undefined;
      total = c === '亿' ? part * 1e8 : total + part * 1e4;
      section = 0;
      pending = undefined;
      lastUnit = Infinity;
      place = c === '亿' ? 1e8 : 1e4;
      zero = false;
      wan = c === '万';
      yi ||= c === '亿';
    } else {
      return undefined;
    }
  }
  if (zero && pending === undefined) return undefined;
  return total + section + tail();
}

/** 二〇二三 → 2023, 一九七八 → 1978, 两 → 2; 三四 and 两三 (a range) → undefined. */
function digitByDigit(chars: string[]): number | undefined {
  const values = chars.map((c) => DIGIT.get(c)!);
  if (values.length === 1) return values[0];
  if (chars.includes('两')) return undefined;
  if (values.length < 3 && !values.includes(0)) return undefined;
  return Number(values.join(''));
}

/** 3.5 with 4 zeros → 35000, without the rounding error of 3.5 * 10000. */
function scaled(decimal: string, zeros: number): number {
  const [whole = '', fraction = ''] = decimal.split('.');
  const padded = fraction.padEnd(zeros, '0');
  return Number(`${whole}${padded.slice(0, zeros)}.${padded.slice(zeros) || '0'}`);
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function longestAt(text: string, at: number): Hit | undefined {
  let best: Hit | undefined;
  for (const hit of [fractionAt(text, at), tenthsAt(text, at), halfAt(text, at), doublingAt(text, at), arabicAt(text, at), chineseAt(text, at)]) {
    if (hit && (!best || hit.length > best.length)) best = hit;
  }
  return best;
}

function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function arabicAt(text: string, at: number): Hit | undefined {
  const m = sticky(ARABIC, text, at);
  if (!m) return undefined;
  const scale = m[1];
  const digits = m[0].slice(0, m[0].length - (scale?.length ?? 0)).normalize('NFKC').replace(/,/g, '');
  if (!scale) return { length: m[0].length, value: Number(digits), plain: true, digits };
  return { length: m[0].length, value: scaled(digits, SCALE_ZEROS.get(scale)!), digits, scale };
}

/** The longest run of Chinese numerals at `at` that has a value: 两千 of 两千余, 三 of 三四年. */
function chineseRunAt(text: string, at: number): { length: number; value: number } | undefined {
  const m = sticky(RUN, text, at);
  if (!m) return undefined;
  let run = m[0].slice(0, 32);
  const dot = run.indexOf('点');
  if (dot >= 0 && UNIT_OR_DOT.test(run.slice(dot + 1))) run = run.slice(0, dot); // 十一点三十: a time, not 11.3
  for (let n = run.length; n > 0; n--) {
    const value = chineseValue(run.slice(0, n));
    if (value !== undefined) return { length: n, value };
  }
  return undefined;
}

function chineseAt(text: string, at: number): Hit | undefined {
  // 3万5千: 千 is not a number of its own after the Arabic 5
  if (UNIT.has(text[at]!) && at > 0 && ARABIC_DIGIT.test(text[at - 1]!)) return undefined;
  return chineseRunAt(text, at);
}

/** 四分之一 → 25, 百分之八十 → 80, 百分之百 → 100, 百分之80 → 80, 千分之五 → 0.5 */
function fractionAt(text: string, at: number): Hit | undefined {
  const m = sticky(FRACTION, text, at);
  if (!m) return undefined;
  const whole = m[1] === '万' ? 10000 : chineseValue(m[1]!);
  if (!whole) return undefined;
  const from = at + m[0].length;
  const arabic = sticky(ARABIC_SHARE, text, from);
  const part = arabic ? { length: arabic[0].length, value: Number(arabic[0].normalize('NFKC')) } : chineseRunAt(text, from);
  if (!part) return undefined;
  return { length: m[0].length + part.length, value: round2((part.value * 100) / whole), percent: true };
}

/** 六成 → 60, 三成半 → 35 */
function tenthsAt(text: string, at: number): Hit | undefined {
  const m = sticky(TENTHS, text, at);
  if (!m) return undefined;
  const tenths = chineseValue(m[1]!);
  if (tenths === undefined || !Number.isInteger(tenths) || tenths < 1 || tenths > 10 || (m[2] && tenths === 10)) return undefined;
  return { length: m[0].length, value: tenths * 10 + (m[2] ? 5 : 0), percent: true };
}

function halfAt(text: string, at: number): Hit | undefined {
  const m = sticky(HALF, text, at);
  if (!m) return undefined;
  return { length: m[0].length, value: 50, percent: true, ...(m[0] === '过半' ? { meaning: 'at-least' as const } : {}) };
}

/** 翻一番 → 2, 翻两番 → 4, 翻番 → 2 */
function doublingAt(text: string, at: number): Hit | undefined {
  const m = sticky(DOUBLING, text, at);
  if (!m) return undefined;
  const times = m[1] === undefined ? 1 : chineseValue(m[1]);
  return times === undefined ? undefined : { length: m[0].length, value: 2 ** times, multiple: true };
}

function written(text: string, index: number, hit: Hit): WrittenNumber {
  return {
    index,
    text,
    value: hit.value,
    percent: hit.percent ?? false,
    multiple: hit.multiple ?? false,
    ...(hit.meaning ? { meaning: hit.meaning } : {}),
    plain: hit.plain ?? false,
    ...(hit.digits !== undefined ? { digits: hit.digits } : {}),
    ...(hit.scale !== undefined ? { scale: hit.scale } : {}),
    chinese: !hit.plain,
  };
}
