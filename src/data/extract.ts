// shushuo extract: find the figures in the text of a speech and write a draft data file for a
// person to finish. Everything here is pure (text in, result out) except extractCommand, which
// reads the speech file.
//
// The scan has four parts:
//   1. the structure: every numbered heading (一、 （一） 1. （1） ① 第一， 首先， 一是), nested as the
//      speech nests them, as a tree of sections;
//   2. the figures: every number (1812, 1,812, 3.5万, 两千, 六成, 百分之八十, 翻一番) that is not a date,
//      an ordinal, a name, an age or a document number, and that has a unit or is a share, with the
//      qualifier next to it (read by the fragment rule's own qualifiersAround), its kind, its trend,
//      and for 由40%提高到75% the value it moved from;
//   3. for each figure a fragment of the speech's own words that satisfies the fragment rule, and a
//      label read from its clause;
//   4. the document: title line, speaker, meeting, dates, and the masthead of a 通报.

import { MAX_SPEECH_BYTES, readTextFile } from './text.js';
import { formatNumber } from './format.js';
import type { FigureKind, QualifierPlace } from './types.js';
import { findNumber, fragmentMismatches, qualifiersAround, type FoundQualifier } from './fragment.js';
import { chineseValue, numbersIn, type WrittenNumber } from './numerals.js';
import { qualifierWord, wordsAt } from './qualifiers.js';
import { AMOUNT_UNITS, guessKind, UNITS, unitClass } from './kinds.js';

/** What extract writes where a person must fill something in (the loader's placeholder). */
export const TODO = '待填写';

// --- small helpers -----------------------------------------------------------------

const SPACE = /[ \t\u3000]/;
const trimEnd = (s: string) => s.replace(/[ \t\u3000]+$/, '');
const trimStart = (s: string) => s.replace(/^[ \t\u3000]+/, '');
const squeeze = (s: string) => s.replace(/\s+/g, '');
const compact = (s: string) => s.replace(/[ \t\u3000]+/g, '');
const CN = '一二三四五六七八九十';

/** 一 → 1, 十二 → 12 */
function ordinalOf(numeral: string): number {
  return chineseValue(numeral) ?? 0;
}

// --- the structure -------------------------------------------------------------------

export interface ExtractedSection {
  /** s1, s1-2, s1-2-3: the path of the section */
  id: string;
  /** The numbering as printed: 一、 （一） 1. 一是 第一， 首先，; absent for a group a person names */
  number?: string;
  title: string;
  /** 1-based line of the heading; 0 for a group of runs that has no heading */
  line: number;
  /** Offset of the heading in the speech */
  offset: number;
  /** Numbering style: 一、 and （一） are different styles; 一是 runs are one style */
  style: string;
  /** Inline: an 一是 run inside a paragraph (or 第一，/首先， mid-paragraph); it cannot hold a heading of its own line */
  inline: boolean;
  /** The part states plans or tasks (重点任务, 下一步工作打算, and the parts after such a part): its figures are targets */
  plan: boolean;
  sections: ExtractedSection[];
}

interface HeadingHit {
  style: string;
  ordinal: number;
  number: string;
  title: string;
  line: number;
  offset: number;
  inline: boolean;
}

const MAX_TITLE = 80;

/** A heading's title: its words up to the first 。 (inline runs: up to the first ， 。 or ；), without trailing punctuation. */
function titleOf(rest: string, inline: boolean): string {
  const end = inline ? /[，。；：！？,;:!?]/ : /[。！？!?]/;
  const cut = rest.search(end);
  const title = (cut < 0 ? rest : rest.slice(0, cut)).trim().replace(/[：:；;，,、\s]+$/, '');
  return [...title].slice(0, MAX_TITLE).join('');
}

/** Headings that stand at the start of a paragraph. */
const LINE_STYLES: { style: string; re: RegExp; ordinal: (m: RegExpExecArray) => number; inline?: boolean; counted?: boolean }[] = [
  { style: '一、', re: new RegExp(`^([${CN}]{1,3})[、，]`), ordinal: (m) => ordinalOf(m[1]!) },
  { style: '（一）', re: new RegExp(`^[（(]([${CN}]{1,3})[）)]`), ordinal: (m) => ordinalOf(m[1]!) },
  { style: '1.', re: /^(\d{1,2})[.．](?![\d０-９])/, ordinal: (m) => Number(m[1]), counted: true },
  { style: '1、', re: /^(\d{1,2})、/, ordinal: (m) => Number(m[1]), counted: true },
  { style: '（1）', re: /^[（(](\d{1,2})[）)]/, ordinal: (m) => Number(m[1]), counted: true },
  { style: '①', re: /^([\u2460-\u2473])/, ordinal: (m) => m[1]!.charCodeAt(0) - 0x245f, counted: true },
  { style: '第一', re: new RegExp(`^第([${CN}]{1,3})[，,、：:]`), ordinal: (m) => ordinalOf(m[1]!), counted: true },
  { style: '首先', re: /^(首先|其次|再次|最后)[，,：:]/, ordinal: (m) => SEQUENCE.indexOf(m[1]!) + 1, counted: true },
];
const SEQUENCE = ['首先', '其次', '再次', '最后'];
/** Inline runs: 一是 … 二是 … after the start of a paragraph or a clause; 第一，/首先， after a sentence. */
const INLINE_SHI = new RegExp(`(^|[。；：！？，;:!?])[ \\t\\u3000]*([${CN}]{1,2})是`, 'g');
const INLINE_DI = new RegExp(`([。；：！？;:!?])[ \\t\\u3000]*(第([${CN}]{1,2})[，,、])`, 'g');
const INLINE_XIAN = /([。；：！？;:!?])[ \t\u3000]*((首先|其次|再次|最后)[，,])/g;
/** ①加强培训。…②强化考核。: circled numbers go on inside a paragraph. */
const INLINE_CIRCLED = /([。；;])[ \t\u3000]*([\u2460-\u2473])/g;
/** Styles whose titles end at the first ， (the brief's inline rule also covers 第一， and 首先， at a paragraph's start). */
const COMMA_TITLES = new Set(['第一', '首先', '一是']);

/** Every heading of the speech, in order, with numbering checked: a run counts up from 一 / 1 / 首先. */
function findHeadingHits(text: string): HeadingHit[] {
  const hits: HeadingHit[] = [];
  /** The last number of each style's run, and whether the run is inline (it started inside a paragraph) */
  const last = new Map<string, number>();
  const runInline = new Map<string, boolean>();
  // A heading is the next of its run (last + 1) or starts a run (1); 最后 closes a run of 首先, 其次.
  // 一、 and （一） are trusted as they stand, since nothing else starts a paragraph that way.
  const accept = (style: string, ordinal: number, counted: boolean): boolean => {
    const prev = last.get(style) ?? 0;
    if (style === '首先' && ordinal === 4) return prev >= 2;
    if (!counted) return ordinal >= 1;
    return ordinal === 1 || ordinal === prev + 1;
  };
  const took = (style: string, ordinal: number, inline: boolean): boolean => {
    const number = style === '首先' && ordinal === 4 ? (last.get(style) ?? 0) + 1 : ordinal;
    last.set(style, number);
    if (ordinal === 1 || !runInline.has(style)) runInline.set(style, inline);
    return runInline.get(style)!;
  };
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const lead = line.length - trimStart(line).length;
    const body = line.slice(lead);
    let taken = 0; // where the inline search starts: after a paragraph heading's number
    for (const s of LINE_STYLES) {
      const m = s.re.exec(body);
      if (!m) continue;
      const ordinal = s.ordinal(m);
      if (!accept(s.style, ordinal, s.counted ?? false)) break;
      const title = titleOf(body.slice(m[0].length), COMMA_TITLES.has(s.style));
      if (title === '') break;
      // A heading at the start of a paragraph ends the inline runs before it (not its own run).
      for (const [style, inline] of runInline) {
        if (inline && style !== s.style) {
          last.delete(style);
          runInline.delete(style);
        }
      }
      const inline = took(s.style, ordinal, false);
      hits.push({ style: s.style, ordinal, number: m[0], title, line: i + 1, offset: offset + lead, inline });
      taken = m[0].length;
      break;
    }
    const inline: { at: number; style: string; ordinal: number; number: string; restAt: number }[] = [];
    for (const m of body.matchAll(INLINE_SHI)) {
      const at = m.index! + m[0].length - m[2]!.length - 1;
      if (at >= taken) inline.push({ at, style: '一是', ordinal: ordinalOf(m[2]!), number: `${m[2]}是`, restAt: m.index! + m[0].length });
    }
    for (const m of body.matchAll(INLINE_DI)) {
      const at = m.index! + m[0].length - m[2]!.length;
      if (at >= taken) inline.push({ at, style: '第一', ordinal: ordinalOf(m[3]!), number: m[2]!, restAt: m.index! + m[0].length });
    }
    for (const m of body.matchAll(INLINE_XIAN)) {
      const at = m.index! + m[0].length - m[2]!.length;
      if (at >= taken) inline.push({ at, style: '首先', ordinal: SEQUENCE.indexOf(m[3]!) + 1, number: m[2]!, restAt: m.index! + m[0].length });
    }
    for (const m of body.matchAll(INLINE_CIRCLED)) {
      const at = m.index! + m[0].length - 1;
      if (at >= taken) inline.push({ at, style: '①', ordinal: m[2]!.charCodeAt(0) - 0x245f, number: m[2]!, restAt: at + 1 });
    }
    inline.sort((a, b) => a.at - b.at);
    for (const h of inline) {
      if (!accept(h.style, h.ordinal, true)) continue;
      // ② after ① and 其次 after a paragraph's 首先 go on with the run as it started.
      const title = titleOf(body.slice(h.restAt), h.style !== '①');
      if (title === '') continue;
      const isInline = took(h.style, h.ordinal, h.style !== '①');
      hits.push({ style: h.style, ordinal: h.ordinal, number: h.number, title, line: i + 1, offset: offset + lead + h.at, inline: isInline });
    }
    offset += raw.length + 1;
  });
  return hits;
}

