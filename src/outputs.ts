// The outputs shushuo knows, by the names `render --only` takes.

export interface PageSize {
  /** Trim size in mm */
  widthMm: number;
  heightMm: number;
}

export interface OutputSpec {
  name: string;
  /** briefing: a multi-page document in one of the LAYOUTS; poster: one sheet */
  kind: 'briefing' | 'poster';
  /** Template file in templates/, without .hbs */
  template: string;
  page: PageSize;
  /** Files written: <name>.pdf and/or <name>.png */
  pdf: boolean;
  png?: { dpi: number };
  /** Add bookmarks from the headings */
  outline: boolean;
  /** Rendered when no --only is given; big sizes are rendered on request */
  default: boolean;
}

const A4 = { widthMm: 210, heightMm: 297 };

const poster = (name: string, widthMm: number, heightMm: number, dpi: number, isDefault: boolean): OutputSpec => ({
  name, kind: 'poster', template: 'poster', page: { widthMm, heightMm }, pdf: true, png: { dpi }, outline: false, default: isDefault,
});

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'briefing', kind: 'briefing', template: 'briefing', page: A4, pdf: true, outline: true, default: true },
  { name: 'briefing-gongwen', kind: 'briefing', template: 'gongwen', page: A4, pdf: true, outline: true, default: true },
  // Print posters at 300 dpi; large-format boards (写真/喷绘) at the resolutions they are printed at.
  poster('poster-a3', 297, 420, 300, true),
  poster('poster-a2', 420, 594, 300, true),
  poster('poster-a1', 594, 841, 300, false),
  poster('poster-a0', 841, 1189, 300, false),
  poster('board-600x800', 600, 800, 150, false),
  poster('board-1200x2000', 1200, 2000, 96, false),
  poster('board-2000x3000', 2000, 3000, 72, false),
];

/** Briefing layouts, by the name `--layout` takes: the 工作通报 and the GB/T 9704 official document. */
export const LAYOUTS = ['briefing', 'gongwen'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Pixel size = round(mm / 25.4 × dpi) */
export function pixelSize(page: PageSize, dpi: number): { width: number; height: number } {
  return { width: Math.round((page.widthMm / 25.4) * dpi), height: Math.round((page.heightMm / 25.4) * dpi) };
}

/**
 * Pick outputs by name and briefing layout; unknown names are an error that lists the known ones.
 * `layout` keeps only the briefings in that layout; other outputs stay.
 */
export function selectOutputs(only?: string[], layout?: string): OutputSpec[] {
  if (layout !== undefined && !(LAYOUTS as readonly string[]).includes(layout)) {
    throw new Error(`--layout: expected one of ${LAYOUTS.join(', ')}, received ${layout}`);
  }
  const unknown = (only ?? []).filter((n) => !OUTPUTS.some((o) => o.name === n));
  if (unknown.length > 0) {
    throw new Error(`--only: expected names from ${OUTPUTS.map((o) => o.name).join(', ')}, received ${unknown.join(', ')}`);
  }
  const named = only && only.length > 0;
  const picked = OUTPUTS.filter((o) => (named ? only.includes(o.name) : o.default) && (!layout || o.kind !== 'briefing' || o.template === layout));
  if (picked.length === 0) throw new Error(`--only ${only?.join(',')} with --layout ${layout}: no output is both; the ${layout} briefing is ${OUTPUTS.find((o) => o.template === layout)?.name}`);
  return picked;
}
