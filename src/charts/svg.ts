// Shared helpers for the charts: theme, XML escaping, number output, text
// measurement and wrapping, and the SVG document wrapper.
// Everything here is pure: no fs, no DOM, no clock.

/** Print colours. All must be opaque. */
export interface Palette {
  /** Party red: the figures and filled parts */
  red: string;
  /** Dark text */
  ink: string;
  /** Secondary text, connectors */
  grey: string;
  /** Empty tracks, item boxes */
  track: string;
  /** A second series colour */
  secondary: string;
  /** Falling values: down arrows, a dark grey-green */
  down: string;
  /** Text on dark fills */
  paper: string;
}

export const DEFAULT_PALETTE: Readonly<Palette> = {
  red: '#c8161d',
  ink: '#000000',
  grey: '#6b6b6b',
  track: '#ece6df',
  secondary: '#d9a441',
  down: '#3e5b4f',
  paper: '#ffffff',
};

/** Options every chart takes. */
export interface BaseOptions {
  /** Prefix of every id in the SVG, so several charts can share a page. Required. */
  id: string;
  /** Text of the SVG <title>; each chart has a default. */
  title?: string;
  palette?: Partial<Palette>;
  /** font-family for labels; default the heading role (黑体) */
  sans?: string;
  /** font-family for big numbers; default the number role */
  serif?: string;
}

export interface Theme {
  id: string;
  palette: Palette;
  sans: string;
  serif: string;
}

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TRANSLUCENT = /rgba|hsla|transparent|\/|^#(?:[0-9a-f]{4}|[0-9a-f]{8})$/i;

/** Check the common options and fill in defaults. */
export function resolveTheme(chart: string, options: BaseOptions): Theme {
  if (typeof options?.id !== 'string' || !ID_PATTERN.test(options.id)) {
    throw new Error(`${chart}: options.id: expected an XML id such as "fig-1", received ${JSON.stringify(options?.id)}`);
  }
  const palette: Palette = { ...DEFAULT_PALETTE, ...options.palette };
  for (const [key, value] of Object.entries(palette)) {
    if (typeof value !== 'string' || value.trim() === '' || TRANSLUCENT.test(value.trim())) {
      throw new Error(`${chart}: palette.${key}: expected an opaque colour such as "#c8161d", received ${JSON.stringify(value)} (print needs opaque colours)`);
    }
  }
  return { id: options.id, palette, sans: options.sans ?? "'role-heading'", serif: options.serif ?? "'role-number'" };
}

// ---------------------------------------------------------------------------
// Output

/** Escape text for a text node or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** A number for the SVG markup, rounded to at most 3 decimals. */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`svg: expected a finite number, received ${n}`);
  const r = Math.round(n * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

/** Round every number in a path string to at most 3 decimals. */
export function roundPath(d: string): string {
  return d.replace(/-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi, (m) => num(Number(m)));
}

export type AttrValue = string | number | undefined;

/** ` a="1" b="x"`; numbers rounded, strings escaped, undefined skipped. */
export function attrs(values: Record<string, AttrValue>): string {
  let out = '';
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out += ` ${key}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

export function el(name: string, values: Record<string, AttrValue>, content?: string): string {
  return content === undefined ? `<${name}${attrs(values)}/>` : `<${name}${attrs(values)}>${content}</${name}>`;
}

export interface DocumentSpec {
  theme: Theme;
  width: number;
  height: number;
  title: string;
  desc: string;
  body: string;
  /** Extra class on the root, e.g. the chart kind */
  kind: string;
}

/** The root element: title and desc come first and label the image. */
export function svgDocument(spec: DocumentSpec): string {
  const { id } = spec.theme;
  const root = attrs({
    xmlns: 'http://www.w3.org/2000/svg',
    viewBox: `0 0 ${num(spec.width)} ${num(spec.height)}`,
    width: spec.width,
    height: spec.height,
    role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`,
    class: `shushuo-chart shushuo-${spec.kind}`,
  });
  return (
    `<svg${root}>` +
    `<title id="${escapeXml(id)}-title">${escapeXml(spec.title)}</title>` +
    `<desc id="${escapeXml(id)}-desc">${escapeXml(spec.desc)}</desc>` +
    spec.body +
    `</svg>`
  );
}

