// Reads just enough of a TrueType/OpenType file to judge it for print: its outline format,
// whether it is variable, its name, and which characters it maps (cmap formats 4 and 12).
// Every offset it follows is checked against the file's size: a truncated file is refused, not misread.

import { UserError } from '../errors.js';

export interface SfntInfo {
  /** 'truetype' (glyf outlines), 'cff' (PostScript outlines), or a container Chrome would not embed well */
  outlines: 'truetype' | 'cff';
  variable: boolean;
  /** Family name from the name table, when there is one */
  family: string | undefined;
  covers: (codePoint: number) => boolean;
}

/** A font file that cannot serve its role: a user error, raised before anything renders. */
export class FontFileError extends UserError {
  constructor(message: string, options: { file?: string } = {}) {
    super(message, { heading: 'unusable font, nothing written:', ...(options.file ? { place: { file: options.file } } : {}) });
    this.name = 'FontFileError';
  }
}

/** Parse a font file; throws FontFileError for anything that is not a single sfnt font, or is cut short. */
export function readSfnt(buf: Uint8Array, where: string): SfntInfo {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength === 0) throw new FontFileError(`${where}: expected a TrueType font file, received an empty file (0 bytes)`);
  if (buf.byteLength < 12) throw new FontFileError(`${where}: expected a TrueType font file, received ${buf.byteLength} bytes`);
  const tag = String.fromCharCode(...buf.subarray(0, 4));
  if (tag === 'ttcf') throw new FontFileError(`${where}: expected a single font, received a font collection (.ttc); extract the face you want into a .ttf`);
  if (tag === 'wOFF' || tag === 'wOF2') throw new FontFileError(`${where}: expected a .ttf file, received a web font (${tag}); use the .ttf it was made from`);
  const version = view.getUint32(0);
  if (tag !== 'OTTO' && tag !== 'true' && version !== 0x00010000) {
    throw new FontFileError(`${where}: expected a TrueType font file, received data starting with "${tag.replace(/[^\x20-\x7e]/g, '?')}"`);
  }
  const tables = new Map<string, { offset: number; length: number }>();
  const count = view.getUint16(4);
  const size = buf.byteLength;
  if (12 + count * 16 > size) throw damaged(where, `its table directory lists ${count} tables, which would end at byte ${12 + count * 16}, but the file has ${size} bytes`);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    const tag = String.fromCharCode(...buf.subarray(at, at + 4));
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    if (offset + length > size) throw damaged(where, `its table ${tag.trim()} runs to byte ${offset + length}, but the file has ${size} bytes`);
    tables.set(tag, { offset, length });
  }
  const cmap = tables.get('cmap');
  if (!cmap) throw new FontFileError(`${where}: expected a font with a character map (cmap table), received one without, so no character can be drawn with it`);
  // The tables are inside the file; a table whose own offsets point past it is damaged too.
  try {
    return {
      outlines: tables.has('glyf') ? 'truetype' : 'cff',
      variable: tables.has('fvar'),
      family: readFamily(view, tables.get('name')),
      covers: readCmap(view, cmap.offset, where),
    };
  } catch (err) {
    if (err instanceof RangeError) throw damaged(where, `a table points past the end of the file (${err.message})`);
    throw err;
  }
}

function damaged(where: string, detail: string): FontFileError {
  return new FontFileError(`${where}: expected a complete font file, received a damaged or truncated one: ${detail} (copy the font file again from where it came)`);
}

function readCmap(view: DataView, base: number, where: string): (cp: number) => boolean {
  const n = view.getUint16(base + 2);
  let best: { format: number; offset: number } | undefined;
  for (let i = 0; i < n; i++) {
    const platform = view.getUint16(base + 4 + i * 8);
    const encoding = view.getUint16(base + 6 + i * 8);
    const offset = base + view.getUint32(base + 8 + i * 8);
    const format = view.getUint16(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && best?.format !== 12) best = { format, offset };
    else if (format === 4 && !best) best = { format, offset };
  }
  if (!best) throw new FontFileError(`${where}: expected a Unicode character map (cmap format 4 or 12), received none (the font maps no Unicode characters)`);
  const ranges: [number, number][] = [];
  const { format, offset } = best;
  if (format === 12) {
    const groups = view.getUint32(offset + 12);
    for (let g = 0; g < groups; g++) {
      const at = offset + 16 + g * 12;
      if (view.getUint32(at + 8) !== 0 || view.getUint32(at) !== view.getUint32(at + 4)) ranges.push([view.getUint32(at), view.getUint32(at + 4)]);
    }
  } else {
    // Format 4: segments of end codes, start codes, deltas and range offsets; glyph 0 means missing.
    const segs = view.getUint16(offset + 6) / 2;
    const ends = offset + 14;
    const starts = ends + segs * 2 + 2;
    const deltas = starts + segs * 2;
    const rangeOffsets = deltas + segs * 2;
    for (let s = 0; s < segs; s++) {
      const end = view.getUint16(ends + s * 2);
      const start = view.getUint16(starts + s * 2);
      const delta = view.getUint16(deltas + s * 2);
      const ro = view.getUint16(rangeOffsets + s * 2);
      if (start === 0xffff) continue;
      for (let c = start; c <= end; c++) {
        let glyph: number;
        if (ro === 0) glyph = (c + delta) & 0xffff;
        else {
          const at = rangeOffsets + s * 2 + ro + (c - start) * 2;
          glyph = at + 2 <= view.byteLength ? view.getUint16(at) : 0;
          if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
        }
        if (glyph === 0) continue;
        const last = ranges[ranges.length - 1];
        if (last && last[1] === c - 1) last[1] = c;
        else ranges.push([c, c]);
      }
    }
  }
  return rangeLookup(ranges);
}

/** A fast membership test over sorted or unsorted inclusive ranges. */
export function rangeLookup(input: [number, number][]): (cp: number) => boolean {
  const ranges = [...input].sort((x, y) => x[0] - y[0]);
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

/** Name ID 1 (family), preferring a Windows Unicode record. */
function readFamily(view: DataView, table: { offset: number } | undefined): string | undefined {
  if (!table) return undefined;
  const base = table.offset;
  const count = view.getUint16(base + 2);
  const strings = base + view.getUint16(base + 4);
  let found: string | undefined;
  for (let i = 0; i < count; i++) {
    const at = base + 6 + i * 12;
    const platform = view.getUint16(at);
    const nameId = view.getUint16(at + 6);
    if (nameId !== 1) continue;
    const length = view.getUint16(at + 8);
    const start = strings + view.getUint16(at + 10);
    if (platform === 3 || platform === 0) {
      let s = '';
      for (let k = 0; k + 1 < length; k += 2) s += String.fromCharCode(view.getUint16(start + k));
      return s;
    }
    if (platform === 1 && found === undefined) {
      found = String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + start, length));
    }
  }
  return found;
}
