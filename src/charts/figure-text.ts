// How a figure is printed in a chart. All digits come from formatFigure /
// formatDerived, split into parts so each part can get its own style.

import type { DerivedFigure, Figure } from '../data/types.js';
import { formatDerived, formatFigure } from '../data/format.js';
import type { Run, Theme, Weight } from './svg.js';

export type AnyFigure = Figure | DerivedFigure;

export function isDerived(figure: AnyFigure): figure is DerivedFigure {
  return 'op' in figure;
}

export interface FigureParts {
  /** A qualifier before the number (近, 超过), or 第 for a rank */
  prefix: string;
  number: string;
  /** A qualifier between number and unit: 余 of 300余家 */
  middle: string;
  unit: string;
  suffix: string;
  /** The derived marker as formatDerived prints it (（推算）), or '' */
  mark: string;
  /** The whole figure as printed, marker included: 近40%, 约58%（推算） */
  text: string;
}

export function figureParts(figure: AnyFigure): FigureParts {
  const f = formatFigure(figure);
  const text = isDerived(figure) ? formatDerived(figure) : f.text;
  // formatDerived appends its marker to the formatted figure; take it from there.
  const mark = text.startsWith(f.text) ? text.slice(f.text.length) : '';
  return { prefix: f.prefix, number: f.number, middle: f.middle, unit: f.unit, suffix: f.suffix, mark, text };
}

export interface PartStyle {
  size: number;
  family: string;
  weight: Weight;
  fill: string;
}

export interface FigureStyle {
  prefix: PartStyle;
  number: PartStyle;
  middle: PartStyle;
  unit: PartStyle;
  suffix: PartStyle;
  mark: PartStyle;
}

const PART_ORDER = ['prefix', 'number', 'middle', 'unit', 'suffix'] as const;

/** The runs of a printed figure in reading order (prefix, number, middle, unit, suffix, mark), empty parts left out. */
export function figureRuns(parts: FigureParts, style: FigureStyle, withMark = true): Run[] {
  const runs: Run[] = [];
  const keys = [...PART_ORDER, ...(withMark ? (['mark'] as const) : [])];
  for (const key of keys) {
    const text = parts[key];
    if (text) runs.push({ text, ...style[key] });
  }
  return runs;
}

/** Scale every size of a figure style. */
export function scaleStyle(style: FigureStyle, k: number): FigureStyle {
  const s = (p: PartStyle): PartStyle => ({ ...p, size: p.size * k });
  return { prefix: s(style.prefix), number: s(style.number), middle: s(style.middle), unit: s(style.unit), suffix: s(style.suffix), mark: s(style.mark) };
}

/** A uniform style for a figure inside a line of small text, number emphasised. */
export function inlineStyle(size: number, family: string, fill: string, markFill: string): FigureStyle {
  return {
    prefix: { size, family, weight: 700, fill },
    number: { size, family, weight: 700, fill },
    middle: { size, family, weight: 700, fill },
    unit: { size, family, weight: 700, fill },
    suffix: { size, family, weight: 700, fill },
    mark: { size, family, weight: 400, fill: markFill },
  };
}

/**
 * The look of a displayed figure: qualifiers (and the 第 of a rank) in ink sans, wherever they stand;
 * number and unit in red serif; the derived mark in grey.
 */
export function displayStyle(theme: Theme, number: number, sizes: { qualifier: number; unit: number; mark: number }): FigureStyle {
  const { palette: c, sans, serif } = theme;
  return {
    prefix: { size: sizes.qualifier, family: sans, weight: 700, fill: c.ink },
    number: { size: number, family: serif, weight: 900, fill: c.red },
    middle: { size: sizes.qualifier, family: sans, weight: 700, fill: c.ink },
    unit: { size: sizes.unit, family: serif, weight: 700, fill: c.red },
    suffix: { size: sizes.qualifier, family: sans, weight: 700, fill: c.ink },
    mark: { size: sizes.mark, family: sans, weight: 400, fill: c.grey },
  };
}
