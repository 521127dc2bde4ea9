// Print inks: rewriting the colour operators of PDF content streams, before Ghostscript.
//
// Chrome writes every colour as DeviceRGB (`.7843 .0863 .1137 rg`). Left to Ghostscript's ICC
// conversion, black text becomes four-colour black and the official red a mix of all four
// inks. So the colours that must print as exact inks are rewritten here, operator by
// operator, into DeviceCMYK (`0 .8 .8 0 k`), which Ghostscript keeps (to its 1/512 steps,
// `0 0.800781 0.800781 0 k`; 0 and 1 exactly):
//   - a colour within `tolerance` of an ink becomes that ink's CMYK values;
//   - a neutral grey (r = g = b, or DeviceGray `g`) becomes black ink only: k = 1 − v;
//   - any other colour is left for Ghostscript's ICC conversion.
//
// Content streams are handled as latin1 text (one char per byte), so binary data such as
// inline images passes through unchanged. Only the operands and operator of a rewritten
// colour change; every other byte stays where it was.

export interface Ink {
  name: string;
  /** 0–255 */
  rgb: [number, number, number];
  /** 0–1 */
  cmyk: [number, number, number, number];
}

/** The inks of a GB/T 9704 document: black text is K100, the red Y80 M80. */
export const PRINT_INKS: Ink[] = [
  { name: 'black', rgb: [0, 0, 0], cmyk: [0, 0, 0, 1] },
  { name: 'red', rgb: [200, 22, 29], cmyk: [0, 0.8, 0.8, 0] },
];

export interface RewriteOptions {
  /** Largest difference per channel, in 0–1 units, for a colour to count as an ink or a grey. Default 1/255. */
  tolerance?: number;
  /**
   * Names of colour-space resources (as used by `cs`/`CS`, without the slash) that are
   * DeviceRGB, so that `sc`/`scn` in them can be rewritten. `/DeviceRGB` itself is always known.
   */
  rgbSpaces?: string[];
}

export interface RewriteResult {
  content: string;
  /** Rewritten colour operators, by ink name, and `grey` for neutral greys made K-only */
  replaced: Record<string, number>;
  /** Colours left for ICC conversion, by hex (`#ece6df`), with their operator count */
  left: Record<string, number>;
}

