// The structure of the speech as a tree: the root box, one column per
// top-level section, and under each column its items.
//
// A column's heading is the section's number and title as the speech prints
// them (一、切实增强…), or the title alone. Under it: when every child section
// has children of its own, one list per child side by side (主要成绩 / 存在问题
// with their 一是… items); otherwise one list of the children, captioned with
// the section's itemsName. Levels below the items are not drawn; the desc
// names them. Nothing is counted by position: every number shown is the
// speech's own, drawn red.
//
// Two layouts:
//   horizontal: the root box, a bus, the headings in a row and the lists under
//     them. Each list first gets what keeps its heading within two lines and
//     its short items on one, as far as the width allows; above that, the
//     narrowest width that keeps it within a common height, found by
//     bisection, and the spare width is shared out, so long lists get wide
//     columns and the tree is about as tall everywhere.
//   vertical: when the lists do not fit the width, or a heading or an item
//     would wrap into too many lines. The root on top, then one full-width row
//     per section: its heading box on the left, a fixed share of the width,
//     its items flowing in boxes to the right, wrapped; a spine on the left
//     joins the rows to the root. A heading with no items, or too long for
//     the side, goes across its row, its items below it. Fits any number of
//     sections at any width from MIN_WIDTH up.
// All connectors are orthogonal; every title is shown whole, wrapped. The
// height of the SVG follows the content.

import type { Section } from '../data/types.js';
import { ASCENT, el, num, resolveTheme, svgDocument, textLine, textWidth, wrapText, type BaseOptions, type Palette, type Run, type Weight } from './svg.js';

export interface StructureDiagramOptions extends BaseOptions {
  /** default 1000 */
  width?: number;
  /** Text of the root box; default 讲话 */
  root?: string;
}

/** Narrowest width the vertical layout is drawn at. */
export const MIN_WIDTH = 320;

const PAD = 8;
const GAP = 20;
const BUS = 18;
const SPINE_INSET = 10;
const STUB = 12;
const ITEM_GAP = 8;
const BOX_PAD_X = 10;
const BOX_PAD_Y = 8;
const HEAD_PAD_Y = 12;
const ITEM_SIZE = 14;
const HEAD_SIZE = 16;
const CAPTION_SIZE = 13;
const ROOT_SIZE = 20;
const LINE_HEIGHT = 1.45;
/** A list is never narrower than six characters of item text. */
const MIN_LIST_WIDTH = SPINE_INSET + STUB + 2 * BOX_PAD_X + 6 * ITEM_SIZE;
/** Beyond these, the horizontal layout reads badly and the vertical one is used. */
const MAX_HEAD_LINES = 4;
const MAX_ITEM_LINES = 8;
/** Vertical layout: the heading column's share of a row, and its least width. */
const HEAD_SHARE = 0.3;
const MIN_HEAD_WIDTH = 96;
const ROW_GAP = 14;
const LIST_GAP = 10;
/** Vertical layout: a heading longer than this many lines goes across the row, above its items. */
const MAX_SIDE_HEAD_LINES = 6;
/** Horizontal layout: items and empty headings this short are kept on one line where the width allows. */
const SHORT_ITEM = 8;
const SHORT_HEADING = 12;

/** A numbered text: the number as the speech prints it (drawn red) and the title. */
interface Marked {
  marker: string;
  title: string;
}

interface Item extends Marked {
  /** Sections below the item: not drawn, named in the desc */
  deeper: Section[];
}

interface ListSpec {
  caption: string;
  /** Horizontal layout: the narrowest width it gets (its wish for its heading and short items, as far as the width allows) */
  minWidth: number;
  items: Item[];
}

interface ColumnSpec extends Marked {
  lists: ListSpec[];
}

interface Drawing {
  layout: 'horizontal' | 'vertical';
  height: number;
  body: string;
  connectors: string;
}

const textBlock = (lines: number, size: number) => lines * size * LINE_HEIGHT - (LINE_HEIGHT - 1) * size;
const fullText = (m: Marked) => `${m.marker}${m.title}`;
const wrapMarked = (m: Marked, width: number, size: number) => wrapText(fullText(m), width, size, m.marker.length);
const boxTextWidth = (listWidth: number) => listWidth - SPINE_INSET - STUB - 2 * BOX_PAD_X;
const marked = (s: Section): Marked => ({ marker: (s.number ?? '').trim(), title: s.title });

