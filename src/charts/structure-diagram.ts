// The structure of the speech as a tree, read top to bottom:
//
//   the speech (root box)
//     ├─ the review: achievements (一是 …) and problems (一是 …), side by side
//     └─ each part (第一部分 + title): its items (（一）…)
//
// The root connects to the branch boxes through one horizontal bus. Under a
// branch, a vertical spine on the left feeds each item box with a short
// horizontal stub. All connectors are orthogonal. Every title is shown whole,
// wrapped; numbering uses Chinese ordinals only.
//
// Widths: each list gets the narrowest width that keeps it within a common
// height, found by bisection, and the spare width is shared out in proportion;
// so long lists get wide columns and the tree is about as tall everywhere.
// The height of the SVG follows the content.

import type { Structure, StructureItem } from '../data/types.js';
import { chineseOrdinal } from '../format.js';
import { ASCENT, el, num, resolveTheme, svgDocument, textLine, textWidth, wrapText, type BaseOptions, type Run } from './svg.js';

export interface StructureDiagramOptions extends BaseOptions {
  /** default 1000 */
  width?: number;
  /** Text of the root box; default 讲话 */
  root?: string;
  /** Captions of the two review lists; default 主要成绩 and 存在问题 */
  achievementsName?: string;
  problemsName?: string;
}

const PAD = 8;
const GAP = 20;
const BUS = 18;
const SPINE_INSET = 10;
const STUB = 12;
const ITEM_GAP = 8;
const BOX_PAD_X = 10;
const BOX_PAD_Y = 8;
const ITEM_SIZE = 14;
const HEAD_SIZE = 16;
const KICKER_SIZE = 13;
const CAPTION_SIZE = 13;
const ROOT_SIZE = 20;
const LINE_HEIGHT = 1.45;
/** A list is never narrower than six characters of item text. */
const MIN_LIST_WIDTH = SPINE_INSET + STUB + 2 * BOX_PAD_X + 6 * ITEM_SIZE;

interface ListSpec {
  caption: string;
  /** Narrowest width allowed, so that the branch heading above stays within two lines */
  minWidth: number;
  items: { marker: string; title: string }[];
}

interface ColumnSpec {
  heading: string;
  /** Small line above the heading, e.g. 第一部分 */
  kicker?: string;
  lists: ListSpec[];
}

const textBlock = (lines: number, size: number) => lines * size * LINE_HEIGHT - (LINE_HEIGHT - 1) * size;
const itemText = (it: { marker: string; title: string }) => `${it.marker}${it.title}`;
const boxTextWidth = (listWidth: number) => listWidth - SPINE_INSET - STUB - 2 * BOX_PAD_X;

