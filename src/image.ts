// Stage 5a: the one module that uses sharp. Chrome's PNG has no DPI; this stores it
// (pHYs) and recompresses, and checks that the pixels are exactly what was asked for.
// A big page comes from Chrome in bands; libvips joins them while it encodes, so the
// whole image is never decoded into memory at once.

import sharp, { type Sharp } from 'sharp';
import type { PngCapture } from './render.js';

export interface PngInfo {
  width: number;
  height: number;
  dpi: number;
}

/**
 * Stitch the bands, store the print resolution in the PNG and compress it to a palette PNG. Fails if
 * the bands do not cover exactly the size asked for, one under the other. The palette quantiser holds
 * the whole image (about 5 bytes a pixel); everything before it streams.
 */
export async function finishPng(capture: PngCapture, want: PngInfo, name: string): Promise<Buffer> {
  const image = await stitched(capture, want, name);
  return image.withMetadata({ density: want.dpi }).png({ compressionLevel: 9, effort: 7 }).toBuffer();
}

/** The bands stitched into one full-colour PNG, quickly compressed: the pixels exactly as Chrome drew them. */
export async function stitchPng(capture: PngCapture, want: PngInfo, name: string): Promise<Buffer> {
  const image = await stitched(capture, want, name);
  return image.png({ compressionLevel: 1 }).toBuffer();
}

/** Check each band's size and place, then join them lazily: libvips decodes a band only while it writes its rows. */
async function stitched(capture: PngCapture, want: PngInfo, name: string): Promise<Sharp> {
  const { bands } = capture;
  const many = bands.length > 1;
  let top = 0;
  for (const [i, band] of bands.entries()) {
    const where = many ? ` band ${i + 1} of ${bands.length} (rows ${band.top}–${band.top + band.height - 1})` : '';
    if (band.top !== top) throw new Error(`${name}.png${where}: expected it to start at row ${top}, received ${band.top}`);
    const meta = await sharp(band.png).metadata();
    if (meta.width !== want.width || meta.height !== band.height) {
      throw new Error(`${name}.png${where}: expected ${want.width}×${band.height} px, received ${meta.width}×${meta.height} px from the browser`);
    }
    if (many && i < bands.length - 1 && band.height !== bands[0]!.height) {
      throw new Error(`${name}.png${where}: expected every band but the last ${bands[0]!.height} rows high, received ${band.height}`);
    }
    top += band.height;
  }
  if (top !== want.height) throw new Error(`${name}.png: expected ${want.height} rows, received ${top} in ${bands.length} bands from the browser`);
  if (!many) return sharp(bands[0]!.png);
  // Join pads every band to the tallest; only the last may be shorter, so the padding falls below the image.
  return sharp(bands.map((b) => b.png), { join: { across: 1 } }).extract({ left: 0, top: 0, width: want.width, height: want.height });
}

/** Pixel size and DPI as stored in an image file. */
export async function readImageInfo(file: Uint8Array | string): Promise<PngInfo> {
  const meta = await sharp(file).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0, dpi: Math.round(meta.density ?? 72) };
}
