// The outputs, as the templates declare them. Each templates/<name>.hbs starts with YAML front matter
// between two lines of ---: the outputs it renders (name, page size, formats, dpi, group, default) and
// what each needs beyond the page (bookmarks, a byte limit, JPEG/WebP copies, auto height, a card per
// figure). The registry is built by scanning the folder, once per change of its files; the front
// matter is stripped before Handlebars compiles the rest. docs/templates.md is the reference.
//
//   ---
//   order: 30
//   groups:
//     poster: { title: 海报, hint: A3 和 A2 海报，PDF 和 PNG, describe: poster-a3 and poster-a2 }
//   outputs:
//     - { name: poster-a3, title: 海报 A3, page: { width: 297mm, height: 420mm }, formats: [pdf, png], dpi: 300, group: poster, default: true }
//   ---

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isMap, LineCounter, parseDocument, type Node } from 'yaml';
import { problemText, quote, UserError } from '../errors.js';
import { PROJECT_DIR } from '../paths.js';

export { PROJECT_DIR };
export const TEMPLATES_DIR = join(PROJECT_DIR, 'templates');

export interface PageSize {
  /** Trim size in mm */
  widthMm: number;
  heightMm: number;
}

export type ExtraFormat = 'jpg' | 'webp';

/** One output: the files one template writes for one page size. */
export interface OutputSpec {
  name: string;
  /** Template file in templates/, without .hbs */
  template: string;
  /** The group `--only` and `batch --template` take for it (poster → the default posters) */
  group: string;
  /** What the studio calls it (卡片 outputs: the figure's label is added) */
  title: string;
  page: PageSize;
  /** Files written: <name>.pdf and/or <name>.png */
  pdf: boolean;
  png?: { dpi: number };
  /** Add bookmarks from the headings (the PDF fails without them) */
  outline: boolean;
  /** Rendered when no --only is given; big sizes are rendered on request */
  default: boolean;
  /** The briefing layout `--layout` picks it by; outputs without one stay whatever the layout */
  layout?: string;
  /** Cards: the id of the figure the output shows */
  figure?: string;
  /** PNG as tall as its content; page.heightMm is the least height */
  autoHeight?: boolean;
  /** Also written as .jpg / .webp where that is smaller than the PNG (screen images) */
  alsoAs?: ExtraFormat[];
  /** The PNG may not be larger, e.g. WeChat's 5 MB */
  maxBytes?: { bytes: number; label: string; for: string };
  /** Many pages (a document): the studio shows it page by page */
  multipage?: boolean;
  /** Which figures it prints, each with its qualifier: all of them, the highlights, or its own (per figure) */
  shows: 'all' | 'highlights' | 'figure';
}

/** A group of outputs: what `--only <group>` renders and how the studio names it. */
export interface OutputGroup {
  name: string;
  /** The studio's name for it (海报) */
  title: string;
  /** The studio's one-line description */
  hint: string;
  /** For messages: "poster-a3 and poster-a2" */
  describe: string;
}

export interface Registry {
  /** Every output that is not per figure, in the templates' order */
  outputs: OutputSpec[];
  /** Outputs rendered once per figure; their names hold {figure} */
  perFigure: OutputSpec[];
  groups: OutputGroup[];
  /** The layouts `--layout` takes */
  layouts: string[];
}

