// Across machines, for real: a redis-server on a free port (Debian's, installed by the setup step),
// the service enqueuing only (--queue), two `shushuo worker` processes, one request of 40 outputs
// spread over both as a BullMQ flow. One worker is SIGKILLed mid-job: its stalled jobs go to the
// other, every output is produced exactly once, no partial file is left in the store, and the
// killed worker's Chrome is gone with it.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Job, Queue } from 'bullmq';
import { parse } from 'yaml';
import { startService, type Service } from '../src/service/index.js';
import { groupProcesses } from '../src/service/chrome.js';
import { QUEUE_NAMES } from '../src/service/bull.js';
import { queueBatch } from '../src/service/batch-queue.js';

const ROOT = resolve('test/__output__/service-queue');
const STORE = join(ROOT, 'store');
// Forty figures: the cards of twenty of them are the 40 outputs.
const DATA = readFileSync('test/fixtures/data/forty-figures.yaml', 'utf8');

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolvePort(port));
    });
  });
}

/** A real redis-server on a free port, no persistence; stopped by the caller. */
export async function startRedis(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => new Promise<void>((done) => {
      if (proc.exitCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
    }),
  };
}

/** `shushuo worker` as its own process; resolves once it listens, with its /health URL. */
export async function startWorkerProcess(queue: string, args: string[] = []): Promise<{ proc: ChildProcess; url: string; log: () => string }> {
  let log = '';
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    "import { serviceCommand } from './src/service/commands.ts'; process.exitCode = await serviceCommand('worker', process.argv.slice(2));",
    'worker', '--queue', queue, '--store', STORE, '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  for (let i = 0; i < 600; i++) {
    const m = /\/health and \/metrics on (http:\S+)/.exec(log);
    if (m && /ready/.test(log)) return { proc, url: m[1]!, log: () => log };
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the worker did not start:\n${log}`);
}

describe('shushuo worker: two workers on a real Redis, one SIGKILLed mid-job', { timeout: 240_000 }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let service: Service;
  const workers: Awaited<ReturnType<typeof startWorkerProcess>>[] = [];

  before(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(ROOT, { recursive: true });
    redis = await startRedis(ROOT);
    service = await startService({ port: 0, store: STORE, queue: redis.url, log: () => undefined });
    workers.push(...(await Promise.all([
      startWorkerProcess(redis.url, ['--stalled', '4']),
      startWorkerProcess(redis.url, ['--stalled', '4']),
    ])));
  });
  after(async () => {
    for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.proc.exitCode !== null || w.proc.signalCode !== null ? undefined : new Promise((r) => w.proc.once('exit', r)))));
    await service?.close();
    await redis?.stop();
  });

  it('produces every one of 40 outputs exactly once, the killed worker\'s jobs finished by the other', async () => {
    const ids = (parse(DATA) as { figures: { id: string }[] }).figures.map((f) => f.id).slice(0, 20);
    const outputs = ids.flatMap((id) => [`card-${id}-square`, `card-${id}-portrait`]);
    assert.equal(outputs.length, 40);
    const health = await fetch(`${service.url}/health`);
    assert.equal(health.status, 200, await health.text());
    const res = await fetch(`${service.url}/v1/renders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: DATA, outputs }) });
    assert.equal(res.status, 202);
    const { id } = (await res.json()) as { id: string };

    // Kill the first worker once it is rendering (and has rendered some).
    const victim = workers[0]!;
    const victimName = `${hostname()}:${victim.proc.pid}`;
    const survivorName = `${hostname()}:${workers[1]!.proc.pid}`;
    const chrome = ((await (await fetch(`${victim.url}/health`)).json()) as { pid: number }).pid;
    const queue = new Queue(QUEUE_NAMES.outputs, { connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port), maxRetriesPerRequest: null } });
    let taken: string[] = [];
    try {
      // The victim is frozen before its jobs in hand are read, so none of them finishes between the
      // reading and the kill (a card renders in a fraction of a second).
      for (let i = 0; i < 1200 && taken.length === 0; i++) {
        const status = (await (await fetch(`${service.url}/v1/renders/${id}`)).json()) as { done: number };
        if (status.done >= 4) {
          victim.proc.kill('SIGSTOP');
          await new Promise((r) => setTimeout(r, 300));
          taken = (await queue.getActive()).filter((j) => j.processedBy === victimName).map((j) => j.id!);
          if (taken.length === 0) victim.proc.kill('SIGCONT');
        }
        if (taken.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(taken.length > 0, 'the first worker had a job in hand');
      victim.proc.kill('SIGKILL');

      let status: any;
      for (let i = 0; i < 1800; i++) {
        status = await (await fetch(`${service.url}/v1/renders/${id}`)).json();
        if (status.status === 'done' || status.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(status.status, 'done', JSON.stringify(status).slice(0, 2000));
      assert.equal(status.done, 40);

      // Each output once: its folder's manifest names its one PNG, of the card's size.
      for (const output of outputs) {
        const files = status.files.filter((f: any) => f.output === output);
        assert.deepEqual(files.map((f: any) => f.file), [`${output}.png`]);
        const png = readFileSync(join(STORE, 'renders', id, output, `${output}.png`));
        assert.equal(png.length, files[0].bytes);
        assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], output.endsWith('-square') ? [1080, 1080] : [1080, 1350]);
      }
      // No partial file anywhere: no staging folder, no temp file, no lock left.
      const leftovers = (readdirSync(join(STORE, 'renders', id), { recursive: true, encoding: 'utf8' }) as string[])
        .filter((p) => /\.shushuo-staging-|\.tmp$|\.shushuo\.lock/.test(p));
      assert.deepEqual(leftovers, []);
      assert.equal(existsSync(join(STORE, 'renders', id, 'render.json')), true);

      // The jobs the killed worker held were finished by the other.
      for (const jobId of taken) {
        const job = await Job.fromId(queue, jobId);
        assert.equal(job?.processedBy, survivorName, `${jobId} finished by the survivor`);
        assert.equal(await job?.getState(), 'completed');
      }
      // The killed worker's Chrome went with it (its pipe closed).
      for (let i = 0; i < 50 && groupProcesses(chrome).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(groupProcesses(chrome), []);
    } finally {
      await queue.close();
    }
  });

  it('batch --queue spreads a sheet\'s rows over the workers: a folder per row, batch.json', async () => {
    const out = join(ROOT, 'batch');
    let log = '';
    const result = await queueBatch({ queue: redis.url, store: STORE, data: 'examples/batch/counties.csv', base: 'examples/batch/county-base.yaml', template: 'wechat-square', out, stream: { write: (t: string) => { log += t; } } });
    assert.ok(result.rows.length >= 2, log);
    for (const row of result.rows) {
      assert.equal(row.status, 'rendered', `${row.name}: ${row.problems.join('; ')}\n${log}`);
      const png = readFileSync(join(out, row.name, 'wechat-square.png'));
      assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [500, 500]);
      const manifest = JSON.parse(readFileSync(join(out, row.name, 'manifest.json'), 'utf8'));
      assert.equal(manifest.generator, 'shushuo batch');
      assert.deepEqual(manifest.files.map((f: any) => f.file), ['wechat-square.png']);
    }
    assert.equal(JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')).rows.length, result.rows.length);
    // Rows with their own numbers: their images differ.
    const hashes = new Set(result.rows.map((r) => readFileSync(join(out, r.name, 'wechat-square.png')).toString('base64')));
    assert.equal(hashes.size, result.rows.length);
  });
});