// ---------------------------------------------------------------------------
// Text measurement. An estimate, deliberately a little generous, so layouts
// computed here hold when the real fonts are a bit wider.

/** Share of the font size above the baseline (CJK em box). */
export const ASCENT = 0.88;
/** Share of the font size below the baseline. */
export const DESCENT = 0.12;

const CJK = /[\u1100-\u115f\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;
const WIDE_PUNCT = new Set([...'“”‘’…—·●○■□△▲※']);

/** Width of one character, in em. */
export function charWidth(ch: string): number {
  if (CJK.test(ch) || WIDE_PUNCT.has(ch)) return 1;
  if (ch >= '0' && ch <= '9') return 0.56;
  if (ch === '%') return 0.85;
  if (ch === ' ') return 0.3;
  if (ch === 'M' || ch === 'W' || ch === 'm' || ch === 'w') return 0.85;
  return 0.55;
}

export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) em += charWidth(ch);
  return em * size;
}

// ---------------------------------------------------------------------------
// Wrapping. Breaks CJK text between characters, keeps digit and latin runs
// whole, never starts a line with closing punctuation nor ends one with an
// opening bracket. Among the ways to fit the width it picks the one with the
// most even lines, preferring breaks after punctuation and around numbers
// over breaks inside a run of characters (a small dynamic programme).

const NO_LINE_START = new Set([...'，。、；：！？）》」』〕】”’…%,.;:!?)]}']);
const NO_LINE_END = new Set([...'（《「『〔【“‘([{']);
const BREAK_AFTER = new Set([...'，。、；：！？）》」』〕】”’…,.;:!?)]}']);
const SOFT_AFTER = new Set([...'的和与及或是']);

function tokenize(text: string): string[] {
  const raw = text.match(/[0-9A-Za-z.%]+|\s+|./gsu) ?? [];
  const tokens: string[] = [];
  let carry = '';
  for (const t of raw) {
    if (NO_LINE_END.has(t)) {
      carry += t;
    } else if (!carry && tokens.length > 0 && [...t].every((c) => NO_LINE_START.has(c))) {
      tokens[tokens.length - 1] += t;
    } else {
      tokens.push(carry + t);
      carry = '';
    }
  }
  if (carry) tokens.push(carry);
  return tokens;
}

const isSpace = (t: string | undefined) => t !== undefined && /^\s+$/.test(t);

/** Cost of a line break between two tokens, from 0 (good) to 1 (inside a word, perhaps). */
function breakPenalty(prev: string, next: string): number {
  if (isSpace(prev) || isSpace(next)) return 0;
  const last = [...prev].pop()!;
  if (BREAK_AFTER.has(last) || NO_LINE_END.has([...next][0]!)) return 0;
  if (/[0-9A-Za-z%]$/.test(prev) || /^[0-9A-Za-z]/.test(next)) return 0.25;
  if (SOFT_AFTER.has(last)) return 0.5;
  return 1;
}

