// Capture a loaded page: print it as a PDF, or take its pixels as PNG bands. The page is loaded and
// checked before (page.ts); nothing here navigates.

import { RenderError } from './errors.js';
import type { Viewport, WarmPage } from './page.js';

/** A horizontal band of the image, in device px from the top. */
export interface Band {
  top: number;
  height: number;
}

/** One capture: full width, `height` rows starting at `top`, PNG-encoded by Chrome. */
export interface PngBand extends Band {
  png: Uint8Array;
}

/** A page captured as bands that cover widthPx × heightPx exactly, top to bottom. */
export interface PngCapture {
  width: number;
  height: number;
  bands: PngBand[];
}

/** What a PNG capture needs to know besides the page. */
export interface PngTarget {
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** Capture in bands of at most this many device px, however small the image (tests force tiling with it) */
  tileHeightPx?: number;
  /** As tall as the content (heightPx is then the least height) */
  autoHeight?: boolean;
}

/**
 * Largest image captured in one piece. A capture that is too big comes back at the right size with its
 * bottom silently wrong: measured with Chromium 156, a 11811×16384 capture (193 MP) was exact down to
 * row 11430 (135 MP), garbled below and white from row 11685. Nothing in the capture says so, so stay
 * well under: A2@300 (35 MP) still goes in one piece. The 2000×3000 mm board @72 (48 MP) goes in two
 * bands: Chrome's peak for it fell from 1.39 to 1.26 GB (PSS), for the same PNG.
 */
export const MAX_SINGLE_PIXELS = 40_000_000;
/** Largest band when tiling: A0@300 goes in four bands of 35 MP, each far from the failure. */
export const MAX_BAND_PIXELS = 40_000_000;
/** Chrome's texture limit per side, in device px. */
export const MAX_SIDE_PX = 16_384;

/**
 * How to cut a widthPx × heightPx capture into full-width bands: one band when the image is at most
 * MAX_SINGLE_PIXELS and both sides fit MAX_SIDE_PX; else as few bands of at most MAX_BAND_PIXELS as
 * will do, of equal height but the last (which is shorter). `tileHeightPx` forces bands of that height.
 */
export function bandLayout(widthPx: number, heightPx: number, options: { tileHeightPx?: number } = {}): Band[] {
  for (const [what, n] of [['width', widthPx], ['height', heightPx]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`bandLayout: expected a ${what} of whole px ≥ 1, received ${n}`);
  }
  if (widthPx > MAX_SIDE_PX) {
    throw new RenderError(`expected an image at most ${MAX_SIDE_PX} px wide (Chrome's texture limit), received ${widthPx} px: lower the dpi`);
  }
  const { tileHeightPx } = options;
  let bandHeight: number;
  if (tileHeightPx !== undefined) {
    if (!Number.isInteger(tileHeightPx) || tileHeightPx < 1) throw new RangeError(`tileHeightPx: expected whole px ≥ 1, received ${tileHeightPx}`);
    bandHeight = Math.min(tileHeightPx, MAX_SIDE_PX);
  } else if (widthPx * heightPx <= MAX_SINGLE_PIXELS && heightPx <= MAX_SIDE_PX) {
    bandHeight = heightPx;
  } else {
    const count = Math.ceil(heightPx / Math.min(MAX_SIDE_PX, Math.floor(MAX_BAND_PIXELS / widthPx)));
    bandHeight = Math.ceil(heightPx / count);
  }
  const bands: Band[] = [];
  for (let top = 0; top < heightPx; top += bandHeight) bands.push({ top, height: Math.min(bandHeight, heightPx - top) });
  return bands;
}

/** The viewport of a PNG: the whole page in CSS px at dpi/96 device px each. */
export function pngViewport(target: PngTarget): Viewport {
  const scale = target.dpi / 96;
  return { width: Math.ceil(target.widthPx / scale), height: Math.ceil(target.heightPx / scale), deviceScaleFactor: scale };
}

/** The viewport of a PDF: the page at one device px per CSS px (its size in print comes from @page). */
export function pdfViewport(page: { width: number; height: number }): Viewport {
  return { width: Math.ceil(page.width), height: Math.ceil(page.height), deviceScaleFactor: 1 };
}

/**
 * A PDF whose page size comes from the page's own @page rule. Its fonts are in: the page's load
 * waited for them (puppeteer's own wait made an isolated world in each new document, some 6 ms).
 */
export async function printPdf(page: WarmPage, outline: boolean): Promise<Uint8Array> {
  return page.page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline, timeout: 120_000, waitForFonts: false });
}

/**
 * A PNG of exactly widthPx × heightPx at the given dpi (CSS px are 1/96 in), as one or more
 * full-width bands from top to bottom; image.ts stitches them. One capture while it is small
 * enough (see bandLayout and MAX_SINGLE_PIXELS). The viewport is the whole page in every case, so
 * the layout does not depend on the bands; each band is a clip of it.
 */
export async function capturePng(page: WarmPage, target: PngTarget): Promise<PngCapture> {
  const scale = target.dpi / 96;
  const cssWidth = target.widthPx / scale;
  const viewport = pngViewport(target);
  // A long image is as tall as its content: measure it, then capture that height.
  const heightPx = target.autoHeight
    ? Math.max(target.heightPx, Math.round((await page.page.evaluate(() => document.documentElement.scrollHeight)) * scale))
    : target.heightPx;
  await page.setViewport({ ...viewport, height: Math.ceil(heightPx / scale) });
  await page.drawn();
  const bands: PngBand[] = [];
  for (const band of bandLayout(target.widthPx, heightPx, { tileHeightPx: target.tileHeightPx })) {
    // Bands start and end on whole device px; the clip is in CSS px, fractional, which CDP keeps
    // (page.screenshot would round it to whole CSS px).
    const shot = await page.cdp.send('Page.captureScreenshot', {
      format: 'png',
      clip: { x: 0, y: band.top / scale, width: cssWidth, height: band.height / scale, scale: 1 },
      captureBeyondViewport: false,
      fromSurface: true,
      // Chrome's own PNG is decoded again by sharp at once: compressing it hard only costs time.
      optimizeForSpeed: true,
    });
    bands.push({ ...band, png: Buffer.from(shot.data, 'base64') });
  }
  return { width: target.widthPx, height: heightPx, bands };
}