/** A template's front matter that is missing or wrong: names the file, the line, the field, what was expected and received. */
export class TemplateError extends UserError {
  constructor(message: string, place: { file: string; line?: number; field?: string }) {
    super(message, { place, heading: 'a template declares its outputs wrongly:' });
    this.name = 'TemplateError';
  }
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The template's text without its front matter (what Handlebars compiles). */
export function templateBody(source: string): string {
  const m = FRONT_MATTER.exec(source);
  return m ? source.slice(m[0].length) : source;
}

const cache = new Map<string, { stamp: string; registry: Registry }>();

/** The registry of a templates folder, read again only when a template changed. */
export function loadRegistry(dir: string = TEMPLATES_DIR): Registry {
  const files = readdirSync(dir).filter((f) => f.endsWith('.hbs')).sort();
  const stamp = files.map((f) => `${f}:${statSync(join(dir, f)).mtimeMs}`).join('|');
  const hit = cache.get(dir);
  if (hit?.stamp === stamp) return hit.registry;
  const registry = buildRegistry(files.map((f) => ({ file: join(dir, f), source: readFileSync(join(dir, f), 'utf8') })));
  cache.set(dir, { stamp, registry });
  return registry;
}

/** The registry from the templates' sources (pure; loadRegistry reads the folder). */
export function buildRegistry(templates: { file: string; source: string }[]): Registry {
  const declared = templates.map(readFrontMatter).sort((a, b) => a.order - b.order || a.template.localeCompare(b.template));
  const outputs: OutputSpec[] = [];
  const perFigure: OutputSpec[] = [];
  const groups = new Map<string, Partial<OutputGroup> & { declaredIn?: string }>();
  const seen = new Map<string, string>();
  for (const t of declared) {
    for (const [name, g] of Object.entries(t.groups)) {
      if (groups.get(name)?.declaredIn) throw new TemplateError(problemText({ file: t.shown, line: g.line, field: `groups.${name}`, expected: 'a group declared by one template', received: `a second declaration (${groups.get(name)!.declaredIn} declares it)` }), { file: t.shown, line: g.line, field: `groups.${name}` });
      groups.set(name, { ...groups.get(name), ...g.group, name, declaredIn: t.shown });
    }
    for (const { output, line } of t.outputs) {
      const other = seen.get(output.name);
      if (other) throw new TemplateError(problemText({ file: t.shown, line, field: 'outputs[].name', expected: 'a name no other output has', received: `${quote(output.name)}, which ${other} declares too` }), { file: t.shown, line, field: 'name' });
      seen.set(output.name, t.shown);
      (output.name.includes(FIGURE) ? perFigure : outputs).push(output);
      if (!groups.has(output.group)) groups.set(output.group, { name: output.group });
    }
  }
  const all = [...outputs, ...perFigure];
  const order = [...new Set(declared.flatMap((t) => t.outputs.map((o) => o.output.group)))];
  return {
    outputs,
    perFigure,
    groups: order.map((name) => {
      const g = groups.get(name)!;
      const members = groupMembers(name, all).map((o) => o.name.replace(FIGURE, '<figure id>'));
      return { name, title: g.title ?? name, hint: g.hint ?? '', describe: g.describe ?? joinAnd(members) };
    }),
    layouts: [...new Set(all.flatMap((o) => (o.layout ? [o.layout] : [])))],
  };
}

/** The placeholder a per-figure output's name holds. */
export const FIGURE = '{figure}';

/** The outputs a group stands for: its default outputs, or all of them when none is a default. */
export function groupMembers(group: string, all: readonly OutputSpec[]): OutputSpec[] {
  const members = all.filter((o) => o.group === group);
  const defaults = members.filter((o) => o.default);
  return defaults.length > 0 ? defaults : members;
}

const joinAnd = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

// ---------------------------------------------------------------------------------------------
// Reading and checking one template's front matter

interface Declared {
  template: string;
  /** The file as messages name it */
  shown: string;
  order: number;
  groups: Record<string, { group: Partial<OutputGroup>; line: number }>;
  outputs: { output: OutputSpec; line: number }[];
}

const TEMPLATE_KEYS = ['order', 'groups', 'outputs'];
const GROUP_KEYS = ['title', 'hint', 'describe'];
const OUTPUT_KEYS = ['name', 'title', 'page', 'formats', 'dpi', 'group', 'default', 'layout', 'shows', 'outline', 'autoHeight', 'alsoAs', 'maxBytes', 'multipage'];
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FIGURE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*-\{figure\}(?:-[a-z0-9]+)*$/;

function readFrontMatter({ file, source }: { file: string; source: string }): Declared {
  const shown = relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file);
  const template = basename(file, '.hbs');
  const m = FRONT_MATTER.exec(source);
  const fail = (line: number, field: string, expected: string, received: string, hint?: string): never => {
    throw new TemplateError(problemText({ file: shown, line, field, expected, received, ...(hint ? { hint } : {}) }), { file: shown, line, field });
  };
  if (!m) fail(1, '(front matter)', 'YAML front matter between two lines of --- at the top, declaring the outputs', `a template that starts with ${quote(source.split('\n')[0]!.slice(0, 30))}`, 'see docs/templates.md');
  const lines = new LineCounter();
  const doc = parseDocument(m![1]!, { lineCounter: lines, prettyErrors: false });
  // Lines of the .hbs file: the front matter starts after the first ---.
  const lineOf = (node: unknown) => ((node as Node | null)?.range ? lines.linePos((node as Node).range![0]).line + 1 : 2);
  const at = (path: (string | number)[]) => lineOf(doc.getIn(path, true));
  if (doc.errors.length > 0) fail(lines.linePos(doc.errors[0]!.pos[0]).line + 1, '(yaml)', 'valid YAML', doc.errors[0]!.message.split('\n')[0]!);
  if (!isMap(doc.contents)) fail(2, '(front matter)', `a mapping of ${TEMPLATE_KEYS.join(', ')}`, describe(doc.toJS()));
  const raw = doc.toJS() as Record<string, unknown>;
  const unknownKeys = (value: Record<string, unknown>, known: string[], path: (string | number)[], field: string) => {
    const extra = Object.keys(value).find((k) => !known.includes(k));
    if (extra) fail(at([...path, extra]), field ? `${field}.${extra}` : extra, `one of ${known.join(', ')}`, quote(extra));
  };
  unknownKeys(raw, TEMPLATE_KEYS, [], '');

