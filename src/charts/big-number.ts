// A callout: the figure large, its label below.
//
// The qualifier, number, unit and suffix are one line of text (so it copies as
// 近40%), styled by part: qualifier small, number large serif red, unit medium.
// A short red rule separates the number from the wrapped label. An optional tag,
// a small boxed word above the number, says what kind of figure it is (目标, 约数).

import { displayStyle, figureParts, figureRuns, scaleStyle, type AnyFigure, type FigureStyle } from './figure-text.js';
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
  type Anchor,
  type BaseOptions,
} from './svg.js';

export interface BigNumberOptions extends BaseOptions {
  /** default 360 */
  width?: number;
  /** Fixed height; the number shrinks to fit. Default: as tall as the content. */
  height?: number;
  /** Text below the number; default figure.label */
  label?: string;
  /** default 'middle' */
  align?: 'start' | 'middle';
  /** Font size of the number; default 72. Shrinks to fit the width. */
  numberSize?: number;
  /** default 16 */
  labelSize?: number;
  /** A small boxed word above the number, e.g. 目标 for a target or 约数 for an approximate figure */
  tag?: string;
}

const PAD = 8;
const RULE_GAP = 10;
const RULE_HEIGHT = 3;
const RULE_WIDTH = 40;
const LINE_HEIGHT = 1.5;
const MIN_NUMBER_SIZE = 16;
const TAG_SIZE = 13;
const TAG_PAD_X = 6;
const TAG_PAD_Y = 3;
const TAG_GAP = 8;

export function bigNumber(figure: AnyFigure, options: BigNumberOptions): string {
  const theme = resolveTheme('bigNumber', options);
  const { palette: c, sans } = theme;
  const width = options.width ?? 360;
  const labelSize = options.labelSize ?? 16;
  const align: Anchor = options.align ?? 'middle';
  if (!(width > 2 * PAD + 40)) throw new Error(`bigNumber: options.width: expected at least ${2 * PAD + 40}, received ${width}`);
  const tag = options.tag ?? '';
  if (typeof tag !== 'string' || /\n/.test(tag)) throw new Error(`bigNumber: options.tag: expected one short line of text such as "目标", received ${JSON.stringify(options.tag)}`);
  const tagWidth = tag ? textWidth(tag, TAG_SIZE) + 2 * TAG_PAD_X : 0;
  if (tagWidth > width - 2 * PAD) throw new Error(`bigNumber: options.tag: "${tag}" is wider than the callout (width ${width}); use a word or two`);

  const parts = figureParts(figure);
  const label = options.label ?? figure.label;
  const base: FigureStyle = displayStyle(theme, 1, { qualifier: 0.36, unit: 0.46, mark: 0.26 });

  // 1. Number size: as asked, then shrunk to the width.
  const inner = width - 2 * PAD;
  let size = options.numberSize ?? 72;
  const unitWidth = runsWidth(figureRuns(parts, base));
  size = Math.min(size, inner / unitWidth);

  // 2. Tag and label lines, and the height they need.
  const tagBlock = tag ? TAG_SIZE + 2 * TAG_PAD_Y + TAG_GAP : 0;
  const lines = label ? wrapText(label, inner, labelSize) : [];
  const labelBlock = lines.length ? RULE_GAP + lines.length * labelSize * LINE_HEIGHT : 0;
  const need = (n: number) => PAD + tagBlock + n + RULE_GAP + RULE_HEIGHT + labelBlock + PAD;

  // 3. A fixed height shrinks the number; content is centred vertically.
  let height = need(size);
  let top = PAD;
  if (options.height !== undefined) {
    if (need(size) > options.height) size = options.height - (need(size) - size);
    if (size < MIN_NUMBER_SIZE) {
      throw new Error(`bigNumber: options.height: ${options.height} is too small for the label "${label}"${tag ? ` and the tag "${tag}"` : ''} (leave it out to size the callout to its content)`);
    }
    height = options.height;
    top = (height - need(size)) / 2 + PAD;
  }

  const runs = figureRuns(parts, scaleStyle(base, size));
  const x = align === 'middle' ? width / 2 : PAD;
  let body = '';
  // 4. The tag: red word in a red outline, above the number.
  if (tag) {
    const tagX = align === 'middle' ? width / 2 - tagWidth / 2 : PAD;
    body += el('rect', { class: 'tag-box', x: tagX, y: top, width: tagWidth, height: TAG_SIZE + 2 * TAG_PAD_Y, fill: c.paper, stroke: c.red, 'stroke-width': 1 });
    body += textLine(tagX + TAG_PAD_X, top + TAG_PAD_Y + ASCENT * TAG_SIZE, 'start', [{ text: tag, size: TAG_SIZE, family: sans, weight: 700, fill: c.red }], 'tag');
  }
  const baseline = top + tagBlock + ASCENT * size;
  const ruleY = baseline + DESCENT * size + RULE_GAP;
  body += textLine(x, baseline, align, runs, 'figure');
  body += el('rect', {
    class: 'rule',
    x: align === 'middle' ? width / 2 - RULE_WIDTH / 2 : PAD,
    y: ruleY,
    width: RULE_WIDTH,
    height: RULE_HEIGHT,
    fill: c.red,
  });
  let y = ruleY + RULE_HEIGHT + RULE_GAP + (LINE_HEIGHT - 1) * labelSize * 0.5 + ASCENT * labelSize;
  for (const line of lines) {
    body += textLine(x, y, align, [{ text: line, size: labelSize, family: sans, weight: 400, fill: c.ink }], 'label');
    y += labelSize * LINE_HEIGHT;
  }

  return svgDocument({
    theme,
    kind: 'big-number',
    width,
    height,
    title: options.title ?? label,
    desc: `${label}：${parts.text}${tag ? `（${tag}）` : ''}。`,
    body,
  });
}
