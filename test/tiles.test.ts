// Tiled capture: a page captured in bands and stitched must be the page captured whole.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { findBrowser } from '../src/chrome/browser.js';
import { loadData } from '../src/data/load.js';
import { fontFaceCss, resolveFonts, roleFontFiles } from '../src/fonts/fonts.js';
import { finishPng, stitchPng } from '../src/image/image.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { OUTPUTS, pixelSize } from '../src/view/outputs.js';
import { bandLayout, MAX_BAND_PIXELS, MAX_SIDE_PX, Renderer, type PngCapture } from '../src/chrome/render.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';

const OUT = 'test/__output__/tiles';

describe('bandLayout', () => {
  const covers = (bands: { top: number; height: number }[], height: number) => {
    let top = 0;
    for (const b of bands) {
      assert.equal(b.top, top, 'bands follow one another without gap or overlap');
      assert.ok(Number.isInteger(b.height) && b.height >= 1, `whole px: ${b.height}`);
      top += b.height;
    }
    assert.equal(top, height, 'bands cover the image exactly');
  };

  it('one band up to the single-capture limit, two just over it', () => {
    assert.deepEqual(bandLayout(4961, 7016), [{ top: 0, height: 7016 }]); // A2@300, 35 MP
    assert.deepEqual(bandLayout(5000, 8000), [{ top: 0, height: 8000 }]); // 40 MP, the limit
    assert.deepEqual(bandLayout(5669, 8504), [{ top: 0, height: 4252 }, { top: 4252, height: 4252 }]); // 2000×3000 mm @72, 48 MP
  });

  it('A0@300 in four equal bands of at most 40 MP, the last one row shorter', () => {
    const bands = bandLayout(9933, 14043);
    assert.deepEqual(bands.map((b) => b.height), [3511, 3511, 3511, 3510]);
    covers(bands, 14043);
  });

  it('covers every size exactly, each band within the limits, all but the last of one height', () => {
    for (const [w, h] of [[9933, 14043], [7016, 9933], [14173, 28346], [1080, 60000], [16384, 16385], [8000, 7501], [1, 1], [3, 100_000]]) {
      const bands = bandLayout(w!, h!);
      covers(bands, h!);
      if (bands.length > 1) {
        for (const b of bands) assert.ok(w! * b.height <= MAX_BAND_PIXELS && b.height <= MAX_SIDE_PX, `${w}×${h}: band of ${b.height} rows is too big`);
        for (const b of bands.slice(0, -1)) assert.equal(b.height, bands[0]!.height);
        assert.equal(bands.length, Math.ceil(h! / Math.min(MAX_SIDE_PX, Math.floor(MAX_BAND_PIXELS / w!))), `${w}×${h}: as few bands as will do`);
      }
    }
  });

  it('a forced tile height is kept, and the last band takes the rest', () => {
    const bands = bandLayout(3307, 4677, { tileHeightPx: 1201 });
    assert.deepEqual(bands, [{ top: 0, height: 1201 }, { top: 1201, height: 1201 }, { top: 2402, height: 1201 }, { top: 3603, height: 1074 }]);
    covers(bandLayout(10, 10, { tileHeightPx: 1 }), 10);
  });

  it('refuses what Chrome cannot capture and nonsense sizes', () => {
    assert.throws(() => bandLayout(16385, 100), /expected an image at most 16384 px wide \(Chrome's texture limit\), received 16385 px/);
    assert.throws(() => bandLayout(100, 100.5), /expected a height of whole px ≥ 1, received 100.5/);
    assert.throws(() => bandLayout(100, 100, { tileHeightPx: 0 }), /tileHeightPx: expected whole px ≥ 1, received 0/);
  });
});

describe('a page captured in bands equals the page captured whole', { timeout: 240_000 }, () => {
  // The poster at A2 and 200 dpi: 3307×4677 px, small enough for one capture. The scale (200/96) makes
  // every band's top a fractional CSS px, as it is at 300 dpi.
  const DPI = 200;
  const TILE = 1201;
  const output = OUTPUTS.find((o) => o.name === 'poster-a2')!;
  const { width, height } = pixelSize(output.page, DPI);
  const fonts = resolveFonts();
  const mmToPx = (mm: number) => (mm / 25.4) * 96;
  const job = {
    name: output.name,
    html: renderHtml(TEMPLATES_DIR, buildView(loadData('data/luoyang-2018-02-08.yaml')), output, { ...output.page, bleedMm: 0 }, fontFaceCss(fonts)),
    width: mmToPx(output.page.widthMm),
    height: mmToPx(output.page.heightMm),
    widthPx: width,
    heightPx: height,
    dpi: DPI,
  };
  let renderer: Renderer;
  let whole: PngCapture;
  let tiled: PngCapture;

  before(async () => {
    renderer = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(fonts), log: () => undefined });
    whole = await renderer.png(job);
    tiled = await renderer.png({ ...job, tileHeightPx: TILE });
  });
  after(() => renderer?.close());

  it('captures once whole, and in four bands when forced', () => {
    assert.equal(width * height, 3307 * 4677);
    assert.deepEqual(whole.bands.map((b) => [b.top, b.height]), [[0, 4677]]);
    assert.deepEqual(tiled.bands.map((b) => [b.top, b.height]), [[0, 1201], [1201, 1201], [2402, 1201], [3603, 1074]]);
  });

  it('the stitched image has the same pixels as the whole capture, seams included', async (t) => {
    const raw = async (capture: PngCapture) => {
      const png = await stitchPng(capture, { width, height, dpi: DPI }, output.name);
      return sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    };
    const [a, b] = [await raw(whole), await raw(tiled)];
    assert.deepEqual([b.info.width, b.info.height, b.info.channels], [width, height, 3]);
    assert.deepEqual([a.info.width, a.info.height, a.info.channels], [width, height, 3]);
    let maxDiff = 0;
    let differing = 0;
    const diff = Buffer.alloc(width * height, 255);
    for (let p = 0; p < width * height; p++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.data[p * 3 + c]! - b.data[p * 3 + c]!));
      if (d > 0) {
        differing++;
        diff[p] = 255 - Math.min(255, d * 8);
      }
      maxDiff = Math.max(maxDiff, d);
    }
    // The page has ink across every seam (the red band and the chart panels), so a band off by one row differs in thousands of pixels.
    const seams = tiled.bands.slice(1).map((s) => s.top);
    const inkAtSeams = seams.map((y) => { let n = 0; for (let x = 0; x < width; x++) if (a.data[(y * width + x) * 3]! < 250) n++; return n; });
    t.diagnostic(`differing pixels ${differing}, max channel difference ${maxDiff}; inked px on the seam rows ${seams.map((y, i) => `${y}: ${inkAtSeams[i]}`).join(', ')}`);
    for (const n of inkAtSeams) assert.ok(n > width / 10, 'the page has ink across every seam, so a shifted band would show');
    // Measured: 0 pixels differ (Chromium 156, software raster). Allow at most one row's worth of
    // anti-aliasing noise along the seams, by at most 2 levels; one band a row off differs in ~375 000 px by up to 255.
    const ok = maxDiff <= 2 && differing <= width;
    if (!ok) {
      mkdirSync(OUT, { recursive: true });
      await sharp(diff, { raw: { width, height, channels: 1 } }).png().toFile(`${OUT}/seams-diff.png`);
    }
    assert.ok(ok, `tiled vs whole: ${differing} pixels differ, by up to ${maxDiff} (ink across the seams at ${seams.join(', ')}: ${inkAtSeams.join(', ')} px); see ${OUT}/seams-diff.png`);
  });

  it('finishPng stitches the bands into a PNG at the exact size, with the dpi stored, palette only for screen images and when visually lossless', async () => {
    const done = await finishPng(tiled, { width, height, dpi: DPI }, output.name);
    const png = done.png;
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height, Math.round(meta.density ?? 0), meta.isPalette], [width, height, DPI, false]);
    // A print proof stays full colour; the same pixels as a screen image (72 dpi) become a palette image: flat artwork, visually lossless.
    assert.equal(done.palette, false);
    const screen = await finishPng(tiled, { width, height, dpi: 72 }, output.name);
    assert.equal(screen.palette, true, `palette PSNR ${screen.psnr} dB`);
    assert.ok(screen.psnr! >= 40 && screen.png.byteLength < screen.truecolourBytes);
    assert.equal((await sharp(screen.png).metadata()).isPalette, true);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${OUT}/tiled.png`, png);
  });

  it('finishPng refuses bands that do not line up', async () => {
    const [first, second, ...rest] = tiled.bands;
    const gap = { ...tiled, bands: [first!, { ...second!, top: second!.top + 1 }, ...rest] };
    await assert.rejects(finishPng(gap, { width, height, dpi: DPI }, 'p'), /p\.png band 2 of 4 \(rows 1202–2402\): expected it to start at row 1201, received 1202/);
    const short = { ...tiled, bands: tiled.bands.slice(0, -1) };
    await assert.rejects(finishPng(short, { width, height, dpi: DPI }, 'p'), /p\.png: expected 4677 rows, received 3603 in 3 bands/);
    const lying = { ...tiled, bands: [{ ...first!, height: 1200 }, ...tiled.bands.slice(1)] };
    await assert.rejects(finishPng(lying, { width, height, dpi: DPI }, 'p'), /band 1 of 4 \(rows 0–1199\): expected 3307×1200 px, received 3307×1201 px from the browser/);
  });
});
