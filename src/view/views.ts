// Stage 2: from validated data to what the templates show. Everything comes from the data: the
// headings and numbering from the tree of sections, the charts from what each figure is (its kind),
// so a new speech needs no code:
//   shares of a whole with a complement of one figure → coverage bars (grouped by section)
//   shares with a complement of several               → one stacked bar
//   other shares                                       → a ring
//   growth, 百分点, multiples                           → an arrow
//   from-to                                            → a before/after view
//   exact whole counts up to 60                        → a unit chart (never for 约, 左右, 余 …)
//   everything else                                    → a big number (targets tagged 目标)

import { bigNumber, changeArrow, coverageBars, fromTo, ring, stackedBar, structureDiagram, unitChart } from '../charts/index.js';
import { isApproximate } from '../data/qualifiers.js';
import type { DerivedFigure, Figure, FigureKind, Section, SpeechData } from '../data/types.js';
import { chineseOrdinal, formatDate, formatDerived, formatFigure, formatFrom, formatIssue, type FormattedFigure } from '../data/format.js';

export interface FigureView extends FormattedFigure {
  id: string;
  label: string;
  fragment: string;
  kind: FigureKind;
  /** The value it moved from, for from-to figures: 40% of 由40%提高到75%; '' otherwise */
  fromText: string;
  /** Where in the speech: 二、着力打造坚强战斗堡垒 · （三）以基础建设为保障… */
  where: string;
  /** Its number in a list of all figures: 1. 2. … (third level of an official document) */
  marker: string;
}

export interface ChartView {
  id: string;
  kind: 'big-number' | 'ring' | 'coverage-bars' | 'stacked-bar' | 'unit' | 'change' | 'from-to' | 'structure';
  /** Wide charts take two columns of a grid */
  wide: boolean;
  /** Columns to span in a four-column grid, so rows end flush (see gridSpans) */
  span: number;
  svg: string;
  /** The words of the speech the chart shows, so a reader can find them */
  caption: string;
}

/** A section as the templates show it, with the figures that stand in it and the sections under it. */
export interface SectionView {
  id: string;
  /** The numbering as the speech prints it (一、 （一） 一是 第一，), or '' */
  number: string;
  title: string;
  /** number and title: 一、切实增强… */
  heading: string;
  /** 1 for the top level */
  depth: number;
  role: string;
  figures: FigureView[];
  sections: SectionView[];
}

/** A top-level section: its heading, its own figures, its groups of sections, and the charts of every figure under it. */
export interface PartView extends SectionView {
  /**
   * How its sections are shown: one group per section when each has sections of its own (主要成绩,
   * 存在问题), else one group of them all, named by itemsName ('' when the data gives none).
   */
  groups: { name: string; figures: FigureView[]; items: SectionView[] }[];
  /** Its groups are its own sections, each with sections under it (主要成绩: 一是 … 五是) */
  grouped: boolean;
  /** Every figure under it, in the order of the data */
  allFigures: FigureView[];
  charts: ChartView[];
}

export interface DerivedView {
  id: string;
  /** Its number in the list of derived values: （1）（2）… (fourth level of an official document) */
  marker: string;
  label: string;
  text: string;
  from: string;
}

export interface View {
  lang: string;
  doc: SpeechData['document'] & {
    /** The masthead: the data's, else 工作通报 */
    mastheadText: string;
    /** 第10期, or '' without an issue number */
    issueText: string;
    issuedText: string;
    speechDateText: string;
    /** 发文字号: the data's docNumber, else 代字〔year〕issue号 from what the data gives, or '' (see docNumberText) */
    docNumberText: string;
    /** The speaker as the text names them: 李亚同志, 县委主要负责同志; '' when the data names no one */
    speakerText: string;
    /** The title with the issue: 数说基层党建（第10期）, or the title alone */
    fullTitle: string;
    /** （2018年2月8日，根据记录整理）: the date of the speech and how its text was obtained */
    sourceText: string;
  };
  figures: FigureView[];
  highlights: FigureView[];
  parts: PartView[];
  /** Charts in all parts: a poster with few of them draws them larger */
  chartCount: number;
  /** The structure of the speech, when it has sections */
  structure?: ChartView;
  derived: DerivedView[];
}

