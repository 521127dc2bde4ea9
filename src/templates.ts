// Stage 3: Handlebars. Each render gets a fresh Handlebars instance, so helpers and
// partials cannot leak from one render into the next.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { FONTS, fontStylesheets } from './fonts.js';
import type { OutputSpec } from './outputs.js';
import type { View } from './views.js';

export interface PageModel {
  view: View;
  output: OutputSpec;
  /** Stylesheets the page links, as served by the renderer */
  fontCss: string[];
}

export function fontStylesheetUrls(): string[] {
  return Object.values(FONTS).flatMap((face) => fontStylesheets(face).map((css) => `/fonts/${face.pkg}/${css}`));
}

/** Render one output's HTML from its template. */
export function renderHtml(templatesDir: string, view: View, output: OutputSpec): string {
  const hbs = Handlebars.create();
  const partialsDir = join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  const file = join(templatesDir, `${output.template}.hbs`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`template ${file}: cannot read it (${(err as Error).message})`, { cause: err });
  }
  const template = hbs.compile(source, { strict: true, noEscape: false });
  const model: PageModel = { view, output, fontCss: fontStylesheetUrls() };
  try {
    return template(model);
  } catch (err) {
    throw new Error(`template ${file}: ${(err as Error).message}`, { cause: err });
  }
}
