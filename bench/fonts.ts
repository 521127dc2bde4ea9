// npm run bench:fonts: what cutting the role fonts to the run's characters buys.
// Renders the briefing, the WeChat long image and four cards with the converted 仿宋 and 楷体 served
// whole and served cut, alternating, in one run, and prints the times and the ratio.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser } from '../src/chrome/browser.js';
import { loadData } from '../src/data/load.js';
import { fontFaceCss, resolveFonts, roleCoverage, roleFontFiles } from '../src/fonts/fonts.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { cardOutputs, OUTPUTS } from '../src/view/outputs.js';
import { eachAtOnce, PAGES_AT_ONCE, pageHtmls, renderOutput } from '../src/pipeline.js';
import { Renderer } from '../src/chrome/render.js';
import { drawnText, subsetFonts } from '../src/fonts/subset.js';
import { buildView } from '../src/view/views.js';

const ROUNDS = Number(process.argv[2] ?? 2);
const data = loadData('data/luoyang-2018-02-08.yaml');
const view = buildView(data);
const fonts = resolveFonts();
const outputs = [
  ...OUTPUTS.filter((o) => o.name === 'briefing' || o.name === 'wechat-long'),
  ...cardOutputs(data.figures.map((f) => f.id)).slice(0, 4),
];
const pages = pageHtmls(TEMPLATES_DIR, view, outputs, fontFaceCss(fonts), 0);
const text = drawnText(TEMPLATES_DIR, [view], outputs);
const coverage = roleCoverage(fonts, text);
const whole = roleFontFiles(fonts);
const cut = await subsetFonts(whole, text);
if (![...cut.files.values()].some((f) => f instanceof Uint8Array)) throw new Error(`bench: expected the role fonts cut, received: ${cut.report.join('; ') || 'no font large enough to cut'}`);
const { path: browserPath } = await findBrowser();
const out = mkdtempSync(join(tmpdir(), 'shushuo-bench-fonts-'));
const print = { bleedMm: 0, marks: false, cmyk: false, icc: undefined, log: () => undefined };

async function run(fontFiles: typeof cut.files): Promise<number> {
  const renderer = await Renderer.launch({ browserPath, templatesDir: TEMPLATES_DIR, fontFiles, coverage, log: () => undefined });
  const t0 = performance.now();
  try {
    await eachAtOnce(pages, PAGES_AT_ONCE, async (page) => void (await renderOutput(renderer, page, view, print, out)));
  } finally {
    await renderer.close();
  }
  return (performance.now() - t0) / 1000;
}

try {
  await run(cut.files); // warm the file cache
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await run(whole));
    b.push(await run(cut.files));
  }
  const best = (xs: number[]) => Math.min(...xs);
  console.log(`${outputs.map((o) => o.name).join(', ')}: best of ${ROUNDS} rounds each`);
  for (const line of cut.report) console.log(`  ${line}`);
  console.log(`  role fonts whole: ${best(a).toFixed(2)} s`);
  console.log(`  role fonts cut:   ${best(b).toFixed(2)} s`);
  console.log(`  ratio (whole / cut): ${(best(a) / best(b)).toFixed(2)}×`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