/** Words of a part that plans: its figures are values to reach. */
const PLAN_TITLE = /任务|目标|打算|计划|部署|安排|举措|思路|下一步|明年|今后|重点工作|工作要求/;
/** Words of a part that looks back: a review, results, problems. */
const REVIEW_TITLE = /回顾|成效|成绩|进展|完成情况|问题|成果|取得|总结|困难/;

/** 一是 → 1, 第二， → 2, 其次， → 2 */
function ordinalOfNumber(number: string | undefined): number {
  if (!number) return 0;
  const seq = SEQUENCE.findIndex((w) => number.startsWith(w));
  if (seq >= 0) return seq + 1;
  const m = new RegExp(`[${CN}]+`).exec(number);
  return m ? ordinalOf(m[0]) : 0;
}

/** The tree of the headings; with `group`, each inline run at the top stands in a section titled 待填写. */
function buildTree(hits: HeadingHit[], group: boolean): ExtractedSection[] {
  const roots: ExtractedSection[] = [];
  const stack: { node: ExtractedSection; group?: boolean }[] = [];
  for (const h of hits) {
    if (!h.inline) while (stack.length > 0 && stack[stack.length - 1]!.node.inline) stack.pop();
    const k = stack.findIndex((o) => !o.group && o.node.style === h.style);
    if (k >= 0) {
      stack.length = k;
      // 一是 again where a group holds the run: a new run, in a group of its own.
      if (h.ordinal === 1 && stack[stack.length - 1]?.group) stack.pop();
    } else if (h.inline) {
      // A run that starts in a later paragraph does not stand inside the run of an earlier one.
      while (stack.length > 0 && stack[stack.length - 1]!.node.inline && stack[stack.length - 1]!.node.line < h.line) stack.pop();
    }
    let parent = stack[stack.length - 1]?.node;
    if (h.inline && !parent && group) {
      const g: ExtractedSection = { id: '', title: TODO, line: 0, offset: h.offset, style: 'group', inline: true, plan: false, sections: [] };
      roots.push(g);
      stack.push({ node: g, group: true });
      parent = g;
    }
    const node: ExtractedSection = { id: '', number: h.number, title: h.title, line: h.line, offset: h.offset, style: h.style, inline: h.inline, plan: false, sections: [] };
    (parent ? parent.sections : roots).push(node);
    stack.push({ node });
  }
  return roots;
}

/**
 * The sections of a speech as a tree. Levels come from nesting, not from a fixed rank: the first style
 * seen is the top; a style not yet open nests under the open one; a style seen again returns to its
 * level. A heading at the start of a paragraph closes the inline runs (一是 …) open before it, and
 * inline runs with no heading above them in a speech that has headings are grouped, one run per
 * group, under a section titled 待填写 for a person to name.
 */
export function findSections(text: string): ExtractedSection[] {
  const hits = findHeadingHits(text);
  // Group the runs that stand under no heading when the speech has headings, or more than one such run.
  let roots = buildTree(hits, false);
  const topRuns = roots.filter((r) => r.inline && ordinalOfNumber(r.number) === 1).length;
  if (hits.some((h) => !h.inline) || topRuns > 1) roots = buildTree(hits, true);
  // Ids by path; plans: a part whose title plans, or a part after one that is not a review
  // (a 政府工作报告 goes on with its tasks after 今年主要目标和重点任务); sections inherit their part's.
  let afterPlan = false;
  roots.forEach((root, i) => {
    if (root.style !== 'group') {
      root.plan = PLAN_TITLE.test(root.title) || (afterPlan && !REVIEW_TITLE.test(root.title));
      afterPlan = root.plan;
    }
    const visit = (node: ExtractedSection, id: string) => {
      node.id = id;
      node.sections.forEach((child, j) => {
        child.plan = node.plan || (node.style === 'group' && PLAN_TITLE.test(child.title));
        visit(child, `${id}-${j + 1}`);
      });
    };
    visit(root, `s${i + 1}`);
  });
  return roots;
}

/** Every section of a tree, in document order. */
function flatten(sections: ExtractedSection[]): ExtractedSection[] {
  return sections.flatMap((s) => [s, ...flatten(s.sections)]);
}

/** The sections that hold the offset, outermost first: the path of the last heading at or before it. */
function pathAt(sections: ExtractedSection[], offset: number): ExtractedSection[] {
  const path: ExtractedSection[] = [];
  let level = sections;
  for (;;) {
    let found: ExtractedSection | undefined;
    for (const s of level) if (s.offset <= offset) found = s;
    if (!found) return path;
    path.push(found);
    level = found.sections;
  }
}

// --- what is a figure ----------------------------------------------------------------

/** Units that take a word after them only in compounds that are not units: 3部门 is no count of 部. */
const NOT_AFTER: Record<string, RegExp> = {
  年: /^(来|以来|前|后|间|底|初|末|度|级|代|龄|轻|份|会|终|薪|报|检|鉴|货|画|华|夜)/,
  天: /^(然|气|地|津|下|空|使)/,
  部: /^(门|署|分|队|长|位|件)/,
  门: /^(户|槛|类|口|诊)/,
  口: /^(岸|径|号|碑|罩)/,
  组: /^(织|成|建|合)/,
  层: /^(次|级|面)/,
  根: /^(据|本|源|子)/,
  起: /^(来|步|草|点|始|诉)/,
  期: /^(间|限|待|望|末|初|刊)/,
  所: /^(有|属|在|得|谓|以|需|长|致)/,
  处: /^(理|置|罚|于|分|长|在)/,
  条: /^(件|例|款|理)/,
  项: /^(目)/,
  场: /^(所|景|地|馆|面)/,
  支: /^(持|部|付|出|撑|援)/,
  名: /^(单|称|义|额|牌|字)/,
  位: /^(置|于|列|数)/,
  户: /^(籍|口|外|型)/,
  克: /^(服|难)/,
  度: /^(过|假|量)/,
  台: /^(阶|账|湾)/,
  本: /^(地|级|年|次|身|领|质|土)/,
  头: /^(雁|羊|脑|等)/,
  间: /^(隔|断|接)/,
  家: /^(庭|族|风)/,
  件: /^(事)/,
  队: /^(伍|员)/,
  类: /^(型|似)/,
  块: /^(钱)/,
  片: /^(面|区)/,
  段: /^(时)/,
};

/** Nouns of people, places and things after 个 that make a small Chinese-numeral count a figure: 三个村. */
const COUNTED_NOUN = /^(村|社区|乡镇|乡|镇|街道|县|市|区|企业|项目|单位|部门|学校|医院|支部|党支部|党组织|班子|小区|园区|基地|站|点位|合作社)/;
/** Measure words of people and households: 三名干部 is a count, not a name. */
const PEOPLE_UNITS = new Set(['名', '人', '人次', '户', '家']);
/** Verbs before 第 that make 第N位 a place: 居全省第3位. */
const RANK_VERB = /(居|列|排|位居|位列|排名|名列|排在|居于|跃居|升至|上升至|进入前)[^，。；]{0,8}$/;

interface Candidate {
  run: WrittenNumber;
  /** The number as the figure reads it: 3.5 of 3.5万元 (unit 万元), 3.5万 of 3.5万户 (unit 户) */
  start: number;
  end: number;
  value: number;
  written?: string;
  /** '' for a share word (六成) or 翻一番 */
  unit: string;
  unitStart: number;
  unitEnd: number;
  percent: boolean;
  multiple: boolean;
  rank: boolean;
  /** Where the rank's 第 stands */
  rankAt?: number;
}