/** Rewrite the colour operators of one content stream (latin1 text). Pure. */
export function rewriteInks(content: string, inks: Ink[], options: RewriteOptions = {}): RewriteResult {
  const tolerance = options.tolerance ?? 1 / 255;
  const rgbSpaces = new Set(['DeviceRGB', ...(options.rgbSpaces ?? [])]);
  const replaced: Record<string, number> = {};
  const left: Record<string, number> = {};
  const edits: { start: number; end: number; text: string }[] = [];

  // The fill and stroke colour spaces of the *input* stream, saved and restored by q/Q: `sc`/`scn`
  // mean RGB only in an RGB space. Every sc/scn in an RGB or gray space is rewritten into an
  // operator that names its space (k, rg), so the output never depends on a space that an
  // earlier rewrite changed.
  let space = { fill: 'DeviceGray', stroke: 'DeviceGray' };
  const saved: (typeof space)[] = [];

  let operands: Token[] = [];
  for (const token of tokenize(content)) {
    if (token.kind !== 'op' && token.kind !== 'inline-image') {
      operands.push(token);
      continue;
    }
    const op = token.text;
    const args = operands;
    operands = [];
    if (op === 'q') saved.push({ ...space });
    else if (op === 'Q') space = saved.pop() ?? space;
    else if (op === 'cs' || op === 'CS') {
      const name = args.length === 1 && args[0]!.kind === 'name' ? args[0]!.text.slice(1) : '';
      space = op === 'cs' ? { ...space, fill: name } : { ...space, stroke: name };
    } else if (COLOUR_OPERATORS.has(op)) {
      const stroke = op === op.toUpperCase();
      const generic = op === 'sc' || op === 'scn' || op === 'SC' || op === 'SCN';
      const current = generic ? (stroke ? space.stroke : space.fill) : op === 'k' || op === 'K' ? 'DeviceCMYK' : op === 'g' || op === 'G' ? 'DeviceGray' : 'DeviceRGB';
      if (stroke) space = { ...space, stroke: current };
      else space = { ...space, fill: current };

      const values = numbers(args);
      let rgb: [number, number, number] | undefined;
      if (values?.length === 3 && (rgbSpaces.has(current) || op === 'rg' || op === 'RG')) rgb = [values[0]!, values[1]!, values[2]!];
      if (values?.length === 1 && current === 'DeviceGray') rgb = [values[0]!, values[0]!, values[0]!];
      if (!rgb) continue;

      const ink = inks.find((i) => i.rgb.every((v, c) => Math.abs(v / 255 - rgb[c]!) <= tolerance));
      const grey = Math.max(...rgb) - Math.min(...rgb) <= tolerance;
      const cmykOp = stroke ? 'K' : 'k';
      let text: string;
      if (ink) {
        text = `${ink.cmyk.map(formatNumber).join(' ')} ${cmykOp}`;
        replaced[ink.name] = (replaced[ink.name] ?? 0) + 1;
      } else if (grey) {
        const v = (rgb[0] + rgb[1] + rgb[2]) / 3;
        text = `0 0 0 ${formatNumber(1 - v)} ${cmykOp}`;
        replaced.grey = (replaced.grey ?? 0) + 1;
      } else {
        const hex = `#${rgb.map((v) => Math.round(Math.min(1, Math.max(0, v)) * 255).toString(16).padStart(2, '0')).join('')}`;
        left[hex] = (left[hex] ?? 0) + 1;
        if (!generic) continue;
        text = `${args.map((a) => a.text).join(' ')} ${stroke ? 'RG' : 'rg'}`;
      }
      edits.push({ start: args[0]!.start, end: token.end, text });
    }
  }

  let out = '';
  let at = 0;
  for (const e of edits) {
    out += content.slice(at, e.start) + e.text;
    at = e.end;
  }
  return { content: out + content.slice(at), replaced, left };
}

const COLOUR_OPERATORS = new Set(['rg', 'RG', 'g', 'G', 'k', 'K', 'sc', 'scn', 'SC', 'SCN']);

function numbers(args: Token[]): number[] | undefined {
  if (args.some((a) => a.kind !== 'number')) return undefined;
  return args.map((a) => Number(a.text));
}

/** `0.8` → `.8`, `1` → `1`, `0.8980392` → `.898`: up to 4 decimals, no trailing zeros, PDF style. */
export function formatNumber(n: number): string {
  const s = String(Math.round(n * 10000) / 10000);
  return s === '-0' ? '0' : s.replace(/^(-?)0\./, '$1.');
}

// ---------------------------------------------------------------------------------------------
// A small lexer for content streams (ISO 32000-1, 7.2 and 7.8.2). Strings, arrays, dictionaries
// and inline images are single operand tokens, so an `rg` inside `(0 0 0 rg)` is never an operator.

export interface Token {
  kind: 'number' | 'name' | 'string' | 'hex' | 'array' | 'dict' | 'op' | 'inline-image' | 'other';
  /** The token's source text (latin1) */
  text: string;
  start: number;
  end: number;
}

const WHITE = new Set(['\0', '\t', '\n', '\f', '\r', ' ']);
const DELIM = new Set(['(', ')', '<', '>', '[', ']', '{', '}', '/', '%']);
const isRegular = (c: string | undefined) => c !== undefined && !WHITE.has(c) && !DELIM.has(c);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const OPERAND_KEYWORDS = new Set(['true', 'false', 'null']);

