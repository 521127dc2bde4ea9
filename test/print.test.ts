// Print preparation in real Chrome: bleed, crop marks, page boxes, deterministic bytes, and font roles
// served by a user's own file.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { FONTS_DIR } from '../src/fonts/fonts.js';
import { concatTransformationMatrix, PDFArray, PDFDict, PDFDocument, PDFName, PDFString, pushGraphicsState } from 'pdf-lib';
import { render, TEMPLATES_DIR } from '../src/index.js';
import { finishPdf, MARK_LENGTH_MM, shrunkPages, SLUG_MM } from '../src/print/pdf.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/print';
const MM = 72 / 25.4;
const cli = (...args: string[]) => spawnSync('node', ['bin/shushuo.js', ...args], { encoding: 'utf8', timeout: 280_000 });

type Box = [number, number, number, number];
/** Page boxes of page 1 as pdfinfo reads them: x0 y0 x1 y1 in pt. */
function boxes(file: string): Record<string, Box> {
  const out = execFileSync('pdfinfo', ['-box', file], { encoding: 'utf8' });
  const result: Record<string, Box> = {};
  for (const m of out.matchAll(/^(\w+Box):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)/gm)) {
    result[m[1]!] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  }
  return result;
}

const inside = (inner: Box, outer: Box) => inner[0] >= outer[0] - 0.01 && inner[1] >= outer[1] - 0.01 && inner[2] <= outer[2] + 0.01 && inner[3] <= outer[3] + 0.01;

/** Page 1 at 72 dpi (1 px = 1 pt, origin at the MediaBox's top-left corner), as grey pixels. */
async function raster(file: string): Promise<{ px: Buffer; width: number; height: number }> {
  const png = execFileSync('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-png', file]);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { px: data, width: info.width, height: info.height };
}

function darkIn(img: { px: Buffer; width: number }, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.round(y0); y < Math.round(y1); y++) for (let x = Math.round(x0); x < Math.round(x1); x++) if (img.px[y * img.width + x]! < 160) n++;
  return n;
}