/** Why a number is no figure (a date, an ordinal, a name …), or undefined. */
export function notAFigure(line: string, run: WrittenNumber): string | undefined {
  const start = run.index;
  const end = start + run.text.length;
  const before = line.slice(0, start);
  const after = line.slice(end);
  const b = trimEnd(before);
  const a = trimStart(after);
  // 3+2, 0839-6213456, 9·18, 1—9月: names, numbers and ranges joined by signs.
  if (/[+＋×/:：~～\-－—–·•・#＃@&]$/.test(b) || /^[+＋×/:：~～\-－—–·•・#＃@&]/.test(a)) return 'name';
  if (/[A-Za-zＡ-Ｚａ-ｚ\u2160-\u217f]$/.test(before) || /^[A-Za-zＡ-Ｚａ-ｚ\u2160-\u217f]/.test(after)) return 'name';
  // 1.2.3 and 1,2: a number that goes on from the one before is part of something else.
  if (/[0-9０-９][.．,]$/.test(before)) return 'name';
  if (/^[.．][0-9０-９]/.test(after)) return 'name';
  if (/[〔[【]$/.test(b) || /^[〕\]】]/.test(a) || /[〕\]】]$/.test(b)) return 'document number';
  if (/^号/.test(a)) return 'document number';
  if (/^(月|日)/.test(a) || /月$/.test(b) || /^年\s*\d{1,2}\s*月/.test(a)) return 'date';
  if (/^年\s*(度|底|初|末|前|后|来|以来|间|代)/.test(a)) return 'date';
  const yearLike = run.plain ? run.digits!.length === 4 && run.value >= 1900 && run.value <= 2100 : /^[〇零一二三四五六七八九]{4}$/.test(run.text);
  if (yearLike && /^年/.test(a)) return 'date';
  if (/^(周岁|岁)/.test(a)) return 'age';
  // 三四百人, 两三个: a range of two numerals is no number.
  if (run.chinese && !run.plain && run.digits === undefined && /[一二三四五六七八九两]$/.test(before)) return 'range';
  if (/^\s*$/.test(before) && /^[、.．]/.test(after)) return 'heading';
  if (/[（(]$/.test(b) && /^[）)]/.test(a)) return 'heading';
  // “四个意识”, “1+N”, “9·18”: a number inside a short quoted name.
  const open = before.lastIndexOf('“');
  if (open >= 0 && before.indexOf('”', open) < 0) {
    const close = after.indexOf('”');
    if (close >= 0 && close <= 8 && start - open <= 8) return 'name';
  }
  return undefined;
}

/** The unit at `at` (after spaces), for the number `run`: the longest known unit, not the head of a compound word. */
function unitAt(line: string, at: number, run: WrittenNumber): { unit: string; scaled: boolean } | undefined {
  const rest = line.slice(at);
  // 5万元: when 万 or 亿 stands right after the digits, an amount takes it into its unit (5 万元), a count keeps it in the number (3.5万 户).
  if (run.scale && !run.plain && run.digits !== undefined) {
    const amount = [...AMOUNT_UNITS].sort((x, y) => y.length - x.length).find((u) => rest.startsWith(u));
    if (amount) return { unit: run.scale + amount, scaled: true };
  }
  for (const unit of UNITS) {
    if (!rest.startsWith(unit)) continue;
    // 个 + a noun is 个 (23个村 counts 个), except the units that begin with 个.
    const follow = rest.slice(unit.length);
    const stop = NOT_AFTER[unit];
    if (stop && stop.test(follow)) continue;
    // 万元 after 3.5万 would be 3.5万万元: a scale written after the digits leaves only plain units.
    if (run.scale && /^[万亿]/.test(unit)) continue;
    return { unit, scaled: false };
  }
  return undefined;
}

/** The number of a run as a figure: its unit, value and written form, or undefined when it has no unit. */
function candidateOf(line: string, run: WrittenNumber): Candidate | undefined {
  const start = run.index;
  const textEnd = start + run.text.length;
  const base = { run, start, percent: run.percent, multiple: run.multiple, rank: false };
  if (run.percent || run.multiple) {
    return { ...base, end: textEnd, value: run.value, written: run.text, unit: '', unitStart: textEnd, unitEnd: textEnd };
  }
  let at = textEnd;
  while (at < line.length && SPACE.test(line[at]!)) at++;
  // 300余家, 300多家: the unit after a qualifier between.
  let unitStart = at;
  const between = wordsAt('between').find((w) => line.startsWith(w, at));
  let found = unitAt(line, at, run);
  if (!found && between) {
    let k = at + between.length;
    while (k < line.length && SPACE.test(line[k]!)) k++;
    found = unitAt(line, k, run);
    if (found) unitStart = k;
  }
  if (!found) return undefined;
  const { unit, scaled } = found;
  const percent = unitClass(unit) === 'percent';
  // 1.125亿元: a value the data file cannot write in two decimals keeps its scale in the number.
  if (scaled && formatNumber(Number(run.digits)) === run.digits) {
    // 1234.5亿元: value 1234.5, unit 亿元; the scale is the unit's, not the number's.
    // findNumber reads the digits of 1,234.5亿 as 1234.5, so the value alone states it.
    const end = textEnd - run.scale!.length;
    return { ...base, end, value: Number(run.digits), unit, unitStart: end, unitEnd: end + unit.length, percent };
  }
  const written = run.plain && run.text === formatNumber(run.value) ? undefined : run.text;
  const own = scaled ? unit.slice(run.scale!.length) : unit;
  const ownStart = scaled ? textEnd : unitStart;
  return { ...base, end: textEnd, value: run.value, ...(written !== undefined ? { written } : {}), unit: own, unitStart: ownStart, unitEnd: ownStart + own.length, percent };
}

/**
 * A Chinese-numeral count names a thing more often than it counts (两个确立, 四个意识, 三项制度, 十件实事,
 * 三个方面): it is a figure only with a qualifier (两千余名, 不少于十个), as a share, multiple or change in
 * points (七成, 三倍, 五个百分点), as a span of time the speech gives (用三年时间), above ten (十二个村,
 * 一百六十八名: ten itself is the usual round number of a named list), or as two or more people or
 * households (三名干部) or places (三个村).
 */
function chineseCountIsFigure(line: string, c: Candidate, qualified: boolean): boolean {
  if (!c.run.chinese || c.run.plain || c.run.digits !== undefined) return true;
  if (c.percent || c.multiple || qualified) return true;
  const cls = unitClass(c.unit);
  if (cls === 'points' || cls === 'multiple') return true;
  // 用三年时间; but 一 with a time unit is idiom (一年来, 用一天时间召开).
  if (cls === 'time') return c.value >= 2 && (/^[ \t\u3000]*时间/.test(line.slice(c.unitEnd)) || /(用|历时|经过|花|利用)$/.test(trimEnd(line.slice(0, c.start))));
  if (/^[〇零一二三四五六七八九]{2,}$/.test(c.run.text)) return false; // 二〇二三 with a unit: no count
  // 百万人口, 千亿级, 万人: a round word without a digit before it describes; 近千名 (with a qualifier) counts.
  if (/^[百千万亿]/.test(c.run.text)) return false;
  if (c.value > 10) return true;
  if (c.value >= 2 && PEOPLE_UNITS.has(c.unit)) return true;
  return c.value >= 2 && c.unit === '个' && COUNTED_NOUN.test(line.slice(c.unitEnd));
}

// --- clauses and sentences ---------------------------------------------------------------

/** Offsets where a clause ends: 。；！？，：, an ASCII comma outside a number, and 、 after an item that states a number. */
function boundaries(line: string): Set<number> {
  const runs = numbersIn(line);
  const inNumber = (i: number) => runs.some((n) => n.index < i && i < n.index + n.text.length);
  const out = new Set<number>();
  let segmentStart = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    let boundary = /[。；;！!？?，：:]/.test(c) || (c === ',' && !inNumber(i));
    // 、 ends a clause after a number (党委38个、党总支62个), not in a list of words (读书班、专题培训班86期).
    if (c === '、') boundary = runs.some((n) => n.index >= segmentStart && n.index < i);
    if (boundary) {
      out.add(i);
      segmentStart = i + 1;
    }
  }
  return out;
}

function clauseOf(line: string, bounds: Set<number>, start: number, end: number): [number, number] {
  let s = start;
  while (s > 0 && !bounds.has(s - 1)) s--;
  let e = end;
  while (e < line.length && !bounds.has(e)) e++;
  while (s < e && SPACE.test(line[s]!)) s++;
  while (e > s && SPACE.test(line[e - 1]!)) e--;
  return [s, e];
}

/** The end of the sentence holding `at` (the offset of its 。, or the line's end). */
function sentenceEnd(line: string, at: number): number {
  let e = at;
  while (e < line.length && !/[。！？!?]/.test(line[e]!)) e++;
  return e;
}

/** The start of the sentence holding `at`. */
function sentenceStart(line: string, at: number): number {
  let s = at;
  while (s > 0 && !/[。！？!?]/.test(line[s - 1]!)) s--;
  return s;
}

