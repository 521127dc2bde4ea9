// The shape of a data file, after parsing and validation.
// schema/shushuo-data.schema.json describes the same shape for editors.

/** A word that qualifies a figure (近, 约, 左右, 余 …); src/data/qualifiers.ts has the vocabulary. */
export type Qualifier = string;

/** Where a qualifier stands: 近40% (before the number), 300余家 (between number and unit), 12家左右 (after the unit). */
export type QualifierPlace = 'before' | 'between' | 'after';

/** What a qualifier does to the number, which a chart must respect. */
export type QualifierMeaning = 'about' | 'at-least' | 'at-most' | 'only' | 'target';

/**
 * What a figure is:
 *   count: a number of things (427个村) · amount: money, weight, area (5万元, 80万吨) ·
 *   share: a part of a whole (63%, 六成) · growth: a rate of growth or decline (同比增长18.5%) ·
 *   points: a change in 百分点 · from-to: a value that moved (由40%提高到75%) ·
 *   target: a value to reach (达到90%) · duration: a length of time (3年) · rank: a place (第2位) ·
 *   multiple: times as much (3倍, 翻一番)
 */
export type FigureKind = 'count' | 'amount' | 'share' | 'growth' | 'points' | 'from-to' | 'target' | 'duration' | 'rank' | 'multiple';

export const FIGURE_KINDS: readonly FigureKind[] = ['count', 'amount', 'share', 'growth', 'points', 'from-to', 'target', 'duration', 'rank', 'multiple'];

/** A section's role in the speech, where it has one. */
export type SectionRole = '成绩' | '问题' | '任务' | '措施' | '形势' | '要求';

export const SECTION_ROLES: readonly SectionRole[] = ['成绩', '问题', '任务', '措施', '形势', '要求'];

export interface DocumentMeta {
  /** Title of the briefing, e.g. 数说基层党建 */
  title: string;
  /** A line under the title; optional. */
  subtitle?: string;
  /** The masthead of the briefing; default 工作通报 */
  masthead?: string;
  /** Issuing office, e.g. 中共洛阳市委办公室 */
  office: string;
  /** The office's 代字 for the document number, e.g. 洛办 (洛办〔2018〕10号); optional */
  officeCode?: string;
  /** Issue number: 10 prints as 第10期; optional */
  issue?: number;
  /** Date of issue, YYYY-MM-DD */
  issued: string;
  /** Who gave the speech, as the briefing should name them (李亚, 县委主要负责同志); optional */
  speaker?: string;
  /** The meeting; optional */
  meeting?: string;
  /** Title of the speech as printed */
  speechTitle: string;
  /** Date of the speech, YYYY-MM-DD */
  speechDate: string;
  /** How the text was obtained, e.g. 根据记录整理 */
  sourceNote?: string;
  /** Distribution line, e.g. 发至县级 */
  distribution?: string;
  /** 发文字号 as printed (GB/T 9704: 代字〔年份〕序号号, e.g. 洛办〔2018〕10号); optional */
  docNumber?: string;
  /** 抄送机关 for the closing block (版记) of the official-document layout, e.g. 省委办公厅; optional */
  copyTo?: string;
  keywords: string[];
}

/** A part of the speech at any depth: 一、… （一）… 1. … 一是 … 第一，… 首先，… */
export interface Section {
  id: string;
  /** The numbering as the speech prints it: 一、 （一） 1. 一是 第一， 首先，; absent when the part is not numbered */
  number?: string;
  title: string;
  role?: SectionRole;
  /** What the sections under it are called, e.g. 重点任务; optional */
  itemsName?: string;
  sections: Section[];
}

export interface Figure {
  id: string;
  /** The number, for charts and sums: 六成 is 60 (percent), 两千 is 2000, 3.5万 is 35000 */
  value: number;
  /** The number as the speech writes it, when it is not plain digits: 六成, 两千, 3.5万, 1,812 */
  written?: string;
  /** The unit as printed after the number: %, 个, 万元, 人次; empty for 六成 or 翻一番 */
  unit: string;
  qualifier?: Qualifier;
  /** Where the qualifier stands; the qualifier's usual place when absent in the file */
  qualifierAt?: QualifierPlace;
  kind: FigureKind;
  /** growth, points and from-to: up or down */
  trend?: 'up' | 'down';
  /** from-to: the value it moved from, as written (40 for 由40%提高到75%) */
  from?: number;
  fromWritten?: string;
  /** The number is a share of a whole in percent (40%, 六成, 四分之一) */
  percent: boolean;
  label: string;
  /** id of the section the figure stands in */
  section?: string;
  /** The exact words of the speech that state the figure */
  fragment: string;
  /** Unit charts: the icon for one unit; default dot */
  icon?: 'dot' | 'flag' | 'house' | 'person';
}

export interface DerivedFigure {
  id: string;
  /** complement: 100 minus the sum of the named percentages */
  op: 'complement';
  from: string[];
  label: string;
  /** Filled in by validation */
  value: number;
  unit: string;
  qualifier?: Qualifier;
  qualifierAt?: QualifierPlace;
  percent: true;
}

export interface SpeechData {
  /** Path the data came from, for messages */
  file: string;
  document: DocumentMeta;
  /** The speech's parts, as a tree; empty when the speech has no parts */
  sections: Section[];
  figures: Figure[];
  derived: DerivedFigure[];
}