const MAX_UNIT_ICONS = 60;
const SMALL_UNIT_ICONS = 12;
/** Figures without a section stand under this heading when the speech has parts. */
const LOOSE_TITLE = '主要数据';

/** 原文：“…” for the distinct fragments of some figures. */
function quote(figures: Figure[]): string {
  return `原文：${[...new Set(figures.map((f) => f.fragment))].map((q) => `“${q}”`).join('……')}。`;
}

/** 李亚 → 李亚同志; 县委主要负责同志 stays as it is. */
export function speakerText(speaker: string | undefined): string {
  if (!speaker) return '';
  return /同志$/.test(speaker) ? speaker : `${speaker}同志`;
}

export function buildView(data: SpeechData): View {
  const { document: doc, sections, figures, derived } = data;

  // 1. Where each figure stands: the path of sections above it.
  const paths = new Map<string, Section[]>();
  const walk = (nodes: Section[], above: Section[]) => {
    for (const s of nodes) {
      paths.set(s.id, [...above, s]);
      walk(s.sections, [...above, s]);
    }
  };
  walk(sections, []);
  const label = (s: Section) => `${s.number ?? ''}${s.title}`;
  const whereOf = (f: Figure) => {
    const path = f.section ? paths.get(f.section) ?? [] : [];
    if (path.length === 0) return '';
    const top = path[0]!;
    const last = path[path.length - 1]!;
    return top === last ? label(top) : `${label(top)} · ${label(last)}`;
  };
  const views = figures.map((f, i): FigureView => ({
    id: f.id,
    label: f.label,
    fragment: f.fragment,
    kind: f.kind,
    fromText: formatFrom(f),
    where: whereOf(f),
    marker: `${i + 1}.`,
    ...formatFigure(f),
  }));
  const viewOf = new Map(views.map((v) => [v.id, v]));
  const figuresIn = (id: string) => figures.filter((f) => f.section === id).map((f) => viewOf.get(f.id)!);

  // 2. The tree as the templates show it; figures without a section lead, under their own heading.
  const sectionView = (s: Section, depth: number): SectionView => ({
    id: s.id,
    number: s.number ?? '',
    title: s.title,
    heading: label(s),
    depth,
    role: s.role ?? '',
    figures: figuresIn(s.id),
    sections: s.sections.map((c) => sectionView(c, depth + 1)),
  });
  const subtree = (s: Section): Set<string> => new Set([s.id, ...s.sections.flatMap((c) => [...subtree(c)])]);
  const partView = (s: Section): PartView => {
    const view = sectionView(s, 1);
    const grouped = s.sections.length > 0 && s.sections.every((c) => c.sections.length > 0);
    const groups = grouped
      ? view.sections.map((c) => ({ name: c.heading, figures: c.figures, items: c.sections }))
      : view.sections.length > 0 ? [{ name: s.itemsName ?? '', figures: [], items: view.sections }] : [];
    const ids = subtree(s);
    const own = figures.filter((f) => f.section && ids.has(f.section));
    return { ...view, groups, grouped, allFigures: own.map((f) => viewOf.get(f.id)!), charts: gridSpans(chartsFor(own, derived, s.id), GRID_COLUMNS) };
  };
  const loose = figures.filter((f) => !f.section);
  const parts: PartView[] = [
    ...(loose.length > 0
      ? [{
        id: 'figures', number: '', title: LOOSE_TITLE, heading: LOOSE_TITLE, depth: 1, role: '', sections: [], groups: [], grouped: false,
        figures: loose.map((f) => viewOf.get(f.id)!), allFigures: loose.map((f) => viewOf.get(f.id)!), charts: gridSpans(chartsFor(loose, derived, 'figures'), GRID_COLUMNS),
      }]
      : []),
    ...sections.map(partView),
  ];

  const derivedViews = derived.map((d, i) => ({
    id: d.id,
    marker: `（${i + 1}）`,
    label: d.label,
    text: formatDerived(d),
    from: d.from.map((id) => `${viewOf.get(id)!.label}${viewOf.get(id)!.text}`).join('、'),
  }));

  const issueText = doc.issue === undefined ? '' : formatIssue(doc.issue);
  const speechDateText = formatDate(doc.speechDate);
  return {
    lang: 'zh-CN',
    doc: {
      ...doc,
      mastheadText: doc.masthead ?? '工作通报',
      issueText,
      issuedText: formatDate(doc.issued),
      speechDateText,
      docNumberText: docNumberText(doc),
      speakerText: speakerText(doc.speaker),
      fullTitle: issueText ? `${doc.title}（${issueText}）` : doc.title,
      sourceText: `（${speechDateText}${doc.sourceNote ? `，${doc.sourceNote}` : ''}）`,
    },
    figures: views,
    highlights: pickHighlights(figures).map((f) => viewOf.get(f.id)!),
    parts,
    chartCount: parts.reduce((n, s) => n + s.charts.length, 0),
    ...(sections.length > 0
      ? {
        structure: {
          id: 'structure',
          kind: 'structure' as const,
          wide: true,
          span: GRID_COLUMNS,
          svg: structureDiagram(sections, { id: 'structure', width: 760 }),
          caption: structureCaption(sections),
        },
      }
      : {}),
    derived: derivedViews,
  };
}