/** Words that say a sentence gives a value to reach. */
const TARGET_WORDS = /力争|确保|争取|计划(?![的中内外，。；、”）])|预计|预期|目标是|目标为|年底前|年内|到\s*20\d\d\s*年|今年要|明年要|要达到|将达到|今后|未来[\d一二三四五六七八九十两]+年/;
/** Words that say a sentence looks back, whatever part it stands in. */
const PAST_WORDS = /去年|过去|上年|以来|已经|截至|截止/;
/** A paragraph that opens on what is to come: 下一步，我们要…; 明年，…; 今年要… */
const PLAN_PARAGRAPH = /^(下一步|今后|明年|新的一年|今年[^。，]{0,4}要|今年，要)/;
const unquoted = (s: string) => s.replace(/“[^”]*”/g, '“”');

// --- trends ------------------------------------------------------------------------------

const UP_WORD = /增长|提高|提升|上升|增加|增至|扩大|翻|高|多|升|增/g;
const DOWN_WORD = /下降|降低|减少|回落|下滑|缩小|降至|减至|压减|缩减|压缩|低|少|降|减/g;

/** The trend the words right before a number state: the last change word of its clause. */
function trendBefore(before: string): { trend: 'up' | 'down'; at: number } | undefined {
  let best: { trend: 'up' | 'down'; at: number } | undefined;
  for (const [re, trend] of [[UP_WORD, 'up'], [DOWN_WORD, 'down']] as const) {
    for (const m of before.matchAll(re)) if (!best || m.index! > best.at) best = { trend, at: m.index! };
  }
  return best;
}

// --- figures -------------------------------------------------------------------------------

export interface ExtractedFigure {
  /** The number: 1812 · 35000 for 3.5万户 · 60 for 六成 */
  value: number;
  /** The number as the speech writes it, when not plain digits: 1,812 · 3.5万 · 六成 · 两千 */
  written?: string;
  /** The unit as printed: %, 个, 万元, 人次; '' for 六成 or 翻一番 */
  unit: string;
  qualifier?: string;
  /** Where the qualifier stands, only when not at the word's usual place (1年多) */
  qualifierAt?: QualifierPlace;
  kind: FigureKind;
  trend?: 'up' | 'down';
  /** from-to: the value it moved from, and how the speech writes it when not plain digits */
  from?: number;
  fromWritten?: string;
  /** The number is a share in percent: 40%, 六成 */
  percent: boolean;
  /** The exact words of the speech around the figure, spaces kept */
  fragment: string;
  /** A short phrase for the figure, read from its clause; a person should check it */
  label: string;
  /** The figure as the speech writes it, with its qualifier (由40%提高到75%, 300余家), spaces removed */
  text: string;
  /** 1-based line of the speech */
  line: number;
  /** Offset of the figure's words in its line */
  column: number;
  /** The sections it stands in, outermost first; the last is its section */
  path: ExtractedSection[];
}

type Draftable = Pick<ExtractedFigure, 'value' | 'written' | 'unit' | 'qualifier' | 'qualifierAt' | 'kind' | 'trend' | 'from' | 'fromWritten'>;

interface Found extends Draftable {
  c: Candidate;
  percent: boolean;
  spanStart: number;
  spanEnd: number;
  /** The fragment may not start before this (a second qualifier before the number stays out) */
  minStart: number;
  /** Where the words that state a qualifier before the number start (for labels) */
  qualifierStart: number;
  /** 分别增长6.3%、8.5%和5.1%: the figures of the list it stands in, in order */
  list?: Found[];
}

/** The problem the data file rule (src/data/fragment.ts) finds with this figure's fragment, or undefined. */
export function fragmentProblem(f: Draftable & { fragment: string }): string | undefined {
  return fragmentMismatches(toFragmentFigure(f))[0]?.message;
}

function toFragmentFigure(f: Draftable & { fragment: string }) {
  return {
    value: f.value,
    unit: f.unit,
    fragment: f.fragment,
    kind: f.kind,
    ...(f.written !== undefined ? { written: f.written } : {}),
    ...(f.qualifier !== undefined ? { qualifier: f.qualifier } : {}),
    ...(f.qualifierAt !== undefined ? { qualifierAt: f.qualifierAt } : {}),
    ...(f.from !== undefined ? { from: f.from } : {}),
    ...(f.fromWritten !== undefined ? { fromWritten: f.fromWritten } : {}),
    ...(f.trend !== undefined ? { trend: f.trend } : {}),
  };
}

interface LineContext {
  /** The part the line's figures stand in plans (see findSections) */
  plan: (column: number) => boolean;
}

/** 由40%提高到75%, 从1.2万人增加到1.8万人: the words between the two numbers. */
const FROM_TO_BETWEEN = /^[ \t\u3000]*(提高|提升|增加|增长|上升|扩大|下降|降低|减少|缩小|缩减|压减|压缩|回落|调整|变化|升|降|增|减)?了?[ \t\u3000]*(到|至|为)[ \t\u3000]*$/;

/**
 * The number as a figure, with the qualifiers next to it, or undefined when it is none: a date, an
 * ordinal (第一书记, 第3次; but 居全省第3位 is a place), a name, a number without a unit, a naming count.
 */
function figureAt(line: string, run: WrittenNumber): { c: Candidate; qs: FoundQualifier[] } | undefined {
  const b = trimEnd(line.slice(0, run.index));
  let c: Candidate | undefined;
  if (/第$/.test(b)) {
    const rank = candidateOf(line, run);
    const rankVerb = RANK_VERB.test(b.slice(0, -1)) || (run.plain && !run.chinese);
    if (!rank || !/^[位名]$/.test(rank.unit) || !rankVerb || notAFigure(line, run)) return undefined;
    c = { ...rank, rank: true, rankAt: b.length - 1 };
  } else {
    if (notAFigure(line, run)) return undefined;
    c = candidateOf(line, run);
  }
  if (!c) return undefined;
  // 排名后5位的县区, 前10名: a cut-off of a ranking, not a place nor a count.
  if (/^[位名]$/.test(c.unit) && !c.rank && /[前后]$/.test(b)) return undefined;
  // 近5年, 过去5年, 今后3年: a time frame the speech speaks of, not a figure.
  // (历时近2年 is a length of time: 近 opens a time frame only at the head of its clause.)
  const frame = /(过去|这|最近|今后|未来|前|后)$/.test(b) || /(^|[，。；：、,;:])[ \t\u3000]*近$/.test(b);
  if (unitClass(c.unit) === 'time' && frame && !/时间/.test(line.slice(c.unitEnd, c.unitEnd + 3))) return undefined;
  const qs = qualifiersAround(line, { start: c.start, end: c.end }, c.unit, c.rank);
  const qualified = qs.some((q) => !qualifierWord(q.word)?.optional);
  return chineseCountIsFigure(line, c, qualified) ? { c, qs } : undefined;
}

