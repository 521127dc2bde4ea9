// A donut for a share of a whole: the arc covers value/100 of the circle,
// starting at 12 o'clock and running clockwise, over a light full track.
// The printed figure sits in the centre, as the speech writes it (超过六成, not 60%),
// the label below the ring.

import { arc } from 'd3';
import { displayStyle, figureParts, figureRuns, scaleStyle, type AnyFigure, type FigureStyle } from './figure-text.js';
import {
  ASCENT,
  DESCENT,
  el,
  num,
  resolveTheme,
  roundPath,
  runsWidth,
  svgDocument,
  textLine,
  wrapText,
  type BaseOptions,
} from './svg.js';

export interface RingOptions extends BaseOptions {
  /** Width of the chart and diameter of the ring plus padding; default 200 */
  size?: number;
  /** Ring thickness; default 18% of the radius */
  thickness?: number;
  /** Text below the ring; default figure.label */
  label?: string;
  /** default 15 */
  labelSize?: number;
}

const PAD = 8;
const LINE_HEIGHT = 1.45;

export function ring(figure: AnyFigure, options: RingOptions): string {
  const theme = resolveTheme('ring', options);
  const { palette: c, sans } = theme;
  if (figure.percent !== true) {
    throw new Error(`ring: figure "${figure.id}": expected a share of a whole (percent: true), received ${figureParts(figure).text} (use bigNumber for counts, amounts and rates)`);
  }
  if (!Number.isFinite(figure.value) || figure.value < 0 || figure.value > 100) {
    throw new Error(`ring: figure "${figure.id}": expected a value from 0 to 100, received ${figure.value} (use bigNumber for values over 100%)`);
  }
  const size = options.size ?? 200;
  if (!(size >= 80)) throw new Error(`ring: options.size: expected at least 80, received ${size}`);
  const labelSize = options.labelSize ?? 15;
  const label = options.label ?? figure.label;

  // 1. Geometry: d3.arc angles are clockwise from 12 o'clock.
  const r = size / 2 - PAD;
  const thickness = Math.min(options.thickness ?? r * 0.18, r * 0.5);
  const r0 = r - thickness;
  const cx = size / 2;
  const cy = PAD + r;
  const shape = arc().digits(3);
  const full = shape({ innerRadius: r0, outerRadius: r, startAngle: 0, endAngle: 2 * Math.PI }) ?? '';
  const end = (2 * Math.PI * figure.value) / 100;
  const value = figure.value > 0 ? shape({ innerRadius: r0, outerRadius: r, startAngle: 0, endAngle: end }) ?? '' : '';

  let body = `<g transform="translate(${num(cx)} ${num(cy)})">`;
  body += el('path', { class: 'track', d: roundPath(full), fill: c.track });
  if (value) body += el('path', { class: 'value', d: roundPath(value), fill: c.red });
  body += '</g>';

  // 2. The figure in the centre, fitted inside the hole; a derived marker goes on a second line.
  const parts = figureParts(figure);
  const base: FigureStyle = displayStyle(theme, 1, { qualifier: 0.42, unit: 0.55, mark: 0.3 });
  const hole = 2 * r0 * 0.8;
  const numberSize = Math.min(r0 * 0.62, hole / runsWidth(figureRuns(parts, base, false)));
  const style = scaleStyle(base, numberSize);
  const markSize = Math.max(11, numberSize * 0.26);
  const markGap = parts.mark ? markSize * 1.3 : 0;
  // Digits sit about 0.72em tall on the baseline: centre that, then the marker below.
  const baseline = cy + 0.36 * numberSize - markGap / 2;
  body += textLine(cx, baseline, 'middle', figureRuns(parts, style, false), 'figure');
  if (parts.mark) {
    body += textLine(cx, baseline + DESCENT * numberSize + markGap, 'middle', [{ text: parts.mark, size: markSize, family: sans, weight: 400, fill: c.grey }], 'mark');
  }

  // 3. The label, wrapped under the ring.
  const lines = label ? wrapText(label, size - 2 * PAD, labelSize) : [];
  let y = cy + r + 12 + ASCENT * labelSize;
  for (const line of lines) {
    body += textLine(cx, y, 'middle', [{ text: line, size: labelSize, family: sans, weight: 400, fill: c.ink }], 'label');
    y += labelSize * LINE_HEIGHT;
  }
  const height = lines.length ? y - labelSize * LINE_HEIGHT + DESCENT * labelSize + PAD : cy + r + PAD;

  return svgDocument({
    theme,
    kind: 'ring',
    width: size,
    height,
    title: options.title ?? label,
    desc: `环形图。${label}：${parts.text}。`,
    body,
  });
}
