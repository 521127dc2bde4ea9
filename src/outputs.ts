// The outputs shushuo knows, by the names `render --only` takes.

export interface PageSize {
  /** Trim size in mm */
  widthMm: number;
  heightMm: number;
}

export interface OutputSpec {
  name: string;
  /** Template file in templates/, without .hbs */
  template: string;
  page: PageSize;
  /** Files written: <name>.pdf and/or <name>.png */
  pdf: boolean;
  png?: { dpi: number };
  /** Add bookmarks from the headings */
  outline: boolean;
}

export const OUTPUTS: readonly OutputSpec[] = [
  { name: 'briefing', template: 'briefing', page: { widthMm: 210, heightMm: 297 }, pdf: true, outline: true },
  { name: 'poster-a2', template: 'poster', page: { widthMm: 420, heightMm: 594 }, pdf: true, png: { dpi: 300 }, outline: false },
];

/** Pixel size = round(mm / 25.4 × dpi) */
export function pixelSize(page: PageSize, dpi: number): { width: number; height: number } {
  return { width: Math.round((page.widthMm / 25.4) * dpi), height: Math.round((page.heightMm / 25.4) * dpi) };
}

/** Pick outputs by name; unknown names are an error that lists the known ones. */
export function selectOutputs(only?: string[]): OutputSpec[] {
  if (!only || only.length === 0) return [...OUTPUTS];
  const unknown = only.filter((n) => !OUTPUTS.some((o) => o.name === n));
  if (unknown.length > 0) {
    throw new Error(`--only: expected names from ${OUTPUTS.map((o) => o.name).join(', ')}, received ${unknown.join(', ')}`);
  }
  return OUTPUTS.filter((o) => only.includes(o.name));
}
