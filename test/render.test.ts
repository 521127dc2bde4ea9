// Render tests in real Chrome: what a print shop checks, read back with poppler and sharp.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import sharp from 'sharp';
import { loadData } from '../src/data/load.js';
import { formatDate, formatFigure } from '../src/data/format.js';
import { allowedNumbers, SPEECHES } from './speeches.js';
import { pdffonts, pdfinfo, pdftext } from './poppler.js';

const DATA = SPEECHES.luoyang;




async function outlineTitles(file: string): Promise<string[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const titles: string[] = [];
  const walk = (node: PDFDict | undefined) => {
    for (let n = node; n; n = n.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const t = n.lookup(PDFName.of('Title'));
      if (t instanceof PDFString || t instanceof PDFHexString) titles.push(t.decodeText());
      walk(n.lookupMaybe(PDFName.of('First'), PDFDict));
    }
  };
  walk(doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict));
  return titles;
}

/** The pHYs chunk of a PNG, read from the file itself. */
function pngPhys(file: string): { x: number; y: number; unit: number } | undefined {
  const buf = readFileSync(file);
  for (let at = 8; at < buf.length;) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (type === 'pHYs') return { x: buf.readUInt32BE(at + 8), y: buf.readUInt32BE(at + 12), unit: buf[at + 16]! };
    if (type === 'IDAT') return undefined;
    at += 12 + len;
  }
  return undefined;
}

for (const [speech, DATA] of [['luoyang', SPEECHES.luoyang], ['long', SPEECHES.long]] as const) {
const OUT = `test/__output__/render/${speech}`;
const data = loadData(DATA);

describe(`rendering ${speech} in Chrome`, { timeout: 300_000 }, () => {
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', OUT, '--only', 'briefing,poster-a2'], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(run.status, 0, `render failed:\n${run.stderr}`);
    assert.match(run.stderr, /^briefing\s+\d+\.\d s/m, 'a progress line per output on stderr');
    assert.match(run.stderr, /^poster-a2\s+\d+\.\d s/m);
    assert.match(run.stderr, /^done: 3 files from 2 of 2 outputs/m);
  });

  for (const [name, size] of [['briefing.pdf', [595.28, 841.89]], ['poster-a2.pdf', [1190.55, 1683.78]]] as const) {
    it(`${name}: page size within 1.5 pt, every font embedded TrueType, none Type 3`, () => {
      const file = join(OUT, name);
      const info = pdfinfo(file);
      const m = /([\d.]+) x ([\d.]+) pts/.exec(info['Page size']!)!;
      assert.ok(Math.abs(Number(m[1]) - size[0]) <= 1.5 && Math.abs(Number(m[2]) - size[1]) <= 1.5, `page size ${info['Page size']}, expected ${size.join('×')} pt`);
      const fonts = pdffonts(file);
      assert.ok(fonts.length > 0, 'the PDF has fonts');
      for (const f of fonts) {
        assert.notEqual(f.type, 'Type 3', `${f.name} is Type 3`);
        assert.match(f.type, /TrueType/, `${f.name} is ${f.type}`);
        assert.equal(f.emb, 'yes', `${f.name} is not embedded`);
        assert.match(f.name, /NotoS(erif|ans)SC|Fandol(Fang|Kai)/, `${f.name} is not one of the role fonts`);
      }
    });

    it(`${name}: every figure, with its qualifier, is in the text, and no number that is not in the data`, () => {
      const file = join(OUT, name);
      const text = pdftext(file);
      const flat = text.replace(/\s+/g, '');
      for (const f of data.figures) assert.ok(flat.includes(formatFigure(f).text), `${f.id}: "${formatFigure(f).text}" not in the text of ${name}`);
      // Outside quotations of the speech, a qualified figure never appears without its qualifier.
      const unquoted = flat.replace(/“[^”]*”/g, '');
      for (const q of data.figures.filter((f) => f.qualifier)) {
        const { prefix, number, middle, unit, suffix } = formatFigure(q);
        const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        if (prefix) assert.doesNotMatch(unquoted, new RegExp(`(?<!${esc(prefix)}|[\\d.])${esc(number + middle + unit + suffix)}`), `${q.id} printed without ${prefix}`);
        if (middle) assert.doesNotMatch(unquoted, new RegExp(`(?<![\\d.])${esc(number + unit)}`), `${q.id} printed without ${middle}`);
        if (suffix) assert.doesNotMatch(unquoted, new RegExp(`(?<![\\d.])${esc(number + middle + unit)}(?!${esc(suffix)})`), `${q.id} printed without ${suffix}`);
      }
      // Searchable as written: no Kangxi radicals standing in for 月, 日 …, no control characters.
      assert.doesNotMatch(text, /[\u2e80-\u2fdf\u0001-\u0008]/u, `${name} extracts to radicals or control characters`);
      const pages = Number(pdfinfo(file).Pages);
      const allowed = allowedNumbers(data, pages);
      const strays = [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]).filter((n) => !allowed.has(n));
      assert.deepEqual([...new Set(strays)], [], `numbers in ${name} that are not in the data`);
    });
  }

  it('briefing.pdf: several A4 pages, metadata, bookmarks, page numbers', async () => {
    const file = join(OUT, 'briefing.pdf');
    const info = pdfinfo(file);
    assert.ok(Number(info.Pages) >= 2 && Number(info.Pages) <= 12, `pages: ${info.Pages}`);
    assert.equal(info.Title, data.document.issue === undefined ? data.document.title : `${data.document.title}（第${data.document.issue}期）`);
    assert.equal(info.Author, data.document.office);
    assert.equal(info.Subject, data.document.speechTitle);
    const titles = await outlineTitles(file);
    for (const heading of ['数据速览', '数据来源', ...data.sections.map((p) => `${p.number ?? ''}${p.title}`)]) {
      assert.ok(titles.some((t) => t.replace(/\s+/g, '').includes(heading.replace(/\s+/g, '').slice(0, 30))), `no bookmark for ${heading}: ${titles.join(' | ')}`);
    }
    const text = pdftext(file);
    assert.ok(text.replace(/\s+/g, '').includes((data.document.masthead ?? '工作通报')), 'the masthead');
    if (data.document.issue !== undefined) assert.match(text, new RegExp(`第${data.document.issue}期`));
    assert.match(text, new RegExp(formatDate(data.document.issued)));
    assert.match(text, /—\s*2\s*—/, 'page numbers');
  });

  it('poster-a2.png: exactly 4961×7016 px with 300 dpi stored', async () => {
    const file = join(OUT, 'poster-a2.png');
    const meta = await sharp(file).metadata();
    assert.equal(meta.width, 4961);
    assert.equal(meta.height, 7016);
    assert.deepEqual(pngPhys(file), { x: 11811, y: 11811, unit: 1 });
  });

  it('poster-a2.png: the artwork is drawn to the bottom edge (no white capture)', async () => {
    const file = join(OUT, 'poster-a2.png');
    const { data: px, info } = await sharp(file).extract({ left: 0, top: 7016 - 700, width: 4961, height: 700 }).greyscale().raw().toBuffer({ resolveWithObject: true });
    const dark = px.filter((v) => v < 200).length;
    assert.ok(dark > info.width * 10, 'the bottom of the poster has no ink');
  });

  it('shushuo preflight passes every PDF it rendered, and fails a PDF with transparency', async () => {
    const ok = spawnSync('node', ['bin/shushuo.js', 'preflight', join(OUT, 'briefing.pdf'), join(OUT, 'poster-a2.pdf')], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.match(/✓ passes/g)?.length, 2, ok.stdout);
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]).drawRectangle({ x: 10, y: 10, width: 100, height: 100, opacity: 0.5 });
    const bad = join(OUT, 'translucent.pdf');
    writeFileSync(bad, await doc.save());
    const r = spawnSync('node', ['bin/shushuo.js', 'preflight', bad], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /transparency/i);
    assert.match(r.stdout, /✗/);
  });

  it('manifest.json lists every file with its size, pages or pixels, and hash', () => {
    const manifest = JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8')) as { files: { file: string; bytes: number; sha256: string; pages?: number; pixels?: unknown }[] };
    assert.deepEqual(manifest.files.map((f) => f.file).sort(), ['briefing.pdf', 'poster-a2.pdf', 'poster-a2.png']);
    for (const f of manifest.files) {
      const bytes = readFileSync(join(OUT, f.file));
      assert.equal(f.bytes, bytes.length, `${f.file} size`);
      assert.equal(f.sha256, createHash('sha256').update(bytes).digest('hex'), `${f.file} hash`);
      assert.ok(f.pages || f.pixels, `${f.file} has a page count or a pixel size`);
    }
  });
});
}