/** Check the tree: every section has a title (or a number) and a list of sections. */
function check(sections: unknown, path: string): asserts sections is Section[] {
  if (!Array.isArray(sections)) throw new Error(`structureDiagram: ${path}: expected an array of sections, received ${JSON.stringify(sections)?.slice(0, 80)}`);
  sections.forEach((s: Partial<Section> | undefined, i) => {
    const at = `${path}[${i}]`;
    if (typeof s !== 'object' || s === null) throw new Error(`structureDiagram: ${at}: expected a section, received ${JSON.stringify(s)}`);
    if (typeof s.title !== 'string') throw new Error(`structureDiagram: ${at}.title: expected text, received ${JSON.stringify(s.title)}`);
    if (s.number !== undefined && typeof s.number !== 'string') throw new Error(`structureDiagram: ${at}.number: expected text such as "一、", received ${JSON.stringify(s.number)}`);
    if (`${s.number ?? ''}${s.title}`.trim() === '') throw new Error(`structureDiagram: ${at} "${s.id}": expected a title or a number, received neither`);
    check(s.sections, `${at}.sections`);
  });
}

/** The lines of a numbered text as runs, the marker's characters red and bold. */
function markedLines(m: Marked, lines: string[], size: number, weight: Weight, family: string, ink: string, red: string): Run[][] {
  let left = m.marker.length;
  return lines.map((l) => {
    const take = Math.min(left, l.length);
    left -= take;
    const runs: Run[] = [];
    if (take) runs.push({ text: l.slice(0, take), size, family, weight: 700, fill: red });
    if (l.length > take) runs.push({ text: l.slice(take), size, family, weight, fill: ink });
    return runs;
  });
}

/** Height of a horizontal list (caption and item boxes) at a given width. */
function listHeight(list: ListSpec, width: number): number {
  if (list.items.length === 0) return 0;
  let h = list.caption ? textBlock(wrapText(list.caption, width - SPINE_INSET - STUB, CAPTION_SIZE).length, CAPTION_SIZE) + ITEM_GAP : 0;
  for (const it of list.items) h += 2 * BOX_PAD_Y + textBlock(wrapMarked(it, boxTextWidth(width), ITEM_SIZE).length, ITEM_SIZE) + ITEM_GAP;
  return h - ITEM_GAP;
}

