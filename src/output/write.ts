// Stage 6: writing files. Each file goes to a temp file in the same folder and is then
// renamed over the target, so a killed run never leaves half a PDF where a good one stood.

import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ManifestEntry {
  file: string;
  /** The output that wrote it: briefing, card-x-square … */
  output?: string;
  /** A hash of all that the output's bytes depend on: a later run with the same key keeps the file */
  key?: string;
  bytes: number;
  sha256: string;
  /** PDF: page count and first-page size in pt */
  pages?: number;
  pageSize?: { width: number; height: number; unit: 'pt' };
  /** PDF: RGB from Chrome, or CMYK PDF/X-3 from Ghostscript */
  colour?: 'RGB' | 'CMYK PDF/X-3';
  /** PNG: pixel size and stored DPI */
  pixels?: { width: number; height: number };
  dpi?: number;
  /** PNG: a palette image (when visually lossless), the full-colour size it beat, and the palette's PSNR */
  png?: { palette: boolean; truecolourBytes: number; psnrDb?: number };
}

export function writeAtomic(file: string, data: Uint8Array | string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
