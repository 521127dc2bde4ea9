// How much memory a big poster PNG takes: renders the poster template at A0@300 dpi (tiled) and
// at 2000×3000 mm @72 dpi, each with a fresh browser, and prints the peak RSS of this node process
// and of Chrome's process tree (sampled every 100 ms), and the time.
//
//   node --import tsx bench/memory.ts [--keep DIR] [--tile PX] [a0-300|board-72 …]
//
// --keep writes the PNGs to DIR; --tile forces bands of PX rows.

import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { findBrowser } from '../src/chrome/browser.js';
import { loadData } from '../src/data/load.js';
import { fontFaceCss, resolveFonts, roleFontFiles } from '../src/fonts/fonts.js';
import { finishPng } from '../src/image/image.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { OUTPUTS, pixelSize, type OutputSpec } from '../src/view/outputs.js';
import { Renderer } from '../src/chrome/render.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';
import { processTree, pss, status } from './proc.js';

const SIZES = {
  'a0-300': { widthMm: 841, heightMm: 1189, dpi: 300 },
  'board-72': { widthMm: 2000, heightMm: 3000, dpi: 72 },
} as const;
type SizeName = keyof typeof SIZES;

const args = process.argv.slice(2);
const option = (flag: string) => {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const keep = option('--keep');
const tile = option('--tile');
const names = (args.length > 0 ? args : Object.keys(SIZES)) as SizeName[];
for (const n of names) if (!(n in SIZES)) throw new Error(`expected sizes from ${Object.keys(SIZES).join(', ')}, received ${n}`);

const poster = OUTPUTS.find((o) => o.name === 'poster-a2')!;
const view = buildView(loadData('data/luoyang-2018-02-08.yaml'));
const fonts = resolveFonts();
const fontCss = fontFaceCss(fonts);
const { path } = await findBrowser();
const mmToPx = (mm: number) => (mm / 25.4) * 96;
const MB = (kb: number) => `${(kb / 1024).toFixed(0).padStart(5)} MB`;

/** Dark pixels in the last tenth of the rows: the footer sits there, so none means a white capture. */
async function inkAtBottom(png: Uint8Array, width: number, height: number): Promise<number> {
  const top = Math.floor(height * 0.9);
  const { data } = await sharp(png, { limitInputPixels: false }).extract({ left: 0, top, width, height: height - top }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.filter((v) => v < 128).length;
}

async function measure(name: SizeName): Promise<void> {
  const size = SIZES[name];
  const output: OutputSpec = { ...poster, name: `poster-${name}`, page: { widthMm: size.widthMm, heightMm: size.heightMm } };
  const { width, height } = pixelSize(output.page, size.dpi);
  const html = renderHtml(TEMPLATES_DIR, view, output, { ...output.page, bleedMm: 0 }, fontCss);

  // The peak of this process from here on: writing 5 to clear_refs resets VmHWM.
  writeFileSync('/proc/self/clear_refs', '5');
  const renderer = await Renderer.launch({ browserPath: path, templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(fonts), log: () => undefined });
  const pid = renderer.pid!;
  const peak = { node: 0, chrome: 0, chromePss: 0, processes: 0 };
  const sample = () => {
    peak.node = Math.max(peak.node, status(process.pid));
    const tree = processTree(pid);
    peak.chrome = Math.max(peak.chrome, tree.reduce((sum, p) => sum + status(p), 0));
    peak.chromePss = Math.max(peak.chromePss, tree.reduce((sum, p) => sum + pss(p), 0));
    peak.processes = Math.max(peak.processes, tree.length);
  };
  const timer = setInterval(sample, 100);
  const t0 = performance.now();
  let bands = 0;
  let bytes = 0;
  let captured = 0;
  let done = 0;
  let ink = 0;
  try {
    const job = { name: output.name, html, width: mmToPx(size.widthMm), height: mmToPx(size.heightMm), widthPx: width, heightPx: height, dpi: size.dpi };
    const capture = await renderer.png(tile ? { ...job, tileHeightPx: Number(tile) } : job);
    captured = performance.now();
    bands = capture.bands.length;
    sample();
    const { png } = await finishPng(capture, { width, height, dpi: size.dpi }, output.name);
    done = performance.now();
    bytes = png.byteLength;
    ink = await inkAtBottom(png, width, height);
    if (keep) {
      mkdirSync(keep, { recursive: true });
      writeFileSync(join(keep, `${output.name}.png`), png);
    }
  } finally {
    sample();
    clearInterval(timer);
    await renderer.close();
  }
  const seconds = (done - t0) / 1000;
  const nodeHwm = status(process.pid, 'VmHWM');
  console.log(`${name}: ${width}×${height} px (${((width * height) / 1e6).toFixed(0)} MP) in ${bands} band${bands === 1 ? '' : 's'}, ${(bytes / 1024 / 1024).toFixed(1)} MB PNG`);
  console.log(`  time:               ${seconds.toFixed(1)} s (Chrome launch, load and capture ${((captured - t0) / 1000).toFixed(1)} s, stitch and encode ${((done - captured) / 1000).toFixed(1)} s)`);
  console.log(`  peak RSS node:      ${MB(Math.max(peak.node, nodeHwm))} (VmHWM ${MB(nodeHwm)}, sampled ${MB(peak.node)})`);
  console.log(`  peak RSS Chrome:    ${MB(peak.chrome)} (sum of VmRSS over up to ${peak.processes} processes, shared pages counted in each; sampled every 100 ms)`);
  console.log(`  peak PSS Chrome:    ${MB(peak.chromePss)} (sum of Pss, shared pages split)`);
  console.log(`  bottom tenth:       ${ink} dark px${ink === 0 ? ' — WHITE: the capture lost its bottom' : ''}`);
}

for (const name of names) await measure(name);