/** Tokens of a content stream. Arrays and dictionaries come as one token each (their text spans them). */
export function* tokenize(content: string): Generator<Token> {
  let i = 0;
  const n = content.length;
  while (i < n) {
    const c = content[i]!;
    if (WHITE.has(c)) {
      i++;
      continue;
    }
    if (c === '%') {
      while (i < n && content[i] !== '\n' && content[i] !== '\r') i++;
      continue;
    }
    const start = i;
    if (c === '[' || (c === '<' && content[i + 1] === '<')) {
      i = skipCompound(content, i);
      yield { kind: c === '[' ? 'array' : 'dict', text: content.slice(start, i), start, end: i };
    } else if (c === '(') {
      i = skipString(content, i);
      yield { kind: 'string', text: content.slice(start, i), start, end: i };
    } else if (c === '<') {
      const close = content.indexOf('>', i);
      i = close < 0 ? n : close + 1;
      yield { kind: 'hex', text: content.slice(start, i), start, end: i };
    } else if (c === '/') {
      i++;
      while (isRegular(content[i])) i++;
      yield { kind: 'name', text: content.slice(start, i), start, end: i };
    } else if (isRegular(c)) {
      while (isRegular(content[i])) i++;
      const text = content.slice(start, i);
      if (text === 'BI') {
        i = skipInlineImage(content, i);
        yield { kind: 'inline-image', text: content.slice(start, i), start, end: i };
      } else if (NUMBER.test(text)) yield { kind: 'number', text, start, end: i };
      else yield { kind: OPERAND_KEYWORDS.has(text) ? 'other' : 'op', text, start, end: i };
    } else {
      // A stray delimiter: `)`, `>`, `]`, `}`, `{`. Pass it on as an operand-like token.
      i++;
      yield { kind: 'other', text: c, start, end: i };
    }
  }
}

/** From an opening `(` to just after its matching `)`, minding nesting and backslash escapes. */
function skipString(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return s.length;
}

/** From `[` or `<<` to just after the matching `]` or `>>`, with strings, hex strings and comments inside. */
function skipCompound(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '(') i = skipString(s, i);
    else if (c === '%') {
      while (i < s.length && s[i] !== '\n' && s[i] !== '\r') i++;
    } else if (c === '<' && s[i + 1] === '<') {
      depth++;
      i += 2;
    } else if (c === '>' && s[i + 1] === '>') {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === '<') {
      const close = s.indexOf('>', i);
      i = close < 0 ? s.length : close + 1;
    } else if (c === '[') {
      depth++;
      i++;
    } else if (c === ']') {
      i++;
      if (--depth === 0) return i;
    } else i++;
  }
  return s.length;
}

/** After `BI`: the image dictionary, `ID`, one white-space byte, binary data, then `EI` between white space. */
function skipInlineImage(s: string, i: number): number {
  const id = /\sID[\s]/g;
  id.lastIndex = i;
  const m = id.exec(s);
  if (!m) return s.length;
  const ei = /\sEI(?=[\s]|$)/g;
  ei.lastIndex = m.index + m[0].length;
  const e = ei.exec(s);
  return e ? e.index + e[0].length : s.length;
}

/** The bytes of a literal `(…)` or hex `<…>` string token. */
export function stringBytes(token: string): number[] {
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/[^0-9a-fA-F]/g, '');
    const padded = hex.length % 2 ? `${hex}0` : hex;
    const out: number[] = [];
    for (let i = 0; i < padded.length; i += 2) out.push(parseInt(padded.slice(i, i + 2), 16));
    return out;
  }
  const body = token.slice(1, token.endsWith(')') ? -1 : undefined);
  const out: number[] = [];
  const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\r') {
      // An unescaped end of line in a string is a single \n.
      out.push(10);
      if (body[i + 1] === '\n') i++;
    } else if (c !== '\\') out.push(c.charCodeAt(0) & 0xff);
    else {
      const e = body[++i];
      if (e === undefined) break;
      if (e in ESCAPES) out.push(ESCAPES[e]!);
      else if (e >= '0' && e <= '7') {
        let oct = e;
        while (oct.length < 3 && body[i + 1]! >= '0' && body[i + 1]! <= '7') oct += body[++i];
        out.push(parseInt(oct, 8) & 0xff);
      } else if (e === '\r') {
        if (body[i + 1] === '\n') i++;
      } else if (e !== '\n') out.push(e.charCodeAt(0) & 0xff);
    }
  }
  return out;
}
