// npm run bench: how close each output comes to what Chrome alone needs, as ratios measured side
// by side in one run (the machine is shared and noisy: absolute times mean little, ratios hold).
//
//   node --import tsx bench/render.ts [--rounds N] [--baseline DIR] [pages] [poster] [default] [rerun] [batch]
//
// pages    briefing.pdf, a card and the WeChat cover: the full pipeline (load, every check, post-processing,
//          preflight or palette PNG, write) against the floor, printing or capturing a page already loaded.
// poster   poster-a2 PDF + PNG at 300 dpi from one load, against print + capture of a loaded page.
// default  `shushuo render` of the default outputs into a fresh folder; with --baseline DIR, the same
//          command of the tree in DIR (e.g. a `git worktree` of the commit before) alternately with this
//          one, else the time recorded in bench/baseline.json.
// rerun    the same run again with nothing changed: no file rewritten, and its time.
// batch    100 rows of the example sheet, briefing and a card per row: rows/s and memory, one browser
//          with rows at once against two browsers (see bench/batch.ts).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AssetServer } from '../src/chrome/assets.js';
import { findBrowser } from '../src/chrome/browser.js';
import { capturePng, pdfViewport, pngViewport, printPdf } from '../src/chrome/capture.js';
import { Chrome } from '../src/chrome/chrome.js';
import { WarmPage, type Viewport } from '../src/chrome/page.js';
import { loadData } from '../src/data/load.js';
import { fontFaceCss, resolveFonts, roleCoverage, roleFontFiles } from '../src/fonts/fonts.js';
import { drawnText, subsetFonts } from '../src/fonts/subset.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { launchRenderer, LINKED_FONT_CSS, pageHtmls, renderOutput, type PageHtml } from '../src/pipeline.js';
import { cardOutputs, OUTPUTS, pixelSize } from '../src/view/outputs.js';
import { buildView } from '../src/view/views.js';
import { runBatchBench } from './batch.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const args = process.argv.slice(2);
const option = (flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const ROUNDS = Number(option('--rounds') ?? 7);
const baselineDir = option('--baseline');
const SECTIONS = ['pages', 'poster', 'default', 'rerun', 'batch'];
const sections = args.length > 0 ? args : SECTIONS;
for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`bench: expected sections from ${SECTIONS.join(', ')}, received ${s}`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0).padStart(5)} ms`;
const s = (x: number) => `${x.toFixed(2).padStart(6)} s`;
async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** Each of `runs` timed `rounds` times, interleaved so the machine's load falls on all alike; medians in ms. */
async function sideBySide(rounds: number, runs: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, []]));
  for (const run of Object.values(runs)) await run(); // warm
  for (let i = 0; i < rounds; i++) for (const [k, run] of Object.entries(runs)) times[k]!.push(await timed(run));
  return Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
}

const line = (label: string, value: string) => console.log(`  ${label.padEnd(44)} ${value}`);
const ratio = (label: string, a: number, b: number, goal: number) =>
  line(label, `${(a / b).toFixed(2)}×  (goal ≤ ${goal}×: ${a / b <= goal ? 'met' : 'NOT met'})`);

// ── pages and poster: the pipeline against Chrome's own floor ─────────────────────────────────────────

async function pageBenches(): Promise<void> {
  const data = loadData(DATA);
  const view = buildView(data);
  const fonts = resolveFonts();
  const ids = data.figures.map((f) => f.id);
  const pick = (name: string) => [...OUTPUTS, ...cardOutputs(ids)].find((o) => o.name === name)!;
  const wanted = sections.includes('pages') ? ['briefing', `card-${ids[0]}-square`, 'wechat-cover'] : [];
  if (sections.includes('poster')) wanted.push('poster-a2');
  const outputs = wanted.map(pick);
  const text = drawnText(TEMPLATES_DIR, [view], outputs);
  const { path: browserPath } = await findBrowser();
  const out = mkdtempSync(join(tmpdir(), 'shushuo-bench-pages-'));
  const print = { bleedMm: 0, marks: false, cmyk: false, log: () => undefined };

  // The pipeline: the renderer a run uses.
  const renderer = await launchRenderer({ browserPath, templatesDir: TEMPLATES_DIR, fonts, text }, () => undefined, () => undefined);
  // The floor: the same fonts and files, a page loaded once, printed or captured again and again.
  const subset = await subsetFonts(roleFontFiles(fonts), text);
  const assets = await AssetServer.start({ templatesDir: TEMPLATES_DIR, fontFiles: subset.files, fontCss: fontFaceCss(fonts, text) });
  const chrome = await Chrome.launch({ browserPath, args: assets.chromeArgs, log: () => undefined, inFlight: () => [] });
  const loaded = async (page: PageHtml, viewport: Viewport) => {
    const warm = await WarmPage.open(chrome);
    warm.begin(page.output.name, () => undefined, () => undefined);
    await warm.setViewport(viewport);
    const html = page.pdfHtml || page.pngHtml;
    await warm.load(html, () => assets.addPage(page.output.name, html), { coverage: roleCoverage(fonts, text), timeout: 60_000, log: () => undefined });
    return warm;
  };
  try {
    const pages = pageHtmls(TEMPLATES_DIR, view, outputs, LINKED_FONT_CSS, 0);
    const mmToPx = (mm: number) => (mm / 25.4) * 96;
    for (const page of pages) {
      const { output } = page;
      const full = () => renderOutput(renderer, page, view, print, out);
      if (output.name === 'briefing') {
        const warm = await loaded(page, pdfViewport({ width: mmToPx(210), height: mmToPx(297) }));
        const chromeOnly = () => renderer.render({ name: output.name, html: page.pdfHtml, pdf: { width: mmToPx(210), height: mmToPx(297), outline: true } });
        const t = await sideBySide(ROUNDS, { full, chrome: chromeOnly, floor: () => printPdf(warm, true) });
        console.log(`briefing.pdf (7 pages), median of ${ROUNDS}`);
        line('full pipeline, every check kept', ms(t.full!));
        line('  of it in Chrome: load, checks, print', ms(t.chrome!));
        line('print only, page already loaded (floor)', ms(t.floor!));
        ratio('full / floor', t.full!, t.floor!, 1.5);
        line('Chrome part / floor', `${(t.chrome! / t.floor!).toFixed(2)}×  (the rest: pdf-lib, preflight, PDF info, write)`);
      } else if (output.template === 'poster') {
        const { width, height } = pixelSize(output.page, output.png!.dpi);
        const target = { widthPx: width, heightPx: height, dpi: output.png!.dpi };
        const warm = await loaded(page, pngViewport(target));
        const chromeOnly = () => renderer.render({ name: output.name, html: page.pdfHtml, pdf: { width: mmToPx(output.page.widthMm), height: mmToPx(output.page.heightMm), outline: false }, png: target });
        const t = await sideBySide(Math.min(ROUNDS, 3), {
          full,
          chrome: chromeOnly,
          floor: async () => {
            await capturePng(warm, target);
            await printPdf(warm, false);
          },
        });
        console.log(`${output.name}.pdf + .png (${width}×${height} px), median of ${Math.min(ROUNDS, 3)}`);
        line('one load, every check, PDF and PNG from Chrome', s(t.chrome! / 1000));
        line('full pipeline (+ pdf-lib, preflight, sharp)', s(t.full! / 1000));
        line('print + capture, page already loaded (floor)', s(t.floor! / 1000));
        ratio('Chrome part / floor', t.chrome!, t.floor!, 1.5);
        line('full / floor', `${(t.full! / t.floor!).toFixed(2)}×  (the rest: pdf-lib, preflight, sharp's decode and PNG of 35 MP)`);
      } else {
        const { width, height } = pixelSize(output.page, output.png!.dpi);
        const target = { widthPx: width, heightPx: height, dpi: output.png!.dpi };
        const warm = await loaded(page, pngViewport(target));
        const chromeOnly = () => renderer.render({ name: output.name, html: page.pngHtml, png: target });
        const t = await sideBySide(ROUNDS, { full, chrome: chromeOnly, floor: () => capturePng(warm, target) });
        console.log(`${output.name}.png (${width}×${height} px, palette PNG), median of ${ROUNDS}`);
        line('full pipeline', ms(t.full!));
        line('  of it in Chrome: load, checks, capture', ms(t.chrome!));
        line('capture only, page already loaded (floor)', ms(t.floor!));
        ratio('full / floor', t.full!, t.floor!, 2.5);
        line('Chrome part / floor', `${(t.chrome! / t.floor!).toFixed(2)}×  (the rest: sharp: one decode, palette and full-colour PNGs at once, PSNR)`);
      }
    }
  } finally {
    await renderer.close();
    await chrome.close();
    await assets.close();
    rmSync(out, { recursive: true, force: true });
  }
}

