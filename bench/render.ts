// npm run bench: why one browser per run. Renders the briefing N times with one reused
// browser and with a browser launched per document, side by side in one run, and prints the ratio.

import { findBrowser } from '../src/chrome/browser.js';
import { loadData } from '../src/data/load.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { OUTPUTS } from '../src/view/outputs.js';
import { fontFaceCss, resolveFonts, roleFontFiles } from '../src/fonts/fonts.js';
import { Renderer } from '../src/chrome/render.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';

const N = Number(process.argv[2] ?? 6);
const output = OUTPUTS.find((o) => o.name === 'briefing')!;
const view = buildView(loadData('data/luoyang-2018-02-08.yaml'));
const fonts = resolveFonts();
const html = renderHtml(TEMPLATES_DIR, view, output, { ...output.page, bleedMm: 0 }, fontFaceCss(fonts));
const job = { name: output.name, html, width: (210 / 25.4) * 96, height: (297 / 25.4) * 96 };
const { path } = await findBrowser();
const options = { browserPath: path, templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(fonts), log: () => undefined };

async function reused(): Promise<number> {
  const t0 = performance.now();
  const r = await Renderer.launch(options);
  for (let i = 0; i < N; i++) await r.pdf(job, { outline: true });
  await r.close();
  return (performance.now() - t0) / 1000;
}

async function perDocument(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const r = await Renderer.launch(options);
    await r.pdf(job, { outline: true });
    await r.close();
  }
  return (performance.now() - t0) / 1000;
}

await reused(); // warm the file cache
// Alternate the two, so load on the machine falls on both alike.
const a: number[] = [];
const b: number[] = [];
for (let round = 0; round < 2; round++) {
  a.push(await reused());
  b.push(await perDocument());
}
const best = (xs: number[]) => Math.min(...xs);
console.log(`briefing.pdf × ${N}, best of ${a.length} rounds each`);
console.log(`  one browser, reused:     ${best(a).toFixed(2)} s  (${(N / best(a)).toFixed(2)} docs/s)`);
console.log(`  a browser per document:  ${best(b).toFixed(2)} s  (${(N / best(b)).toFixed(2)} docs/s)`);
console.log(`  ratio (per-document / reused): ${(best(b) / best(a)).toFixed(2)}×`);
