// The chart layer: pure functions from figures to one SVG string each.

export { bigNumber, type BigNumberOptions } from './big-number.js';
export { changeArrow, type ChangeArrowOptions } from './change.js';
export { fromTo, type FromToOptions } from './from-to.js';
export { ring, type RingOptions } from './ring.js';
export { coverageBars, type CoverageBarsOptions, type CoverageRow } from './coverage-bars.js';
export { stackedBar, type StackedBarOptions, type StackedSegment } from './stacked-bar.js';
export { unitChart, MAX_ICONS, type IconName, type UnitChartOptions } from './unit-chart.js';
export { structureDiagram, MIN_WIDTH as STRUCTURE_MIN_WIDTH, type StructureDiagramOptions } from './structure-diagram.js';
export { DEFAULT_PALETTE, type BaseOptions, type Palette } from './svg.js';
export type { AnyFigure } from './figure-text.js';