describe('bleed and crop marks', { timeout: 300_000 }, () => {
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    const r = cli('render', '--data', DATA, '--out', OUT, '--only', 'briefing,poster-a2', '--bleed', '3', '--marks');
    assert.equal(r.status, 0, r.stderr);
  });

  for (const [name, trim] of [['briefing.pdf', [210, 297]], ['poster-a2.pdf', [420, 594]]] as const) {
    it(`${name}: the page is trim + bleed + slug; TrimBox and BleedBox sit at the right places`, () => {
      const b = boxes(join(OUT, name));
      const media = b.MediaBox!;
      const bleed = b.BleedBox!;
      const trimBox = b.TrimBox!;
      const size = (x: Box): [number, number] => [x[2] - x[0], x[3] - x[1]];
      // Chrome rounds the page by a fraction of a point; the boxes are computed from what it wrote.
      const [mw, mh] = size(media);
      assert.ok(Math.abs(mw - (trim[0] + 6 + 2 * SLUG_MM) * MM) < 1.5 && Math.abs(mh - (trim[1] + 6 + 2 * SLUG_MM) * MM) < 1.5, `MediaBox ${mw}×${mh} pt`);
      const [tw, th] = size(trimBox);
      assert.ok(Math.abs(tw - trim[0] * MM) < 0.1 && Math.abs(th - trim[1] * MM) < 0.1, `TrimBox ${tw}×${th} pt, expected ${trim.join('×')} mm`);
      assert.ok(inside(trimBox, bleed) && inside(bleed, media), `TrimBox ${trimBox} ⊂ BleedBox ${bleed} ⊂ MediaBox ${media}`);
      for (let i = 0; i < 4; i++) {
        const gap = Math.abs(trimBox[i]! - bleed[i]!) / MM;
        assert.ok(gap > 2.5 && gap < 3.05, `bleed on side ${i} is ${gap.toFixed(2)} mm, expected 3`);
        const slug = Math.abs(bleed[i]! - media[i]!) / MM;
        assert.ok(slug >= SLUG_MM - 0.1, `slug on side ${i} is ${slug.toFixed(2)} mm`);
      }
    });
  }

  it('crop marks sit in the slug, outside the bleed, at every corner', async () => {
    const file = join(OUT, 'briefing.pdf');
    const img = await raster(file);
    const b = boxes(file);
    const media = b.MediaBox!;
    const toPx = (x: number, y: number) => [x - media[0], media[3] - y] as const; // PDF y up → image y down
    const trim = b.TrimBox!;
    const bleed = b.BleedBox!;
    const len = MARK_LENGTH_MM * MM;
    for (const [tx, bx, dx] of [[trim[0], bleed[0], -1], [trim[2], bleed[2], 1]] as const) {
      for (const [ty, by, dy] of [[trim[1], bleed[1], -1], [trim[3], bleed[3], 1]] as const) {
        // The horizontal mark: level with the trim edge, beyond the bleed.
        const [ax, ay] = toPx(bx + dx * 0.5, ty);
        const [cx] = toPx(bx + dx * (len + 0.5), ty);
        assert.ok(darkIn(img, Math.min(ax, cx), ay - 1, Math.max(ax, cx), ay + 1) >= len * 0.6, `no horizontal crop mark at ${tx},${ty}`);
        // The vertical one.
        const [vx, vy0] = toPx(tx, by + dy * 0.5);
        const [, vy1] = toPx(tx, by + dy * (len + 0.5));
        assert.ok(darkIn(img, vx - 1, Math.min(vy0, vy1), vx + 1, Math.max(vy0, vy1)) >= len * 0.6, `no vertical crop mark at ${tx},${ty}`);
        // Nothing of the marks inside the bleed: the briefing's bleed is white paper at the corners.
        const [ix, iy] = toPx(tx + dx * 1, ty + dy * 1);
        const [ox, oy] = toPx(bx - dx * 0.5, by - dy * 0.5);
        assert.equal(darkIn(img, Math.min(ix, ox), Math.min(iy, oy), Math.max(ix, ox), Math.max(iy, oy)), 0, `ink in the bleed at corner ${tx},${ty}`);
      }
    }
  });

  it("the poster's background art runs into the bleed", async () => {
    const file = join(OUT, 'poster-a2.pdf');
    const png = execFileSync('pdftoppm', ['-r', '72', '-f', '1', '-l', '1', '-png', file]);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const b = boxes(file);
    const [x, y] = [b.BleedBox![0] - b.MediaBox![0] + 1.5, b.MediaBox![3] - b.BleedBox![3] + 1.5].map(Math.round) as [number, number];
    const at = (y * info.width + x) * info.channels;
    const [r, g, bl] = [data[at]!, data[at + 1]!, data[at + 2]!];
    assert.ok(r > 150 && g < 60 && bl < 60, `the top-left corner of the bleed is rgb(${r},${g},${bl}), expected the red band`);
  });
});

describe('templates meant for print', { timeout: 120_000 }, () => {
  it('a template with transparency fails the build, naming it, and writes nothing', async () => {
    const templates = join(OUT, 'translucent-templates');
    const out = join(OUT, 'translucent');
    rmSync(templates, { recursive: true, force: true });
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    appendFileSync(join(templates, 'styles', 'briefing.css'), '\n.doc-title { opacity: 0.6; }\n');
    await assert.rejects(
      render({ data: DATA, out, only: ['briefing'], templatesDir: templates }),
      /briefing\.pdf fails preflight:[\s\S]*(opacity|ca 0\.6)/,
    );
    assert.equal(existsSync(join(out, 'briefing.pdf')), false);
  });

  it('a CSS transform (a transparency group, which PDF/X-3 would flatten) fails the build too', async () => {
    const templates = join(OUT, 'transformed-templates');
    rmSync(templates, { recursive: true, force: true });
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    appendFileSync(join(templates, 'styles', 'gongwen.css'), '\n.title { transform: scaleY(1.01); }\n');
    await assert.rejects(
      render({ data: DATA, out: join(OUT, 'transformed'), only: ['briefing-gongwen'], templatesDir: templates }),
      /briefing-gongwen\.pdf fails preflight:[\s\S]*form with a transparency group: expected none in a print template/,
    );
  });
});