/** The figures of one line, in order. */
function figuresOfLine(line: string, ctx: LineContext): Found[] {
  const runs = numbersIn(line);
  const bounds = boundaries(line);
  const found: Found[] = [];
  const consumed = new Set<WrittenNumber>();
  for (const run of runs) {
    const fig = figureAt(line, run);
    if (!fig) continue;
    const { c, qs } = fig;
    const required = qs.filter((q) => !qualifierWord(q.word)?.optional);
    const optional = qs.find((q) => qualifierWord(q.word)?.optional);

    // from-to: the number before, after 由 or 从, in the same unit or none.
    let from: { value: number; written?: string; at: number; run: WrittenNumber } | undefined;
    const prev = runs[runs.indexOf(run) - 1];
    if (prev && !required.some((q) => q.place === 'before') && !consumed.has(prev)) {
      const pc = candidateOf(line, prev);
      const prevEnd = prev.index + prev.text.length;
      const sameUnit = pc !== undefined && pc.unit === c.unit;
      const fromEnd = sameUnit ? pc.unitEnd : prevEnd;
      const head = trimEnd(line.slice(0, prev.index));
      // 由40提高到75%: the first number may leave its unit to the second.
      if ((sameUnit || pc === undefined) && /(由|从)$/.test(head)
        && FROM_TO_BETWEEN.test(line.slice(fromEnd, c.start)) && !notAFigure(line, prev)) {
        const value = sameUnit ? pc.value : prev.value;
        const written = sameUnit ? pc.written : prev.plain && prev.text === formatNumber(prev.value) ? undefined : prev.text;
        from = { value, ...(written !== undefined ? { written } : {}), at: head.length - 1, run: prev };
      }
    }

    let spanStart = c.rankAt ?? c.start;
    let spanEnd = c.unitEnd;
    let minStart = 0;
    let qualifier: FoundQualifier | undefined;
    if (required.length === 1) qualifier = required[0];
    else if (required.length > 1) {
      // Two qualifiers (近…以上): the data takes one. Keep the one after the number and leave the
      // other out of the fragment, so that the fragment states exactly what the figure says.
      qualifier = required.find((q) => q.place !== 'before') ?? required[0];
      minStart = c.rankAt ?? c.start;
    }
    if (qualifier && qualifier.start >= minStart) {
      spanStart = Math.min(spanStart, qualifier.start);
      spanEnd = Math.max(spanEnd, qualifier.end);
    }
    if (from) spanStart = Math.min(spanStart, from.at);

    // Kind: from the unit and the words, with the sentence and the part saying whether it is a target.
    const [cs] = clauseOf(line, bounds, spanStart, spanEnd);
    const sentence = unquoted(line.slice(sentenceStart(line, c.start), c.unitEnd));
    // A floor (不少于150个) is a value to reach, like the figures of a part that plans.
    const floor = required.some((q) => q.word === '不少于' || q.word === '不低于');
    const target = TARGET_WORDS.test(sentence) ? true : PAST_WORDS.test(sentence) ? false : ctx.plan(c.start) || floor || PLAN_PARAGRAPH.test(line.trim());
    const qStart = qualifier && qualifier.place === 'before' ? qualifier.start : c.rankAt ?? c.start;
    const before = line.slice(cs, Math.max(cs, qStart));
    const kind = guessKind({
      unit: c.unit, percent: c.percent, multiple: c.multiple, ...(from ? { from: from.value } : {}),
      ...(qualifier ? { qualifier: qualifier.word } : {}), before, value: c.value, rank: c.rank, target,
    });
    // 达到 is a qualifier only where it states a value to reach; elsewhere it is a plain verb.
    if (!qualifier && optional && kind === 'target') {
      qualifier = optional;
      spanStart = Math.min(spanStart, optional.start);
    }
    let trend: 'up' | 'down' | undefined;
    if (kind === 'growth' || kind === 'points' || kind === 'from-to') {
      const local = trendBefore(line.slice(cs, c.start));
      trend = local?.trend ?? (from ? (from.value > c.value ? 'down' : 'up') : 'up');
    }
    const word = qualifier ? qualifierWord(qualifier.word) : undefined;
    found.push({
      c,
      value: c.value,
      ...(c.written !== undefined ? { written: c.written } : {}),
      unit: c.unit,
      percent: c.percent,
      ...(qualifier ? { qualifier: qualifier.word } : {}),
      ...(qualifier && word && word.place !== qualifier.place ? { qualifierAt: qualifier.place } : {}),
      kind,
      ...(trend ? { trend } : {}),
      ...(from ? { from: from.value, ...(from.written !== undefined ? { fromWritten: from.written } : {}) } : {}),
      spanStart,
      spanEnd,
      minStart,
      qualifierStart: qStart,
    });
    if (from) {
      consumed.add(from.run);
      // The value it moved from is no figure of its own.
      const i = found.findIndex((f) => f.c.run === from!.run);
      if (i >= 0) found.splice(i, 1);
    }
  }
  // 分别增长6.3%、8.5%和5.1%: the figures of a list share the words before the first, so an item
  // with no words of its own takes the list's kind and trend.
  for (let i = 1; i < found.length; i++) {
    const prev = found[i - 1]!;
    const cur = found[i]!;
    const curStart = cur.qualifierStart >= prev.spanEnd ? cur.qualifierStart : cur.c.start;
    if (!/^[ \t\u3000]*[、和及与][ \t\u3000]*$/.test(line.slice(prev.spanEnd, curStart)) || prev.unit !== cur.unit || prev.from !== undefined || cur.from !== undefined) continue;
    const list = prev.list ?? [prev];
    list.push(cur);
    prev.list = list;
    cur.list = list;
    const head = list[0]!;
    if (cur.kind !== head.kind && ['share', 'count', 'amount', 'growth', 'target'].includes(head.kind) && (head.kind !== 'share' || cur.percent)) {
      cur.kind = head.kind;
      if (head.trend) cur.trend = head.trend;
      else delete cur.trend;
    }
  }
  return found;
}

// --- fragments -------------------------------------------------------------------------------

const MIN_FRAGMENT = 10;
/** A short clause takes in the clause before only up to this length (the aim is 10–30). */
const EXTENDED_FRAGMENT = 34;
/** A whole clause up to this length is kept whole, so that no word is cut. */
const LONG_FRAGMENT = 40;
const MAX_FRAGMENT = 60;

/** Characters after which a new word starts: 的 和 与 及 在 对 把 将 为 、 了. */
const WORD_BREAK = /[的和与及在对把将为、了，；：]/;

/** A start near `pos` (not after `limit`) just after a word break, or `pos`. */
function wordStart(line: string, pos: number, limit: number): number {
  for (let d = 0; d <= 8; d++) {
    for (const p of [pos + d, pos - d]) {
      if (p > 0 && p <= limit && WORD_BREAK.test(line[p - 1]!)) return p;
    }
  }
  return Math.max(0, pos);
}

/** An end near `pos` (not before `limit`) just before a word break, or `pos`. */
function wordEnd(line: string, pos: number, limit: number): number {
  for (let d = 0; d <= 6; d++) {
    for (const p of [pos - d, pos + d]) {
      if (p >= limit && p < line.length && WORD_BREAK.test(line[p]!)) return p;
    }
  }
  return Math.min(line.length, pos);
}

/**
 * The words of the speech that state the figure: its clause (with the clause before when it is
 * short, cut around the figure when long), about 10–30 characters, that satisfy the fragment rule
 * with the number found where the figure stands.
 */
function fragmentOf(line: string, bounds: Set<number>, f: Found): string | undefined {
  const [cs, ce] = clauseOf(line, bounds, f.spanStart, f.spanEnd);
  const ss = sentenceStart(line, f.spanStart);
  const se = sentenceEnd(line, f.spanEnd);
  const runs = numbersIn(line);
  const windows: [number, number][] = [];
  let s = cs;
  let e = ce;
  // Short: take in the clause before within the sentence (the subject often stands there), then the one after.
  while (e - s < MIN_FRAGMENT && s > ss) {
    const [ps] = clauseOf(line, bounds, s - 1, s - 1);
    if (ps >= s - 1 || ps < ss || e - ps > EXTENDED_FRAGMENT) break;
    s = ps;
  }
  while (e - s < MIN_FRAGMENT && e < se) {
    const [, ne] = clauseOf(line, bounds, e + 1, e + 1);
    if (ne <= e + 1 || ne > se || ne - s > EXTENDED_FRAGMENT) break;
    e = ne;
  }
  // Long: cut around the figure, where a word ends rather than in the middle of one.
  if (e - s > LONG_FRAGMENT) {
    s = Math.max(s, wordStart(line, f.spanStart - 16, f.spanStart));
    e = Math.min(e, wordEnd(line, f.spanEnd + 10, f.spanEnd));
  }
  const head = f.list?.[0];
  if (head && head !== f) {
    const [hs] = clauseOf(line, bounds, head.spanStart, head.spanEnd);
    const start = hs > head.spanStart - 16 ? hs : wordStart(line, head.spanStart - 16, head.spanStart);
    if (f.spanEnd - start <= 50) windows.push([start, f.spanEnd]);
  }
  windows.push([s, e], [cs, ce], [Math.max(cs, f.spanStart - 8), Math.min(ce, f.spanEnd + 6)], [f.spanStart, f.spanEnd]);
  for (let [ws, we] of windows) {
    ws = Math.max(ws, f.minStart);
    const first = Math.max(f.spanStart, f.minStart);
    // Never cut a number in two: 34.5亿元 of 1234.5亿元 is another number.
    for (const r of runs) {
      const rEnd = r.index + r.text.length;
      if (r.index < ws && ws < rEnd) ws = rEnd;
      if (r.index < we && we < rEnd) we = r.index;
    }
    ws = Math.min(ws, first);
    we = Math.max(we, f.spanEnd);
    const raw = line.slice(ws, we);
    const fragment = raw.trim();
    const offset = ws + (raw.length - raw.trimStart().length);
    if (fragment.length === 0 || [...fragment].length > MAX_FRAGMENT) continue;
    if (fragmentMismatches(toFragmentFigure({ ...f, fragment })).length > 0) continue;
    const hit = findNumber(fragment, f);
    if (!hit || hit.start + offset !== f.c.start) continue;
    return fragment;
  }
  return undefined;
}

// --- labels ----------------------------------------------------------------------------------