  const order = raw.order ?? 100;
  if (typeof order !== 'number' || !Number.isFinite(order)) fail(at(['order']), 'order', 'a number (templates are listed by it, lowest first)', describe(order));

  const groups: Declared['groups'] = {};
  if (raw.groups !== undefined) {
    if (!isRecord(raw.groups)) fail(at(['groups']), 'groups', 'a mapping of group name: { title, hint, describe }', describe(raw.groups));
    for (const [name, value] of Object.entries(raw.groups as Record<string, unknown>)) {
      const field = `groups.${name}`;
      if (!NAME.test(name)) fail(at(['groups', name]), field, 'a group name of lower-case letters, digits and -', quote(name));
      if (!isRecord(value)) fail(at(['groups', name]), field, 'a mapping of title, hint, describe', describe(value));
      unknownKeys(value as Record<string, unknown>, GROUP_KEYS, ['groups', name], field);
      for (const key of GROUP_KEYS) {
        const v = (value as Record<string, unknown>)[key];
        if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) fail(at(['groups', name, key]), `${field}.${key}`, 'a text', describe(v));
      }
      groups[name] = { group: value as Partial<OutputGroup>, line: at(['groups', name]) };
    }
  }

  if (!Array.isArray(raw.outputs) || raw.outputs.length === 0) fail(at(['outputs']), 'outputs', 'a list of the outputs this template renders (name, page, formats, group …)', describe(raw.outputs));
  const outputs = (raw.outputs as unknown[]).map((value, i) => {
    const path = ['outputs', i];
    const field = (key: string) => `outputs[${i}].${key}`;
    const line = at(path);
    if (!isRecord(value)) fail(line, `outputs[${i}]`, 'a mapping of name, page, formats, group …', describe(value));
    const o = value as Record<string, unknown>;
    unknownKeys(o, OUTPUT_KEYS, path, `outputs[${i}]`);
    const text = (key: string, expected: string, pattern?: RegExp, required = true): string | undefined => {
      const v = o[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || v.trim() === '' || (pattern && !pattern.test(v))) fail(v === undefined ? line : at([...path, key]), field(key), expected, describe(v));
      return v as string;
    };
    const flag = (key: string): boolean => {
      const v = o[key];
      if (v === undefined) return false;
      if (typeof v !== 'boolean') fail(at([...path, key]), field(key), 'true or false', describe(v));
      return v as boolean;
    };
    const name = text('name', `a name of lower-case letters, digits and - (with ${FIGURE} for an output per figure, e.g. card-${FIGURE}-square)`, /^[a-z0-9{}-]+$/)!;
    if (!NAME.test(name) && !FIGURE_NAME.test(name)) fail(at([...path, 'name']), field('name'), `a name of lower-case letters, digits and - (with ${FIGURE} for an output per figure, e.g. card-${FIGURE}-square)`, quote(name));
    const group = text('group', 'the group --only takes for it, of lower-case letters, digits and - (e.g. poster)', NAME)!;
    const title = text('title', 'what the studio calls it, e.g. 海报 A3', undefined, false) ?? name;
    const layout = text('layout', 'the layout --layout picks it by, of lower-case letters, digits and -', NAME, false);

    const formats = o.formats;
    if (!Array.isArray(formats) || formats.length === 0 || formats.some((f) => f !== 'pdf' && f !== 'png') || new Set(formats).size !== formats.length) {
      fail(o.formats === undefined ? line : at([...path, 'formats']), field('formats'), 'a list of pdf, png, each once, e.g. [pdf, png]', describe(formats));
    }
    const pdf = (formats as string[]).includes('pdf');
    const png = (formats as string[]).includes('png');
    let dpi: number | undefined;
    if (o.dpi !== undefined || png) {
      if (!png) fail(at([...path, 'dpi']), field('dpi'), 'no dpi without png in formats (a PDF has no resolution)', describe(o.dpi));
      if (!(typeof o.dpi === 'number' && Number.isInteger(o.dpi) && o.dpi >= 36 && o.dpi <= 1200)) fail(o.dpi === undefined ? line : at([...path, 'dpi']), field('dpi'), 'the PNG\'s resolution, a whole number of dots per inch from 36 to 1200 (300 for print, 72 for screens)', describe(o.dpi));
      dpi = o.dpi as number;
    }
    const page = readPage(o.page, dpi, (key, expected, received) => fail(o.page === undefined ? line : at(key ? [...path, 'page', key] : [...path, 'page']), key ? field(`page.${key}`) : field('page'), expected, received));

    const isDefault = flag('default');
    const outline = flag('outline');
    const autoHeight = flag('autoHeight');
    const multipage = flag('multipage');
    if (outline && !pdf) fail(at([...path, 'outline']), field('outline'), 'outline only with pdf in formats (bookmarks are a PDF\'s)', 'true');
    if (autoHeight && (!png || pdf)) fail(at([...path, 'autoHeight']), field('autoHeight'), 'autoHeight only for a PNG-only output (a PDF has fixed pages)', 'true');

    let alsoAs: ExtraFormat[] | undefined;
    if (o.alsoAs !== undefined) {
      const v = o.alsoAs;
      if (!png || !Array.isArray(v) || v.length === 0 || v.some((f) => f !== 'jpg' && f !== 'webp') || new Set(v).size !== v.length) {
        fail(at([...path, 'alsoAs']), field('alsoAs'), png ? 'a list of jpg, webp, each once (written where smaller than the PNG)' : 'alsoAs only with png in formats', describe(v));
      }
      alsoAs = v as ExtraFormat[];
    }
    let maxBytes: OutputSpec['maxBytes'];
    if (o.maxBytes !== undefined) {
      const v = o.maxBytes;
      const size = isRecord(v) && typeof v.size === 'string' ? /^(\d+(?:\.\d+)?)\s*(KB|MB)$/.exec(v.size) : null;
      if (!png || !isRecord(v) || !size || typeof v.for !== 'string' || v.for.trim() === '' || Object.keys(v).some((k) => k !== 'size' && k !== 'for')) {
        fail(at([...path, 'maxBytes']), field('maxBytes'), png ? 'a PNG size limit, e.g. { size: 5 MB, for: WeChat }' : 'maxBytes only with png in formats', describe(v));
      }
      maxBytes = { bytes: Math.floor(Number(size![1]) * (size![2] === 'MB' ? 1024 * 1024 : 1024)), label: `${size![1]} ${size![2]}`, for: (v as { for: string }).for };
    }
    const perFigure = name.includes(FIGURE);
    const shows = text('shows', perFigure ? 'figure (an output per figure shows its own)' : 'all or highlights: which figures it prints', perFigure ? /^figure$/ : /^(all|highlights)$/, false) ?? (perFigure ? 'figure' : 'all');
    const output: OutputSpec = {
      name, template, group, title, shows: shows as OutputSpec['shows'], page, pdf, ...(png ? { png: { dpi: dpi! } } : {}), outline, default: isDefault,
      ...(layout ? { layout } : {}), ...(autoHeight ? { autoHeight } : {}), ...(alsoAs ? { alsoAs } : {}), ...(maxBytes ? { maxBytes } : {}), ...(multipage ? { multipage } : {}),
    };
    return { output, line };
  });
  return { template, shown, order: order as number, groups, outputs };
}