/**
 * 讲话结构：2017年工作回顾与三个部分 — from the tree: the unnumbered top-level sections by title,
 * the numbered ones counted.
 */
export function structureCaption(sections: Section[]): string {
  const numbered = sections.filter((s) => s.number);
  const named = sections.filter((s) => !s.number).map((s) => s.title);
  const count = numbered.length > 0 ? `${chineseCount(numbered.length)}个部分` : '';
  if (named.length === 0) return `讲话结构：${count}`;
  if (named.length > 3) return `讲话结构：${chineseCount(sections.length)}个部分`;
  return `讲话结构：${named.join('、')}${count ? `与${count}` : ''}`;
}

/** A count in words, as a caption says it: 2 → 两, 3 → 三, 12 → 十二. */
function chineseCount(n: number): string {
  return n === 2 ? '两' : n <= 99 ? chineseOrdinal(n) : String(n);
}

const GRID_COLUMNS = 4;

/**
 * 发文字号 as GB/T 9704-2012 writes it: 代字〔年份〕序号号, the full year in 〔〕, no 第, no leading zeros.
 * The data's docNumber when it has one; else the office's 代字 (when given), the year of issue and the
 * issue number: 洛办〔2018〕10号, 〔2018〕10号. Without an issue number there is none: ''.
 */
export function docNumberText(doc: Pick<SpeechData['document'], 'docNumber' | 'officeCode' | 'issue' | 'issued'>): string {
  if (doc.docNumber) return doc.docNumber;
  if (doc.issue === undefined) return '';
  return `${doc.officeCode ?? ''}〔${doc.issued.slice(0, 4)}〕${doc.issue}号`;
}

/** Give each chart a column span (1, or 2 when wide) and widen the last chart of a row that would end short. */
export function gridSpans(charts: Omit<ChartView, 'span'>[], columns: number): ChartView[] {
  const out: ChartView[] = [];
  let used = 0;
  charts.forEach((chart, i) => {
    const span = Math.min(chart.wide ? 2 : 1, columns);
    if (used + span > columns) used = 0;
    used += span;
    const next = charts[i + 1];
    const rowEnds = !next || used + Math.min(next.wide ? 2 : 1, columns) > columns;
    out.push({ ...chart, span: rowEnds ? span + (columns - used) : span });
    if (rowEnds) used = 0;
  });
  return out;
}