function wrapParagraph(paragraph: string, maxWidth: number, size: number, keep: number): string[] {
  const raw = tokenize(paragraph);
  // The first `keep` characters (a marker such as （一）) stay with the next token.
  if (keep > 0) {
    let n = 0;
    let length = 0;
    while (n < raw.length && length < keep) length += raw[n++]!.length;
    const count = Math.min(raw.length, n + 1);
    raw.splice(0, count, raw.slice(0, count).join(''));
  }
  // Tokens wider than the line are broken between characters.
  const tokens = raw.flatMap((t) => (textWidth(t, size) > maxWidth ? [...t] : [t]));
  const n = tokens.length;
  const space = tokens.map(isSpace);
  const prefix = [0];
  for (const [k, t] of tokens.entries()) prefix.push(prefix[k]! + (space[k] ? charWidth(' ') * size : textWidth(t, size)));
  const lineWidth = (i: number, j: number) => {
    // tokens i..j-1 without leading or trailing space
    while (i < j && space[i]) i++;
    while (j > i && space[j - 1]) j--;
    return prefix[j]! - prefix[i]!;
  };
  const breakCost = (3 * size) ** 2;
  const best: number[] = [0];
  const from: number[] = [0];
  for (let j = 1; j <= n; j++) {
    best[j] = Infinity;
    from[j] = j - 1;
    // The cost of breaking after token j-1 is the same whichever line ends there.
    const penalty = j < n ? breakPenalty(tokens[j - 1]!, tokens[j]!) * breakCost : 0;
    for (let i = j - 1; i >= 0; i--) {
      const w = lineWidth(i, j);
      if (w > maxWidth) break;
      if (best[i] === Infinity) continue;
      const cost = best[i]! + (maxWidth - w) ** 2 + penalty;
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
      }
    }
    // A token that cannot fit alone was split above, so some i always fits.
    if (best[j] === Infinity) best[j] = best[j - 1]! + maxWidth ** 2;
  }
  const lines: string[] = [];
  for (let j = n; j > 0; j = from[j]!) lines.unshift(tokens.slice(from[j]!, j).join('').replace(/\s+/g, ' ').trim());
  return lines.filter((l) => l !== '');
}

/**
 * Break text into lines no wider than maxWidth (estimated) at the given font size.
 * keepStart: how many leading characters (a marker such as （一）) must stay on a line with what follows.
 */
export function wrapText(text: string, maxWidth: number, size: number, keepStart = 0): string[] {
  if (!(maxWidth > 0)) throw new Error(`wrapText: expected a positive width, received ${maxWidth}`);
  return text.split('\n').flatMap((p, i) => wrapParagraph(p, maxWidth, size, i === 0 ? keepStart : 0));
}

// ---------------------------------------------------------------------------
// Text elements. One <text> per line; a line with mixed styles uses <tspan>s
// with no whitespace between them, so the line copies as one string (近40%).

export type Weight = 400 | 700 | 900;
export type Anchor = 'start' | 'middle' | 'end';

export interface Run {
  text: string;
  size: number;
  family: string;
  weight: Weight;
  fill: string;
}

export function runsWidth(runs: readonly Run[]): number {
  return runs.reduce((sum, r) => sum + textWidth(r.text, r.size), 0);
}

export function runsSize(runs: readonly Run[]): number {
  return Math.max(0, ...runs.map((r) => r.size));
}

/** One line of text made of runs, anchored at (x, baseline y). */
export function textLine(x: number, y: number, anchor: Anchor, runs: readonly Run[], cls?: string): string {
  const first = runs[0];
  if (!first) return '';
  const base = {
    class: cls,
    x,
    y,
    'text-anchor': anchor === 'start' ? undefined : anchor,
    'font-family': first.family,
    'font-size': first.size,
    'font-weight': first.weight,
    fill: first.fill,
  };
  if (runs.length === 1) return el('text', base, escapeXml(first.text));
  const spans = runs
    .map((r) =>
      el(
        'tspan',
        {
          'font-family': r.family === first.family ? undefined : r.family,
          'font-size': r.size === first.size ? undefined : r.size,
          'font-weight': r.weight === first.weight ? undefined : r.weight,
          fill: r.fill === first.fill ? undefined : r.fill,
        },
        escapeXml(r.text),
      ),
    )
    .join('');
  return el('text', base, spans);
}

// ---------------------------------------------------------------------------
// Colour

/** Relative luminance of a #rgb / #rrggbb colour; undefined for other notations. */
export function luminance(colour: string): number | undefined {
  let hex = colour.trim().replace(/^#/, '');
  if (!/^(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(hex)) return undefined;
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
}

/** Of two text colours, the one with more contrast on the background. */
export function textOn(background: string, light: string, dark: string): string {
  const bg = luminance(background);
  const l = luminance(light);
  const d = luminance(dark);
  if (bg === undefined || l === undefined || d === undefined) return light;
  const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  return contrast(bg, l) >= contrast(bg, d) ? light : dark;
}
