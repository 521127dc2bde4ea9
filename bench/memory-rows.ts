// A 10,000-row batch: the first output must appear within 5 s, and Node plus Chrome must stay under
// 600 MB throughout (PSS: each shared page counted once). Runs `shushuo batch` as a user would, samples the memory of the process and
// every process below it (Chrome and its helpers) from /proc, then stops it with Ctrl-C (SIGINT)
// after --seconds and checks that batch.json was written.
//   npm run bench:memory -- --rows 10000 --seconds 60

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { processTree, pss, status } from './proc.js';

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

/** What a process is: node, or Chrome's browser, renderer, utility … (from its command line). */
function kind(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/); // Chrome's helpers rewrite theirs, space-separated
    if (pid === child.pid) return 'node';
    const type = cmd.find((a) => a.startsWith('--type='))?.slice(7);
    const sub = cmd.find((a) => a.startsWith('--utility-sub-type='))?.slice(19).replace(/\.mojom\.\w+$/, '');
    return type ? (sub ? `${type} (${sub})` : type) : /chrom/.test(cmd[0] ?? '') ? 'browser' : (cmd[0] ?? '?').split('/').pop()!;
  } catch {
    return '?';
  }
}

const memory = (pid: number) => {
  const pids = processTree(pid);
  const each = pids.map((p) => ({ kind: kind(p), pssMb: pss(p) / 1024 }));
  return { processes: pids.length, rssMb: pids.reduce((sum, p) => sum + status(p), 0) / 1024, pssMb: each.reduce((sum, e) => sum + e.pssMb, 0), each };
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
type Sample = { s: number; rows: number } & ReturnType<typeof memory>;
const samples: Sample[] = [];
const timer = setInterval(() => samples.push({ s: (performance.now() - started) / 1000, ...memory(child.pid!), rows: done }), 250);
let stoppedAt = 0;
const stopAt = setTimeout(() => {
  stoppedAt = performance.now();
  child.kill('SIGINT');
}, SECONDS * 1000);
const code = await exited;
clearInterval(timer);
clearTimeout(stopAt);
const seconds = (performance.now() - started) / 1000;

// The goal is judged on PSS: RSS counts Chrome's code, which every one of its processes maps, once per process.
const peak = samples.reduce((m, x) => (x.pssMb > m.pssMb ? x : m), samples[0]!);
const peakRss = Math.max(...samples.map((x) => x.rssMb));
const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * (samples.length - 1)))]!;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const rendering = samples.filter((x) => x.rows > 0);
const rate = rendering.length > 1 ? (rendering.at(-1)!.rows - rendering[0]!.rows) / (rendering.at(-1)!.s - rendering[0]!.s) : 0;
const byKind = new Map<string, number[]>();
for (const e of peak.each) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e.pssMb]);
console.log(`exit ${code} after ${seconds.toFixed(1)} s (${code === 130 ? `stopped by Ctrl-C, as planned, ${((performance.now() - stoppedAt) / 1000).toFixed(1)} s after it` : 'ended by itself'})`);
console.log(`first output after   ${firstS?.toFixed(1) ?? '—'} s   (goal under ${FIRST_S} s) ${firstS !== undefined && firstS < FIRST_S ? '✓' : '✗'}`);
console.log(`rows rendered        ${done} of ${ROWS}, ${rate.toFixed(2)} rows/s once rendering`);
console.log(`peak PSS node+Chrome ${mb(peak.pssMb)} at ${peak.s.toFixed(1)} s (goal under ${LIMIT_MB} MB) ${peak.pssMb < LIMIT_MB ? '✓' : '✗'}`);
console.log(`  by process         ${[...byKind].map(([k, xs]) => `${k} ${xs.map((x) => x.toFixed(0)).join(' + ')}`).join(' · ')}`);
console.log(`PSS over the run     ${[0.1, 0.25, 0.5, 0.75, 1].map((q) => `${Math.round(q * 100)}%: ${mb(at(q).pssMb)}`).join(' · ')}`);
console.log(`peak RSS, summed     ${mb(peakRss)} (counts the pages Chrome's processes share once per process)`);
const report = join(out, 'batch.json');
if (code === 130) {
  const ok = existsSync(report) && (JSON.parse(readFileSync(report, 'utf8')) as { rows: unknown[] }).rows.length === ROWS;
  console.log(`batch.json after Ctrl-C: ${ok ? `written, ${ROWS} rows listed ✓` : 'missing ✗'}`);
}
if (code !== 0 && code !== 130) console.log(stderr.slice(-2000));
rmSync(dir, { recursive: true, force: true });