/** Narrowest width (to a pixel) in [min, max] at which the list fits in height h, or undefined. */
function widthFor(list: ListSpec, h: number, min: number, max: number): number | undefined {
  if (listHeight(list, max) > h) return undefined;
  let lo = min;
  let hi = max;
  if (listHeight(list, lo) <= h) return lo;
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (listHeight(list, mid) <= h) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Share the available width among the lists so the tallest is as short as can be. */
function balanceWidths(lists: ListSpec[], available: number): number[] {
  const minTotal = lists.reduce((sum, l) => sum + l.minWidth, 0);
  const fits = (h: number) => {
    const widths: number[] = [];
    for (const l of lists) {
      const w = widthFor(l, h, l.minWidth, available - minTotal + l.minWidth);
      if (w === undefined) return undefined;
      widths.push(w);
    }
    return widths.reduce((a, b) => a + b, 0) <= available ? widths : undefined;
  };
  let lo = 0;
  let hi = Math.max(...lists.map((l) => listHeight(l, l.minWidth)));
  let widths = fits(hi) ?? lists.map(() => available / lists.length);
  for (let i = 0; i < 24 && hi - lo > 0.5; i++) {
    const mid = (lo + hi) / 2;
    const w = fits(mid);
    if (w) {
      hi = mid;
      widths = w;
    } else {
      lo = mid;
    }
  }
  // Spend spare width where it saves lines most cheaply (short lists go to one line per item).
  let spare = available - widths.reduce((a, b) => a + b, 0);
  for (;;) {
    let bestIndex = -1;
    let bestWidth = 0;
    let bestRate = Infinity;
    lists.forEach((l, i) => {
      const w = widths[i]!;
      const h = listHeight(l, w);
      if (h === 0) return;
      const wider = widthFor(l, h - 1, w, w + spare);
      if (wider === undefined) return;
      const rate = (wider - w) / (h - listHeight(l, wider));
      if (rate < bestRate) {
        bestRate = rate;
        bestIndex = i;
        bestWidth = wider;
      }
    });
    if (bestIndex < 0) break;
    spare -= bestWidth - widths[bestIndex]!;
    widths[bestIndex] = bestWidth;
  }
  const total = widths.reduce((a, b) => a + b, 0);
  return widths.map((w) => w + (spare * w) / total);
}

export function structureDiagram(sections: Section[], options: StructureDiagramOptions): string {
  const theme = resolveTheme('structureDiagram', options);
  const { palette: c, sans } = theme;
  check(sections, 'sections');
  if (sections.length === 0) throw new Error('structureDiagram: sections: expected at least one section, received none (leave the diagram out when the speech has no parts)');
  const width = options.width ?? 1000;
  if (!(width >= MIN_WIDTH)) throw new Error(`structureDiagram: options.width: expected at least ${MIN_WIDTH}, received ${width}`);
  const rootText = options.root ?? '讲话';
  if (typeof rootText !== 'string' || rootText.trim() === '') throw new Error(`structureDiagram: options.root: expected text for the root box, received ${JSON.stringify(options.root)}`);

  // 1. Columns and their lists: groups side by side when every child has children, else one list.
  const item = (s: Section): Item => ({ ...marked(s), deeper: s.sections });
  const columns: ColumnSpec[] = sections.map((s) => {
    const kids = s.sections;
    const lists: ListSpec[] =
      kids.length === 0
        ? []
        : kids.every((k) => k.sections.length > 0)
          ? kids.map((k) => ({ caption: fullText(marked(k)), minWidth: MIN_LIST_WIDTH, items: k.sections.map(item) }))
          : [{ caption: s.itemsName ?? '', minWidth: MIN_LIST_WIDTH, items: kids.map(item) }];
    return { ...marked(s), lists };
  });

  const tools = {
    line: (points: [number, number][]) =>
      el('polyline', { class: 'connector', points: points.map(([x, y]) => `${num(x)},${num(y)}`).join(' '), fill: 'none', stroke: c.grey, 'stroke-width': 1 }),
    plain: (text: string, size: number, weight: Weight, fill: string): Run[] => [{ text, size, family: sans, weight, fill }],
    runs: (m: Marked, lines: string[], size: number, weight: Weight) => markedLines(m, lines, size, weight, sans, c.ink, c.red),
  };

  // 2. The horizontal tree where it fits and reads well, else the vertical one.
  const drawing = horizontal(columns, width, rootText, theme.palette, tools) ?? vertical(columns, width, rootText, theme.palette, tools);

  // 3. The desc names every section, the levels not drawn included.
  const deeper = (ss: Section[]): string => (ss.length ? `（其下：${ss.map((s) => `${fullText(marked(s))}${deeper(s.sections)}`).join('；')}）` : '');
  const listText = (l: ListSpec) => `${l.caption ? `${l.caption}：` : ''}${l.items.map((it) => `${fullText(it)}${deeper(it.deeper)}`).join('；')}`;
  const desc = columns.map((col) => [fullText(col), ...col.lists.map(listText)].join('。')).join('。');

  return svgDocument({
    theme,
    kind: 'structure-diagram',
    width,
    height: drawing.height,
    title: options.title ?? `${rootText}结构`,
    desc: `结构图：${rootText}。${desc}。`,
    body: `<g class="layout-${drawing.layout}">${drawing.connectors}${drawing.body}</g>`,
  });
}

interface Tools {
  line: (points: [number, number][]) => string;
  plain: (text: string, size: number, weight: Weight, fill: string) => Run[];
  runs: (m: Marked, lines: string[], size: number, weight: Weight) => Run[][];
}

/** The root box, wrapped, at the top: centred, or from the left. */
function rootBox(text: string, width: number, align: 'middle' | 'start', c: Palette, t: Tools) {
  const lines = wrapText(text, Math.min(width - 2 * PAD - 48, 640), ROOT_SIZE);
  const w = Math.min(width - 2 * PAD, Math.max(...lines.map((l) => textWidth(l, ROOT_SIZE)), ROOT_SIZE * 4) + 48);
  const h = 2 * 12 + textBlock(lines.length, ROOT_SIZE);
  const x = align === 'middle' ? (width - w) / 2 : PAD;
  let body = el('rect', { class: 'root', x, y: PAD, width: w, height: h, fill: c.red });
  lines.forEach((l, i) => {
    body += textLine(x + w / 2, PAD + 12 + ASCENT * ROOT_SIZE + i * ROOT_SIZE * LINE_HEIGHT, 'middle', t.plain(l, ROOT_SIZE, 700, c.paper), 'root-label');
  });
  return { body, bottom: PAD + h };
}

/** An item box with its wrapped text, the marker red. */
function itemBox(it: Marked, x: number, y: number, w: number, h: number, c: Palette, t: Tools): string {
  const lines = wrapMarked(it, w - 2 * BOX_PAD_X, ITEM_SIZE);
  let body = el('rect', { class: 'item', x, y, width: w, height: h, fill: c.track });
  t.runs(it, lines, ITEM_SIZE, 400).forEach((runs, j) => {
    body += textLine(x + BOX_PAD_X, y + BOX_PAD_Y + ASCENT * ITEM_SIZE + j * ITEM_SIZE * LINE_HEIGHT, 'start', runs, 'item-label');
  });
  return body;
}

const itemHeight = (it: Marked, w: number) => 2 * BOX_PAD_Y + textBlock(wrapMarked(it, w - 2 * BOX_PAD_X, ITEM_SIZE).length, ITEM_SIZE);

/** The horizontal tree, or undefined when the lists do not fit the width or would read badly. */
function horizontal(columns: ColumnSpec[], width: number, rootText: string, c: Palette, t: Tools): Drawing | undefined {
  // 1. One slot per list; a column without items is one empty slot. Each slot wishes for the width
  // that keeps its heading within two lines (one, for a short heading with nothing under it) and its
  // short items on one line.
  const headingWidth = (col: ColumnSpec, lines: number) => {
    let w = MIN_LIST_WIDTH;
    while (wrapMarked(col, w - 2 * BOX_PAD_X, HEAD_SIZE).length > lines) w += HEAD_SIZE / 2;
    return w;
  };
  const shortItems = (l: ListSpec) =>
    Math.max(0, ...l.items.filter((it) => [...fullText(it)].length <= SHORT_ITEM).map((it) => textWidth(fullText(it), ITEM_SIZE) + SPINE_INSET + STUB + 2 * BOX_PAD_X + 1));
  const slots = columns.map((col) => {
    const lists = col.lists.length ? col.lists.map((l) => ({ ...l })) : [{ caption: '', minWidth: MIN_LIST_WIDTH, items: [] }];
    const lines = col.lists.length === 0 && [...fullText(col)].length <= SHORT_HEADING ? 1 : 2;
    const want = (headingWidth(col, lines) - GAP * (lists.length - 1)) / lists.length;
    for (const l of lists) l.minWidth = Math.max(MIN_LIST_WIDTH, want, shortItems(l));
    return lists;
  });
  const lists = slots.flat();
  const available = width - 2 * PAD - GAP * (lists.length - 1);
  const floor = MIN_LIST_WIDTH * lists.length;
  if (available < floor) return undefined;
  // When the width is short the wishes shrink, the smallest granted first (so a short item stays
  // whole) and the rest shared evenly.
  let budget = available - floor;
  const order = lists.map((_, i) => i).sort((a, b) => lists[a]!.minWidth - lists[b]!.minWidth);
  order.forEach((i, k) => {
    const l = lists[i]!;
    const grant = Math.min(l.minWidth - MIN_LIST_WIDTH, budget / (order.length - k));
    l.minWidth = MIN_LIST_WIDTH + grant;
    budget -= grant;
  });
  const listWidths = balanceWidths(lists, available);
  const listX: number[] = [];
  listWidths.reduce((x, w) => (listX.push(x), x + w + GAP), PAD);
  let k = 0;
  const frames = slots.map((s) => {
    const first = k;
    k += s.length;
    const last = k - 1;
    return { x: listX[first]!, width: listX[last]! + listWidths[last]! - listX[first]! };
  });

  // 2. Too many lines in a heading or an item: the vertical layout reads better.
  const heads = columns.map((col, i) => wrapMarked(col, frames[i]!.width - 2 * BOX_PAD_X, HEAD_SIZE));
  if (heads.some((h) => h.length > MAX_HEAD_LINES)) return undefined;
  for (const [i, l] of lists.entries()) {
    for (const it of l.items) if (wrapMarked(it, boxTextWidth(listWidths[i]!), ITEM_SIZE).length > MAX_ITEM_LINES) return undefined;
  }

  // 3. Root box, centred.
  const root = rootBox(rootText, width, 'middle', c, t);
  let body = root.body;
  let connectors = '';

  // 4. Branch boxes in one row, all as tall as the tallest, joined to the root by a bus.
  const branchTop = root.bottom + 2 * BUS;
  const branchH = Math.max(...heads.map((h) => textBlock(h.length, HEAD_SIZE))) + 2 * HEAD_PAD_Y;
  const busY = root.bottom + BUS;
  const centres = frames.map((f) => f.x + f.width / 2);
  connectors += t.line([[width / 2, root.bottom], [width / 2, busY]]);
  connectors += t.line([[Math.min(centres[0]!, width / 2), busY], [Math.max(centres[centres.length - 1]!, width / 2), busY]]);
  columns.forEach((col, i) => {
    const { x, width: w } = frames[i]!;
    const lines = heads[i]!;
    connectors += t.line([[centres[i]!, busY], [centres[i]!, branchTop]]);
    body += el('rect', { class: 'branch', x, y: branchTop, width: w, height: branchH, fill: c.paper, stroke: c.red, 'stroke-width': 1.5 });
    body += el('rect', { class: 'branch-bar', x, y: branchTop, width: w, height: 4, fill: c.red });
    const y = branchTop + 2 + (branchH - textBlock(lines.length, HEAD_SIZE)) / 2;
    t.runs(col, lines, HEAD_SIZE, 700).forEach((runs, j) => {
      body += textLine(x + w / 2, y + ASCENT * HEAD_SIZE + j * HEAD_SIZE * LINE_HEIGHT, 'middle', runs, 'heading');
    });
  });
  const branchBottom = branchTop + branchH;

  // 5. Lists under the branches: a caption, then item boxes fed by a spine.
  let bottom = branchBottom;
  lists.forEach((list, li) => {
    if (list.items.length === 0) return;
    const lx = listX[li]!;
    const spineX = lx + SPINE_INSET;
    const boxX = spineX + STUB;
    const boxW = lx + listWidths[li]! - boxX;
    let y = branchBottom + 10;
    if (list.caption) {
      const caption = wrapText(list.caption, boxW, CAPTION_SIZE);
      caption.forEach((l, j) => {
        body += textLine(boxX, y + ASCENT * CAPTION_SIZE + j * CAPTION_SIZE * LINE_HEIGHT, 'start', t.plain(l, CAPTION_SIZE, 700, c.grey), 'caption');
      });
      y += textBlock(caption.length, CAPTION_SIZE) + ITEM_GAP;
    }
    let lastMid = y;
    for (const it of list.items) {
      const h = itemHeight(it, boxW);
      body += itemBox(it, boxX, y, boxW, h, c, t);
      lastMid = y + h / 2;
      connectors += t.line([[spineX, lastMid], [boxX, lastMid]]);
      y += h + ITEM_GAP;
    }
    connectors += t.line([[spineX, branchBottom], [spineX, lastMid]]);
    bottom = Math.max(bottom, y - ITEM_GAP);
  });
  return { layout: 'horizontal', height: bottom + PAD, body, connectors };
}

/** Item boxes flowing left to right in lines, each line stretched to the full width; boxes in a line share its height. */
function flow(items: Marked[], x0: number, y0: number, width: number, c: Palette, t: Tools): { body: string; height: number } {
  const natural = items.map((it) => Math.min(width, textWidth(fullText(it), ITEM_SIZE) + 2 * BOX_PAD_X + 1));
  const rows: number[][] = [];
  let used = 0;
  natural.forEach((w, i) => {
    const row = rows[rows.length - 1];
    if (row && used + ITEM_GAP + w <= width) {
      row.push(i);
      used += ITEM_GAP + w;
    } else {
      rows.push([i]);
      used = w;
    }
  });
  let body = '';
  let y = y0;
  for (const row of rows) {
    const sum = row.reduce((s, i) => s + natural[i]!, 0);
    const spare = width - sum - ITEM_GAP * (row.length - 1);
    const widths = row.map((i) => natural[i]! + (spare * natural[i]!) / sum);
    const h = Math.max(...row.map((i, j) => itemHeight(items[i]!, widths[j]!)));
    let x = x0;
    row.forEach((i, j) => {
      body += itemBox(items[i]!, x, y, widths[j]!, h, c, t);
      x += widths[j]! + ITEM_GAP;
    });
    y += h + ITEM_GAP;
  }
  return { body, height: y - ITEM_GAP - y0 };
}

/** The vertical tree: the root on top, a spine down the left, one row per section. */
function vertical(columns: ColumnSpec[], width: number, rootText: string, c: Palette, t: Tools): Drawing {
  const headSize = width < 480 ? 14 : HEAD_SIZE;
  const spineX = PAD + SPINE_INSET;
  const headX = spineX + STUB;
  const rowWidth = width - PAD - headX;
  const headW = Math.max(MIN_HEAD_WIDTH, Math.round(rowWidth * HEAD_SHARE));
  const itemsX = headX + headW + STUB;

  // 1. Root box, from the left; the spine hangs from it.
  const root = rootBox(rootText, width, 'start', c, t);
  let body = root.body;
  let connectors = '';
  let y = root.bottom + BUS;
  let lastMid = y;

  // 2. Rows: the heading box on the left, captions and item flows to its right. A heading with no
  // items, or too long for the side, goes across the row; its items (if any) flow below it, indented.
  for (const col of columns) {
    const side = wrapMarked(col, headW - 2 * BOX_PAD_X - 4, headSize);
    const across = col.lists.length === 0 || side.length > MAX_SIDE_HEAD_LINES;
    const w = across ? rowWidth : headW;
    const lines = across ? wrapMarked(col, w - 2 * BOX_PAD_X - 4, headSize) : side;
    const headH = textBlock(lines.length, headSize) + 2 * BOX_PAD_Y + 4;
    const ix = across ? headX + STUB : itemsX;
    const iw = width - PAD - ix;
    let items = '';
    let iy = across ? y + headH + ITEM_GAP : y;
    col.lists.forEach((list, i) => {
      if (i > 0) iy += LIST_GAP;
      if (list.caption) {
        const caption = wrapText(list.caption, iw, CAPTION_SIZE);
        caption.forEach((l, j) => {
          items += textLine(ix, iy + ASCENT * CAPTION_SIZE + j * CAPTION_SIZE * LINE_HEIGHT, 'start', t.plain(l, CAPTION_SIZE, 700, c.grey), 'caption');
        });
        iy += textBlock(caption.length, CAPTION_SIZE) + 6;
      }
      const f = flow(list.items, ix, iy, iw, c, t);
      items += f.body;
      iy += f.height;
    });
    // A side heading is as tall as its items; one across the row keeps its own height.
    const boxH = across ? headH : Math.max(headH, iy - y);
    body += el('rect', { class: 'branch', x: headX, y, width: w, height: boxH, fill: c.paper, stroke: c.red, 'stroke-width': 1.5 });
    body += el('rect', { class: 'branch-bar', x: headX, y, width: 4, height: boxH, fill: c.red });
    const ty = y + (boxH - textBlock(lines.length, headSize)) / 2;
    t.runs(col, lines, headSize, 700).forEach((runs, j) => {
      body += textLine(headX + 4 + BOX_PAD_X, ty + ASCENT * headSize + j * headSize * LINE_HEIGHT, 'start', runs, 'heading');
    });
    body += items;
    lastMid = y + boxH / 2;
    connectors += t.line([[spineX, lastMid], [headX, lastMid]]);
    y = Math.max(y + boxH, iy) + ROW_GAP;
  }
  connectors += t.line([[spineX, root.bottom], [spineX, lastMid]]);
  return { layout: 'vertical', height: y - ROW_GAP + PAD, body, connectors };
}
