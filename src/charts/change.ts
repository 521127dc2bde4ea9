// A change: a growth or decline rate (同比增长18.5%), a change in 百分点, or a
// multiple (3倍, 翻一番). A bold arrow, up or down, stands beside the printed
// figure, the label wrapped below. Up is red; down is the palette's dark
// grey-green, and the figure takes the arrow's colour. Nothing here is a share
// of a whole: no ring, no track.

import type { Figure } from '../data/types.js';
import { displayStyle, figureParts, figureRuns, scaleStyle, type FigureStyle } from './figure-text.js';
import { ASCENT, DESCENT, el, num, resolveTheme, runsWidth, svgDocument, textLine, wrapText, type BaseOptions } from './svg.js';

export interface ChangeArrowOptions extends BaseOptions {
  /** default 360 */
  width?: number;
  /** Fixed height; the number shrinks to fit. Default: as tall as the content. */
  height?: number;
  /** Text below the figure; default figure.label */
  label?: string;
  /** Font size of the number; default 72. Shrinks to fit the width. */
  numberSize?: number;
  /** default 16 */
  labelSize?: number;
}

const PAD = 8;
const LABEL_GAP = 14;
const LINE_HEIGHT = 1.5;
const MIN_NUMBER_SIZE = 16;
/** Arrow width and the gap after it, in em of the number */
const ARROW_WIDTH = 0.62;
const ARROW_GAP = 0.14;
/** The arrow spans this much of the em, centred on the digits (about 0.36em above the baseline) */
const ARROW_HEIGHT = 0.84;

const KINDS = ['growth', 'points', 'multiple'] as const;

/** Which way the arrow points; throws when the figure does not say. */
function direction(figure: Figure): 'up' | 'down' {
  const { id, kind, trend, value } = figure;
  if (kind === 'multiple') {
    if (trend === 'down') throw new Error(`changeArrow: figure "${id}": expected a multiple to point up, received trend "down" (a multiple is times as much)`);
    return 'up';
  }
  if (trend === 'up' && value < 0) throw new Error(`changeArrow: figure "${id}": expected a value of 0 or more for trend "up", received ${value}`);
  if (trend !== undefined && trend !== 'up' && trend !== 'down') {
    throw new Error(`changeArrow: figure "${id}": expected trend "up" or "down", received ${JSON.stringify(trend)}`);
  }
  const way = trend ?? (value < 0 ? 'down' : undefined);
  if (!way) throw new Error(`changeArrow: figure "${id}": expected trend "up" or "down" for a ${kind} figure, received none`);
  return way;
}

/** A block arrow in the box (x, top, w, h): a triangular head and a shaft. */
function arrowPath(x: number, top: number, w: number, h: number, way: 'up' | 'down'): string {
  const head = h * 0.48;
  const shaft = w * 0.4;
  const cx = x + w / 2;
  // Drawn pointing up, then flipped about the middle of the box for down.
  const pts: [number, number][] = [
    [cx, top],
    [x + w, top + head],
    [cx + shaft / 2, top + head],
    [cx + shaft / 2, top + h],
    [cx - shaft / 2, top + h],
    [cx - shaft / 2, top + head],
    [x, top + head],
  ];
  const flip = (y: number) => (way === 'up' ? y : 2 * top + h - y);
  return `M${pts.map(([px, py]) => `${num(px)},${num(flip(py))}`).join('L')}Z`;
}

export function changeArrow(figure: Figure, options: ChangeArrowOptions): string {
  const theme = resolveTheme('changeArrow', options);
  const { palette: c, sans } = theme;
  if (!(KINDS as readonly string[]).includes(figure?.kind)) {
    throw new Error(`changeArrow: figure "${figure?.id}": expected kind "growth", "points" or "multiple", received ${JSON.stringify(figure?.kind)} (use bigNumber, ring or fromTo)`);
  }
  if (!Number.isFinite(figure.value)) throw new Error(`changeArrow: figure "${figure.id}": expected a finite value, received ${figure.value}`);
  const way = direction(figure);
  const width = options.width ?? 360;
  const labelSize = options.labelSize ?? 16;
  if (!(width >= 2 * PAD + 80)) throw new Error(`changeArrow: options.width: expected at least ${2 * PAD + 80}, received ${width}`);
  const label = options.label ?? figure.label;
  const colour = way === 'up' ? c.red : c.down;

  // 1. The figure in the arrow's colour, qualifiers in ink as everywhere.
  const parts = figureParts(figure);
  const display = displayStyle(theme, 1, { qualifier: 0.36, unit: 0.46, mark: 0.26 });
  const base: FigureStyle = { ...display, number: { ...display.number, fill: colour }, unit: { ...display.unit, fill: colour } };

  // 2. Number size: as asked, then shrunk so arrow and figure fit the width.
  const inner = width - 2 * PAD;
  const rowWidth = ARROW_WIDTH + ARROW_GAP + runsWidth(figureRuns(parts, base));
  let size = Math.min(options.numberSize ?? 72, inner / rowWidth);

  // 3. Label lines, and the height everything needs; a fixed height shrinks the number.
  const lines = label ? wrapText(label, inner, labelSize) : [];
  const labelBlock = lines.length ? LABEL_GAP + lines.length * labelSize * LINE_HEIGHT - (LINE_HEIGHT - 1) * labelSize : 0;
  const need = (n: number) => PAD + (ASCENT + DESCENT) * n + labelBlock + PAD;
  let height = need(size);
  let top = PAD;
  if (options.height !== undefined) {
    if (need(size) > options.height) size = options.height - (need(size) - size);
    if (size < MIN_NUMBER_SIZE) {
      throw new Error(`changeArrow: options.height: ${options.height} is too small for the label "${label}" (leave it out to size the chart to its content)`);
    }
    height = options.height;
    top = (height - need(size)) / 2 + PAD;
  }

  // 4. Arrow and figure as one row, centred.
  const runs = figureRuns(parts, scaleStyle(base, size));
  const total = (ARROW_WIDTH + ARROW_GAP) * size + runsWidth(runs);
  const x = (width - total) / 2;
  const baseline = top + ASCENT * size;
  const arrowTop = baseline - 0.36 * size - (ARROW_HEIGHT * size) / 2;
  let body = el('path', { class: `arrow arrow-${way}`, d: arrowPath(x, arrowTop, ARROW_WIDTH * size, ARROW_HEIGHT * size, way), fill: colour });
  body += textLine(x + (ARROW_WIDTH + ARROW_GAP) * size, baseline, 'start', runs, 'figure');

  // 5. The label, wrapped and centred below.
  let y = baseline + DESCENT * size + LABEL_GAP + ASCENT * labelSize;
  for (const line of lines) {
    body += textLine(width / 2, y, 'middle', [{ text: line, size: labelSize, family: sans, weight: 400, fill: c.ink }], 'label');
    y += labelSize * LINE_HEIGHT;
  }

  return svgDocument({
    theme,
    kind: 'change-arrow',
    width,
    height,
    title: options.title ?? label,
    desc: `${way === 'up' ? '向上' : '向下'}箭头。${label}：${parts.text}。`,
    body,
  });
}
