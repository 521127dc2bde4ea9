// The outputs shushuo knows, by the names `render --only` takes. They come from the templates' front
// matter (src/view/registry.ts): a template declares its outputs, and this file picks among them.

import { UserError } from '../errors.js';
import { FIGURE, groupMembers, loadRegistry, type OutputSpec, type PageSize } from './registry.js';

export type { OutputSpec, PageSize } from './registry.js';

/** A name `--only` does not know: a user error, raised before anything renders. */
export class OutputNameError extends UserError {
  constructor(message: string) {
    super(message, { place: { field: /^--[a-z]+/.exec(message)?.[0] } });
    this.name = 'OutputNameError';
  }
}

const registry = loadRegistry();

/** Every output that is not per figure, in the templates' order. */
export const OUTPUTS: readonly OutputSpec[] = registry.outputs;

/** The outputs per figure (a square and a portrait card each): card-<figure id>-square, card-<figure id>-portrait. */
export function cardOutputs(figureIds: string[]): OutputSpec[] {
  return figureIds.flatMap((id) => registry.perFigure.map((o) => ({ ...o, name: o.name.replace(FIGURE, id), figure: id })));
}

/** Per-figure names, before the data says which figures there are: card-(id)-(square|portrait). */
const PER_FIGURE = registry.perFigure.map((o) => new RegExp(`^${o.name.split(FIGURE).map((part) => part.replace(/[.*+?^$(){}|[\]\\]/g, '\\$&')).join('(.+)')}$`));
const perFigureName = (name: string) => PER_FIGURE.some((re) => re.test(name));

/**
 * A briefing layout, by the name `--layout` takes: briefing (the 工作通报), gongwen (the GB/T 9704
 * official document). Templates declare them (an output's `layout`), so the names are checked when
 * used (selectOutputs), not by the compiler.
 */
export type Layout = string;

/** The layouts the templates declare. */
export const LAYOUTS: readonly Layout[] = registry.layouts;

/** Groups `render --only` and `batch --template` take besides output names, with what each stands for. */
export const TEMPLATE_GROUPS: Record<string, string> = Object.fromEntries(registry.groups.map((g) => [g.name, g.describe]));

/** The per-figure outputs as messages name them: card-<figure id>-square|portrait */
function perFigureNames(): string {
  const byStem = new Map<string, string[]>();
  for (const o of registry.perFigure) {
    const shown = o.name.replace(FIGURE, '<figure id>');
    const stem = shown.slice(0, shown.lastIndexOf('-') + 1);
    byStem.set(stem, [...(byStem.get(stem) ?? []), shown.slice(stem.length)]);
  }
  return [...byStem].map(([stem, ends]) => `${stem}${ends.join('|')}`).join(', ');
}

/** Pixel size = round(mm / 25.4 × dpi) */
export function pixelSize(page: PageSize, dpi: number): { width: number; height: number } {
  return { width: Math.round((page.widthMm / 25.4) * dpi), height: Math.round((page.heightMm / 25.4) * dpi) };
}

/**
 * Pick outputs by name and briefing layout; unknown names are an error that lists the known ones.
 * `layout` keeps only the outputs of that layout among those that have one; other outputs stay.
 * Without figure ids (before the data is read) any per-figure name passes; with them, only those of the figures.
 */
export function selectOutputs(only?: string[], layout?: Layout, figureIds?: string[]): OutputSpec[] {
  if (layout !== undefined && !LAYOUTS.includes(layout)) {
    throw new OutputNameError(`--layout: expected one of ${LAYOUTS.join(', ')}, received ${layout}`);
  }
  const all = [...OUTPUTS, ...cardOutputs(figureIds ?? [])];
  const known = (n: string) => all.some((o) => o.name === n) || n in TEMPLATE_GROUPS || (!figureIds && perFigureName(n));
  const unknown = (only ?? []).filter((n) => !known(n));
  if (unknown.length > 0) {
    const cards = figureIds ? `${perFigureNames()} for the figures ${figureIds.join(', ')}` : perFigureNames();
    throw new OutputNameError(`--only: expected names from ${OUTPUTS.map((o) => o.name).join(', ')}, ${cards}; or groups: ${Object.keys(TEMPLATE_GROUPS).join(', ')}; received ${unknown.join(', ')}`);
  }
  const named = only && only.length > 0;
  const wanted = new Set((only ?? []).flatMap((n) => namedOutputs(n, all).map((o) => o.name)));
  const picked = all.filter((o) => (named ? wanted.has(o.name) : o.default) && (!layout || !o.layout || o.layout === layout));
  if (picked.length === 0 && figureIds) throw new OutputNameError(`--only ${only?.join(',')} with --layout ${layout}: no output is both; the ${layout} briefing is ${OUTPUTS.find((o) => o.layout === layout)?.name}`);
  return picked;
}

/** The outputs a name stands for: the output of that name, else the group's (poster → poster-a3, poster-a2). */
function namedOutputs(name: string, all: OutputSpec[]): OutputSpec[] {
  const exact = all.filter((o) => o.name === name);
  if (exact.length > 0) return exact;
  return name in TEMPLATE_GROUPS ? groupMembers(name, all) : [];
}

/**
 * The outputs `batch --template` names: comma-separated output names (poster-a3, card-<id>-square …)
 * or groups (poster, wechat, card …). Unknown names are an error that lists the known ones.
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
    throw new OutputNameError(`--template: expected a group, ${groups}, or output names from ${OUTPUTS.map((o) => o.name).join(', ')}, ${perFigureNames()}; received ${unknown.join(', ') || 'nothing'}`);
  }
  return picked;
}
