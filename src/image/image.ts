// Stage 5a: the one module that uses sharp. Chrome's PNG has no DPI; this stores it
// (pHYs) and recompresses, and checks that the pixels are exactly what was asked for.
// A big page comes from Chrome in bands; libvips joins them while it encodes, so the
// whole image is never decoded into memory at once.

import sharp, { type Sharp } from 'sharp';
import type { PngCapture } from '../chrome/render.js';

// No image is read twice, so libvips's cache of recent operations (up to 50 MB) only grows a long batch.
sharp.cache(false);

export interface PngInfo {
  width: number;
  height: number;
  dpi: number;
}

/** Images up to this size are also tried as a palette PNG; bigger ones stay full colour, so memory stays bounded. */
export const PALETTE_MAX_PIXELS = 40_000_000;
/**
 * Screen images (72 dpi: WeChat, cards) are tried as a palette PNG, where bytes count. Print proofs stay
 * full colour: quantising the 35 MP A2 poster took some 7 s to save 0.1–0.5 MB of a file no one sends.
 */
export const PALETTE_MAX_DPI = 96;
/** A palette is kept only when it is visually lossless: PSNR against the full-colour pixels at least this. */
export const PALETTE_MIN_PSNR = 40;

export interface FinishedPng {
  png: Buffer;
  /** The PNG is a 256-colour palette image */
  palette: boolean;
  /** Size of the full-colour PNG, for the report */
  truecolourBytes: number;
  /** PSNR of the palette image against the full-colour pixels, dB (when one was tried) */
  psnr?: number;
  /** JPEG and WebP versions asked for, each only where it is smaller than the PNG */
  alternates: Alternate[];
}

export interface Alternate {
  ext: 'jpg' | 'webp';
  data: Buffer;
}

/**
 * Stitch the bands, store the print resolution in the PNG and compress it. Flat artwork compresses
 * far better as a palette PNG; it is used when it is smaller and visually lossless (PSNR ≥ 40 dB).
 * `alsoAs`: JPEG and WebP versions of the same pixels, kept where smaller than the PNG.
 * Fails if the bands do not cover exactly the size asked for, one under the other.
 */
export async function finishPng(capture: PngCapture, want: PngInfo, name: string, alsoAs: Alternate['ext'][] = []): Promise<FinishedPng> {
  const image = (await stitched(capture, want, name)).removeAlpha();
  if (want.width * want.height > PALETTE_MAX_PIXELS || want.dpi > PALETTE_MAX_DPI) {
    // zlib level 6: the A2 poster (35 MP) took 1.15 s at level 9 for 0.96 MB, 0.12 s at 6 for 1.25 MB.
    const [full, tries] = await Promise.all([image.clone().withMetadata({ density: want.dpi }).png({ compressionLevel: 6 }).toBuffer(), otherFormats(alsoAs, () => image.clone(), want)]);
    return { png: full, palette: false, truecolourBytes: full.byteLength, alternates: smallerThan(tries, full) };
  }
  // Decoded once; each encoding starts from these pixels, two at once (sharp runs them on its threads):
  // a card took some 210 ms one after another, each decoding Chrome's PNG again.
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const pixels = () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  // Both at zlib level 6: level 9 took 12× as long for 1–3% fewer bytes (a full colour card: 118 ms
  // against 10 ms; a palette card 30% longer for 3% fewer bytes). The quantiser at effort 1, quality 90,
  // without dithering, over the 34 screen images of the first speech: half the time of effort 4 at
  // quality 100 dithered, 24% fewer bytes, PSNR 47.6 dB at the least (dithering at effort 1 made the
  // long image 30% bigger). The PSNR check below holds its quality either way.
  const [full, palette] = await Promise.all([
    pixels().withMetadata({ density: want.dpi }).png({ compressionLevel: 6 }).toBuffer(),
    pixels().withMetadata({ density: want.dpi }).png({ palette: true, quality: 90, effort: 1, dither: 0, compressionLevel: 6 }).toBuffer(),
  ]);
  // The palette PNG's own sRGB profile is not applied: its pixels are read as stored (8 ms, not 14).
  const psnr = psnrOf(data, await sharp(palette, { ignoreIcc: true }).removeAlpha().toColourspace('srgb').raw().toBuffer());
  if (palette.byteLength < full.byteLength && psnr >= PALETTE_MIN_PSNR) {
    // JPEG and WebP are not tried for what a palette holds: over the 33 screen images of the first
    // speech, WebP (q90) came out 1.29–1.52× and JPEG 2.8–3.2× the size of the palette PNG.
    return { png: palette, palette: true, truecolourBytes: full.byteLength, psnr, alternates: [] };
  }
  const [png, tries] = await Promise.all([pixels().withMetadata({ density: want.dpi }).png({ compressionLevel: 9 }).toBuffer(), otherFormats(alsoAs, pixels, want)]);
  return { png, palette: false, truecolourBytes: png.byteLength, psnr, alternates: smallerThan(tries, png) };
}

