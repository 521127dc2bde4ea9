#!/usr/bin/env node
// Runs the TypeScript sources, so there is no build step to forget: they are compiled on the first run
// after a change (esbuild, well under a second) into node_modules/.cache/shushuo/<hash of the sources>/
// and imported from there. Through tsx instead, node held some 70 MB more (its loader thread and esbuild
// service), which a long batch cannot spare, and took half a second longer to start. With --debug, or
// should the compiled copy not be made (e.g. a read-only install), the sources run through tsx.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// V8 flags. A batch may run for hours and must stay small (a 10,000-row batch under 600 MB with
// Chrome): it keeps its young generation at its first size (1 MB). With Chromium's headless shell and
// three rows at once that batch peaked at 494 MB. --optimize-for-size held less, but its
// memory-reducing collections threw away optimised code each row (1717 compilations in 40 rows,
// against 699): node's CPU for 100 rows of briefing and card was 30 s with it, 16.5 s without;
// --heap-growing-percent=10 cost 4.5 s of that back (it was needed with Chromium, whose batch peaked at
// 637 MB without it). Every other command runs with V8's defaults.
if (process.argv.slice(2).find((a) => !a.startsWith('-')) === 'batch') v8.setFlagsFromString('--semi-space-growth-factor=1');
// Puppeteer makes a `debug` logger for each CDP message, which asked whether stderr is a terminal each
// time (some 2% of node's CPU in a batch). Colours are then decided once, off; only DEBUG=… output has them.
process.env.DEBUG_COLORS ??= 'no';
// Two worker threads, one per core of a small machine, not libuv's four: each thread that runs sharp
// keeps a malloc arena of its own (measured: 20 MB less over a long batch). Read when the pool starts,
// at its first task, which is after this line.
process.env.UV_THREADPOOL_SIZE ??= '2';

const root = join(import.meta.dirname, '..');
const src = join(root, 'src');

async function compiled() {
  const files = readdirSync(src, { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const hash = createHash('sha256').update(process.version);
  for (const f of files) {
    const s = statSync(join(src, f));
    hash.update(`${f}\0${s.size}\0${s.mtimeMs}\0`);
  }
  const cache = join(root, 'node_modules/.cache/shushuo');
  const dir = join(cache, hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'done'))) {
    utimesSync(dir, new Date(), new Date()); // in use: see below
  } else {
    const esbuild = await import('esbuild');
    const tmp = `${dir}.${process.pid}`;
    try {
      await esbuild.build({ entryPoints: files.map((f) => join(src, f)), outdir: tmp, outbase: src, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' });
    } finally {
      await esbuild.stop(); // its service process would live as long as the run
    }
    writeFileSync(join(tmp, 'done'), '');
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run made it first
    }
    // Copies of older sources go once unused for a day (a studio started earlier may still import from one).
    for (const old of readdirSync(cache)) {
      const path = join(cache, old);
      if (path !== dir && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { recursive: true, force: true });
    }
  }
  return join(dir, 'cli/cli.js');
}

let cli;
if (!process.argv.includes('--debug')) {
  try {
    mkdirSync(join(root, 'node_modules/.cache/shushuo'), { recursive: true });
    cli = await compiled();
  } catch {
    cli = undefined;
  }
}
if (!cli) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = join(src, 'cli/cli.ts');
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
