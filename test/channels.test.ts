// Images for screens: the WeChat covers and a card per figure, honest PNGs, and the gallery.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { loadData } from '../src/data/load.js';
import { formatFigure } from '../src/data/format.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { selectOutputs } from '../src/view/outputs.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/channels';
const data = loadData(DATA);
const FIGURE = 'secretary-pay';
const SIZES: Record<string, [number, number]> = {
  'wechat-cover': [900, 383],
  'wechat-square': [500, 500],
  [`card-${FIGURE}-square`]: [1080, 1080],
  [`card-${FIGURE}-portrait`]: [1080, 1350],
};

interface Entry { file: string; bytes: number; pixels?: { width: number; height: number }; dpi?: number; png?: { palette: boolean; truecolourBytes: number; psnrDb?: number } }

describe('WeChat images and figure cards', { timeout: 300_000 }, () => {
  let stderr = '';
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    const r = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', OUT, '--only', [...Object.keys(SIZES), 'wechat-long'].join(',')], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(r.status, 0, r.stderr);
    stderr = r.stderr;
  });

  for (const [name, [w, h]] of Object.entries(SIZES)) {
    it(`${name}.png: exactly ${w}×${h} px, 72 dpi stored, under 5 MB`, async () => {
      const file = join(OUT, `${name}.png`);
      const meta = await sharp(file).metadata();
      assert.deepEqual([meta.width, meta.height, Math.round(meta.density ?? 0)], [w, h, 72]);
      assert.ok(readFileSync(file).length < 5 * 1024 * 1024);
    });
  }

  it('wechat-long.png: 1080 px wide, as tall as its content, 72 dpi, under 5 MB; its page carries every key figure', async () => {
    const meta = await sharp(join(OUT, 'wechat-long.png')).metadata();
    assert.equal(meta.width, 1080);
    assert.ok(meta.height! >= 1920 && meta.height! < 16384, `height ${meta.height}`);
    assert.equal(Math.round(meta.density ?? 0), 72);
    assert.ok(readFileSync(join(OUT, 'wechat-long.png')).length < 5 * 1024 * 1024);
    const output = selectOutputs(['wechat-long'], undefined, [])[0]!;
    const html = renderHtml(TEMPLATES_DIR, buildView(data), output, { ...output.page, bleedMm: 0 }, '').replace(/<[^>]+>|\s+/g, '');
    for (const f of data.figures) assert.ok(html.includes(formatFigure(f).text), `${f.id}: "${formatFigure(f).text}" is not in the long image`);
  });

  it("a card's page shows the big number with its qualifier, its label and a source line", () => {
    const view = buildView(data);
    for (const output of selectOutputs([`card-${FIGURE}-square`, `card-${FIGURE}-portrait`], undefined, data.figures.map((f) => f.id))) {
      const html = renderHtml(TEMPLATES_DIR, view, output, { ...output.page, bleedMm: 0 }, '').replace(/<[^>]+>|\s+/g, '');
      const fig = formatFigure(data.figures.find((f) => f.id === FIGURE)!);
      assert.ok(html.includes(fig.text), `${output.name}: "${fig.text}" (with 左右) not on the card`);
      assert.ok(html.includes('今年村党组织书记月工作报酬平均提高到'), `${output.name}: no label`);
      assert.ok(html.includes(data.document.speechTitle), `${output.name}: no source line`);
    }
  });

  it('PNGs are palette images only where that is smaller and visually lossless, and the sizes are reported', () => {
    const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { files: Entry[] };
    for (const name of Object.keys(SIZES)) {
      const e = manifest.files.find((f) => f.file === `${name}.png`)!;
      assert.ok(e.png, `${name}: no PNG report`);
      if (e.png.palette) {
        assert.ok(e.bytes < e.png.truecolourBytes, `${name}: palette ${e.bytes} B is not smaller than ${e.png.truecolourBytes} B`);
        assert.ok((e.png.psnrDb ?? 0) >= 40, `${name}: palette PSNR ${e.png.psnrDb} dB`);
      } else assert.equal(e.bytes, e.png.truecolourBytes);
      assert.match(stderr, new RegExp(`${name}\\.png: (palette [\\d.]+ MB, full colour was [\\d.]+ MB \\(PSNR [\\d.]+ dB\\)|full colour [\\d.]+ MB)`));
    }
    // JPEG or WebP only where they beat the PNG.
    for (const alt of manifest.files.filter((f) => /\.(jpg|webp)$/.test(f.file))) {
      const png = manifest.files.find((f) => f.file === alt.file.replace(/\.(jpg|webp)$/, '.png'))!;
      assert.ok(alt.bytes < png.bytes, `${alt.file} is not smaller than its PNG`);
    }
  });

  it('output/index.html shows every file with a thumbnail, its size and a link', async () => {
    const html = readFileSync(join(OUT, 'index.html'), 'utf8');
    const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { files: Entry[] };
    for (const e of manifest.files) {
      assert.ok(html.includes(`<a href="${e.file}">`), `no link to ${e.file}`);
      if (e.file.endsWith('.png')) {
        const thumb = join(OUT, 'thumbs', `${e.file}.png`);
        assert.ok(existsSync(thumb), `no thumbnail for ${e.file}`);
        assert.ok(html.includes(`src="thumbs/${e.file}.png"`));
        const meta = await sharp(thumb).metadata();
        assert.ok(Math.max(meta.width!, meta.height!) <= 400);
      }
      if (e.pixels) assert.ok(html.includes(`${e.pixels.width}×${e.pixels.height} px`), `no size for ${e.file}`);
    }
  });
});