describe('render --cmyk', { timeout: 120_000 }, () => {
  it('writes PDF/X-3 with an output intent, passes preflight, and says so in the manifest', () => {
    const dir = join(OUT, 'cmyk');
    const r = cli('render', '--data', DATA, '--out', dir, '--only', 'briefing-gongwen', '--cmyk', '--bleed', '3', '--marks');
    assert.equal(r.status, 0, r.stderr);
    const file = join(dir, 'briefing-gongwen.pdf');
    assert.match(execFileSync('pdfinfo', [file], { encoding: 'utf8' }), /PDF subtype:\s+PDF\/X-3:2002/);
    const check = cli('preflight', file);
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /output intent: GTS_PDFX/);
    assert.match(check.stdout, /DeviceCMYK/);
    assert.doesNotMatch(check.stdout, /DeviceRGB/);
    const b = boxes(file);
    assert.ok(Math.abs(b.TrimBox![2] - b.TrimBox![0] - 210 * MM) < 0.1, 'the TrimBox survives Ghostscript');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: { file: string; colour?: string }[] };
    assert.equal(manifest.files.find((f) => f.file === 'briefing-gongwen.pdf')?.colour, 'CMYK PDF/X-3');
  });

  it('--icc without --cmyk is refused', () => {
    const r = cli('render', '--data', DATA, '--out', join(OUT, 'icc'), '--icc', 'x.icc');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--icc: expected together with --cmyk/);
  });
});

describe('pages Chrome shrank to fit', () => {
  it('finds a page whose content scale is not 0.75 (CSS px to pt), and passes one that is', async () => {
    const doc = await PDFDocument.create();
    for (const scale of [3.125, 3.1]) {
      doc.addPage([595, 842]).pushOperators(concatTransformationMatrix(0.24, 0, 0, -0.24, 0, 842), pushGraphicsState(), concatTransformationMatrix(scale, 0, 0, scale, 0, 0));
    }
    const shrunk = await shrunkPages(await doc.save());
    assert.equal(shrunk.length, 1);
    assert.equal(shrunk[0]!.page, 2);
    assert.ok(Math.abs(shrunk[0]!.scale - 3.1 / 3.125) < 1e-6);
  });
});

describe('the same input gives the same bytes', { timeout: 120_000 }, () => {
  // Chrome hands out node ids as nodes are first asked for, so the same two table headers can
  // come out as node7, node3 in one run and node3, node7 in the next.
  it('names structure elements by where they stand, whatever node ids Chrome gave them', async () => {
    const tagged = async (ids: [string, string]) => {
      const doc = await PDFDocument.create();
      doc.addPage([595, 842]);
      const ctx = doc.context;
      const heads = ids.map((id) => ctx.register(ctx.obj({ Type: 'StructElem', S: 'TH', ID: PDFString.of(id) })));
      const cells = ids.map((id) => ctx.register(ctx.obj({ Type: 'StructElem', S: 'TD', A: [{ O: 'Table', Headers: [PDFString.of(id)] }] })));
      const byName = [...ids.keys()].sort((i, j) => Number(ids[i]!.slice(4)) - Number(ids[j]!.slice(4)));
      const names = ctx.obj(byName.flatMap((i) => [PDFString.of(ids[i]!), heads[i]!]));
      const leaf = ctx.register(ctx.obj({ Limits: [PDFString.of(ids[byName[0]!]!), PDFString.of(ids[byName[1]!]!)], Names: names }));
      const kids = [...heads, ...cells];
      doc.catalog.set(PDFName.of('StructTreeRoot'), ctx.register(ctx.obj({ Type: 'StructTreeRoot', K: kids, IDTree: ctx.register(ctx.obj({ Kids: [leaf] })) })));
      const boxes = { trimWidthMm: 210, trimHeightMm: 297, bleedMm: 0, marks: false };
      const meta = { title: 't', author: 'a', subject: 's', keywords: [], language: 'zh-CN', date: '2018-02-12' };
      return (await finishPdf(await doc.save({ useObjectStreams: false }), boxes, meta)).pdf;
    };
    const a = await tagged(['node00000007', 'node00000003']);
    const b = await tagged(['node00000003', 'node00000007']);
    assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'the two PDFs differ');
    // The first header is node00000001, its cell points to it, and the ID tree is one sorted leaf.
    const doc = await PDFDocument.load(a);
    const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    const kids = root.lookup(PDFName.of('K'), PDFArray).asArray().map((k) => doc.context.lookup(k, PDFDict));
    assert.equal(kids[0]!.lookup(PDFName.of('ID'), PDFString).asString(), 'node00000001');
    assert.match(kids[2]!.toString(), /\/Headers \[ \(node00000001\) \]/);
    const tree = root.lookup(PDFName.of('IDTree'), PDFDict);
    const [first, second] = root.lookup(PDFName.of('K'), PDFArray).asArray().map(String);
    assert.equal(tree.toString().replace(/\s+/g, ' '), `<< /Names [ (node00000001) ${first} (node00000002) ${second} ] >>`);
  });

  it('two renders of the briefing are byte-identical, with fixed dates and a content-derived ID', () => {
    const a = join(OUT, 'same-a');
    const b = join(OUT, 'same-b');
    // Alone, and after another document in the same browser: Chrome's node ids differ, the bytes may not.
    for (const [dir, only] of [[a, 'briefing'], [b, 'briefing-gongwen,briefing']] as const) {
      const r = cli('render', '--data', DATA, '--out', dir, '--only', only);
      assert.equal(r.status, 0, r.stderr);
    }
    const pa = readFileSync(join(a, 'briefing.pdf'));
    assert.ok(pa.equals(readFileSync(join(b, 'briefing.pdf'))), 'briefing.pdf differs between two runs');
    const info = execFileSync('pdfinfo', [join(a, 'briefing.pdf')], { encoding: 'utf8' });
    assert.match(info, /CreationDate:\s+Mon Feb 12 00:00:00 2018/);
    assert.match(pa.toString('latin1'), /\/ID \[ <[0-9A-F]{32}> <[0-9A-F]{32}> \]/i);
  });
});

