// Font roles. Templates name a role (font-family: 'role-body'), never a font file.
// Each role is served by one face: a default free face that Chrome embeds as TrueType,
// or a font file the user points at (e.g. a licensed 仿宋_GB2312). Chrome embeds only
// static TrueType (glyf) faces as real fonts; CFF and variable fonts become Type 3.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { FontFileError, rangeLookup, readSfnt } from './sfnt.js';
import { quote } from '../errors.js';
import { PROJECT_DIR } from '../paths.js';

export { FontFileError } from './sfnt.js';

const require = createRequire(import.meta.url);

/** Where the setup script puts the TrueType faces it converts (git-ignored). */
export const FONTS_DIR = join(PROJECT_DIR, 'fonts');

export const ROLES = ['title', 'body', 'heading', 'subheading', 'number'] as const;
export type Role = (typeof ROLES)[number];

/** What each role is in an official document. */
export const ROLE_STYLES: Record<Role, string> = {
  title: '小标宋',
  body: '仿宋',
  heading: '黑体',
  subheading: '楷体',
  number: '数字',
};

export type FaceSource =
  | { kind: 'package'; pkg: string; family: string; weights: number[] }
  | { kind: 'file'; file: string; family: string };

export interface RoleFace {
  role: Role;
  /** The CSS family templates use: role-title, role-body … */
  cssFamily: string;
  source: FaceSource;
  /** default: the free face meant for the role; substitute: a stand-in, because the default is missing; user: the user's file */
  origin: 'default' | 'substitute' | 'user';
  /** Why a substitute serves the role */
  note?: string;
  covers: (codePoint: number) => boolean;
}

const NOTO_SERIF = '@fontsource/noto-serif-sc';
const NOTO_SANS = '@fontsource/noto-sans-sc';
const pkg = (p: string, family: string, weights: number[]): FaceSource => ({ kind: 'package', pkg: p, family, weights });

/** Fandol faces converted to TrueType by the setup script (GPL with a font-embedding exception). */
export const CONVERTED_FACES = {
  body: { file: 'FandolFang-Regular.ttf', family: 'FandolFang' },
  subheading: { file: 'FandolKai-Regular.ttf', family: 'FandolKai' },
} as const;

/** The default face of each role, and the stand-in used when that face is not installed. */
const DEFAULTS: Record<Role, { face: () => FaceSource | undefined; substitute?: FaceSource }> = {
  title: { face: () => pkg(NOTO_SERIF, 'Noto Serif SC', [900]) },
  body: { face: () => converted('body'), substitute: pkg(NOTO_SERIF, 'Noto Serif SC', [400, 700]) },
  heading: { face: () => pkg(NOTO_SANS, 'Noto Sans SC', [400, 700]) },
  subheading: { face: () => converted('subheading'), substitute: pkg(NOTO_SERIF, 'Noto Serif SC', [400]) },
  number: { face: () => pkg(NOTO_SERIF, 'Noto Serif SC', [400, 700, 900]) },
};

function converted(role: keyof typeof CONVERTED_FACES): FaceSource | undefined {
  const { file, family } = CONVERTED_FACES[role];
  const path = join(FONTS_DIR, file);
  return existsSync(path) ? { kind: 'file', file: path, family } : undefined;
}

/** Folder of an installed font package. */
export function fontPackageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * The face for every role: the user's file where one is given, else the default,
 * else a substitute that the run reports. A user file that Chrome would not embed
 * as TrueType is refused here, before anything renders.
 */
export function resolveFonts(userFiles: Partial<Record<Role, string>> = {}): RoleFace[] {
  checkFontFiles(userFiles);
  return ROLES.map((role) => {
    const cssFamily = `role-${role}`;
    const user = userFiles[role];
    if (user) {
      const info = checkFontFile(user, role);
      return { role, cssFamily, source: { kind: 'file', file: resolve(user), family: info.family ?? user }, origin: 'user', covers: info.covers };
    }
    const face = DEFAULTS[role].face();
    if (face) return { role, cssFamily, source: face, origin: 'default', covers: coverage(face, role) };
    const substitute = DEFAULTS[role].substitute!;
    const missing = CONVERTED_FACES[role as keyof typeof CONVERTED_FACES];
    return {
      role,
      cssFamily,
      source: substitute,
      origin: 'substitute',
      note: `${missing.family} is not in ${relative(process.cwd(), FONTS_DIR) || '.'}/ (run npm run setup to convert it, or pass --font ${role}=FILE)`,
      covers: coverage(substitute, role),
    };
  });
}

