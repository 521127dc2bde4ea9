// Horizontal coverage bars, each on a track that stands for full coverage.
//
// Per row: the label above, the bar below it. The printed figure (仅有78%)
// sits at the end of the filled part, inside it when it fits. An optional
// derived gap labels the uncovered rest (未覆盖 22%（推算）). A thin line at
// the end of the tracks marks full coverage and is labelled 全覆盖 once, at
// the top; labels are wrapped so they never reach that line.

import { scaleLinear } from 'd3';
import type { DerivedFigure, Figure } from '../data/types.js';
import { figureParts, figureRuns, inlineStyle, type FigureStyle } from './figure-text.js';
import {
  ASCENT,
  DESCENT,
  el,
  resolveTheme,
  runsWidth,
  svgDocument,
  textLine,
  textWidth,
  wrapText,
  type BaseOptions,
  type Run,
} from './svg.js';

export interface CoverageRow {
  figure: Figure;
  /** The uncovered rest, e.g. a complement DerivedFigure labelled 未覆盖 */
  gap?: DerivedFigure;
}

export interface CoverageBarsOptions extends BaseOptions {
  /** default 640 */
  width?: number;
  /** default 26 */
  barHeight?: number;
  /** default 15 */
  labelSize?: number;
  /** Words for the full-coverage line; default 全覆盖 */
  fullLabel?: string;
}

const PAD = 8;
const ROW_GAP = 20;
const LABEL_GAP = 6;
const INSET = 7;
const LINE_HEIGHT = 1.45;

export function coverageBars(rows: readonly CoverageRow[], options: CoverageBarsOptions): string {
  const theme = resolveTheme('coverageBars', options);
  const { palette: c, sans, serif } = theme;
  if (!Array.isArray(rows) || rows.length === 0) throw new Error('coverageBars: expected at least one row, received none');
  rows.forEach(({ figure, gap }, i) => {
    if (figure.percent !== true || !(figure.value >= 0 && figure.value <= 100)) {
      throw new Error(`coverageBars: rows[${i}].figure "${figure.id}": expected a percentage from 0 to 100, received ${figureParts(figure).text}${figure.percent ? '' : ' (not a share of a whole)'}`);
    }
    if (gap && gap.percent !== true) throw new Error(`coverageBars: rows[${i}].gap "${gap.id}": expected a percentage (percent: true), received ${figureParts(gap).text}`);
  });
  const width = options.width ?? 640;
  const barHeight = options.barHeight ?? 26;
  const labelSize = options.labelSize ?? 15;
  const smallSize = 13;
  const fullLabel = options.fullLabel ?? '全覆盖';

  // 1. Horizontal frame: the track ends under the centre of the 全覆盖 label.
  const fullWidth = textWidth(fullLabel, smallSize);
  const x0 = PAD;
  const x1 = width - PAD - fullWidth / 2;
  const x = scaleLinear().domain([0, 100]).range([x0, x1]);
  const labelWidth = x1 - x0 - fullWidth / 2 - 12;
  if (labelWidth < 120) throw new Error(`coverageBars: options.width: ${width} is too narrow (need at least ${Math.ceil(width - labelWidth + 120)})`);

  const valueStyle = (fill: string): FigureStyle => ({
    prefix: { size: 13, family: sans, weight: 700, fill },
    number: { size: 18, family: serif, weight: 900, fill },
    middle: { size: 13, family: sans, weight: 700, fill },
    unit: { size: 14, family: serif, weight: 700, fill },
    suffix: { size: 13, family: sans, weight: 700, fill },
    mark: { size: 12, family: sans, weight: 400, fill },
  });

  // 2. Rows, top to bottom.
  let body = '';
  let y = PAD;
  const headerBaseline = y + ASCENT * smallSize;
  body += textLine(x1, headerBaseline, 'middle', [{ text: fullLabel, size: smallSize, family: sans, weight: 400, fill: c.grey }], 'full-label');
  const tickTop = headerBaseline + DESCENT * smallSize + 3;
  y = tickTop + 4;
  const desc: string[] = [];

  rows.forEach(({ figure, gap }) => {
    const parts = figureParts(figure);
    // Label lines
    const lines = wrapText(figure.label, labelWidth, labelSize);
    for (const line of lines) {
      y += ASCENT * labelSize;
      body += textLine(x0, y, 'start', [{ text: line, size: labelSize, family: sans, weight: 400, fill: c.ink }], 'label');
      y += DESCENT * labelSize + (LINE_HEIGHT - 1) * labelSize;
    }
    y += LABEL_GAP - (LINE_HEIGHT - 1) * labelSize;

    // Track and filled part
    const barY = y;
    const end = x(figure.value);
    body += el('rect', { class: 'bar-track', x: x0, y: barY, width: x1 - x0, height: barHeight, fill: c.track });
    body += el('rect', { class: 'bar-value', x: x0, y: barY, width: end - x0, height: barHeight, fill: c.red });

    // Printed value: inside the end of the filled part, or just after it.
    const baseline = barY + barHeight / 2 + 0.36 * 18;
    let runs = figureRuns(parts, valueStyle(c.paper));
    let after = end;
    if (runsWidth(runs) + 2 * INSET <= end - x0) {
      body += textLine(end - INSET, baseline, 'end', runs, 'value');
    } else {
      runs = figureRuns(parts, valueStyle(c.red));
      body += textLine(end + INSET, baseline, 'start', runs, 'value');
      after = end + INSET + runsWidth(runs);
    }

    // The uncovered rest: in the track when it fits, else under the bar.
    let bottom = barY + barHeight;
    let gapText = '';
    if (gap) {
      const gapParts = figureParts(gap);
      gapText = `${gap.label}${gapParts.text}`;
      const gapRuns: Run[] = [
        { text: `${gap.label} `, size: smallSize, family: sans, weight: 400, fill: c.grey },
        ...figureRuns(gapParts, inlineStyle(smallSize, sans, c.grey, c.grey)),
      ];
      const w = runsWidth(gapRuns);
      if (after + INSET + w <= x1 - INSET) {
        body += textLine(after + INSET, barY + barHeight / 2 + 0.36 * smallSize, 'start', gapRuns, 'gap');
      } else {
        const gx = Math.min(Math.max(end + INSET, x0), x1 - INSET - w);
        bottom += 4 + ASCENT * smallSize;
        body += textLine(gx, bottom, 'start', gapRuns, 'gap');
        bottom += DESCENT * smallSize;
      }
    }
    desc.push(`${figure.label}${parts.text}${gap ? `，${gapText}` : ''}`);
    y = bottom + ROW_GAP;
  });

  // 3. The full-coverage line over all rows, drawn last so it sits on the tracks.
  const last = y - ROW_GAP;
  body += el('line', { class: 'full-tick', x1, y1: tickTop, x2: x1, y2: last + 4, stroke: c.ink, 'stroke-width': 1 });
  const height = last + 4 + PAD;

  return svgDocument({
    theme,
    kind: 'coverage-bars',
    width,
    height,
    title: options.title ?? rows.map((r) => r.figure.label).join('、'),
    desc: `条形图，整条为${fullLabel}。${desc.join('；')}。`,
    body,
  });
}
