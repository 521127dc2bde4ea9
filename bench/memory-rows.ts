// A 10,000-row batch: the first output must appear within 5 s, and Node plus Chrome must stay under
// 600 MB throughout. Runs `shushuo batch` as a user would, samples the memory of the process and
// every process below it (Chrome and its helpers) from /proc, then stops it with Ctrl-C (SIGINT)
// after --seconds and checks that batch.json was written.
//   npm run bench:memory -- --rows 10000 --seconds 60

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '60' }, template: { type: 'string', default: 'wechat-square' } } });
const ROWS = Number(values.rows);
const SECONDS = Number(values.seconds);
const LIMIT_MB = 600;
const FIRST_S = 5;

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'shushuo-bench-rows-'));
const sample = readFileSync(join(root, 'examples/batch/counties.csv'), 'utf8').trimEnd().split('\n');
const [head, ...lines] = sample;
const sheet = join(dir, 'rows.csv');
writeFileSync(sheet, [head, ...Array.from({ length: ROWS }, (_, i) => lines[i % lines.length]!.replace(/^[^,]+/, `示例县${String(i + 1).padStart(5, '0')}`))].join('\n'));
const out = join(dir, 'out');

/** The process and all below it. */
function tree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* gone */ }
  }
  const all: number[] = [];
  const walk = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return all;
}

/** kB of a /proc field (VmRSS in status, Pss in smaps_rollup). */
function kb(file: string, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const memory = (pid: number) => {
  const pids = tree(pid);
  return {
    processes: pids.length,
    rssMb: pids.reduce((s, p) => s + kb(`/proc/${p}/status`, 'VmRSS'), 0) / 1024,
    pssMb: pids.reduce((s, p) => s + kb(`/proc/${p}/smaps_rollup`, 'Pss'), 0) / 1024,
  };
};

console.log(`batch of ${ROWS.toLocaleString('en')} rows (${values.template} each), stopped after ${SECONDS} s; memory of node + Chrome sampled every 250 ms`);
const started = performance.now();
const child = spawn(process.execPath, [join(root, 'bin/shushuo.js'), 'batch', '--data', sheet, '--base', join(root, 'examples/batch/county-base.yaml'), '--template', values.template!, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
let firstS: number | undefined;
let done = 0;
child.stderr.on('data', (chunk: Buffer) => {
  const text = chunk.toString();
  stderr = (stderr + text).slice(-20_000);
  const rows = text.match(/✓ row /g)?.length ?? 0;
  if (rows > 0 && firstS === undefined) firstS = (performance.now() - started) / 1000;
  done += rows;
});
const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
const samples: { s: number; rssMb: number; pssMb: number; rows: number }[] = [];
const timer = setInterval(() => samples.push({ s: (performance.now() - started) / 1000, ...memory(child.pid!), rows: done }), 250);
const stopAt = setTimeout(() => child.kill('SIGINT'), SECONDS * 1000);
const code = await exited;
clearInterval(timer);
clearTimeout(stopAt);
const seconds = (performance.now() - started) / 1000;

const peak = samples.reduce((m, x) => (x.rssMb > m.rssMb ? x : m), { s: 0, rssMb: 0, pssMb: 0, rows: 0 });
const peakPss = Math.max(...samples.map((x) => x.pssMb));
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * (samples.length - 1)))]!;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const rendering = samples.filter((x) => x.rows > 0);
const rate = rendering.length > 1 ? (rendering.at(-1)!.rows - rendering[0]!.rows) / (rendering.at(-1)!.s - rendering[0]!.s) : 0;
console.log(`exit ${code} after ${seconds.toFixed(1)} s (${code === 130 ? 'stopped by Ctrl-C, as planned' : 'ended by itself'})`);
console.log(`first output after   ${firstS?.toFixed(1) ?? '—'} s   (goal under ${FIRST_S} s) ${firstS !== undefined && firstS < FIRST_S ? '✓' : '✗'}`);
console.log(`rows rendered        ${done} of ${ROWS}, ${rate.toFixed(2)} rows/s once rendering`);
console.log(`peak RSS node+Chrome ${mb(peak.rssMb)} at ${peak.s.toFixed(1)} s (goal under ${LIMIT_MB} MB) ${peak.rssMb < LIMIT_MB ? '✓' : '✗'}; peak PSS ${mb(peakPss)} (shared pages counted once)`);
console.log(`RSS over the run     ${[0.1, 0.25, 0.5, 0.75, 1].map((q) => `${Math.round(q * 100)}%: ${mb(at(q).rssMb)}`).join(' · ')}`);
const report = join(out, 'batch.json');
if (code === 130) {
  const ok = existsSync(report) && (JSON.parse(readFileSync(report, 'utf8')) as { rows: unknown[] }).rows.length === ROWS;
  console.log(`batch.json after Ctrl-C: ${ok ? `written, ${ROWS} rows listed ✓` : 'missing ✗'}`);
}
if (code !== 0 && code !== 130) console.log(stderr.slice(-2000));
rmSync(dir, { recursive: true, force: true });
