// The outputs shushuo knows, by the names `render --only` takes.

import { UserError } from '../errors.js';

export interface PageSize {
  /** Trim size in mm */
  widthMm: number;
  heightMm: number;
}

export interface OutputSpec {
  name: string;
  /** briefing: a multi-page document in one of the LAYOUTS; poster: one sheet; wechat, card: screen images */
  kind: 'briefing' | 'poster' | 'wechat' | 'card';
  /** Template file in templates/, without .hbs */
  template: string;
  page: PageSize;
  /** Files written: <name>.pdf and/or <name>.png */
  pdf: boolean;
  png?: { dpi: number };
  /** Add bookmarks from the headings */
  outline: boolean;
  /** Rendered when no --only is given; big sizes are rendered on request */
  default: boolean;
  /** Cards: the id of the figure the card shows */
  figure?: string;
  /** PNG as tall as its content; page.heightMm is the least height */
  autoHeight?: boolean;
}

/** A name `--only` does not know: a user error, raised before anything renders. */
export class OutputNameError extends UserError {
  constructor(message: string) {
    super(message, { place: { field: /^--[a-z]+/.exec(message)?.[0] } });
    this.name = 'OutputNameError';
  }
}

const A4 = { widthMm: 210, heightMm: 297 };

const poster = (name: string, widthMm: number, heightMm: number, dpi: number, isDefault: boolean): OutputSpec => ({
  name, kind: 'poster', template: 'poster', page: { widthMm, heightMm }, pdf: true, png: { dpi }, outline: false, default: isDefault,
});

/** Screen images are sized in pixels and stored at 72 dpi: the page is px / 72 inches. */
const SCREEN_DPI = 72;
const screen = (name: string, kind: 'wechat' | 'card', template: string, widthPx: number, heightPx: number, figure?: string): OutputSpec => ({
  name, kind, template, page: { widthMm: (widthPx / SCREEN_DPI) * 25.4, heightMm: (heightPx / SCREEN_DPI) * 25.4 },
  pdf: false, png: { dpi: SCREEN_DPI }, outline: false, default: true, ...(figure ? { figure } : {}),
});

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'briefing', kind: 'briefing', template: 'briefing', page: A4, pdf: true, outline: true, default: true },
  { name: 'briefing-gongwen', kind: 'briefing', template: 'gongwen', page: A4, pdf: true, outline: true, default: true },
  // Print posters at 300 dpi; large-format boards (写真/喷绘) at the resolutions they are printed at.
  poster('poster-a3', 297, 420, 300, true),
  poster('poster-a2', 420, 594, 300, true),
  poster('poster-a1', 594, 841, 300, false),
  poster('poster-a0', 841, 1189, 300, false),
  poster('board-600x800', 600, 800, 150, false),
  poster('board-1200x2000', 1200, 2000, 96, false),
  poster('board-2000x3000', 2000, 3000, 72, false),
  // WeChat official account: the cover (2.35:1) and the square cover.
  screen('wechat-cover', 'wechat', 'wechat-cover', 900, 383),
  screen('wechat-square', 'wechat', 'wechat-square', 500, 500),
  // The long image for an article: 1080 px wide, as tall as all the key figures need.
  { ...screen('wechat-long', 'wechat', 'wechat-long', 1080, 1920), autoHeight: true },
];

/** A card per key figure, square and portrait: card-<figure id>-square, card-<figure id>-portrait. */
export function cardOutputs(figureIds: string[]): OutputSpec[] {
  return figureIds.flatMap((id) => [
    screen(`card-${id}-square`, 'card', 'card', 1080, 1080, id),
    screen(`card-${id}-portrait`, 'card', 'card', 1080, 1350, id),
  ]);
}

/** Card names, before the data says which figures there are. */
export const CARD_NAME = /^card-(.+)-(square|portrait)$/;