/** Words that open a clause without naming its subject: connectives, times, places of the whole. */
// Words that start nouns are kept: 从业人员, 占地面积, 其他, 共青团, 要素, 由于.
const LEADING = /^(分别|约占|仅占|上半年|下半年|前三季度|[一二三四]季度|第[一二三四]季度|到\s*(\d{4}\s*年|年)(底|末)?|其中|同时|目前|当前|现在|特别是|尤其是|但是|但(?!凡)|而且|并且|并(?!购|网|联|轨)|通过|此外|另外|总体上|总的来看|截至[^，,]{0,8}?[底末]|\d{4}\s*年(度|以来)?|(今年|去年|上年)以来|去年全年|去年|今年|明年|全年|年内|年底前|力争|确保|争取|计划|预计|今年要把|要把|要(?!素|求|点|件|害)|将(?!来)|把(?!关)|全市|全县|全区|全省|全国|全镇|全乡|各级|累计|共有|共(?!青|享|建|同|产|识)|已经|已|还有|还(?!款|贷)|仍有|仍|仅有|只有|占(?!地|用|比)|的|和(?!谐|美)|及(?!时|早)|与(?!会)|从(?!业|事)|由(?!于)|为(?!民|期|止|主)|今后|未来|[\d一二三四五六七八九十两]+年(内|来|后|间)?|\d{1,2}\s*[—–-]\s*\d{1,2}\s*月份?|\d{1,2}\s*月(份|底|末)?)/;
/** Words that end a subject before its number: verbs, qualifiers, particles. */
const TRAILING = /(以及|和|及|与|、|力争|确保|争取|预计|要|将|约占|约有|约为|仅有|仅占|仅为|只有|共有|还有|累计|合计|总计|分别|平均|完成|实现|达到|达|为|是|有|占|到|至|在|了|的|共|约|近|将近|接近|超过|突破|逾|不足|不到|不少于|不低于|不超过|不高于|至少|最多|仅|只|提高到|增加到|增长到|增至|发展到|稳定在|保持在|控制在|压缩至|压缩到|降至|降低到|下降到|减少到|扩大到|提升到|提升至|由|从|对|向|给|比|低于|高于|少于|多于|居全省|居全市|居)$/;
/** Change words kept in the label of a growth or a change in points: 地区生产总值同比增长. */
const CHANGE_ONLY = /^(同比|比上年|比去年|比上年同期|同期)?(增长|提高|提升|上升|增加|下降|降低|减少|回落|下滑|压减|缩减|压缩|扩大|缩小|高|低)了?$/;
/** Where a phrase after the unit stops being a noun: 村集体经济试点工作扎实开展 → 村集体经济试点. */
const NOUN_STOP = /(工作)?(扎实|全面|有效|顺利|已经|已|正在|得到|实现|开展|建立|完成|参加|集中在|长期|全部|逐步|基本|稳步|持续|不断|进行|达到|未|没有|还|实行|均为|均已|都已|都是|到)/;
const MAX_LABEL = 40;
const GOOD_LABEL = 20;

function cleanSubject(s: string, keepChange: boolean): string {
  let out = squeezeHan(s).replace(/^[，,、；：\s]+|[，,、；：\s]+$/g, '');
  for (let i = 0; i < 6; i++) {
    const before = out;
    out = out.replace(LEADING, '');
    if (!(keepChange && CHANGE_ONLY.test(out))) {
      const change = keepChange ? /(同比|比上年|比去年)?(增长|提高|提升|上升|增加|下降|降低|减少|回落|下滑|压减|缩减|扩大|缩小|高|低)了?$/.exec(out) : null;
      if (!change) out = out.replace(TRAILING, '');
    }
    out = out.replace(/^[，,、；：“”\s]+|[，,、；：\s]+$/g, '');
    if (out === before) break;
  }
  return out.replace(/^的+|的+$/g, '');
}

/** Spaces between Chinese and digits carry no meaning in a label: 年收入不足 10 万元 → 年收入不足10万元. */
function squeezeHan(s: string): string {
  return s.replace(/[ \t\u3000]+/g, (m, i: number, all: string) => {
    const prev = all[i - 1] ?? '';
    const next = all[i + m.length] ?? '';
    return /[A-Za-z]/.test(prev) && /[A-Za-z]/.test(next) ? ' ' : '';
  });
}

/** The words after the unit, up to the next number: 的, a qualifier and a leading 为 or 是 left out. */
function wordsAfter(s: string): string {
  let out = squeezeHan(s).replace(/^(左右|以上|以下|以内|上下|有余|余|多)/, '').replace(/^[的之]+/, '').replace(/^(为|是|占)/, '');
  const n = numbersIn(out)[0];
  if (n) out = out.slice(0, n.index);
  return out.replace(/[，,、；：\s]+$/, '');
}

/** The noun phrase after the unit: 村集体经济试点工作扎实开展 → 村集体经济试点; the whole words when the noun alone is short (长期未参加组织生活). */
function nounAfter(s: string): string {
  const whole = wordsAfter(s);
  let out = whole;
  const stop = NOUN_STOP.exec(out.slice(2));
  if (stop) out = out.slice(0, stop.index + 2);
  out = out.replace(/(工作|中|里|内|的)$/, '');
  if ([...out].length < 4 && [...whole].length > [...out].length) out = whole;
  for (let i = 0; i < 3; i++) out = out.replace(/(的|了|为|在|是|有|占|和|及|与|、|，|中|低于|高于|少于|多于|超过|不足|不到|达到|约|近)$/, '');
  return out;
}

/** Verbs that, alone before a count, make a label with the noun after it: 选派一百二十名优秀年轻干部 → 选派优秀年轻干部. */
const COUNT_VERB = /^(明确|提出|部署|确定|选派|选拔|选调|培训|招录|招聘|引进|发展|新建|建成|完成|举办|处理|查处|培育|新增|落实|安排|筹集|投入|整治|整顿|改造|帮扶|慰问|走访|表彰|建设|创建|命名|评选|认定|吸纳|带动|惠及|覆盖|涉及|组织|开展|实施|培养|输送|转移|安置|解决|帮助|服务|接待|签约|引导)$/;

/** Shorten a long label at a natural break, keeping its end (where a Chinese noun phrase has its head). */
function shorten(label: string): string {
  const chars = [...label];
  if (chars.length <= GOOD_LABEL) return label;
  for (const sep of ['，', '、', '的', '中']) {
    const i = label.lastIndexOf(sep);
    const tail = label.slice(i + 1);
    if (i >= 0 && [...tail].length >= 4 && [...tail].length <= GOOD_LABEL) return tail;
  }
  return chars.length <= MAX_LABEL ? label : chars.slice(chars.length - MAX_LABEL).join('');
}

/** Digits of a label that the fragment does not give: a label must not add numbers. */
function strayDigits(label: string, fragment: string): boolean {
  const f = squeeze(fragment);
  return numbersIn(label).some((n) => !f.includes(n.text));
}

/**
 * The label of a figure in a list: 地区生产总值、规模以上工业增加值分别增长6.3%、8.5% gives each its own
 * subject when the subjects are as many as the figures, else the list's subject.
 */
function labelOfList(line: string, bounds: Set<number>, f: Found, keepChange: boolean): string | undefined {
  const list = f.list!;
  const head = list[0]!;
  const [hs] = clauseOf(line, bounds, head.spanStart, head.spanEnd);
  const words = squeezeHan(line.slice(hs, Math.max(hs, Math.min(head.spanStart, head.qualifierStart))));
  const m = /^(.*?)分别(.*)$/.exec(words);
  const subject = m ? m[1]! : words;
  const verb = m ? m[2]!.replace(/(达到|为|是|占|有)$/, '') : '';
  const subjects = subject.split(/、|和|及|与/).map((x) => cleanSubject(x, false));
  const own = m && subjects.length === list.length && subjects.every((x) => [...x].length >= 2) ? subjects[list.indexOf(f)]! : cleanSubject(subject, false);
  if ([...own].length < 2 || CHANGE_ONLY.test(own)) return undefined;
  return own + (keepChange ? verb : '');
}

