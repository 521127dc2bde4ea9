// Role fonts cut to the characters a run draws: what goes in, what comes out, and what happens
// when a character is missing from the cut (the render fails; it never prints another face).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findBrowser } from '../src/chrome/browser.js';
import { loadData } from '../src/data/load.js';
import { FONTS_DIR, fontFaceCss, resolveFonts, roleCoverage, roleFontFiles, roleFontUrl } from '../src/fonts/fonts.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { cardOutputs, OUTPUTS } from '../src/view/outputs.js';
import { pageHtmls, renderOutput } from '../src/pipeline.js';
import { Renderer } from '../src/chrome/render.js';
import { readSfnt } from '../src/fonts/sfnt.js';
import { drawnText, subsetFonts } from '../src/fonts/subset.js';
import { buildView } from '../src/view/views.js';

const OUT = 'test/__output__/subset';
const KAI = join(FONTS_DIR, 'FandolKai-Regular.ttf');
const data = loadData('data/luoyang-2018-02-08.yaml');
const view = buildView(data);

describe('drawnText', () => {
  const text = drawnText(TEMPLATES_DIR, [view], OUTPUTS);

  it("holds the templates' own words, the data's, the charts' and every printable ASCII character, each once", () => {
    for (const words of ['工作通报', '数据速览', '讲话原文', '印发']) for (const c of words) assert.ok(text.includes(c), `${c} of the templates`);
    for (const f of data.figures) for (const c of f.label + f.fragment) assert.ok(text.includes(c), `${c} of ${f.id}`);
    for (const c of '每个图标代表推算') assert.ok(text.includes(c), `${c} of the charts and views`);
    for (let code = 32; code < 127; code++) assert.ok(text.includes(String.fromCharCode(code)), `ASCII ${code}`);
    assert.equal([...text].length, new Set(text).size);
  });

  it("holds every character of every default output's HTML", () => {
    const fonts = resolveFonts();
    const pages = pageHtmls(TEMPLATES_DIR, view, [...OUTPUTS, ...cardOutputs(data.figures.map((f) => f.id))], fontFaceCss(fonts), 3);
    const missing = new Set<string>();
    for (const page of pages) for (const c of page.pdfHtml + page.pngHtml) if (!text.includes(c) && !/\s/.test(c)) missing.add(c);
    assert.deepEqual([...missing], []);
  });
});

describe('subsetFonts', { timeout: 60_000 }, () => {
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
  });

  it('cuts a large TrueType role font to the given characters, keeping its name', async () => {
    const url = roleFontUrl('subheading');
    const { files, report } = await subsetFonts(new Map([[url, KAI]]), '（一）楷体ABC');
    const cut = files.get(url);
    assert.ok(cut instanceof Uint8Array, `expected the bytes of a subset, received ${String(cut)}; ${report.join('; ')}`);
    assert.ok(cut.length < statSync(KAI).size / 50, `${cut.length} bytes`);
    const face = readSfnt(cut, 'the subset');
    for (const c of '（一）楷体ABC') assert.ok(face.covers(c.codePointAt(0)!), `${c} is not in the subset`);
    assert.equal(face.covers('龍'.codePointAt(0)!), false);
    assert.equal(face.family, readSfnt(readFileSync(KAI), KAI).family);
    assert.match(report[0]!, /FandolKai-Regular\.ttf: 8\.\d MB → 0\.\d\d MB, cut to the 8 characters the pages may draw/);

    // The same cut again comes from the cache, byte for byte; another text is cut anew.
    const again = await subsetFonts(new Map([[url, KAI]]), '（一）楷体ABC');
    assert.deepEqual(again.files.get(url), cut);
    assert.match(again.report[0]!, /cut to the 8 characters the pages may draw \(cut before\)$/);
    const other = await subsetFonts(new Map([[url, KAI]]), `（一）楷体ABC${Date.now()}`);
    assert.doesNotMatch(other.report[0]!, /cut before/);
    assert.ok(readSfnt(other.files.get(url) as Uint8Array, 'the subset').covers(String(Date.now())[0]!.codePointAt(0)!));
  });

  it('serves a small file, and any file it cannot cut, whole, and says why', async () => {
    const small = join(OUT, 'small.ttf');
    writeFileSync(small, readFileSync(KAI).subarray(0, 1000));
    const kept = await subsetFonts(new Map([['/fonts/role/number.ttf', small]]), '一');
    assert.equal(kept.files.get('/fonts/role/number.ttf'), small);
    assert.deepEqual(kept.report, []);

    const url = roleFontUrl('subheading');
    const noPython = await subsetFonts(new Map([[url, KAI]]), '一', null);
    assert.equal(noPython.files.get(url), KAI);
    assert.match(noPython.report[0]!, /FandolKai-Regular\.ttf: served whole; no Python with fontTools/);

    const broken = join(OUT, 'broken.ttf');
    writeFileSync(broken, Buffer.alloc(2_000_000, 7));
    const failed = await subsetFonts(new Map([[url, broken]]), '一');
    assert.equal(failed.files.get(url), broken);
    assert.match(failed.report[0]!, /broken\.ttf: served whole, fontTools could not cut it \(exit code 1\): /);
  });
});