/** Briefing layouts, by the name `--layout` takes: the 工作通报 and the GB/T 9704 official document. */
export const LAYOUTS = ['briefing', 'gongwen'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Pixel size = round(mm / 25.4 × dpi) */
export function pixelSize(page: PageSize, dpi: number): { width: number; height: number } {
  return { width: Math.round((page.widthMm / 25.4) * dpi), height: Math.round((page.heightMm / 25.4) * dpi) };
}

/**
 * Pick outputs by name and briefing layout; unknown names are an error that lists the known ones.
 * `layout` keeps only the briefings in that layout; other outputs stay. Without figure ids (before
 * the data is read) any card name passes; with them, only the cards of those figures.
 */
export function selectOutputs(only?: string[], layout?: string, figureIds?: string[]): OutputSpec[] {
  if (layout !== undefined && !(LAYOUTS as readonly string[]).includes(layout)) {
    throw new OutputNameError(`--layout: expected one of ${LAYOUTS.join(', ')}, received ${layout}`);
  }
  const all = [...OUTPUTS, ...cardOutputs(figureIds ?? [])];
  const known = (n: string) => all.some((o) => o.name === n) || n in TEMPLATE_GROUPS || (!figureIds && CARD_NAME.test(n));
  const unknown = (only ?? []).filter((n) => !known(n));
  if (unknown.length > 0) {
    const cards = figureIds ? `card-<figure id>-square|portrait for the figures ${figureIds.join(', ')}` : 'card-<figure id>-square|portrait';
    throw new OutputNameError(`--only: expected names from ${OUTPUTS.map((o) => o.name).join(', ')}, ${cards}; or groups: ${Object.keys(TEMPLATE_GROUPS).join(', ')}; received ${unknown.join(', ')}`);
  }
  const named = only && only.length > 0;
  const wanted = new Set((only ?? []).flatMap((n) => namedOutputs(n, all).map((o) => o.name)));
  const picked = all.filter((o) => (named ? wanted.has(o.name) : o.default) && (!layout || o.kind !== 'briefing' || o.template === layout));
  if (picked.length === 0 && figureIds) throw new OutputNameError(`--only ${only?.join(',')} with --layout ${layout}: no output is both; the ${layout} briefing is ${OUTPUTS.find((o) => o.template === layout)?.name}`);
  return picked;
}

/** The outputs a name stands for: the output of that name, else the group's (poster → poster-a3, poster-a2). */
function namedOutputs(name: string, all: OutputSpec[]): OutputSpec[] {
  const exact = all.filter((o) => o.name === name);
  if (exact.length > 0) return exact;
  if (name === 'gongwen') return all.filter((o) => o.template === 'gongwen');
  if (name === 'card') return all.filter((o) => o.kind === 'card');
  return name in TEMPLATE_GROUPS ? all.filter((o) => o.kind === name && o.default && o.template !== 'gongwen') : [];
}

/** Groups `render --only` and `batch --template` take besides output names: a template's default outputs. */
export const TEMPLATE_GROUPS: Record<string, string> = {
  briefing: 'the briefing',
  gongwen: 'the official-document briefing (briefing-gongwen)',
  poster: 'poster-a3 and poster-a2',
  wechat: 'wechat-cover, wechat-square and wechat-long',
  card: 'a square and a portrait card per figure',
};

/**
 * The outputs `batch --template` names: comma-separated output names (poster-a3, card-<id>-square …)
 * or template groups (poster, wechat, card …). Unknown names are an error that lists the known ones.
 */
export function templateOutputs(names: string, figureIds: string[]): OutputSpec[] {
  const all = [...OUTPUTS, ...cardOutputs(figureIds)];
  const picked: OutputSpec[] = [];
  const unknown: string[] = [];
  for (const name of names.split(',').map((s) => s.trim()).filter(Boolean)) {
    const found = namedOutputs(name, all);
    if (found.length === 0) unknown.push(name);
    for (const o of found) if (!picked.includes(o)) picked.push(o);
  }
  if (unknown.length > 0 || picked.length === 0) {
    const groups = Object.entries(TEMPLATE_GROUPS).map(([k, v]) => `${k} (${v})`).join(', ');
    throw new OutputNameError(`--template: expected a group, ${groups}, or output names from ${OUTPUTS.map((o) => o.name).join(', ')}, card-<figure id>-square|portrait; received ${unknown.join(', ') || 'nothing'}`);
  }
  return picked;
}
