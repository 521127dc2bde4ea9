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
// Content streams are handled as latin1 text (one char per byte) and read by the lexer of
// src/print/pdf-content.ts, so binary data such as inline images passes through unchanged. Only the
// operands and operator of a rewritten colour change; every other byte stays where it was.

import { Name, operations, type Operand } from './pdf-content.js';

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

  for (const { op, operands: args, end } of operations(Buffer.from(content, 'latin1'))) {
    if (op === 'q') saved.push({ ...space });
    else if (op === 'Q') space = saved.pop() ?? space;
    else if (op === 'cs' || op === 'CS') {
      const name = args.length === 1 && args[0]!.value instanceof Name ? args[0]!.value.value : '';
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
        text = `${args.map((a) => content.slice(a.start, a.end)).join(' ')} ${stroke ? 'RG' : 'rg'}`;
      }
      edits.push({ start: args[0]!.start, end, text });
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

function numbers(args: Operand[]): number[] | undefined {
  const values = args.map((a) => a.value);
  return values.every((v): v is number => typeof v === 'number') ? values : undefined;
}

/** `0.8` → `.8`, `1` → `1`, `0.8980392` → `.898`: up to 4 decimals, no trailing zeros, PDF style. */
export function formatNumber(n: number): string {
  const s = String(Math.round(n * 10000) / 10000);
  return s === '-0' ? '0' : s.replace(/^(-?)0\./, '$1.');
}
