// A value that moved (由40%提高到75%): before and after as two horizontal bars
// on one linear scale from zero. The "from" bar is in the track colour with the
// old value at its end, the "to" bar in red with the printed figure. An elbow
// arrow runs from the end of the old bar to the end of the new one, so the
// direction reads at a glance. The label is wrapped above.
//
// Shares run on a scale to 100; other values to the larger one, with room left
// for its printed value.

import { scaleLinear } from 'd3';
import type { Figure } from '../data/types.js';
import { formatFrom } from '../data/format.js';
import { figureParts, figureRuns, type FigureStyle } from './figure-text.js';
import { ASCENT, el, num, resolveTheme, runsWidth, svgDocument, textLine, textOn, wrapText, type BaseOptions, type Run } from './svg.js';

export interface FromToOptions extends BaseOptions {
  /** default 480 */
  width?: number;
  /** Text above the bars; default figure.label */
  label?: string;
  /** default 15 */
  labelSize?: number;
  /** Thickness of each bar; default 26 */
  barHeight?: number;
}

const PAD = 8;
const INSET = 8;
const LABEL_GAP = 12;
/** Space between the bars, where the arrow turns */
const BAR_GAP = 26;
const HEAD = 7;
const LINE_HEIGHT = 1.45;
/** The new value is printed larger than the old one */
const TO_SIZE = 24;
const FROM_SIZE = 18;

