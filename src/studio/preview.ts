// The preview: each output's page as the same Handlebars HTML that Chrome prints (renderHtml, at the
// trim size, the role fonts served whole), shown in the studio's page in a frame. No Chrome runs for
// it: the person's own browser lays the page out, and the page's own fit script runs in it.

import type { SpeechData } from '../data/types.js';
import { OUTPUTS, cardOutputs, type OutputSpec } from '../view/outputs.js';
import { renderHtml } from '../view/templates.js';
import type { View } from '../view/views.js';

export interface PreviewOutput {
  name: string;
  kind: OutputSpec['kind'];
  /** The group `--only` takes for it: briefing, gongwen, poster, wechat, card */
  group: string;
  /** The page in CSS px (96 per inch), as Chrome lays it out */
  width: number;
  height: number;
  /** Rendered when nothing is chosen (big posters and boards are on request) */
  default: boolean;
  figure?: string;
  /** As tall as its content (the WeChat long image) */
  autoHeight?: boolean;
  pdf: boolean;
  png: boolean;
}

const px = (mm: number) => Math.round((mm / 25.4) * 96 * 100) / 100;

/** The group an output belongs to, as `--only` and `batch --template` name groups. */
export function groupOf(o: OutputSpec): string {
  return o.template === 'gongwen' ? 'gongwen' : o.kind;
}

/** Every output of this data: the fixed ones and a square and a portrait card per figure. */
export function allOutputs(figureIds: string[]): OutputSpec[] {
  return [...OUTPUTS, ...cardOutputs(figureIds)];
}

export function previewOutputs(figureIds: string[]): PreviewOutput[] {
  return allOutputs(figureIds).map((o) => ({
    name: o.name,
    kind: o.kind,
    group: groupOf(o),
    width: px(o.page.widthMm),
    height: px(o.page.heightMm),
    default: o.default,
    ...(o.figure ? { figure: o.figure } : {}),
    ...(o.autoHeight ? { autoHeight: true } : {}),
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
