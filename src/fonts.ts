// Fonts come from npm packages and are served to the page from local files.
// Only static TrueType faces: Chrome embeds those as real fonts, never as Type 3.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface FontFace {
  /** CSS family name */
  family: string;
  /** npm package that ships the woff2 files and their CSS */
  pkg: string;
  weights: number[];
}

/** The faces the templates may use, by role. */
export const FONTS = {
  serif: { family: 'Noto Serif SC', pkg: '@fontsource/noto-serif-sc', weights: [400, 700, 900] },
  sans: { family: 'Noto Sans SC', pkg: '@fontsource/noto-sans-sc', weights: [400, 700] },
} as const satisfies Record<string, FontFace>;

export const FONT_FAMILIES: ReadonlySet<string> = new Set(Object.values(FONTS).map((f) => f.family));

/** Folder of an installed font package. */
export function fontPackageDir(pkg: string): string {
  return dirname(require.resolve(`${pkg}/package.json`));
}

/** The stylesheet paths (relative to the package) that declare a face's weights. */
export function fontStylesheets(face: FontFace): string[] {
  return face.weights.map((w) => `${w}.css`);
}

/** Every code point a face covers, read from the unicode-range of its @font-face rules. */
export function fontCoverage(face: FontFace): (codePoint: number) => boolean {
  const css = readFileSync(join(fontPackageDir(face.pkg), `${face.weights[0]}.css`), 'utf8');
  const ranges: [number, number][] = [];
  for (const m of css.matchAll(/unicode-range:\s*([^;]+);/g)) {
    for (const part of m[1]!.split(',')) {
      const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
      ranges.push([parseInt(a!, 16), parseInt(b ?? a!, 16)]);
    }
  }
  ranges.sort((x, y) => x[0] - y[0]);
  return (cp) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = ranges[mid]!;
      if (cp < a) hi = mid - 1;
      else if (cp > b) lo = mid + 1;
      else return true;
    }
    return false;
  };
}

export interface MissingGlyph {
  char: string;
  field: string;
  family: string;
}

/** Characters of the given texts that a face lacks. Whitespace is ignored. */
export function missingGlyphs(texts: { field: string; text: string }[], face: FontFace): MissingGlyph[] {
  const covers = fontCoverage(face);
  const missing: MissingGlyph[] = [];
  const seen = new Set<string>();
  for (const { field, text } of texts) {
    for (const char of text) {
      if (/\s/.test(char) || seen.has(char)) continue;
      if (!covers(char.codePointAt(0)!)) {
        seen.add(char);
        missing.push({ char, field, family: face.family });
      }
    }
  }
  return missing;
}
