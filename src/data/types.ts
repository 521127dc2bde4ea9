// The shape of a data file, after parsing and validation.
// schema/shushuo-data.schema.json describes the same shape for editors.

export type Qualifier = '近' | '约' | '左右' | '仅有' | '超过';

export interface DocumentMeta {
  /** Title of the briefing, e.g. 数说基层党建 */
  title: string;
  /** A line under the title; optional. */
  subtitle?: string;
  /** Issuing office, e.g. 中共洛阳市委办公室 */
  office: string;
  /** Issue number: 10 prints as 第10期 */
  issue: number;
  /** Date of issue, YYYY-MM-DD */
  issued: string;
  speaker: string;
  meeting: string;
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

export interface StructureItem {
  id: string;
  title: string;
}

export interface Part {
  id: string;
  /** 一、二、三 */
  numeral: string;
  title: string;
  /** What the items of this part are called: 任务, 举措 … */
  itemsName: string;
  items: StructureItem[];
}

export interface Structure {
  review: {
    title: string;
    achievements: StructureItem[];
    problems: StructureItem[];
  };
  parts: Part[];
}

export interface Figure {
  id: string;
  value: number;
  unit: string;
  qualifier?: Qualifier;
  label: string;
  /** 'review' or the id of a part */
  part: string;
  /** id of an achievement, problem or part item */
  item?: string;
  /** The exact words of the speech that state the figure */
  fragment: string;
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
}

export interface SpeechData {
  /** Path the data came from, for messages */
  file: string;
  document: DocumentMeta;
  structure: Structure;
  figures: Figure[];
  derived: DerivedFigure[];
}