/** The user's font files, before anything renders: each names a role, and each file is a single static TrueType face. */
export function checkFontFiles(userFiles: Partial<Record<Role, string>>): void {
  for (const [role, file] of Object.entries(userFiles)) {
    if (!(ROLES as readonly string[]).includes(role)) throw new FontFileError(`font role "${role}": expected one of ${ROLES.join(', ')}, received ${quote(role)}`);
    if (file) checkFontFile(file, role as Role);
  }
}

/** Font files read in this process, by path, size and date: a run checks them before it resolves them. */
const checked = new Map<string, { family: string | undefined; covers: (cp: number) => boolean }>();

/** The largest CJK TrueType faces are some 30 MB; a file this big is not a font. */
const MAX_FONT_BYTES = 100 * 1024 * 1024;

/** A user's font file must be a single static TrueType face. */
export function checkFontFile(file: string, role: Role): { family: string | undefined; covers: (cp: number) => boolean } {
  const where = `font for role ${role} (${ROLE_STYLES[role]}) ${file}`;
  let buf: Buffer;
  let key: string;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new FontFileError(`${where}: expected a .ttf font file, received a folder`, { file });
    if (stat.size > MAX_FONT_BYTES) throw new FontFileError(`${where}: expected a font file of at most ${MAX_FONT_BYTES / 1024 / 1024} MB, received ${(stat.size / 1024 / 1024).toFixed(0)} MB`, { file });
    key = `${resolve(file)}:${stat.size}:${stat.mtimeMs}`;
    const known = checked.get(key);
    if (known) return known;
    buf = readFileSync(file);
  } catch (err) {
    if (err instanceof FontFileError) throw err;
    throw new FontFileError(`${where}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file });
  }
  let info: ReturnType<typeof readSfnt>;
  try {
    info = readSfnt(buf, where);
  } catch (err) {
    if (err instanceof FontFileError && !err.place) throw new FontFileError(err.message, { file });
    throw err;
  }
  if (info.outlines !== 'truetype') {
    throw new FontFileError(`${where}: expected TrueType (glyf) outlines, received CFF/PostScript outlines, which Chrome writes as Type 3 fonts that print shops reject (convert it to TrueType first, e.g. with scripts/otf2ttf.py)`, { file });
  }
  if (info.variable) {
    throw new FontFileError(`${where}: expected a static font, received a variable font, which Chrome writes as Type 3 (use a static instance)`, { file });
  }
  checked.set(key, info);
  return info;
}

/** The coverage of package faces, read once per process. */
const packageCoverage = new Map<string, (cp: number) => boolean>();

function coverage(face: FaceSource, role: Role): (cp: number) => boolean {
  if (face.kind === 'file') return checkFontFile(face.file, role).covers;
  const key = `${face.pkg}/${face.weights[0]}`;
  const known = packageCoverage.get(key);
  if (known) return known;
  // Package faces split into unicode-range slices; a character is covered if a slice names it.
  const css = readFileSync(join(fontPackageDir(face.pkg), `${face.weights[0]}.css`), 'utf8');
  const ranges: [number, number][] = [];
  for (const m of css.matchAll(/unicode-range:\s*([^;]+);/g)) {
    for (const part of m[1]!.split(',')) {
      const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
      ranges.push([parseInt(a!, 16), parseInt(b ?? a!, 16)]);
    }
  }
  const covers = rangeLookup(ranges);
  packageCoverage.set(key, covers);
  return covers;
}

/** One line per role for the run's report: which face served it. */
export function describeFonts(faces: RoleFace[]): string[] {
  return faces.map((f) => {
    const what = f.source.kind === 'package'
      ? `${f.source.family} ${f.source.weights.join('/')} (${f.source.pkg})`
      : `${f.source.family} (${relative(process.cwd(), f.source.file) || f.source.file})`;
    const origin = f.origin === 'substitute' ? ` — SUBSTITUTE: ${f.note}` : f.origin === 'user' ? ' — your file' : '';
    return `${f.role.padEnd(10)} ${ROLE_STYLES[f.role]}  ${what}${origin}`;
  });
}

/** The URL a role's own file is served under. */
export const roleFontUrl = (role: Role) => `/fonts/role/${role}.ttf`;

/**
 * @font-face rules that give each role its CSS family. With `text` (all a run may draw), a package
 * face keeps only the rules whose unicode-range holds a character of it: for the first speech 122 of
 * some 600, so each page parses 181 KB of rules, not 670 KB. A character outside `text` fails the page
 * either way (roleCoverage).
 */
export function fontFaceCss(faces: RoleFace[], text?: string): string {
  const codePoints = text === undefined ? undefined : [...new Set(text)].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
  const rules: string[] = [];
  for (const f of faces) {
    if (f.source.kind === 'file') {
      // One file serves every weight, so Chrome never fakes a bold.
      rules.push(`@font-face { font-family: '${f.cssFamily}'; src: url(${roleFontUrl(f.role)}) format('truetype'); font-weight: 100 900; font-style: normal; font-display: block; }`);
      continue;
    }
    const { pkg: name, family, weights } = f.source;
    for (const weight of weights) {
      const css = readFileSync(join(fontPackageDir(name), `${weight}.css`), 'utf8')
        .replaceAll(`font-family: '${family}'`, `font-family: '${f.cssFamily}'`)
        .replaceAll('url(./files/', `url(/fonts/${name}/files/`)
        // A single weight serves the whole range, so Chrome never fakes a bold.
        .replaceAll(`font-weight: ${weight};`, weights.length === 1 ? 'font-weight: 100 900;' : `font-weight: ${weight};`)
        .replaceAll('font-display: swap', 'font-display: block');
      rules.push(codePoints ? (css.match(/@font-face\s*{[^}]*}/g) ?? []).filter((rule) => holdsAny(rule, codePoints)).join('\n') : css);
    }
  }
  return rules.join('\n');
}

/** Whether a @font-face rule's unicode-range (all of Unicode without one) holds one of `codePoints` (sorted). */
function holdsAny(rule: string, codePoints: number[]): boolean {
  const range = /unicode-range:\s*([^;}]*)/.exec(rule)?.[1];
  if (!range) return true;
  return range.split(',').some((part) => {
    const [from, to] = part.trim().replace(/^U\+/i, '').split('-');
    // U+4?? stands for U+400-4FF.
    const lo = parseInt(from!.replaceAll('?', '0'), 16);
    const hi = to === undefined ? parseInt(from!.replaceAll('?', 'f'), 16) : parseInt(to, 16);
    // The first code point at or above lo, by halves.
    let [a, b] = [0, codePoints.length];
    while (a < b) {
      const mid = (a + b) >> 1;
      if (codePoints[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    return a < codePoints.length && codePoints[a]! <= hi;
  });
}

/**
 * For each role's CSS family, the characters of `text` (all a run may draw) that its face has.
 * The renderer fails a page that draws, in a role, a character missing here: Chrome would draw an
 * empty box (tofu) and still name the role's font when no system font has the character.
 */
export function roleCoverage(faces: RoleFace[], text: string): Record<string, string> {
  const chars = [...new Set(text)];
  return Object.fromEntries(faces.map((f) => [f.cssFamily, chars.filter((c) => f.covers(c.codePointAt(0)!)).join('')]));
}

/** Files the renderer serves for the roles: URL path → file. */
export function roleFontFiles(faces: RoleFace[]): Map<string, string> {
  return new Map(faces.flatMap((f) => (f.source.kind === 'file' ? [[roleFontUrl(f.role), f.source.file] as const] : [])));
}

export interface MissingGlyph {
  char: string;
  field: string;
  role: Role;
  face: string;
}

/** Characters of the given texts that a role's face lacks. Whitespace is ignored. */
export function missingGlyphs(texts: { field: string; text: string }[], face: RoleFace): MissingGlyph[] {
  const missing: MissingGlyph[] = [];
  const seen = new Set<string>();
  for (const { field, text } of texts) {
    for (const char of text) {
      if (/\s/.test(char) || seen.has(char)) continue;
      if (!face.covers(char.codePointAt(0)!)) {
        seen.add(char);
        missing.push({ char, field, role: face.role, face: face.source.family });
      }
    }
  }
  return missing;
}