function labelOf(line: string, bounds: Set<number>, f: Found, fragment: string): string {
  // The items of a list without subjects of their own are labelled as the list.
  if (f.list && f.list[0] !== f && !labelOfList(line, bounds, f, f.kind === 'growth' || f.kind === 'points')) return labelOf(line, bounds, f.list[0]!, fragment);
  const [cs, ce] = clauseOf(line, bounds, f.spanStart, f.spanEnd);
  const keepChange = f.kind === 'growth' || f.kind === 'points';
  const subjectEnd = Math.min(f.spanStart, f.qualifierStart);
  const rawLeft = line.slice(cs, Math.max(cs, subjectEnd));
  // 2719 个村集体经济年均收入 5 万元以下的占 88%: a figure the clause gives before is no part of the subject.
  let subjectText = rawLeft;
  for (const run of numbersIn(rawLeft)) {
    const fig = figureAt(rawLeft, run);
    if (!fig) continue;
    if ([...cleanSubject(rawLeft.slice(fig.c.unitEnd), keepChange)].length >= 2) subjectText = rawLeft.slice(fig.c.unitEnd);
    // 连续5年稳定在45万吨以上: nothing but another figure before the number; the subject is the clause before's.
    else if ([...cleanSubject(rawLeft.slice(0, run.index), keepChange)].length <= 2) subjectText = '';
    break;
  }
  const left = cleanSubject(subjectText, keepChange);
  const len = (x: string) => [...x].length;
  // 对120个党支部进行了抽查: after a preposition the number is an object; its noun follows the unit.
  // 述职评议、9轮次观摩督导 / 总要求和 8 个方面重点任务: after 、 or 和 the number starts a new item.
  const newItem = /(对|向|给|把|将|和|及|与|、)$/.test(trimEnd(rawLeft));
  const right = nounAfter(line.slice(f.c.unitEnd, ce));
  // 用3年时间完成机关党建阵地标准化建设: what the time is for.
  const purpose = f.kind === 'duration' ? squeezeHan(line.slice(f.c.unitEnd, ce)).replace(/^(时间|以内|内|左右)/, '').replace(/[的了，,、；：]+$/, '') : '';
  // 同比增长6.2%, 约占56.7%: the subject stands in the clause before.
  const previousSubject = () => {
    // Within the sentence: a clause after 。 has none before it.
    const first = line.slice(sentenceStart(line, cs), cs).trim() === '';
    const [ps, pe] = first ? [0, 0] : clauseOf(line, bounds, cs - 1, cs - 1);
    const prevText = line.slice(ps, pe);
    const n = numbersIn(prevText).find((run) => figureAt(prevText, run));
    return cleanSubject(n ? prevText.slice(0, n.index) : prevText, false);
  };
  let label: string;
  const listLabel = f.list ? labelOfList(line, bounds, f, keepChange) : undefined;
  if (listLabel) label = listLabel;
  else if (len(purpose) >= 2) label = purpose;
  else if (newItem && len(right) >= 2) label = right;
  // 占年度计划的52.3%: a share of something, whose subject stands in the clause before.
  else if (/^[ \t\u3000]*(约|近|仅)?占(?!地|用|比)/.test(rawLeft) && len(left) >= 2 && len(previousSubject()) >= 2) label = `${previousSubject()}占${left}`;
  else if (keepChange && (len(left) < 2 || CHANGE_ONLY.test(left))) label = len(previousSubject()) >= 2 ? previousSubject() + left : left;
  else if (len(left) >= 2) label = COUNT_VERB.test(left) && len(right) >= 2 ? left + right : left;
  else label = len(right) >= 2 ? right : previousSubject();
  label = label.replace(/^的+|[的了]+$/g, '');
  if (strayDigits(label, fragment)) {
    // Keep the words after the last number the fragment does not give.
    const stray = numbersIn(label).filter((n) => !squeeze(fragment).includes(n.text));
    const last = stray[stray.length - 1]!;
    const tail = cleanSubject(label.slice(last.index + last.text.length).replace(new RegExp(`^(${UNITS.map((u) => u.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`), ''), keepChange);
    label = [...tail].length >= 2 && !strayDigits(tail, fragment) ? tail : '';
  }
  label = shorten(label);
  return [...label].length >= 2 ? label : TODO;
}

// --- the scan ----------------------------------------------------------------------------------

export interface Extraction {
  document: DocumentGuess;
  sections: ExtractedSection[];
  figures: ExtractedFigure[];
}

/** Find the figures of a speech, in the order the speech gives them. */
export function extractFigures(text: string, sections: ExtractedSection[] = findSections(text)): ExtractedFigure[] {
  const figures: ExtractedFigure[] = [];
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const lineOffset = offset;
    offset += raw.length + 1;
    const plan = (column: number) => pathAt(sections, lineOffset + column).some((s) => s.plan);
    const bounds = boundaries(line);
    for (const f of figuresOfLine(line, { plan })) {
      const fragment = fragmentOf(line, bounds, f) ?? line.slice(f.spanStart, f.spanEnd).trim();
      const { spanStart, spanEnd } = f;
      figures.push({
        value: f.value,
        ...(f.written !== undefined ? { written: f.written } : {}),
        unit: f.unit,
        ...(f.qualifier !== undefined ? { qualifier: f.qualifier } : {}),
        ...(f.qualifierAt !== undefined ? { qualifierAt: f.qualifierAt } : {}),
        kind: f.kind,
        ...(f.trend !== undefined ? { trend: f.trend } : {}),
        ...(f.from !== undefined ? { from: f.from } : {}),
        ...(f.fromWritten !== undefined ? { fromWritten: f.fromWritten } : {}),
        percent: f.percent,
        fragment,
        label: labelOf(line, bounds, f, fragment),
        text: squeeze(line.slice(spanStart, spanEnd)),
        line: i + 1,
        column: spanStart,
        path: pathAt(sections, lineOffset + f.c.start),
      });
    }
  });
  return figures;
}

/** Everything extract reads from a speech: the document, its sections and its figures. */
export function extract(text: string): Extraction {
  const sections = findSections(text);
  return { document: guessDocument(text), sections, figures: extractFigures(text, sections) };
}

// --- the document ---------------------------------------------------------------------------------

export interface Guess<T = string> {
  value: T;
  line: number;
}