/** Peak signal-to-noise ratio of y against x, two raw RGB images of one size, in dB (Infinity when equal). */
export function psnrOf(x: Uint8Array, y: Uint8Array): number {
  if (x.length !== y.length) throw new Error(`psnr: expected images of one size, received ${x.length} and ${y.length} bytes of pixels`);
  const squares = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) {
      const d = x[i]! - y[i]!;
      sum += d * d;
    }
    return sum;
  };
  let sum = 0;
  let done = 0;
  // Four bytes at a time where both start on a word: a palette image equals its source in most places,
  // and only the words that differ are reckoned byte by byte (a card: 1.5 ms, not 6).
  if (x.byteOffset % 4 === 0 && y.byteOffset % 4 === 0) {
    const words = x.length >> 2;
    const a = new Uint32Array(x.buffer, x.byteOffset, words);
    const b = new Uint32Array(y.buffer, y.byteOffset, words);
    for (let k = 0; k < words; k++) if (a[k] !== b[k]) sum += squares(4 * k, 4 * k + 4);
    done = 4 * words;
  }
  sum += squares(done, x.length);
  const mse = sum / x.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/**
 * A JPEG and a WebP of the pixels, as asked. These are quick tries: mozjpeg's trellis and WebP's effort 5
 * took 219 and 131 ms a card. WebP holds at most 16383 px a side (a long image of forty figures is
 * taller): none is made.
 */
function otherFormats(alsoAs: Alternate['ext'][], image: () => Sharp, want: PngInfo): Promise<Alternate[]> {
  const fits = (ext: Alternate['ext']) => ext === 'jpg' || Math.max(want.width, want.height) <= WEBP_MAX_SIDE;
  return Promise.all(
    alsoAs.filter(fits).map(async (ext) => ({
      ext,
      data: await (ext === 'jpg' ? image().jpeg({ quality: 90, optimiseCoding: true, chromaSubsampling: '4:4:4' }) : image().webp({ quality: 90, effort: 2 })).toBuffer(),
    })),
  );
}

/** The versions worth writing: those smaller than the PNG. */
const smallerThan = (tries: Alternate[], png: Buffer) => tries.filter((t) => t.data.byteLength < png.byteLength);

const WEBP_MAX_SIDE = 16_383;

/** The longer side of a gallery thumbnail, px. */
export const THUMBNAIL_PX = 400;

/** Uncompressed RGB pixels, 3 bytes each, row after row. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A thumbnail for the gallery, at most `size` px on its longer side: from an image file, its bytes, or raw RGB. */
export async function thumbnail(image: Uint8Array | string | RawImage, size = THUMBNAIL_PX): Promise<Buffer> {
  // Our PNGs are sRGB and say so: applying their profile again gave the same pixels at twice the time.
  const input = typeof image === 'string' || image instanceof Uint8Array ? sharp(image, { ignoreIcc: true }) : sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  return input.resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).png({ palette: true, effort: 1, dither: 0 }).toBuffer();
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
