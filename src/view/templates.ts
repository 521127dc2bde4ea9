// Stage 3: Handlebars. An instance per set of partials, so a partial cannot leak from one set of
// templates into another; its compiled templates are kept and reused.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { OutputSpec } from './outputs.js';
import { templateBody } from './registry.js';
import type { FigureView, View } from './views.js';

/** The page as the template lays it out: the trim size plus the bleed on every side. */
export interface PageGeometry {
  widthMm: number;
  heightMm: number;
  bleedMm: number;
}

/** The trim's shape, for layouts that change with it: height/width < 0.9 landscape, up to 1.1 square, up to 1.55 portrait, beyond long. */
export type Shape = 'landscape' | 'square' | 'portrait' | 'long';

export interface PageModel {
  view: View;
  output: OutputSpec;
  page: PageGeometry & { mediaWidthMm: number; mediaHeightMm: number; shape: Shape; aspect: number };
  /** @font-face rules for the role families (role-title, role-body …) */
  fontCss: string;
  /** Cards: the figure the card shows */
  figure?: FigureView;
}

/** Handlebars instances by their partials' text, each with the templates it compiled, by their text. */
const compiled = new Map<string, { hbs: typeof Handlebars; templates: Map<string, HandlebarsTemplateDelegate> }>();
/** Instances, and templates per instance, kept (a studio whose maintainer edits templates makes new ones). */
const KEEP = 16;

/** Oldest out once a map holds more than KEEP. */
function keep<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value!);
  return value;
}

/**
 * A Handlebars instance with the helpers and these partials. Helpers take what they need from the
 * model (options.data.root), so an instance and its compiled templates serve every render.
 */
function instance(partials: [string, string][]): { hbs: typeof Handlebars; templates: Map<string, HandlebarsTemplateDelegate> } {
  const key = JSON.stringify(partials);
  const known = compiled.get(key);
  if (known) return known;
  const hbs = Handlebars.create();
  for (const [name, source] of partials) hbs.registerPartial(name, source);
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // Arithmetic for layouts that scale with the page: {{div page.widthMm 420}}.
  const number = (name: string, x: unknown) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${name}: expected numbers, received ${JSON.stringify(x)}`);
    return x;
  };
  hbs.registerHelper('div', (a: unknown, b: unknown) => round4(number('div', a) / number('div', b)));
  hbs.registerHelper('mul', (a: unknown, b: unknown) => round4(number('mul', a) * number('mul', b)));
  hbs.registerHelper('lt', (a: unknown, b: unknown) => number('lt', a) < number('lt', b));
  hbs.registerHelper('inc', (a: unknown) => number('inc', a) + 1);
  // {{edge 37}}: a distance from the trim edge, measured from the edge of the page Chrome prints (trim + bleed).
  hbs.registerHelper('edge', (mm: unknown, options: Handlebars.HelperOptions) => {
    if (typeof mm !== 'number') throw new Error(`edge: expected a number of mm, received ${JSON.stringify(mm)}`);
    return `${round3(mm + (options.data.root as PageModel).page.bleedMm)}mm`;
  });
  return keep(compiled, key, { hbs, templates: new Map() });
}

/** Render one output's HTML from its template. Templates and partials are read each time; what was compiled before is reused. */
export function renderHtml(templatesDir: string, view: View, output: OutputSpec, page: PageGeometry, fontCss: string): string {
  const partialsDir = join(templatesDir, 'partials');
  const partials = readdirSync(partialsDir)
    .filter((f) => f.endsWith('.hbs'))
    .sort()
    .map((file): [string, string] => [basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8')]);
  const { hbs, templates } = instance(partials);
  const file = join(templatesDir, `${output.template}.hbs`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`template ${file}: cannot read it (${(err as Error).message})`, { cause: err });
  }
  // The front matter declares the outputs (src/view/registry.ts); Handlebars compiles the rest.
  const body = templateBody(source);
  const template = templates.get(body) ?? keep(templates, body, hbs.compile(body, { strict: true, noEscape: false }));
  const model: PageModel = {
    view,
    output,
    page: {
      ...page,
      mediaWidthMm: round3(page.widthMm + 2 * page.bleedMm),
      mediaHeightMm: round3(page.heightMm + 2 * page.bleedMm),
      aspect: round4(page.heightMm / page.widthMm),
      shape: shapeOf(page.heightMm / page.widthMm),
    },
    fontCss,
  };
  if (output.figure) {
    model.figure = view.figures.find((f) => f.id === output.figure);
    if (!model.figure) throw new Error(`${output.name}: expected a figure with id ${output.figure}, received none`);
  }
  try {
    return template(model);
  } catch (err) {
    throw new Error(`template ${file}: ${(err as Error).message}`, { cause: err });
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const round4 = (n: number) => Math.round(n * 10000) / 10000;

export function shapeOf(aspect: number): Shape {
  if (aspect < 0.9) return 'landscape';
  if (aspect <= 1.1) return 'square';
  if (aspect <= 1.55) return 'portrait';
  return 'long';
}