// ── default run and re-run: the CLI, as `npm start` runs it ───────────────────────────────────────────

interface Baseline {
  defaultRunSeconds: number;
  how: string;
}

function cliRun(root: string, out: string): { seconds: number; stderr: string } {
  const t0 = performance.now();
  const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', out], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (run.status !== 0) throw new Error(`bench: the run in ${root} failed (exit ${run.status}):\n${run.stderr.slice(-3000)}`);
  return { seconds, stderr: run.stderr };
}

/** Every file under dir with its modification time. */
function mtimes(dir: string): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(p, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return files;
}

async function defaultRun(): Promise<void> {
  const root = process.cwd();
  const tmp = mkdtempSync(join(tmpdir(), 'shushuo-bench-default-'));
  try {
    const fresh = (i: number) => join(tmp, `now-${i}`);
    const baseline = JSON.parse(readFileSync('bench/baseline.json', 'utf8')) as Baseline;
    const now: number[] = [];
    const before: number[] = [];
    const rounds = 2;
    for (let i = 0; i < rounds; i++) {
      now.push(cliRun(root, fresh(i)).seconds);
      if (baselineDir) before.push(cliRun(resolve(baselineDir), join(tmp, `before-${i}`)).seconds);
    }
    const was = baselineDir ? median(before) : baseline.defaultRunSeconds;
    console.log(`default run (shushuo render, 37 outputs, a fresh folder), best of ${rounds}`);
    line('before (main before issue 13)', `${s(baselineDir ? Math.min(...before) : was)}  ${baselineDir ? `(${baselineDir}, measured now, alternating)` : '(bench/baseline.json: ' + baseline.how + ')'}`);
    line('now', s(Math.min(...now)));
    const speedup = (baselineDir ? Math.min(...before) : was) / Math.min(...now);
    line('speed-up (before / now)', `${speedup.toFixed(2)}×  (goal ≥ 4×: ${speedup >= 4 ? 'met' : 'NOT met'})`);

    if (sections.includes('rerun')) {
      const dir = fresh(0);
      const files = mtimes(dir);
      const again = cliRun(root, dir);
      const after = mtimes(dir);
      const rewritten = [...after].filter(([f, t]) => files.get(f) !== t).map(([f]) => f.slice(dir.length + 1));
      const said = /in ([\d.]+) s/.exec(again.stderr.split('\n').filter(Boolean).at(-1) ?? '');
      console.log('re-run with nothing changed');
      line('files rewritten', `${rewritten.length}${rewritten.length ? ` (${rewritten.slice(0, 5).join(', ')})` : ''}`);
      line('the run (as it reports it)', `${said ? `${said[1]} s` : '?'}  (goal < 1 s: ${said && Number(said[1]) < 1 ? 'met' : 'NOT met'})`);
      line('the whole command, node start included', s(again.seconds));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (sections.includes('pages') || sections.includes('poster')) await pageBenches();
if (sections.includes('default')) await defaultRun();
else if (sections.includes('rerun')) {
  sections.push('default');
  await defaultRun();
}
if (sections.includes('batch')) await runBatchBench({ rows: 100, rounds: 2 });
