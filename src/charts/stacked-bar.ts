// One bar for a whole, split into segments in the order given.
//
// Each segment is labelled with its printed figure over its label. When that
// does not fit inside the segment, the label goes outside, on one line, with a
// leader line to the segment. Outside labels are spread sideways so they do
// not touch (keeping their order, so leaders never cross); when one row below
// the bar is not enough they alternate below and above, and then break into
// two lines.

import { scaleLinear } from 'd3';
import { figureParts, figureRuns, inlineStyle, isDerived, type AnyFigure, type FigureStyle } from './figure-text.js';
import {
  ASCENT,
  DESCENT,
  el,
  num,
  resolveTheme,
  runsWidth,
  svgDocument,
  textLine,
  textOn,
  type BaseOptions,
  type Run,
} from './svg.js';

export interface StackedSegment {
  figure: AnyFigure;
  /** default figure.label */
  label?: string;
  /** Fill; default red, secondary, grey in turn, and the light track for derived figures */
  color?: string;
}

export interface StackedBarOptions extends BaseOptions {
  /** default 640 */
  width?: number;
  /** default 52 */
  barHeight?: number;
}

const PAD = 8;
const INSET = 8;
const LEADER = 16;
const SMALL = 13;

interface Outside {
  index: number;
  cx: number;
  lines: Run[][];
  width: number;
  left: number;
}

/** Spread boxes along [min, max] in order, each as near its wanted centre as possible. Undefined when they do not fit. */
function spread(items: Outside[], min: number, max: number, gap: number): boolean {
  const total = items.reduce((s, it) => s + it.width, 0) + gap * Math.max(0, items.length - 1);
  if (total > max - min) return false;
  let prev = min - gap;
  for (const it of items) {
    it.left = Math.max(it.cx - it.width / 2, min, prev + gap);
    prev = it.left + it.width;
  }
  let next = max + gap;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i]!;
    it.left = Math.min(it.left, next - gap - it.width);
    next = it.left;
  }
  return true;
}

