// Role fonts cut down to the characters a run can draw, with fontTools (Python), before Chrome sees them.
// A role's TrueType file crosses to Chrome and is parsed on every page: the converted 楷体 is 8.8 MB,
// its subset for one speech about 0.2 MB. Without Python and fontTools the whole file is served.

import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { OutputSpec } from '../view/outputs.js';
import { templateBody } from '../view/registry.js';
import { PROJECT_DIR } from '../paths.js';
import type { View } from '../view/views.js';

const PYTHONS = ['python3', '/usr/bin/python3'];
const IMPORT_FONTTOOLS = ['-c', 'import fontTools.subset, fontTools.pens.cu2quPen'];

/** A Python that can import fontTools: the one on PATH, or Debian's own (pyenv and the like hide it). */
export function pythonWithFontTools(): string | undefined {
  return PYTHONS.find((py) => spawnSync(py, IMPORT_FONTTOOLS, { stdio: 'ignore' }).status === 0);
}

let pythonFound: Promise<string | undefined> | undefined;
/** pythonWithFontTools without holding node's thread (the check took some 180 ms), asked once per process. */
function findPython(): Promise<string | undefined> {
  const works = (py: string) => new Promise<boolean>((done) => execFile(py, IMPORT_FONTTOOLS, (err) => done(!err)));
  return (pythonFound ??= (async () => {
    for (const py of PYTHONS) if (await works(py)) return py;
    return undefined;
  })());
}

/** Every character a page of the run may draw: the templates' own text, the views' (data, charts, labels) and the outputs' (names, sizes). */
export function drawnText(templatesDir: string, views: readonly View[], outputs: readonly OutputSpec[]): string {
  const parts = [...templateTexts(templatesDir), ...views.map((v) => JSON.stringify(v)), JSON.stringify(outputs.map((o) => ({ name: o.name, page: o.page, figure: o.figure })))];
  // Printable ASCII and the punctuation of Chinese text always, for what a template builds from parts.
  parts.push(String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i)), '，。、；：？！“”‘’（）《》〈〉【】〔〕—…·％');
  return [...new Set(parts.join(''))].join('');
}

function templateTexts(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(hbs|css)$/.test(f))
    .map((f) => (f.endsWith('.hbs') ? templateBody(readFileSync(join(dir, f), 'utf8')) : readFileSync(join(dir, f), 'utf8')));
}

export interface SubsetResult {
  /** URL path → the subset's bytes, or the original file where it could not be cut */
  files: Map<string, string | Uint8Array>;
  /** One line per font: sizes before and after, or why the whole file is served */
  report: string[];
}

/** Files larger than this are cut; a small one costs less to send whole than to subset. */
const WORTH_CUTTING = 1_000_000;

/**
 * Subsets made before, by what they were cut from and to (node_modules/.cache/shushuo/subsets): a run
 * of the same speech, or an export from the studio, cuts nothing again (some 0.7 s of two Python processes).
 */
const CACHE_DIR = join(PROJECT_DIR, 'node_modules/.cache/shushuo/subsets');
/** Subsets kept in the cache; the ones used longest ago go first. */
const CACHE_KEEP = 40;

/**
 * Cut each role font down to `text`. Never fails: a font that cannot be cut is served whole (python
 * null: none to cut with). A cut made before for the same file and text is read from the cache.
 */
export async function subsetFonts(files: Map<string, string>, text: string, python?: string | null): Promise<SubsetResult> {
  const out = new Map<string, string | Uint8Array>(files);
  const report: string[] = [];
  const big = [...files].filter(([, file]) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > WORTH_CUTTING);
  if (big.length === 0) return { files: out, report };
  const said = (file: string, bytes: Uint8Array, how: string) =>
    report.push(`${shortName(file)}: ${mb(statSync(file).size)} → ${mb(bytes.length)}, cut to the ${[...text].length} characters the pages may draw${how}`);
  const todo = big.filter(([url, file]) => {
    const bytes = python === null ? undefined : cached(file, text);
    if (bytes) {
      out.set(url, bytes);
      said(file, bytes, ' (cut before)');
    }
    return !bytes;
  });
  if (todo.length === 0) return { files: out, report };
  const py = python === undefined ? await findPython() : python;
  if (!py) {
    report.push(`${todo.map(([, f]) => shortName(f)).join(', ')}: served whole; no Python with fontTools to cut them to the characters used`);
    return { files: out, report };
  }
  const dir = mkdtempSync(join(tmpdir(), 'shushuo-subset-'));
  try {
    const textFile = join(dir, 'text.txt');
    writeFileSync(textFile, text);
    await Promise.all(
      todo.map(async ([url, file], i) => {
        const output = join(dir, `${i}.ttf`);
        const { code, stderr } = await run(py, ['-m', 'fontTools.subset', file, `--text-file=${textFile}`, `--output-file=${output}`, ...SUBSET_OPTIONS]);
        if (code !== 0) {
          report.push(`${shortName(file)}: served whole, fontTools could not cut it (exit code ${code}): ${stderr.trim().split('\n').pop()}`);
          return;
        }
        const bytes = readFileSync(output);
        out.set(url, bytes);
        keep(file, text, bytes);
        said(file, bytes, '');
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { files: out, report };
}

/** The cache's file for a cut of `file` (by its path, size and date) to `text` with these options. */
function cacheFile(file: string, text: string): string {
  const s = statSync(file);
  const key = createHash('sha256').update(JSON.stringify([file, s.size, s.mtimeMs, text, SUBSET_OPTIONS])).digest('hex').slice(0, 32);
  return join(CACHE_DIR, `${key}.ttf`);
}

function cached(file: string, text: string): Buffer | undefined {
  try {
    const path = cacheFile(file, text);
    const bytes = readFileSync(path);
    utimesSync(path, new Date(), new Date()); // used: kept longer
    return bytes;
  } catch {
    return undefined;
  }
}

/** Put a cut into the cache (a read-only install keeps none), and drop the oldest past CACHE_KEEP. */
function keep(file: string, text: string, cut: Uint8Array): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const target = cacheFile(file, text);
    const tmp = `${target}.${process.pid}`;
    writeFileSync(tmp, cut);
    renameSync(tmp, target);
    const all = readdirSync(CACHE_DIR)
      .filter((f) => f.endsWith('.ttf'))
      .map((f) => ({ path: join(CACHE_DIR, f), at: statSync(join(CACHE_DIR, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of all.slice(CACHE_KEEP)) rmSync(old.path, { force: true });
  } catch { /* no cache: the next run cuts again */ }
}

// Keep every layout feature (vertical and locale forms), every name record (the PDF names the
// font after them), and the .notdef outline.
const SUBSET_OPTIONS = ['--layout-features=*', '--name-IDs=*', '--name-languages=*', '--name-legacy', '--notdef-outline'];

const shortName = (file: string) => relative(process.cwd(), file) || file;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1)} MB`;

function run(cmd: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', (err) => resolve({ code: null, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
