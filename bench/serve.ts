// npm run bench:serve: the render service under load.
//   1. Soak: N renders (default 1,000) through `shushuo serve` (embedded queue), each a distinct
//      request (its own issue number), 16 in flight. Prints the service's memory (RSS of the node
//      process, and Chrome's PSS) after 20 and 100 renders, in the middle and at the end, and the
//      growth from the 100th (after the warm-up) to the end;
//      Chrome restarts (every 100 renders by default); p50/p95 of queue time and render time.
//   2. Across processes: a redis-server on a free port, `shushuo serve --queue`, and M renders
//      (default 40) with 1 worker, then with 2: jobs per second each.
//
//   node --import tsx bench/serve.ts [RENDERS] [QUEUED_RENDERS]

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as procStatus } from './proc.js';
import { groupMemoryMb } from '../src/service/chrome.js';

const RENDERS = Number(process.argv[2] ?? 1000);
const QUEUED = Number(process.argv[3] ?? 40);
const OUTPUT = 'wechat-square';
const IN_FLIGHT = 16;
const DATA = readFileSync('data/luoyang-2018-02-08.yaml', 'utf8');
const work = mkdtempSync(join(tmpdir(), 'shushuo-bench-serve-'));
const say = (line: string) => process.stdout.write(`${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

/** `shushuo <command> …` as its own process; resolves once its log says `ready`. */
async function start(args: string[]): Promise<{ proc: ChildProcess; log: () => string }> {
  let log = '';
  const proc = spawn(process.execPath, ['bin/shushuo.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  for (let i = 0; i < 1200 && !/ready \(Ctrl-C/.test(log); i++) {
    if (proc.exitCode !== null) throw new Error(`shushuo ${args[0]} exited:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, log: () => log };
}

const stop = (proc: ChildProcess) => new Promise<void>((done) => {
  if (proc.exitCode !== null || proc.signalCode !== null) return done();
  proc.once('exit', () => done());
  proc.kill('SIGTERM');
});

const dataFor = (i: number) => DATA.replace(/^ {2}issue: \d+$/m, `  issue: ${1000 + i}`);

interface Done {
  queueSeconds: number;
  renderSeconds: number;
}

/** Send `n` distinct renders, `inFlight` at a time; resolves with their times, calling `at(k)` after the k-th. */
async function load(base: string, n: number, inFlight: number, offset: number, at: (k: number) => void = () => undefined): Promise<Done[]> {
  const results: Done[] = [];
  let next = 0;
  const one = async () => {
    while (next < n) {
      const i = next++;
      let res: Response;
      for (;;) {
        res = await fetch(`${base}/v1/renders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: dataFor(offset + i), outputs: [OUTPUT] }) });
        if (res.status !== 429) break;
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
      }
      const { id } = (await res.json()) as { id: string };
      for (;;) {
        const s = (await (await fetch(`${base}/v1/renders/${id}`)).json()) as { status: string; queueSeconds: number; renderSeconds: number; message?: string };
        if (s.status === 'failed') throw new Error(`render ${id} failed: ${s.message}`);
        if (s.status === 'done') {
          results.push({ queueSeconds: s.queueSeconds, renderSeconds: s.renderSeconds });
          at(results.length);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, one));
  return results;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

async function soak(): Promise<void> {
  const port = await freePort();
  const service = await start(['serve', '--port', String(port), '--store', join(work, 'soak'), '--max-queue', '1000']);
  const base = `http://127.0.0.1:${port}`;
  const chromeKb = async () => {
    const pid = ((await (await fetch(`${base}/health`)).json()) as { pid: number }).pid;
    return groupMemoryMb(pid) * 1024;
  };
  const memory: { at: number; node: number; chrome: number }[] = [];
  const measure = async (at: number) => memory.push({ at, node: procStatus(service.proc.pid!), chrome: await chromeKb() });
  say(`soak: ${RENDERS} renders of ${OUTPUT} through shushuo serve, ${IN_FLIGHT} in flight`);
  const started = performance.now();
  // The first hundred renders are the warm-up (V8's heap and code caches fill; Chrome's first restart):
  // growth is measured from the 100th, and the 20th is shown beside it.
  const WARM = Math.min(100, Math.round(RENDERS / 4));
  const marks = new Set([20, WARM, Math.round(RENDERS / 2), RENDERS]);
  const pending: Promise<unknown>[] = [];
  const results = await load(base, RENDERS, IN_FLIGHT, 0, (k) => {
    if (marks.has(k)) pending.push(measure(k));
  });
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  for (const m of memory) say(`  after ${String(m.at).padStart(5)} renders: service ${mb(m.node)} (RSS), Chrome ${mb(m.chrome)} (PSS of its processes)`);
  memory.sort((a, b) => a.at - b.at);
  const first = memory.find((m) => m.at === WARM);
  const last = memory.at(-1);
  if (first && last) say(`  service memory growth from ${first.at} to ${last.at} renders: ${(((last.node - first.node) / first.node) * 100).toFixed(1)}% (limit 10%); Chrome ${(((last.chrome - first.chrome) / first.chrome) * 100).toFixed(1)}%`);
  const restarts = /shushuo_chrome_restarts_total\{reason="renders"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? '0';
  say(`  ${RENDERS} renders in ${seconds.toFixed(0)} s: ${(RENDERS / seconds).toFixed(2)} jobs/s; Chrome restarted ${restarts} times for its render count`);
  say(`  queue time  p50 ${pct(results.map((r) => r.queueSeconds), 50).toFixed(2)} s  p95 ${pct(results.map((r) => r.queueSeconds), 95).toFixed(2)} s`);
  say(`  render time p50 ${pct(results.map((r) => r.renderSeconds), 50).toFixed(2)} s  p95 ${pct(results.map((r) => r.renderSeconds), 95).toFixed(2)} s`);
  await stop(service.proc);
}

async function workers(): Promise<void> {
  const redisPort = await freePort();
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', work], { stdio: 'ignore' });
  for (let i = 0; i < 100 && spawnSync('redis-cli', ['-p', String(redisPort), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
  const queue = `redis://127.0.0.1:${redisPort}`;
  const store = join(work, 'queued');
  const port = await freePort();
  const service = await start(['serve', '--port', String(port), '--store', store, '--queue', queue, '--max-queue', '1000']);
  const base = `http://127.0.0.1:${port}`;
  try {
    for (const count of [1, 2]) {
      const ws = await Promise.all(Array.from({ length: count }, () => start(['worker', '--queue', queue, '--store', store])));
      // One render each first, so that every worker's Chrome has its fonts: the timing is of the renders.
      await load(base, count * 2, count * 2, 100_000 * count);
      const t0 = performance.now();
      const results = await load(base, QUEUED, IN_FLIGHT, 10_000 * count);
      const seconds = (performance.now() - t0) / 1000;
      say(`queue: ${QUEUED} renders with ${count} worker${count === 1 ? '' : 's'}: ${(QUEUED / seconds).toFixed(2)} jobs/s (queue time p50 ${pct(results.map((r) => r.queueSeconds), 50).toFixed(2)} s, p95 ${pct(results.map((r) => r.queueSeconds), 95).toFixed(2)} s; render time p50 ${pct(results.map((r) => r.renderSeconds), 50).toFixed(2)} s, p95 ${pct(results.map((r) => r.renderSeconds), 95).toFixed(2)} s)`);
      await Promise.all(ws.map((w) => stop(w.proc)));
    }
  } finally {
    await stop(service.proc);
    await stop(redis);
  }
}

try {
  await soak();
  await workers();
} finally {
  rmSync(work, { recursive: true, force: true });
}
