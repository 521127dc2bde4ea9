// The same data gives the same bytes: two runs in fresh browsers write identical files, PNGs included.
// Chrome's own pixels are what varied (see ONE_TILE_PX in src/chrome/render.ts): these outputs are the
// ones that differed most often between two runs before.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { ONE_TILE_PX } from '../src/chrome/render.js';
import { OUTPUTS, pixelSize } from '../src/view/outputs.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/determinism';
const ONLY = [
  'poster-a3', // a ring chart whose edges moved when the capture came a frame early
  'wechat-long',
  'wechat-cover',
  'card-villages-counted-square', // its big figure crossed a tile seam (column 763)
  'card-villages-counted-portrait', // … and row 763: up to 44 levels
  'card-inspection-rounds-portrait',
  'card-village-sites-built-portrait',
  'card-secretary-pay-portrait',
];

interface Entry {
  file: string;
  sha256: string;
}

/** How two images differ: pixels, and the largest difference of a channel. */
async function pixelDiff(a: string, b: string): Promise<string> {
  const [x, y] = await Promise.all([a, b].map((f) => sharp(f).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  if (x!.info.width !== y!.info.width || x!.info.height !== y!.info.height) return `${x!.info.width}×${x!.info.height} vs ${y!.info.width}×${y!.info.height} px`;
  let pixels = 0;
  let max = 0;
  for (let p = 0; p < x!.data.length; p += 3) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(x!.data[p + c]! - y!.data[p + c]!));
    if (d > 0) pixels++;
    max = Math.max(max, d);
  }
  return `${pixels} pixels differ, by up to ${max} levels`;
}

describe('two runs write the same bytes', { timeout: 180_000 }, () => {
  const dirs = [join(OUT, 'a'), join(OUT, 'b')];
  const manifests: Entry[][] = [];

  before(() => {
    for (const dir of dirs) {
      rmSync(dir, { recursive: true, force: true });
      const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', dir, '--only', ONLY.join(',')], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      manifests.push((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Entry[] }).files);
    }
  });

  it('every PNG, PDF, JPEG and WebP is byte-identical', async () => {
    const [a, b] = manifests as [Entry[], Entry[]];
    assert.deepEqual(b.map((e) => e.file).sort(), a.map((e) => e.file).sort());
    assert.ok(a.filter((e) => e.file.endsWith('.png')).length >= ONLY.length, 'a PNG per output');
    const differ: string[] = [];
    for (const entry of a) {
      const other = b.find((e) => e.file === entry.file)!;
      if (other.sha256 === entry.sha256) continue;
      const [x, y] = dirs.map((d) => join(d, entry.file));
      differ.push(`${entry.file}: ${/\.(png|jpg|webp)$/.test(entry.file) ? await pixelDiff(x!, y!) : 'bytes differ'}`);
    }
    assert.deepEqual(differ, [], `files differ between two runs:\n  ${differ.join('\n  ')}`);
  });

  it('the default outputs are all rastered as one tile (the promise holds up to ONE_TILE_PX)', () => {
    for (const o of OUTPUTS.filter((o) => o.default && o.png && !o.autoHeight)) {
      const { width, height } = pixelSize(o.page, o.png!.dpi);
      assert.ok(width < ONE_TILE_PX.width && height < ONE_TILE_PX.height, `${o.name}: ${width}×${height} px is tiled by Chrome, so its seams may differ between runs`);
    }
  });
});