export function stackedBar(segments: readonly StackedSegment[], options: StackedBarOptions): string {
  const theme = resolveTheme('stackedBar', options);
  const { palette: c, sans, serif } = theme;
  if (!Array.isArray(segments) || segments.length === 0) throw new Error('stackedBar: expected at least one segment, received none');
  // Shares (40%, 六成) go together whatever their unit; other figures need one unit.
  const first = segments[0]!.figure;
  const percent = first.percent === true;
  segments.forEach(({ figure }, i) => {
    if ((figure.percent === true) !== percent) {
      throw new Error(`stackedBar: segments[${i}] "${figure.id}": expected ${percent ? 'a percentage' : `unit "${first.unit}"`} like segments[0], received ${figureParts(figure).text}`);
    }
    if (!percent && figure.unit !== first.unit) throw new Error(`stackedBar: segments[${i}] "${figure.id}": expected unit "${first.unit}" like segments[0], received "${figure.unit}"`);
    if (!(figure.value >= 0)) throw new Error(`stackedBar: segments[${i}] "${figure.id}": expected a value of 0 or more, received ${figure.value}`);
  });
  const total = segments.reduce((s, { figure }) => s + figure.value, 0);
  if (!(total > 0)) throw new Error('stackedBar: segments add up to 0, expected a positive total');
  if (percent && Math.abs(total - 100) > 1) {
    throw new Error(`stackedBar: segments add up to ${total}%, expected 100% (add a complement DerivedFigure for the rest)`);
  }
  const width = options.width ?? 640;
  const barHeight = options.barHeight ?? 52;
  const x0 = PAD;
  const x1 = width - PAD;
  // Percentages that add up to about 100 are spread over the whole bar.
  const x = scaleLinear().domain([0, total]).range([x0, x1]);

  const valueStyle = (fill: string, markFill: string): FigureStyle => ({
    prefix: { size: 13, family: sans, weight: 700, fill },
    number: { size: 20, family: serif, weight: 900, fill },
    middle: { size: 13, family: sans, weight: 700, fill },
    unit: { size: 14, family: serif, weight: 700, fill },
    suffix: { size: 13, family: sans, weight: 700, fill },
    mark: { size: 12, family: sans, weight: 400, fill: markFill },
  });
  const series = [c.red, c.secondary, c.grey];
  let nth = 0;

  // 1. Segment geometry, and which labels fit inside.
  interface Seg {
    sx: number;
    ex: number;
    fill: string;
    valueRuns: Run[];
    labelRuns: Run[];
    fits: boolean;
  }
  const outside: Outside[] = [];
  const desc: string[] = [];
  let acc = 0;
  const segs: Seg[] = segments.map((segment, index) => {
    const { figure } = segment;
    const label = segment.label ?? figure.label;
    const parts = figureParts(figure);
    desc.push(`${label}${parts.text}`);
    const fill = segment.color ?? (isDerived(figure) ? c.track : series[nth++ % series.length]!);
    const sx = x(acc);
    acc += figure.value;
    const ex = index === segments.length - 1 ? x1 : x(acc);
    const ink = textOn(fill, c.paper, c.ink);
    const valueRuns = figureRuns(parts, valueStyle(ink, ink === c.paper ? c.paper : c.grey));
    const labelRuns: Run[] = [{ text: label, size: SMALL, family: sans, weight: 400, fill: ink }];
    const fits = Math.max(runsWidth(valueRuns), runsWidth(labelRuns)) + 2 * INSET <= ex - sx;
    if (!fits) {
      const line: Run[] = [
        { text: `${label} `, size: SMALL, family: sans, weight: 400, fill: c.ink },
        ...figureRuns(parts, inlineStyle(SMALL, sans, c.red, c.grey)),
      ];
      outside.push({ index, cx: (sx + ex) / 2, lines: [line], width: runsWidth(line), left: 0 });
    }
    return { sx, ex, fill, valueRuns, labelRuns, fits };
  });

  // 2. Place outside labels: one row below; else alternate below/above; else two lines each.
  let below = outside;
  let above: Outside[] = [];
  const fit = () => spread(below, x0, x1, 12) && spread(above, x0, x1, 12);
  if (!fit()) {
    below = outside.filter((_, i) => i % 2 === 0);
    above = outside.filter((_, i) => i % 2 === 1);
    if (!fit()) {
      for (const o of outside) {
        const seg = segments[o.index]!;
        const label = seg.label ?? seg.figure.label;
        o.lines = [
          [{ text: label, size: SMALL, family: sans, weight: 400, fill: c.ink }],
          figureRuns(figureParts(seg.figure), inlineStyle(SMALL, sans, c.red, c.grey)),
        ];
        o.width = Math.max(...o.lines.map(runsWidth));
      }
      if (!fit()) throw new Error(`stackedBar: ${outside.length} segments are too narrow to label in a width of ${width} (widen the chart or merge small segments)`);
    }
  }

  // 3. Leaders are orthogonal: down from the segment, across at a bend, down to the label.
  // Leaders that go right bend nearer the bar the further right they start, those that go
  // left the further left they start, so no leader crosses another.
  const bends = (row: Outside[]) => {
    const lx = row.map((o) => Math.min(Math.max(o.cx, o.left + 1), o.left + o.width - 1));
    const right = row.map((o, i) => lx[i]! - o.cx > 0.5);
    const left = row.map((o, i) => o.cx - lx[i]! > 0.5);
    const level = row.map((_, i) =>
      right[i] ? right.filter((r, k) => r && k > i).length : left[i] ? left.filter((l, k) => l && k < i).length : 0,
    );
    const zone = Math.max(LEADER, 10 + Math.max(0, ...level) * 5 + 8);
    return { lx, level, zone };
  };
  const belowBends = bends(below);
  const aboveBends = bends(above);

  // 4. Vertical layout: labels above, the bar, labels below.
  const lineStep = SMALL * 1.4;
  const blockHeight = (o: Outside) => ASCENT * SMALL + (o.lines.length - 1) * lineStep + DESCENT * SMALL;
  const aboveHeight = Math.max(0, ...above.map(blockHeight));
  const belowHeight = Math.max(0, ...below.map(blockHeight));
  const barY = PAD + (above.length ? aboveHeight + aboveBends.zone : 0);
  const barBottom = barY + barHeight;
  const height = barBottom + (below.length ? belowBends.zone + belowHeight : 0) + PAD;

  // 5. Draw: segments, inside labels, leaders, outside labels.
  let body = '';
  for (const s of segs) body += el('rect', { class: 'segment', x: s.sx, y: barY, width: s.ex - s.sx, height: barHeight, fill: s.fill });
  for (const s of segs) {
    if (!s.fits) continue;
    const vb = barY + INSET + ASCENT * 20;
    body += textLine(s.sx + INSET, vb, 'start', s.valueRuns, 'value');
    body += textLine(s.sx + INSET, vb + DESCENT * 20 + 5 + ASCENT * SMALL, 'start', s.labelRuns, 'label');
  }
  let labels = '';
  const place = (o: Outside, i: number, side: 'below' | 'above') => {
    const { lx, level, zone } = side === 'below' ? belowBends : aboveBends;
    const h = blockHeight(o);
    const top = side === 'below' ? barBottom + zone : barY - zone - h;
    o.lines.forEach((runs, k) => {
      labels += textLine(o.left, top + ASCENT * SMALL + k * lineStep, 'start', runs, 'outside-label');
    });
    const dir = side === 'below' ? 1 : -1;
    const edge = side === 'below' ? barBottom : barY;
    const bend = edge + dir * (6 + level[i]! * 5);
    const far = side === 'below' ? top - 3 : top + h + 3;
    const x2 = lx[i]!;
    const points: [number, number][] = Math.abs(x2 - o.cx) <= 0.5 ? [[o.cx, edge], [o.cx, far]] : [[o.cx, edge], [o.cx, bend], [x2, bend], [x2, far]];
    body += el('polyline', { class: 'leader', points: points.map(([px, py]) => `${num(px)},${num(py)}`).join(' '), fill: 'none', stroke: c.grey, 'stroke-width': 1 });
  };
  below.forEach((o, i) => place(o, i, 'below'));
  above.forEach((o, i) => place(o, i, 'above'));
  body += labels;

  return svgDocument({
    theme,
    kind: 'stacked-bar',
    width,
    height,
    title: options.title ?? segments.map((s) => s.label ?? s.figure.label).join('、'),
    desc: `堆积条形图，整条为全部。${desc.join('；')}。`,
    body,
  });
}