/** Height of a list (caption and item boxes) at a given width. */
function listHeight(list: ListSpec, width: number): number {
  let h = CAPTION_SIZE + ITEM_GAP;
  for (const it of list.items) h += 2 * BOX_PAD_Y + textBlock(wrapText(itemText(it), boxTextWidth(width), ITEM_SIZE, it.marker.length).length, ITEM_SIZE) + ITEM_GAP;
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

export function structureDiagram(structure: Structure, options: StructureDiagramOptions): string {
  const theme = resolveTheme('structureDiagram', options);
  const { palette: c, sans } = theme;
  if (!structure?.review || !Array.isArray(structure.parts)) {
    throw new Error(`structureDiagram: expected a structure with review and parts, received ${JSON.stringify(structure)?.slice(0, 80)}`);
  }
  const width = options.width ?? 1000;
  const rootText = options.root ?? '讲话';
  const { review, parts } = structure;

  // 1. Columns and their lists. The review has two lists side by side.
  const headingWidth = (heading: string) => {
    let w = MIN_LIST_WIDTH;
    while (wrapText(heading, w - 2 * BOX_PAD_X, HEAD_SIZE).length > 2) w += HEAD_SIZE / 2;
    return w;
  };
  const reviewList = (items: StructureItem[], caption: string): ListSpec => ({
    caption,
    minWidth: MIN_LIST_WIDTH,
    items: items.map((it, i) => ({ marker: `${chineseOrdinal(i + 1)}是`, title: it.title })),
  });
  const columns: ColumnSpec[] = [
    {
      heading: review.title,
      lists: [reviewList(review.achievements, options.achievementsName ?? '主要成绩'), reviewList(review.problems, options.problemsName ?? '存在问题')],
    },
    ...parts.map((part, i) => ({
      kicker: `第${chineseOrdinal(i + 1)}部分`,
      heading: part.title,
      lists: [{ caption: part.itemsName, minWidth: headingWidth(part.title), items: part.items.map((it, j) => ({ marker: `（${chineseOrdinal(j + 1)}）`, title: it.title })) }],
    })),
  ];
  const lists = columns.flatMap((col) => col.lists);
  const available = width - 2 * PAD - GAP * (lists.length - 1);
  const floor = MIN_LIST_WIDTH * lists.length;
  if (available < floor) {
    throw new Error(`structureDiagram: options.width: ${width} is too narrow for ${lists.length} lists (need at least ${Math.ceil(width - available + floor)})`);
  }
  // Two-line headings are a wish: when the width is short, the wish shrinks.
  const wish = lists.reduce((sum, l) => sum + l.minWidth - MIN_LIST_WIDTH, 0);
  const share = wish > 0 ? Math.min(1, (available - floor) / wish) : 0;
  for (const l of lists) l.minWidth = MIN_LIST_WIDTH + (l.minWidth - MIN_LIST_WIDTH) * share;
  const listWidths = balanceWidths(lists, available);
  const listX: number[] = [];
  listWidths.reduce((x, w) => (listX.push(x), x + w + GAP), PAD);
  let k = 0;
  const frames = columns.map((col) => {
    const first = k;
    k += col.lists.length;
    const last = k - 1;
    return { x: listX[first]!, width: listX[last]! + listWidths[last]! - listX[first]!, first };
  });

  let body = '';
  let connectors = '';
  const line = (points: [number, number][]) =>
    el('polyline', { class: 'connector', points: points.map(([x, y]) => `${num(x)},${num(y)}`).join(' '), fill: 'none', stroke: c.grey, 'stroke-width': 1 });
  const plain = (text: string, size: number, weight: 400 | 700, fill: string): Run[] => [{ text, size, family: sans, weight, fill }];

  // 2. Root box, centred.
  const rootLines = wrapText(rootText, Math.min(width - 2 * PAD - 48, 640), ROOT_SIZE);
  const rootW = Math.min(width - 2 * PAD, Math.max(...rootLines.map((l) => textWidth(l, ROOT_SIZE)), ROOT_SIZE * 4) + 48);
  const rootH = 2 * 12 + textBlock(rootLines.length, ROOT_SIZE);
  body += el('rect', { class: 'root', x: (width - rootW) / 2, y: PAD, width: rootW, height: rootH, fill: c.red });
  rootLines.forEach((l, i) => {
    body += textLine(width / 2, PAD + 12 + ASCENT * ROOT_SIZE + i * ROOT_SIZE * LINE_HEIGHT, 'middle', plain(l, ROOT_SIZE, 700, c.paper), 'root-label');
  });
  const rootBottom = PAD + rootH;

  // 3. Branch boxes in one row, all as tall as the tallest, joined to the root by a bus.
  const heads = columns.map((col, i) => {
    const lines = wrapText(col.heading, frames[i]!.width - 2 * BOX_PAD_X, HEAD_SIZE);
    return { lines, h: (col.kicker ? KICKER_SIZE * LINE_HEIGHT : 0) + textBlock(lines.length, HEAD_SIZE) };
  });
  const branchTop = rootBottom + 2 * BUS;
  const branchH = Math.max(...heads.map((h) => h.h)) + 2 * 12;
  const busY = rootBottom + BUS;
  const centres = frames.map((f) => f.x + f.width / 2);
  connectors += line([[width / 2, rootBottom], [width / 2, busY]]);
  connectors += line([[Math.min(centres[0]!, width / 2), busY], [Math.max(centres[centres.length - 1]!, width / 2), busY]]);
  columns.forEach((col, i) => {
    const { x, width: w } = frames[i]!;
    const head = heads[i]!;
    connectors += line([[centres[i]!, busY], [centres[i]!, branchTop]]);
    body += el('rect', { class: 'branch', x, y: branchTop, width: w, height: branchH, fill: c.paper, stroke: c.red, 'stroke-width': 1.5 });
    body += el('rect', { class: 'branch-bar', x, y: branchTop, width: w, height: 4, fill: c.red });
    let y = branchTop + 2 + (branchH - head.h) / 2;
    if (col.kicker) {
      body += textLine(x + w / 2, y + ASCENT * KICKER_SIZE, 'middle', plain(col.kicker, KICKER_SIZE, 700, c.red), 'kicker');
      y += KICKER_SIZE * LINE_HEIGHT;
    }
    head.lines.forEach((l, j) => {
      body += textLine(x + w / 2, y + ASCENT * HEAD_SIZE + j * HEAD_SIZE * LINE_HEIGHT, 'middle', plain(l, HEAD_SIZE, 700, c.ink), 'heading');
    });
  });
  const branchBottom = branchTop + branchH;

  // 4. Lists under the branches: a caption, then item boxes fed by a spine.
  let bottom = branchBottom;
  lists.forEach((list, li) => {
    const lx = listX[li]!;
    const spineX = lx + SPINE_INSET;
    const boxX = spineX + STUB;
    const boxW = lx + listWidths[li]! - boxX;
    let y = branchBottom + 10;
    body += textLine(boxX, y + ASCENT * CAPTION_SIZE, 'start', plain(list.caption, CAPTION_SIZE, 700, c.grey), 'caption');
    y += CAPTION_SIZE + ITEM_GAP;
    let lastMid = y;
    for (const item of list.items) {
      const lines = wrapText(itemText(item), boxW - 2 * BOX_PAD_X, ITEM_SIZE, item.marker.length);
      const h = 2 * BOX_PAD_Y + textBlock(lines.length, ITEM_SIZE);
      body += el('rect', { class: 'item', x: boxX, y, width: boxW, height: h, fill: c.track });
      // The marker is the first characters of the text; draw them red.
      let markerLeft = item.marker.length;
      lines.forEach((l, j) => {
        const take = Math.min(markerLeft, l.length);
        markerLeft -= take;
        const runs: Run[] = [];
        if (take) runs.push(...plain(l.slice(0, take), ITEM_SIZE, 700, c.red));
        if (l.length > take) runs.push(...plain(l.slice(take), ITEM_SIZE, 400, c.ink));
        body += textLine(boxX + BOX_PAD_X, y + BOX_PAD_Y + ASCENT * ITEM_SIZE + j * ITEM_SIZE * LINE_HEIGHT, 'start', runs, 'item-label');
      });
      lastMid = y + h / 2;
      connectors += line([[spineX, lastMid], [boxX, lastMid]]);
      y += h + ITEM_GAP;
    }
    connectors += line([[spineX, branchBottom], [spineX, lastMid]]);
    bottom = Math.max(bottom, y - ITEM_GAP);
  });
  const height = bottom + PAD;

  const listText = (l: ListSpec) => `${l.caption}：${l.items.map(itemText).join('；')}`;
  const desc = columns.map((col) => `${col.kicker ? `${col.kicker}，` : ''}${col.heading}。${col.lists.map(listText).join('。')}`).join('。');

  return svgDocument({
    theme,
    kind: 'structure-diagram',
    width,
    height,
    title: options.title ?? `${rootText}结构`,
    desc: `结构图：${rootText}。${desc}。`,
    body: connectors + body,
  });
}