export interface DocumentGuess {
  speechTitle?: Guess;
  speaker?: Guess;
  meeting?: Guess;
  speechDate?: Guess;
  office?: Guess;
  issue?: Guess<number>;
  issued?: Guess;
  sourceNote?: Guess;
  distribution?: Guess;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The first full date in a text: 2024年3月15日, 2024 年 3 月 15 日, 二〇二三年十二月二十八日. */
export function dateIn(s: string): { iso: string; index: number; length: number } | undefined {
  const c = s;
  const arabic = /(\d{4})[ \t\u3000]*年[ \t\u3000]*(\d{1,2})[ \t\u3000]*月[ \t\u3000]*(\d{1,2})[ \t\u3000]*日/.exec(c);
  const chinese = /([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日/.exec(c);
  const make = (y: number, m: number, d: number, index: number, length: number) => {
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
    return { iso: `${y}-${pad(m)}-${pad(d)}`, index, length };
  };
  const a = arabic ? make(Number(arabic[1]), Number(arabic[2]), Number(arabic[3]), arabic.index, arabic[0].length) : undefined;
  const z = chinese
    ? make(Number([...chinese[1]!].map((ch) => '〇一二三四五六七八九'.indexOf(ch === '零' ? '〇' : ch)).join('')), chineseValue(chinese[2]!) ?? 0, chineseValue(chinese[3]!) ?? 0, chinese.index, chinese[0].length)
    : undefined;
  if (a && z) return a.index <= z.index ? a : z;
  return a ?? z;
}

/**
 * A title line as printed: 李 亚 同 志 在 2017 年度… is spaced out for print and read without the
 * spaces; 凝心聚力 实干担当 keeps a space between its phrases.
 */
function tidyTitle(raw: string): string {
  const parts = raw.trim().split(/[ \t\u3000]+/);
  return parts.length > 1 && parts.every((p) => /^[\u4e00-\u9fff]{2,}$/.test(p)) ? parts.join(' ') : parts.join('');
}

/** A title line: …同志在…上的讲话, 在…上的讲话, 政府工作报告, 关于…的报告. */
const TITLE_LINE = /(同志在.+?上的(讲话|报告|致辞|发言|总结讲话)|^在.+?上的(讲话|报告|致辞|发言|总结讲话)$|工作报告$|^关于.+的(报告|通报|汇报|情况报告)$|(讲话|报告|致辞)$)/;
/** A masthead: 工作通报, 简报 … at the top of a 通报 that prints the speech. */
const MASTHEAD = /^(工作|情况)?(通报|简报|动态|参阅|专报)$/;
/** Words of an office or a post: 县委主要负责 is no name. */
const POST_WORDS = /委|长|部|负责|主要|书记|主任|市|县|区|省|政府|领导|处|局|厅|办/;
/** A name line: 临江市人民政府市长  周明远, 区长  陈立新. */
const NAME_LINE = /^(.*?(长|书记|主任|委员|常委|主席|部长|局长|厅长|秘书长|同志|代表))[ \t\u3000]+((?:[\u4e00-\u9fff][ \t\u3000]?){1,3}[\u4e00-\u9fff])$/;

/**
 * What the header of the speech says about the document; a person checks each guess. The header is
 * the lines before the first paragraph (a salutation such as 同志们： or a long line).
 */
export function guessDocument(text: string): DocumentGuess {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header: { raw: string; c: string; line: number }[] = [];
  for (let i = 0; i < lines.length && header.length < 14; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const c = compact(raw);
    if (/[：:]$/.test(c) && c.length <= 30) break; // 同志们：, 各位代表：
    if (c.length > 90 || LINE_STYLES.some((s) => s.re.test(c))) break;
    header.push({ raw, c, line: i + 1 });
  }
  const out: DocumentGuess = {};
  const masthead = header.findIndex((h) => MASTHEAD.test(h.c));
  const titleAt = header.findIndex((h, i) => i !== masthead && TITLE_LINE.test(h.c) && !/^[（(]/.test(h.c));
  const title = titleAt >= 0 ? header[titleAt] : undefined;
  if (title) {
    out.speechTitle = { value: title.c, line: title.line };
    // 凝心聚力 实干担当 / ——在全县农村工作会议上的讲话: a main title over a subtitle is the title as printed.
    if (/^[—─]/.test(title.c)) {
      const main: string[] = [];
      for (let i = titleAt - 1; i >= 0 && main.length < 2; i--) {
        const h = header[i]!;
        if (i === masthead || dateIn(h.c) || /^第.*期$/.test(h.c) || NAME_LINE.test(h.raw) || /(办公室|办公厅|委员会)$/.test(h.c)) break;
        main.unshift(tidyTitle(h.raw));
      }
      if (main.length > 0) out.speechTitle = { value: `${main.join(' ')}${title.c}`, line: title.line };
    }
    const said = /^(.+?)同志在/.exec(title.c);
    if (said) {
      const who = said[1]!;
      out.speaker = { value: POST_WORDS.test(who) || [...who].length > 4 ? `${who}同志` : who, line: title.line };
    }
    const meeting = /在(.+?)上的(工作|主题|总结)?(讲话|报告|致辞|发言)/.exec(title.c);
    if (meeting) out.meeting = { value: meeting[1]!, line: title.line };
  }
  // ——2024年1月16日在临江市第十七届人民代表大会第四次会议上
  const sub = header.find((h) => /^[—─-]{1,2}/.test(h.c));
  if (sub) {
    const m = /在(.+?)上/.exec(sub.c.replace(/^[—─-]+/, ''));
    if (m && !out.meeting) {
      const d = dateIn(m[1]!);
      out.meeting = { value: d ? m[1]!.slice(d.index + d.length) : m[1]!, line: sub.line };
    }
  }
  if (!out.speaker) {
    for (const h of header) {
      const m = NAME_LINE.exec(h.raw);
      if (m && h !== title) {
        out.speaker = { value: compact(m[3]!), line: h.line };
        break;
      }
    }
  }
  // Dates: the speech's own dateline (（2024年3月15日）, ——2024年1月16日在…, a date in the title, a
  // date on a line of its own), and under a masthead the first date on its own line is the issue date.
  const own = header.filter((h) => dateIn(h.c) && dateIn(h.c)!.length === h.c.length);
  const paren = header.find((h) => /^[（(]/.test(h.c) && dateIn(h.c));
  if (masthead >= 0) {
    const issue = header.find((h) => /^第\s*(\d+|[一二三四五六七八九十百]+)\s*期$/.test(h.c));
    if (issue) {
      const n = /(\d+|[一二三四五六七八九十百]+)/.exec(issue.c)![1]!;
      const v = /\d/.test(n) ? Number(n) : chineseValue(n);
      if (v) out.issue = { value: v, line: issue.line };
    }
    const office = header.find((h, i) => i > masthead && (titleAt < 0 || i < titleAt) && /(办公室|办公厅|委员会|组织部|宣传部|人民政府|政府|局|委)$/.test(h.c));
    if (office) out.office = { value: office.c, line: office.line };
    const issued = own.find((h) => titleAt < 0 || h.line < header[titleAt]!.line);
    if (issued) out.issued = { value: dateIn(issued.c)!.iso, line: issued.line };
  }
  const dateline = paren ?? (sub && dateIn(sub.c) ? sub : undefined) ?? (title && dateIn(title.c) ? title : undefined)
    ?? own.find((h) => !out.issued || h.line !== out.issued.line);
  if (dateline) out.speechDate = { value: dateIn(dateline.c)!.iso, line: dateline.line };
  if (!out.speechDate) {
    // A dateline under the speech: the last lines, a date alone or in brackets.
    const tail = lines.map((l, i) => ({ c: compact(l), line: i + 1 })).filter((l) => l.c !== '').slice(-4);
    const end = tail.find((l) => dateIn(l.c) && (dateIn(l.c)!.length === l.c.length || /^[（(].*[）)]$/.test(l.c)));
    if (end) out.speechDate = { value: dateIn(end.c)!.iso, line: end.line };
  }
  const note = header.find((h) => /根据(记录|录音|速记)整理/.test(h.c));
  if (note) out.sourceNote = { value: /根据(记录|录音|速记)整理/.exec(note.c)![0], line: note.line };
  lines.forEach((l, i) => {
    const m = /^[（(]此件(发至.+?)[）)]$/.exec(compact(l));
    if (m) out.distribution = { value: m[1]!, line: i + 1 };
  });
  return out;
}

// --- the draft data file -------------------------------------------------------------------------------

export interface DraftOptions {
  /** The speech file, named in the draft's first comment */
  source: string;
}

/** A YAML scalar: JSON's double-quoted strings are valid YAML and keep Chinese as it is. */
const q = (s: string) => JSON.stringify(s);

/** The heading path of a figure, for its comment: 一、2023年工作回顾 › （一）经济运行稳中有进 */
function pathText(path: ExtractedSection[]): string {
  return path.map((s) => `${s.number ?? ''}${[...s.title].slice(0, 14).join('')}`).join(' › ');
}

/** A draft data file in the project's format, with every figure found and a comment naming its line and heading path. */
export function draftYaml(text: string, options: DraftOptions, found: Extraction = extract(text)): string {
  const { document: doc, sections, figures } = found;
  const out: string[] = [];
  const push = (...lines: string[]) => out.push(...lines);
  push(
    `# Draft data file written by shushuo extract from ${options.source}.`,
    `# Fill in every ${TODO}, check every guess against the speech (labels, kinds, sections), keep only the`,
    '# key figures and give them ids that read well. Then: shushuo validate --data THIS_FILE',
    `# ${figures.length} figures and ${flatten(sections).length} sections found.`,
    '',
    'document:',
    `  title: ${TODO}  # ${TODO}: the title of the briefing, e.g. 数说基层党建`,
  );
  const field = (key: keyof DocumentGuess, what: string | undefined) => {
    const g = doc[key];
    if (g) push(`  ${key}: ${typeof g.value === 'number' ? g.value : q(g.value)}  # guessed from line ${g.line}: check it`);
    else if (what) push(`  ${key}: ${TODO}  # ${TODO}: ${what}`);
  };
  field('office', 'the issuing office, e.g. 中共洛阳市委办公室');
  field('issue', undefined);
  field('issued', 'the date the briefing is issued, as YYYY-MM-DD');
  field('speaker', undefined);
  field('meeting', undefined);
  field('speechTitle', 'the title of the speech as printed, e.g. 在全市组织工作会议上的讲话');
  field('speechDate', 'the date of the speech, as YYYY-MM-DD');
  field('sourceNote', undefined);
  field('distribution', undefined);
  push('  # keywords: [基层党建, …]  (optional: keywords for the PDF)', '');

  const all = flatten(sections);
  if (all.length === 0) {
    push('sections: []  # no numbered parts found: add them if the briefing needs them', '');
  } else {
    push('sections:');
    const write = (list: ExtractedSection[], indent: string) => {
      for (const s of list) {
        const where = s.line ? `  # line ${s.line}` : `  # ${TODO}: name these ${s.sections.length} points, which stand under no heading`;
        push(`${indent}- id: ${s.id}${where}`);
        if (s.number) push(`${indent}  number: ${q(s.number)}`);
        push(`${indent}  title: ${s.title === TODO ? TODO : q(s.title)}`);
        if (s.sections.length > 0) {
          push(`${indent}  sections:`);
          write(s.sections, `${indent}    `);
        }
      }
    };
    write(sections, '  ');
    push('');
  }

  if (figures.length === 0) {
    push('figures: []  # no figures found: add at least one');
  } else {
    push('figures:');
    figures.forEach((f, i) => {
      const section = f.path[f.path.length - 1];
      const where = pathText(f.path);
      const value = f.written !== undefined ? q(f.written) : formatNumber(f.value);
      const from = f.from === undefined ? [] : [`    from: ${f.fromWritten !== undefined ? q(f.fromWritten) : formatNumber(f.from)}`];
      push(
        `  # line ${f.line}${where ? `: ${where}` : ''}`,
        `  - id: fig-${i + 1}`,
        `    value: ${value}`,
        ...(f.unit !== '' ? [`    unit: ${q(f.unit)}`] : []),
        ...(f.qualifier ? [`    qualifier: ${f.qualifier}`] : []),
        ...(f.qualifierAt ? [`    qualifierAt: ${f.qualifierAt}`] : []),
        `    kind: ${f.kind}`,
        ...(f.trend ? [`    trend: ${f.trend}`] : []),
        ...from,
        `    label: ${f.label === TODO ? `${TODO}  # ${TODO}: what the figure counts` : q(f.label)}`,
        ...(section ? [`    section: ${section.id}`] : []),
        `    fragment: ${q(f.fragment)}`,
        '',
      );
    });
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Read a speech and return its draft data file. The one function here that touches the file system. */
export function extractCommand(file: string): string {
  const { text } = readTextFile(file, { maxBytes: MAX_SPEECH_BYTES, what: 'a speech as text' });
  return draftYaml(text, { source: file });
}
