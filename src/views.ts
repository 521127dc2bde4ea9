// Stage 2: from validated data to what the templates show. Charts are chosen by rule,
// so a new speech's data file needs no code:
//   percentages with a complement of one figure → coverage bars (grouped by item)
//   percentages with a complement of several    → one stacked bar
//   other shares (0–100%)                       → a ring
//   small whole counts (≤ 60)                   → a unit chart
//   everything else                             → a big-number callout

import { bigNumber, coverageBars, ring, stackedBar, structureDiagram, unitChart } from './charts/index.js';
import type { DerivedFigure, Figure, SpeechData, StructureItem } from './data/types.js';
import { chineseOrdinal, formatDate, formatDerived, formatFigure, formatIssue, type FormattedFigure } from './format.js';

export interface FigureView extends FormattedFigure {
  id: string;
  label: string;
  fragment: string;
  /** Where in the speech: 二、着力打造坚强战斗堡垒 · （三）以基础建设为保障… */
  where: string;
  /** Its number in a list of all figures: 1. 2. … (third level of an official document) */
  marker: string;
}

export interface ChartView {
  id: string;
  kind: 'big-number' | 'ring' | 'coverage-bars' | 'stacked-bar' | 'unit' | 'structure';
  /** Wide charts take two columns of a grid */
  wide: boolean;
  /** Columns to span in a four-column grid, so rows end flush (see gridSpans) */
  span: number;
  svg: string;
  /** The words of the speech the chart shows, so a reader can find them */
  caption: string;
}

export interface ItemView {
  id: string;
  /** 一是 / （一） */
  marker: string;
  title: string;
  figures: FigureView[];
}

export interface SectionView {
  id: string;
  /** 一、 */
  heading: string;
  title: string;
  /** marker: （一）（二）… for the groups of a part (second level of an official document) */
  groups: { name: string; marker: string; items: ItemView[] }[];
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
    issueText: string;
    issuedText: string;
    speechDateText: string;
    /** 发文字号: the data's docNumber, else 〔year of issue〕issue号 (see docNumberText) */
    docNumberText: string;
  };
  figures: FigureView[];
  highlights: FigureView[];
  sections: SectionView[];
  /** Charts in all sections: a poster with few of them draws them larger */
  chartCount: number;
  structure: ChartView;
  derived: DerivedView[];
}

const MAX_UNIT_ICONS = 60;
const SMALL_UNIT_ICONS = 12;

/** 原文：“…” for the distinct fragments of some figures. */
function quote(figures: Figure[]): string {
  return `原文：${[...new Set(figures.map((f) => f.fragment))].map((q) => `“${q}”`).join('……')}。`;
}

function iconFor(unit: string): 'dot' | 'flag' | 'house' | 'person' {
  if (unit.includes('村')) return 'house';
  if (unit.includes('轮') || unit.includes('次')) return 'flag';
  if (unit.includes('人')) return 'person';
  return 'dot';
}

