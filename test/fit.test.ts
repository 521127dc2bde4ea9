// Text that fits: a headline too long for its box shrinks within its limit, then wraps; valid data never
// fails for a long text. Awkward numbers must not break the poster either. Overlapping boxes still fail.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { render as renderApi, TEMPLATES_DIR } from '../src/index.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/fit';
const MM = 72 / 25.4;
/** The poster is designed 420 mm wide and zoomed to the page: A3 is 297 mm. */
const K = 297 / 420;

/** The default data with some lines replaced, written next to the outputs. */
function variant(name: string, edits: [RegExp, string][]): string {
  mkdirSync(OUT, { recursive: true });
  let text = readFileSync(DATA, 'utf8');
  for (const [from, to] of edits) {
    assert.match(text, from, `the data file has ${from}`);
    text = text.replace(from, to);
  }
  const file = join(OUT, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const render = (data: string, out: string) =>
  spawnSync('node', ['bin/shushuo.js', 'render', '--data', data, '--out', out, '--only', 'poster-a3'], { encoding: 'utf8', timeout: 120_000 });

/** Word boxes of page 1 from pdftotext -bbox: text and x/y in pt. */
function words(file: string): { text: string; xMin: number; xMax: number; yMin: number; yMax: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]!,
  }));
}

describe('text that fits', { timeout: 300_000 }, () => {
  it('a long headline shrinks to fit its line, whole and inside the margins', () => {
    const title = '数说基层党建：述职评议关键数据一览';
    const data = variant('long-title', [[/^ {2}title: 数说基层党建$/m, `  title: ${title}`]]);
    const out = join(OUT, 'long-title');
    const r = render(data, out);
    assert.equal(r.status, 0, r.stderr);
    const line = words(join(out, 'poster-a3.pdf')).filter((w) => title.includes(w.text) && w.text.length > 1 && w.yMin < 120 * K * MM);
    assert.equal(line.map((w) => w.text).join(''), title, 'the whole title is printed');
    const right = Math.max(...line.map((w) => w.xMax));
    assert.ok(right <= (420 - 24) * K * MM + 1, `the title ends at ${(right / MM).toFixed(1)} mm, past the 24 mm margin`);
    const height = Math.max(...line.map((w) => w.yMax - w.yMin));
    assert.ok(height < 84 * K * 1.1 && height > 84 * K * 0.6 * 0.9, `title glyph boxes are ${height.toFixed(1)} pt high: shrunk from ${(84 * K).toFixed(1)} pt, not below 60%`);
  });

  it('the longest title a data file may have shrinks, then wraps, and prints whole; one character more is refused as data', () => {
    const title = '数说基层党建二〇一七年度县市区委书记抓基层党建工作述职评议暨巩固提升年总结会讲话';
    assert.equal([...title].length, 40);
    const data = variant('longest-title', [[/^ {2}title: 数说基层党建$/m, `  title: ${title}`]]);
    const out = join(OUT, 'longest-title');
    const r = render(data, out);
    assert.equal(r.status, 0, r.stderr);
    const text = execFileSync('pdftotext', ['-raw', join(out, 'poster-a3.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    assert.ok(text.includes(title), 'the whole title is printed');
    const tooLong = variant('too-long-title', [[/^ {2}title: 数说基层党建$/m, `  title: ${title}长`]]);
    const refused = render(tooLong, join(OUT, 'too-long-title'));
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /too-long-title\.yaml:\d+ document\.title: expected at most 40 characters, received 41/);
  });

  it('an awkward number (12345678 个) is printed whole, as the speech writes it', () => {
    const data = variant('awkward-number', [
      [/value: 1812\n/, 'value: 12345678\n'],
      [/fragment: 新建改造提升村级组织阵地 1812 个/, 'fragment: 新建改造提升村级组织阵地 12345678 个'],
    ]);
    const out = join(OUT, 'awkward-number');
    const r = render(data, out);
    assert.equal(r.status, 0, r.stderr);
    const text = execFileSync('pdftotext', ['-raw', join(out, 'poster-a3.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    assert.match(text, /12345678个/);
  });

  it('awkward shares (0.5%, 100%) are printed whole on the poster and on their cards', () => {
    const data = variant('awkward-shares', [
      [/value: 71\n/, 'value: 0.5\n'],
      [/仅有 78%、71%\n([\s\S]*?)仅有 78%、71%/, '仅有 78%、0.5%\n$1仅有 78%、0.5%'],
      [/value: 63\n/, 'value: 100\n'],
      [/其中收入空白村占 63%/, '其中收入空白村占 100%'],
    ]);
    const out = join(OUT, 'awkward-shares');
    const r = spawnSync('node', ['bin/shushuo.js', 'render', '--data', data, '--out', out, '--only', 'poster-a3,card-coverage-social-square,card-no-income-share-portrait,wechat-square'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const text = execFileSync('pdftotext', ['-raw', join(out, 'poster-a3.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    assert.match(text, /仅有0\.5%/);
    assert.match(text, /100%/);
    assert.match(text, /99\.5%（推算）/);
  });

  it('boxes that overlap fail the run, naming both', async () => {
    const templates = join(OUT, 'overlap-templates');
    rmSync(templates, { recursive: true, force: true });
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    appendFileSync(join(templates, 'styles', 'poster.css'), '\n.foot { margin-top: -60mm; }\n');
    await assert.rejects(
      renderApi({ data: DATA, out: join(OUT, 'overlap'), only: ['poster-a3'], templatesDir: templates }),
      /<section class="block block-[a-z0-9-]+"> "[^"]*" overlaps <footer class="foot"> "数据来源/,
    );
  });
});