describe('a role served by your own font file', { timeout: 120_000 }, () => {
  const kai = join(FONTS_DIR, 'FandolKai-Regular.ttf');

  it('--font body=FILE draws the body with that file, and the run reports it', { skip: !existsSync(kai) && 'the setup script has not converted FandolKai' }, () => {
    const dir = join(OUT, 'user-font');
    const r = cli('render', '--data', DATA, '--out', dir, '--only', 'briefing', '--font', `body=${kai}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^font body\s+仿宋\s+FandolKai .*your file/m);
    const fonts = execFileSync('pdffonts', [join(dir, 'briefing.pdf')], { encoding: 'utf8' });
    assert.doesNotMatch(fonts, /FandolFang/, 'the default body face is not used');
    assert.match(fonts, /FandolKai/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { fonts: Record<string, string> };
    assert.equal(manifest.fonts.body, 'FandolKai (user)');
  });

  it('--config names font files relative to itself; an unknown key is refused', () => {
    const dir = join(OUT, 'config');
    execFileSync('sh', ['-c', `mkdir -p ${dir}/fonts && printf 'OTTO\\0\\0\\0\\0\\0\\0\\0\\0' > ${dir}/fonts/fake.otf`]);
    writeFileSync(join(dir, 'shushuo.yaml'), 'fonts:\n  body: fonts/fake.otf\nbleed: 3\n');
    const r = cli('validate', '--data', DATA, '--config', join(dir, 'shushuo.yaml'));
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /font for role body \(仿宋\) .*config\/fonts\/fake\.otf/);
    writeFileSync(join(dir, 'bad.yaml'), 'colour: cmyk\n');
    const bad = cli('validate', '--data', DATA, '--config', join(dir, 'bad.yaml'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--config .*bad\.yaml: expected keys fonts, bleed, marks, cmyk, icc, received colour/);
  });

  it('a CFF font for a role exits 2 before rendering and says why', () => {
    const dir = join(OUT, 'cff');
    const otf = join(OUT, 'fake.otf');
    execFileSync('sh', ['-c', `mkdir -p ${OUT} && printf 'OTTO\\0\\0\\0\\0\\0\\0\\0\\0' > ${otf}`]);
    const r = cli('render', '--data', DATA, '--out', dir, '--font', `title=${otf}`);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /font for role title \(小标宋\) .*fake\.otf/);
    assert.equal(existsSync(dir), false, 'nothing written');
  });
});
