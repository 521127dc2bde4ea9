// The preview: each output's page as the same Handlebars HTML that Chrome prints (renderHtml, at the
// trim size, the role fonts served whole), shown in the studio's page in a frame. No Chrome runs for
// it: the person's own browser lays the page out, and the page's own fit script runs in it.

import type { SpeechData } from '../data/types.js';
import { OUTPUTS, cardOutputs, type OutputSpec } from '../view/outputs.js';
import { loadRegistry, type OutputGroup } from '../view/registry.js';
import { renderHtml } from '../view/templates.js';
import type { View } from '../view/views.js';

export interface PreviewOutput {
  name: string;
  /** What the page calls it (the template's title; a card's figure label is added by the page) */
  title: string;
  /** The group `--only` takes for it (the template declares it): briefing, gongwen, poster, wechat, card … */
  group: string;
  /** The page in CSS px (96 per inch), as Chrome lays it out */
  width: number;
  height: number;
  /** Rendered when nothing is chosen (big posters and boards are on request) */
  default: boolean;
  figure?: string;
  /** As tall as its content (the WeChat long image) */
  autoHeight?: boolean;
  /** A document of many pages (the briefings): shown page by page */
  multipage?: boolean;
  pdf: boolean;
  png: boolean;
}

const px = (mm: number) => Math.round((mm / 25.4) * 96 * 100) / 100;

/** Every output of this data: the fixed ones and those per figure (a square and a portrait card each). */
export function allOutputs(figureIds: string[]): OutputSpec[] {
  return [...OUTPUTS, ...cardOutputs(figureIds)];
}

/** The groups the export offers, with the names and hints the templates give them, in the templates' order. */
export function outputGroups(): OutputGroup[] {
  return loadRegistry().groups;
}

export function previewOutputs(figureIds: string[]): PreviewOutput[] {
  return allOutputs(figureIds).map((o) => ({
    name: o.name,
    title: o.title,
    group: o.group,
    width: px(o.page.widthMm),
    height: px(o.page.heightMm),
    default: o.default,
    ...(o.figure ? { figure: o.figure } : {}),
    ...(o.autoHeight ? { autoHeight: true } : {}),
    ...(o.multipage ? { multipage: true } : {}),
    pdf: o.pdf,
    png: Boolean(o.png),
  }));
}

/** The HTML of one output as Chrome would print it (the PNG's page: trim size, no bleed); undefined for an unknown name. */
export function previewHtml(templatesDir: string, data: SpeechData, view: View, name: string, fontCss: string): string | undefined {
  const output = allOutputs(data.figures.map((f) => f.id)).find((o) => o.name === name);
  if (!output) return undefined;
  return renderHtml(templatesDir, view, output, { ...output.page, bleedMm: 0 }, fontCss);
}

/**
 * What a preview page may do: its own inline styles and scripts (the templates' fit script), the
 * studio's templates and fonts, data: images; no requests anywhere, no forms, shown only in the studio.
 */
export const PREVIEW_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