/** Charts for one part's figures, in the order the figures appear, each chosen by what the figure is. */
export function chartsFor(figures: Figure[], derived: DerivedFigure[], prefix: string): Omit<ChartView, 'span'>[] {
  const charts: Omit<ChartView, 'span'>[] = [];
  const used = new Set<string>();
  const byId = new Map(figures.map((f) => [f.id, f]));

  for (const f of figures) {
    if (used.has(f.id)) continue;
    const complements = f.kind === 'share' ? derived.filter((d) => d.from.includes(f.id)) : [];
    const multi = complements.find((d) => d.from.length > 1 && d.from.every((id) => byId.get(id)?.kind === 'share'));
    if (multi) {
      const parts = multi.from.map((id) => byId.get(id)!);
      parts.forEach((p) => used.add(p.id));
      const segments = [...parts.map((p) => ({ figure: p as Figure | DerivedFigure })), { figure: multi as Figure | DerivedFigure }];
      charts.push({
        id: `${prefix}-${multi.id}`,
        kind: 'stacked-bar',
        wide: true,
        svg: stackedBar(segments, { id: `${prefix}-${multi.id}`, width: 640 }),
        caption: `${quote(parts)}${multi.label}${formatDerived(multi)}由原文数据推算。`,
      });
      continue;
    }
    const single = complements.find((d) => d.from.length === 1);
    if (single) {
      // Every share of this section with a one-figure complement joins the same bars.
      const rows = figures
        .filter((g) => !used.has(g.id) && g.kind === 'share')
        .map((g) => ({ figure: g, gap: derived.find((d) => d.from.length === 1 && d.from[0] === g.id) }))
        .filter((r) => r.gap && r.figure.section === f.section);
      rows.forEach((r) => used.add(r.figure.id));
      const id = `${prefix}-${f.id}-bars`;
      charts.push({
        id,
        kind: 'coverage-bars',
        wide: true,
        svg: coverageBars(rows.map((r) => ({ figure: r.figure, gap: r.gap })), { id, width: 640 }),
        caption: `${quote(rows.map((r) => r.figure))}未覆盖部分为推算值。`,
      });
      continue;
    }
    used.add(f.id);
    charts.push(chartOf(f, `${prefix}-${f.id}`));
  }
  return charts;
}

/** The chart for one figure, by what it is. */
function chartOf(f: Figure, id: string): Omit<ChartView, 'span'> {
  const caption = quote([f]);
  switch (f.kind) {
    case 'share':
      return { id, kind: 'ring', wide: false, svg: ring(f, { id, size: 190 }), caption };
    case 'growth':
    case 'points':
    case 'multiple':
      return { id, kind: 'change', wide: false, svg: changeArrow(f, { id, width: 300, height: 170 }), caption };
    case 'from-to':
      return { id, kind: 'from-to', wide: true, svg: fromTo(f, { id, width: 640 }), caption };
    case 'count':
      // An approximate or bounded count (约, 左右, 余, 至少 …) never looks exact: no row of icons.
      if (Number.isInteger(f.value) && f.value > 0 && f.value <= MAX_UNIT_ICONS && !isApproximate(f.qualifier) && f.written === undefined) {
        const wide = f.value > SMALL_UNIT_ICONS;
        return { id, kind: 'unit', wide, svg: unitChart(f, { id, width: wide ? 640 : 300, icon: f.icon ?? 'dot', ...(wide ? {} : { columns: f.value }) }), caption };
      }
      break;
    default:
      break;
  }
  const tag = f.kind === 'target' ? '目标' : undefined;
  return { id, kind: 'big-number', wide: false, svg: bigNumber(f, { id, width: 300, height: 170, ...(tag ? { tag } : {}) }), caption };
}

/** Up to four figures to lead with: one from each section that has figures, first come first. */
function pickHighlights(figures: Figure[]): Figure[] {
  const seen = new Set<string>();
  const out: Figure[] = [];
  for (const f of figures) {
    const key = f.section ?? '';
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  for (const f of figures) if (out.length < 4 && !out.includes(f)) out.push(f);
  return out.slice(0, 4).sort((a, b) => figures.indexOf(a) - figures.indexOf(b));
}