describe('a card rendered with cut fonts, and with a face that lacks a character', { timeout: 120_000 }, () => {
  const fonts = resolveFonts();
  const card = cardOutputs(data.figures.map((f) => f.id)).find((o) => o.name.endsWith('-square'))!;
  const [page] = pageHtmls(TEMPLATES_DIR, view, [card], fontFaceCss(fonts), 0);
  const print = { bleedMm: 0, marks: false, cmyk: false, icc: undefined, log: () => undefined };
  const text = drawnText(TEMPLATES_DIR, [view], [card]);
  let browserPath: string;
  before(async () => {
    browserPath = (await findBrowser()).path;
  });

  const renderWith = async (cutTo: string) => {
    const { files } = await subsetFonts(roleFontFiles(fonts), cutTo);
    const renderer = await Renderer.launch({ browserPath, templatesDir: TEMPLATES_DIR, fontFiles: files, coverage: roleCoverage(fonts, cutTo), log: () => undefined });
    try {
      return await renderOutput(renderer, page!, view, print, OUT);
    } finally {
      await renderer.close();
    }
  };

  it('renders when cut to the text of the run', async () => {
    const [entry] = await renderWith(text);
    assert.equal(entry!.file, `${card.name}.png`);
  });

  // Where no system font has the character, Chrome draws the face's empty box and names the role's font as used.
  it('fails, naming the character, the element and the role, when the 楷体 quote has one the cut lacks', async () => {
    const quote = view.figures.find((f) => f.id === card.figure)!.fragment;
    const lacking = [...quote].find((c) => /\p{Script=Han}/u.test(c))!;
    const code = lacking.codePointAt(0)!.toString(16).toUpperCase();
    await assert.rejects(
      renderWith(text.replaceAll(lacking, '')),
      new RegExp(`${card.name}: the page is not fit to print:\\n[\\s\\S]*  "${lacking}" \\(U\\+${code}\\) in <p class="card-quote"> "原文：.*" is not in the face of role-subheading`),
    );
  });

  it("fails the run when the role's own file lacks a character of the template's text (原 of 原文：), which no data check sees", async () => {
    const url = roleFontUrl('subheading');
    const { files } = await subsetFonts(new Map([[url, KAI]]), text.replaceAll('原', ''));
    const noYuan = join(OUT, 'kai-without-yuan.ttf');
    writeFileSync(noYuan, files.get(url) as Uint8Array);
    const r = spawnSync('node', ['bin/shushuo.js', 'render', '--data', 'data/luoyang-2018-02-08.yaml', '--out', join(OUT, 'cli'), '--only', card.name, '--font', `subheading=${noYuan}`], { encoding: 'utf8', timeout: 100_000 });
    assert.notEqual(r.status, 0, r.stdout);
    assert.match(r.stderr, /"原" \(U\+539F\) in <p class="card-quote"> "原文：.*" is not in the face of role-subheading/);
  });
});

after(() => rmSync(join(OUT, 'broken.ttf'), { force: true }));