/** page: { width: 297mm, height: 420mm }, or in px of the PNG (at its dpi) for screen images: { width: 900px, height: 383px }. */
function readPage(value: unknown, dpi: number | undefined, fail: (key: string | undefined, expected: string, received: string) => never): PageSize {
  const expected = 'a size such as 297mm or 900px (px: pixels of the PNG, at its dpi)';
  if (!isRecord(value)) return fail(undefined, '{ width, height } in mm or px, e.g. { width: 297mm, height: 420mm }', describe(value));
  const extra = Object.keys(value).find((k) => k !== 'width' && k !== 'height');
  if (extra) fail(extra, 'width and height only', quote(extra));
  const mm = (key: 'width' | 'height'): number => {
    const v = value[key];
    const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)\s*(mm|px)$/.exec(v.trim()) : null;
    if (!m || Number(m[1]) <= 0) return fail(key, expected, describe(v));
    if (m[2] === 'px' && dpi === undefined) return fail(key, 'a size in mm (px needs png in formats and its dpi)', describe(v));
    return m[2] === 'mm' ? Number(m[1]) : (Number(m[1]) / dpi!) * 25.4;
  };
  return { widthMm: mm('width'), heightMm: mm('height') };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return `a list (${JSON.stringify(v)})`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return quote(v);
  return String(v);
}
