// Stage 5a: the one module that uses sharp. Chrome's PNG has no DPI; this stores it
// (pHYs) and recompresses, and checks that the pixels are exactly what was asked for.

import sharp from 'sharp';

export interface PngInfo {
  width: number;
  height: number;
  dpi: number;
}

/** Store the print resolution in the PNG and compress it; fails if the size is not exact. */
export async function finishPng(png: Uint8Array, want: PngInfo, name: string): Promise<Buffer> {
  const meta = await sharp(png).metadata();
  if (meta.width !== want.width || meta.height !== want.height) {
    throw new Error(`${name}.png: expected ${want.width}×${want.height} px, received ${meta.width}×${meta.height} px from the browser`);
  }
  return sharp(png).withMetadata({ density: want.dpi }).png({ compressionLevel: 9, effort: 7 }).toBuffer();
}

/** Pixel size and DPI as stored in an image file. */
export async function readImageInfo(file: Uint8Array | string): Promise<PngInfo> {
  const meta = await sharp(file).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0, dpi: Math.round(meta.density ?? 72) };
}
