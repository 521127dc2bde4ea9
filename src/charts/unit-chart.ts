// A pictogram: one icon for each unit of the figure (427 个 → 427 icons),
// in a grid fitted to the width, under a heading of the printed figure and
// its label, with a legend saying what one icon stands for.

import { displayStyle, figureParts, figureRuns, type AnyFigure, type FigureStyle } from './figure-text.js';
import {
  ASCENT,
  DESCENT,
  el,
  resolveTheme,
  runsWidth,
  svgDocument,
  textLine,
  wrapText,
  type BaseOptions,
  type Run,
} from './svg.js';

export type IconName = 'dot' | 'flag' | 'house' | 'person';

export interface UnitChartOptions extends BaseOptions {
  /** default 640 */
  width?: number;
  /** Icons per row; default fitted to the width, a multiple of ten when there are many */
  columns?: number;
  /** default 'dot' */
  icon?: IconName;
  /** Heading label; default figure.label */
  label?: string;
  /** Line under the grid; default 每个图标代表一 + unit. Set '' to leave it out. */
  legend?: string;
}

export const MAX_ICONS = 2000;
const PAD = 8;
const MAX_CELL = 32;
const MIN_CELL = 6;

/** Icons drawn in a 24 × 24 box. */
const ICONS: Record<IconName, string> = {
  dot: '<circle cx="12" cy="12" r="9"/>',
  flag: '<path d="M4 2h2.2v20H4z M6.2 3h13l-3.2 4.5 3.2 4.5h-13z"/>',
  house: '<path d="M12 2.5 1.5 11.5h3V21.5h5.5v-6h4v6h5.5V11.5h3z"/>',
  person: '<circle cx="12" cy="6" r="4"/><path d="M4 22v-5.5a5 5 0 0 1 5-5h6a5 5 0 0 1 5 5V22z"/>',
};

export function unitChart(figure: AnyFigure, options: UnitChartOptions): string {
  const theme = resolveTheme('unitChart', options);
  const { palette: c, sans, id } = theme;
  const n = figure.value;
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`unitChart: figure "${figure.id}": expected a whole number of units, received ${n} (one icon stands for one unit; use bigNumber for fractions)`);
  }
  if (n > MAX_ICONS) throw new Error(`unitChart: figure "${figure.id}": expected at most ${MAX_ICONS} icons, received ${n} (use bigNumber)`);
  const icon = options.icon ?? 'dot';
  if (!(icon in ICONS)) throw new Error(`unitChart: options.icon: expected one of ${Object.keys(ICONS).join(', ')}, received ${JSON.stringify(icon)}`);
  const width = options.width ?? 640;
  const inner = width - 2 * PAD;
  if (!(inner >= 120)) throw new Error(`unitChart: options.width: expected at least ${120 + 2 * PAD}, received ${width}`);
  if (options.columns !== undefined && !(Number.isInteger(options.columns) && options.columns >= 1)) {
    throw new Error(`unitChart: options.columns: expected a whole number of 1 or more, received ${options.columns}`);
  }
  const label = options.label ?? figure.label;
  const parts = figureParts(figure);

  // 1. Heading: the figure, then the label on the same line when it fits, else below.
  const style: FigureStyle = displayStyle(theme, 36, { qualifier: 16, unit: 18, mark: 13 });
  const valueRuns = figureRuns(parts, style);
  const labelSize = 16;
  const labelRun = (text: string): Run[] => [{ text, size: labelSize, family: sans, weight: 700, fill: c.ink }];
  let body = '';
  const baseline = PAD + ASCENT * 36;
  body += textLine(PAD, baseline, 'start', valueRuns, 'figure');
  const besideX = PAD + runsWidth(valueRuns) + 12;
  let y = baseline + DESCENT * 36;
  if (label) {
    const beside = wrapText(label, inner - (besideX - PAD), labelSize);
    if (beside.length === 1) {
      body += textLine(besideX, baseline, 'start', labelRun(beside[0]!), 'label');
    } else {
      for (const line of wrapText(label, inner, labelSize)) {
        y += 4 + ASCENT * labelSize;
        body += textLine(PAD, y, 'start', labelRun(line), 'label');
        y += DESCENT * labelSize;
      }
    }
  }
  y += 14;

  // 2. Grid: about a square of icons fitted to the width; many icons get columns in tens.
  let columns: number;
  if (options.columns !== undefined) {
    columns = options.columns;
  } else if (n * MAX_CELL <= inner) {
    columns = Math.max(1, n);
  } else {
    const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.sqrt((inner * inner * 0.5) / n)));
    columns = Math.floor(inner / cell);
    // Rows of tens are easy to count.
    if (columns >= 20) columns = Math.min(Math.floor(inner / MIN_CELL / 10) * 10, Math.round(columns / 10) * 10);
    else if (columns >= 10 && n >= 20) columns = 10;
  }
  const cell = Math.min(MAX_CELL, inner / columns);
  const size = cell * 0.8;
  const rows = Math.ceil(n / columns);
  const symbol = `${id}-icon`;
  body += `<defs><symbol id="${symbol}" viewBox="0 0 24 24">${ICONS[icon]}</symbol></defs>`;
  let icons = '';
  for (let i = 0; i < n; i++) {
    const col = i % columns;
    const row = Math.floor(i / columns);
    icons += el('use', { class: 'icon', href: `#${symbol}`, x: PAD + col * cell + (cell - size) / 2, y: y + row * cell + (cell - size) / 2, width: size, height: size });
  }
  body += `<g class="icons" fill="${c.red}">${icons}</g>`;
  y += rows * cell;

  // 3. Legend.
  const legend = options.legend ?? (figure.percent ? '每个图标代表百分之一' : `每个图标代表一${figure.unit}`);
  if (legend) {
    wrapText(legend, inner, 13).forEach((line, i) => {
      y += (i === 0 ? 10 : 5) + ASCENT * 13;
      body += textLine(PAD, y, 'start', [{ text: line, size: 13, family: sans, weight: 400, fill: c.grey }], 'legend');
      y += DESCENT * 13;
    });
  }
  const height = y + PAD;

  return svgDocument({
    theme,
    kind: 'unit-chart',
    width,
    height,
    title: options.title ?? label,
    desc: `象形图。${label}：${parts.text}。${legend ? `${legend}。` : ''}`,
    body,
  });
}