export function fromTo(figure: Figure, options: FromToOptions): string {
  const theme = resolveTheme('fromTo', options);
  const { palette: c, sans, serif } = theme;
  if (figure?.kind !== 'from-to') {
    throw new Error(`fromTo: figure "${figure?.id}": expected kind "from-to", received ${JSON.stringify(figure?.kind)} (use changeArrow for rates, bigNumber for single values)`);
  }
  const { from, value } = figure;
  if (typeof from !== 'number' || !Number.isFinite(from) || from < 0) {
    throw new Error(`fromTo: figure "${figure.id}": expected figure.from, the old value, as a number of 0 or more, received ${JSON.stringify(from)}`);
  }
  if (!Number.isFinite(value) || value < 0) throw new Error(`fromTo: figure "${figure.id}": expected a new value of 0 or more, received ${value}`);
  if (figure.percent && (from > 100 || value > 100)) {
    throw new Error(`fromTo: figure "${figure.id}": expected shares from 0 to 100, received ${from} → ${value}`);
  }
  if ((figure.trend === 'up' && value < from) || (figure.trend === 'down' && value > from)) {
    throw new Error(`fromTo: figure "${figure.id}": expected trend "${figure.trend}" to match the values, received ${from} → ${value}`);
  }
  if (!(Math.max(from, value) > 0)) throw new Error(`fromTo: figure "${figure.id}": expected a value above 0, received ${from} → ${value}`);
  const width = options.width ?? 480;
  const labelSize = options.labelSize ?? 15;
  const barHeight = options.barHeight ?? 26;
  if (!(width >= 200)) throw new Error(`fromTo: options.width: expected at least 200, received ${width}`);
  if (!(barHeight >= 12)) throw new Error(`fromTo: options.barHeight: expected at least 12, received ${barHeight}`);
  const label = options.label ?? figure.label;

  // 1. The printed values: the old one plain, the new one as the speech prints it.
  const fromText = formatFrom(figure);
  const parts = figureParts(figure);
  const toStyle = (fill: string): FigureStyle => ({
    prefix: { size: 14, family: sans, weight: 700, fill },
    number: { size: TO_SIZE, family: serif, weight: 900, fill },
    middle: { size: 14, family: sans, weight: 700, fill },
    unit: { size: 16, family: serif, weight: 700, fill },
    suffix: { size: 14, family: sans, weight: 700, fill },
    mark: { size: 12, family: sans, weight: 400, fill },
  });
  const fromRuns = (fill: string): Run[] => [{ text: fromText, size: FROM_SIZE, family: serif, weight: 700, fill }];
  const toRuns = (fill: string): Run[] => figureRuns(parts, toStyle(fill));
  const widest = Math.max(runsWidth(fromRuns(c.ink)), runsWidth(toRuns(c.red)));

  // 2. Scale: shares to 100 over the whole width; other values leave room for the widest value after the longer bar.
  const x0 = PAD;
  const x1 = width - PAD;
  const top = figure.percent ? 100 : Math.max(from, value);
  const end = figure.percent ? x1 : x1 - INSET - widest;
  if (end - x0 < 60) throw new Error(`fromTo: options.width: ${width} is too narrow for the values ${fromText} and ${parts.text}`);
  const x = scaleLinear().domain([0, top]).range([x0, end]);

  // 3. The label, wrapped above.
  let body = '';
  let y = PAD;
  const lines = label ? wrapText(label, x1 - x0, labelSize) : [];
  lines.forEach((line, i) => {
    body += textLine(x0, y + ASCENT * labelSize + i * labelSize * LINE_HEIGHT, 'start', [{ text: line, size: labelSize, family: sans, weight: 400, fill: c.ink }], 'label');
  });
  if (lines.length) y += lines.length * labelSize * LINE_HEIGHT - (LINE_HEIGHT - 1) * labelSize + LABEL_GAP;

  // 4. Two bars, each with its value after the end, or inside when there is no room after it.
  const bar = (cls: string, v: number, barY: number, fill: string, runs: (fill: string) => Run[]) => {
    const ex = x(v);
    body += el('rect', { class: cls, x: x0, y: barY, width: ex - x0, height: barHeight, fill });
    const baseline = barY + barHeight / 2 + 0.36 * (cls === 'bar-from' ? FROM_SIZE : TO_SIZE);
    const outside = runs(cls === 'bar-from' ? c.grey : c.red);
    if (ex + INSET + runsWidth(outside) <= x1) {
      body += textLine(ex + INSET, baseline, 'start', outside, `value ${cls}-value`);
    } else {
      body += textLine(ex - INSET, baseline, 'end', runs(textOn(fill, c.paper, c.ink)), `value ${cls}-value`);
    }
  };
  const fromY = y;
  const toY = fromY + barHeight + BAR_GAP;
  bar('bar-from', from, fromY, c.track, fromRuns);
  bar('bar-to', value, toY, c.red, toRuns);

  // 5. The arrow: down from the end of the old bar, across, down onto the end of the new one.
  const fx = x(from);
  const tx = x(value);
  const bend = fromY + barHeight + BAR_GAP / 2;
  const tip = toY - 1;
  const points: [number, number][] = Math.abs(tx - fx) < 0.5 ? [[fx, fromY + barHeight + 1], [tx, tip - HEAD]] : [[fx, fromY + barHeight + 1], [fx, bend], [tx, bend], [tx, tip - HEAD]];
  body += el('polyline', { class: 'connector', points: points.map(([px, py]) => `${num(px)},${num(py)}`).join(' '), fill: 'none', stroke: c.ink, 'stroke-width': 1.5 });
  body += el('path', { class: 'arrow-head', d: `M${num(tx - HEAD * 0.6)},${num(tip - HEAD)}L${num(tx + HEAD * 0.6)},${num(tip - HEAD)}L${num(tx)},${num(tip)}Z`, fill: c.ink });
  // 6. The zero line both bars start from.
  body += el('line', { class: 'zero', x1: x0, y1: fromY - 4, x2: x0, y2: toY + barHeight + 4, stroke: c.ink, 'stroke-width': 1 });
  const height = toY + barHeight + 4 + PAD;

  const way = value > from ? '提高到' : value < from ? '下降到' : '保持在';
  return svgDocument({
    theme,
    kind: 'from-to',
    width,
    height,
    title: options.title ?? label,
    desc: `前后对比条形图${figure.percent ? '，整条为全部' : ''}。${label}：由${fromText}${way}${parts.text}。`,
    body,
  });
}
