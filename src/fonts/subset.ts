// Role fonts cut down to the characters a run can draw, with fontTools (Python), before Chrome sees them.
// A role's TrueType file crosses to Chrome and is parsed on every page: the converted 楷体 is 8.8 MB,
// its subset for one speech about 0.2 MB. Without Python and fontTools the whole file is served.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { OutputSpec } from '../view/outputs.js';
import { templateBody } from '../view/registry.js';
import type { View } from '../view/views.js';

/** A Python that can import fontTools: the one on PATH, or Debian's own (pyenv and the like hide it). */
export function pythonWithFontTools(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import fontTools.subset, fontTools.pens.cu2quPen'], { stdio: 'ignore' }).status === 0);
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

/** Cut each role font down to `text`. Never fails: a font that cannot be cut is served whole (python null: none to cut with). */
export async function subsetFonts(files: Map<string, string>, text: string, python: string | null = pythonWithFontTools() ?? null): Promise<SubsetResult> {
  const out = new Map<string, string | Uint8Array>(files);
  const report: string[] = [];
  const big = [...files].filter(([, file]) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > WORTH_CUTTING);
  if (big.length === 0) return { files: out, report };
  if (!python) {
    report.push(`${big.map(([, f]) => shortName(f)).join(', ')}: served whole; no Python with fontTools to cut them to the characters used`);
    return { files: out, report };
  }
  const dir = mkdtempSync(join(tmpdir(), 'shushuo-subset-'));
  try {
    const textFile = join(dir, 'text.txt');
    writeFileSync(textFile, text);
    await Promise.all(
      big.map(async ([url, file], i) => {
        const output = join(dir, `${i}.ttf`);
        const { code, stderr } = await run(python, ['-m', 'fontTools.subset', file, `--text-file=${textFile}`, `--output-file=${output}`, ...SUBSET_OPTIONS]);
        if (code !== 0) {
          report.push(`${shortName(file)}: served whole, fontTools could not cut it (exit code ${code}): ${stderr.trim().split('\n').pop()}`);
          return;
        }
        const bytes = readFileSync(output);
        out.set(url, bytes);
        report.push(`${shortName(file)}: ${mb(statSync(file).size)} → ${mb(bytes.length)}, cut to the ${[...text].length} characters the pages may draw`);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { files: out, report };
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