export function buildView(data: SpeechData): View {
  const { document: doc, structure, figures, derived } = data;
  // Markers as the speech numbers its items: 一是 … in the review, （一） … in the parts.
  const shi = (i: number) => `${chineseOrdinal(i + 1)}是`;
  const paren = (i: number) => `（${chineseOrdinal(i + 1)}）`;
  const itemTitle = new Map<string, { marker: string; title: string }>();
  const mark = (items: StructureItem[], marker: (i: number) => string) =>
    items.forEach((x, i) => itemTitle.set(x.id, { marker: marker(i), title: x.title }));
  mark(structure.review.achievements, shi);
  mark(structure.review.problems, shi);
  for (const part of structure.parts) mark(part.items, paren);
  const partTitle = (id: string) => {
    if (id === 'review') return structure.review.title;
    const p = structure.parts.find((x) => x.id === id)!;
    return `${p.numeral}、${p.title}`;
  };
  const figureView = (f: Figure, i: number): FigureView => {
    const item = f.item ? itemTitle.get(f.item) : undefined;
    return {
      id: f.id,
      label: f.label,
      fragment: f.fragment,
      where: item ? `${partTitle(f.part)} · ${item.marker}${item.title}` : partTitle(f.part),
      marker: `${i + 1}.`,
      ...formatFigure(f),
    };
  };
  const views = figures.map(figureView);
  const viewOf = new Map(views.map((v) => [v.id, v]));

  const itemViews = (items: StructureItem[], marker: (i: number) => string): ItemView[] =>
    items.map((x, i) => ({ id: x.id, marker: marker(i), title: x.title, figures: figures.filter((f) => f.item === x.id).map((f) => viewOf.get(f.id)!) }));
  const sections: SectionView[] = [
    {
      id: 'review',
      heading: '',
      title: structure.review.title,
      groups: [
        { name: '主要成绩', marker: paren(0), items: itemViews(structure.review.achievements, shi) },
        { name: '存在问题', marker: paren(1), items: itemViews(structure.review.problems, shi) },
      ],
      charts: gridSpans(chartsFor(figures.filter((f) => f.part === 'review'), derived, 'review'), GRID_COLUMNS),
    },
    ...structure.parts.map((p) => ({
      id: p.id,
      heading: `${p.numeral}、`,
      title: p.title,
      groups: [{ name: p.itemsName, marker: paren(0), items: itemViews(p.items, paren) }],
      charts: gridSpans(chartsFor(figures.filter((f) => f.part === p.id), derived, p.id), GRID_COLUMNS),
    })),
  ];

  const derivedViews = derived.map((d, i) => ({
    id: d.id,
    marker: `（${i + 1}）`,
    label: d.label,
    text: formatDerived(d),
    from: d.from.map((id) => `${viewOf.get(id)!.label}${viewOf.get(id)!.text}`).join('、'),
  }));

  return {
    lang: 'zh-CN',
    doc: {
      ...doc,
      issueText: formatIssue(doc.issue),
      issuedText: formatDate(doc.issued),
      speechDateText: formatDate(doc.speechDate),
      docNumberText: docNumberText(doc),
    },
    figures: views,
    highlights: pickHighlights(figures).map((f) => viewOf.get(f.id)!),
    sections,
    chartCount: sections.reduce((n, s) => n + s.charts.length, 0),
    structure: {
      id: 'structure',
      kind: 'structure',
      wide: true,
      span: GRID_COLUMNS,
      svg: structureDiagram(structure, { id: 'structure', width: 760 }),
      caption: '讲话结构：工作回顾与三个部分',
    },
    derived: derivedViews,
  };
}

const GRID_COLUMNS = 4;

/**
 * 发文字号 as GB/T 9704-2012 writes it: 代字〔年份〕序号号, the full year in 〔〕, no 第, no leading zeros.
 * The data's docNumber when it has one. Otherwise the parts the data does know: the year of issue
 * and the issue number, 〔2018〕10号. The office's 代字 (e.g. 洛办) is left out rather than guessed.
 */
export function docNumberText(doc: Pick<SpeechData['document'], 'docNumber' | 'issue' | 'issued'>): string {
  if (doc.docNumber) return doc.docNumber;
  return `〔${doc.issued.slice(0, 4)}〕${doc.issue}号`;
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

/** Charts for one part's figures, in the order the figures appear. */
export function chartsFor(figures: Figure[], derived: DerivedFigure[], prefix: string): Omit<ChartView, 'span'>[] {
  const charts: Omit<ChartView, 'span'>[] = [];
  const used = new Set<string>();
  const byId = new Map(figures.map((f) => [f.id, f]));

  for (const f of figures) {
    if (used.has(f.id)) continue;
    const complements = derived.filter((d) => d.from.includes(f.id));
    const multi = complements.find((d) => d.from.length > 1 && d.from.every((id) => byId.has(id)));
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
      // Every figure of this part with a one-figure complement joins the same bars.
      const rows = figures
        .filter((g) => !used.has(g.id))
        .map((g) => ({ figure: g, gap: derived.find((d) => d.from.length === 1 && d.from[0] === g.id) }))
        .filter((r) => r.gap && r.figure.item === f.item);
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
    const id = `${prefix}-${f.id}`;
    const caption = quote([f]);
    if (f.unit === '%' && f.value >= 0 && f.value <= 100) {
      charts.push({ id, kind: 'ring', wide: false, svg: ring(f, { id, size: 190 }), caption });
    } else if (f.unit !== '%' && Number.isInteger(f.value) && f.value > 0 && f.value <= MAX_UNIT_ICONS && !f.unit.includes('元')) {
      const wide = f.value > SMALL_UNIT_ICONS;
      charts.push({ id, kind: 'unit', wide, svg: unitChart(f, { id, width: wide ? 640 : 300, icon: iconFor(f.unit), ...(wide ? {} : { columns: f.value }) }), caption });
    } else {
      charts.push({ id, kind: 'big-number', wide: false, svg: bigNumber(f, { id, width: 300, height: 170 }), caption });
    }
  }
  return charts;
}

/** Up to four figures to lead with: one from each item that has figures, first come first. */
function pickHighlights(figures: Figure[]): Figure[] {
  const seen = new Set<string>();
  const out: Figure[] = [];
  for (const f of figures) {
    const key = f.item ?? f.part;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out.slice(0, 4);
}