describe('the command line', { timeout: 120_000 }, () => {
  const CLI_OUT = 'test/__output__/cli';
  const run = (...args: string[]) => spawnSync('node', ['bin/shushuo.js', ...args], { encoding: 'utf8', timeout: 110_000 });

  it('validate accepts the default data', () => {
    const r = run('validate', '--data', DATA);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /valid \(15 figures, 3 derived\)/);
  });

  it('invalid data exits 2, says where, and writes nothing', () => {
    rmSync(CLI_OUT, { recursive: true, force: true });
    mkdirSync('test/__output__', { recursive: true });
    const bad = 'test/__output__/bad.yaml';
    execFileSync('sh', ['-c', `sed 's/value: 1812/value: "1812个"/' ${DATA} > ${bad}`]);
    const r = run('render', '--data', bad, '--out', CLI_OUT);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /bad\.yaml:\d+ figures\[3\]\.value: expected a number, or one as the speech writes it \(六成, 两千, 3\.5万, 1,812\), received "1812个" \(write 1812 and set unit: "个"\)/);
    assert.equal(existsSync(CLI_OUT), false, 'nothing written for invalid data');
  });

  it('a character the fonts lack exits 2 and names the character, the field, the font and its role', () => {
    const bad = 'test/__output__/glyph.yaml';
    execFileSync('sh', ['-c', `sed 's/speaker: 李亚/speaker: 李劐/' ${DATA} > ${bad}`]);
    const r = run('render', '--data', bad, '--out', CLI_OUT);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /glyph\.yaml:\d+ document\.speaker: the character "劐" \(U\+5290\) is not in Noto Serif SC, the face of the title role \(小标宋\)/);
    assert.match(r.stderr, /document\.speaker: the character "劐" \(U\+5290\) is not in Noto Sans SC, the face of the heading role \(黑体\)/);
    assert.equal(existsSync(CLI_OUT), false);
  });

  it('an unknown output name exits 2', () => {
    const r = run('render', '--data', DATA, '--out', CLI_OUT, '--only', 'poster-a9');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--only: expected names from briefing, briefing-gongwen, poster-a3, [^;]*, card-<figure id>-square\|portrait; or groups: briefing, gongwen, poster, wechat, card(, [a-z-]+)*; received poster-a9/);
  });

  it('a browser that cannot start exits 1 with the cause', () => {
    const r = run('render', '--data', DATA, '--out', CLI_OUT, '--only', 'briefing', '--browser', '/bin/false');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /could not start the browser at \/bin\/false/);
    assert.equal(existsSync(join(CLI_OUT, 'briefing.pdf')), false);
  });

  it('--help shows usage and examples', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /shushuo render\s+--data FILE --out DIR \[--only NAMES\]/);
    assert.match(r.stdout, /Examples:/);
  });
});
