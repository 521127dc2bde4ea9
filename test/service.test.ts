// shushuo serve as a client meets it over HTTP, in-process queue, real Chrome: submit, follow the
// progress as server-sent events, download the ZIP and check its PDF with poppler; a resubmit answered
// at once from the store; bad data refused with the CLI's messages and nothing queued; a full queue
// (429), a request that waited too long (503), a render past its time limit (failed, with the reason);
// Chrome SIGKILLed under a job (retried, /health 503 then 200, no Chrome process left); tokens on a
// public address (401 without, the token's name in the audit log).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yauzl from 'yauzl';
import { startService, type Service } from '../src/service/index.js';
import { groupProcesses } from '../src/service/chrome.js';
import { pdffonts, pdfinfo } from './poppler.js';
import { findBrowser } from '../src/chrome/browser.js';

const ROOT = resolve('test/__output__/service');
const DATA = readFileSync('data/luoyang-2018-02-08.yaml', 'utf8');
const quiet = () => undefined;

interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
  json: () => any;
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(new URL(path, base), {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body: bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

const finished = (base: string, id: string, headers: Record<string, string> = {}) =>
  until(`render ${id}`, async () => {
    const a = await call(base, 'GET', `/v1/renders/${id}`, undefined, headers);
    const s = a.json();
    return s.status === 'done' || s.status === 'failed' ? { ...s, http: a.status } : undefined;
  }, 60_000);

/** The server-sent events of a render, until its end event. */
async function events(base: string, id: string): Promise<{ event: string; data: any }[]> {
  const res = await fetch(new URL(`/v1/renders/${id}/events`, base));
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const text = await res.text();
  return text.split('\n\n').filter(Boolean).map((block) => ({
    event: /^event: (.*)$/m.exec(block)![1]!,
    data: JSON.parse(/^data: (.*)$/m.exec(block)![1]!),
  }));
}

function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolveZip, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err);
      const files = new Map<string, Buffer>();
      z.on('entry', (entry: yauzl.Entry) => {
        z.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            z.readEntry();
          });
        });
      });
      z.on('end', () => resolveZip(files));
      z.readEntry();
    });
  });
}

describe('shushuo serve: the render API, embedded queue', { timeout: 150_000 }, () => {
  let service: Service;
  let base: string;
  const store = join(ROOT, 'store');
  const lines: string[] = [];

  before(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    service = await startService({ port: 0, store, log: (l) => lines.push(l), limits: { maxQueue: 1, queueTimeoutS: 0.5, probeIntervalS: 1, probeTimeoutS: 10 } });
    base = service.url;
  });
  after(async () => {
    await service?.close();
  });

  it('prints every limit at start, with the option that sets it', () => {
    for (const option of ['--max-queue 1', '--queue-timeout 0.5', '--render-timeout 300', '--body-limit 5', '--restart-after 100', '--chrome-rss 2048', '--probe-timeout 10']) {
      assert.ok(lines.some((l) => l.startsWith(`limit ${option}:`)), `${option} in ${lines.join('\n')}`);
    }
  });

  it('refuses invalid data with 422 and the messages the CLI prints, and queues nothing', async () => {
    const bad = DATA.replace('value: 9\n', 'value: "九轮"\n');
    const a = await call(base, 'POST', '/v1/renders', { data: bad, outputs: ['wechat-square'] });
    assert.equal(a.status, 422);
    const body = a.json();
    assert.equal(body.error, 'invalid-data');
    const p = body.problems.find((x: any) => x.field === 'figures[0].value');
    assert.ok(p, JSON.stringify(body.problems));
    assert.match(p.message, /^expected .+, received "九轮"/);
    assert.match(body.message, /^invalid data, nothing written:\ndata:75 figures\[0\]\.value: expected/);
    // An object has no lines: the field names the problem.
    const o = await call(base, 'POST', '/v1/renders', { data: { document: {} }, outputs: ['wechat-square'] });
    assert.equal(o.status, 422);
    assert.ok(o.json().problems.some((x: any) => x.field === 'document.title' && /^expected a value, received nothing/.test(x.message)));
    const names = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['poster-a9'] });
    assert.equal(names.status, 422);
    assert.match(names.json().message, /received poster-a9/);
    const shape = await call(base, 'POST', '/v1/renders', '[1,2]');
    assert.equal(shape.status, 400);
    assert.deepEqual(await service.queue.counts(), { queued: 0, running: 0 });
    assert.match((await call(base, 'GET', '/metrics')).body.toString(), /^shushuo_queue_depth 0$/m);
  });

  it('answers 413 past the body limit', async () => {
    const a = await call(base, 'POST', '/v1/renders', { data: 'x'.repeat(6 * 1024 * 1024) });
    assert.equal(a.status, 413);
  });

  let first: { id: string; files: any[] };
  it('renders: 202, progress as server-sent events, files, a ZIP whose PDF poppler reads', async () => {
    const a = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['briefing', 'wechat-square'] });
    assert.equal(a.status, 202);
    const { id } = a.json();
    assert.match(id, /^[0-9a-f]{32}$/);
    const stream = await events(base, id);
    const last = stream.at(-1)!;
    assert.equal(last.event, 'end');
    assert.equal(last.data.status, 'done', JSON.stringify(last.data));
    assert.equal(last.data.done, 2);
    assert.ok(stream.length >= 2, 'progress before the end');
    assert.deepEqual(last.data.files.map((f: any) => f.file), ['briefing.pdf', 'wechat-square.png']);
    first = { id, files: last.data.files };

    const png = await call(base, 'GET', `/v1/renders/${id}/files/wechat-square.png`);
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.equal(png.body.length, last.data.files[1].bytes);
    assert.equal((await call(base, 'GET', `/v1/renders/${id}/files/nothing.pdf`)).status, 404);

    const zip = await call(base, 'GET', `/v1/renders/${id}/zip`);
    assert.equal(zip.status, 200);
    const files = await unzip(zip.body);
    assert.deepEqual([...files.keys()].sort(), ['briefing.pdf', 'render.json', 'wechat-square.png']);
    const pdf = join(ROOT, 'briefing.pdf');
    writeFileSync(pdf, files.get('briefing.pdf')!);
    const info = pdfinfo(pdf);
    assert.ok(Number(info.Pages) >= 2);
    assert.match(info["Page size"]!, /^59[45](\.\d+)? x 841(\.\d+)? pts \(A4\)/);
    assert.ok(pdffonts(pdf).every((f) => f.type !== 'Type 3' && f.emb === 'yes'));
    const record = JSON.parse(files.get('render.json')!.toString());
    assert.equal(record.status, 'done');

    const audit = readFileSync(join(store, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const line = audit.find((l) => l.id === id);
    assert.deepEqual({ result: line.result, outputs: line.outputs, token: line.token }, { result: 'done', outputs: ['briefing', 'wechat-square'], token: null });
    assert.match(line.dataHash, /^[0-9a-f]{64}$/);
  });

  it('answers a resubmit of the same inputs at once, 200, with the stored files', async () => {
    const t0 = performance.now();
    // The same data as an object, keys in another order: the same inputs.
    const a = await call(base, 'POST', '/v1/renders', { options: { bleed: 0 }, outputs: ['wechat-square', 'briefing'], data: DATA });
    assert.equal(a.status, 200);
    assert.ok(performance.now() - t0 < 2000);
    const body = a.json();
    assert.equal(body.id, first.id);
    assert.equal(body.cached, true);
    assert.deepEqual(body.files, first.files);
  });

  it('answers 429 with Retry-After when the queue is full, and 503 for a request that waited past its limit', async () => {
    // A job that takes well over the 0.5 s the next request may wait: the A2 poster as CMYK through Ghostscript
    // (2.0 s on an idle machine; a limit of 2 s no longer held it back reliably).
    const long = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['poster-a2'], options: { cmyk: true } });
    assert.equal(long.status, 202);
    await until('the poster to start', async () => ((await call(base, 'GET', `/v1/renders/${long.json().id}`)).json().status === 'running' ? true : undefined));
    const waiting = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['wechat-cover'] });
    assert.equal(waiting.status, 202);
    const full = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['wechat-long'] });
    assert.equal(full.status, 429);
    assert.ok(Number(full.headers.get('retry-after')) >= 1);
    assert.equal(full.json().error, 'queue-full');
    const late = await until('the queue timeout', async () => {
      const a = await call(base, 'GET', `/v1/renders/${waiting.json().id}`);
      return a.status === 503 ? a : undefined;
    }, 20_000);
    assert.equal(late.json().status, 'failed');
    assert.equal(late.json().reason, 'queue-timeout');
    assert.match(late.json().message, /waited .* s in the queue, longer than its limit of 0\.5 s/);
    assert.equal((await finished(base, long.json().id)).status, 'done');
    assert.match((await call(base, 'GET', '/metrics')).body.toString(), /^shushuo_failures_total\{reason="queue-timeout"\} 1$/m);
  });

  it('retries a job whose Chrome was SIGKILLed: /health 503 then 200, the job done, no Chrome process left', async () => {
    const a = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['wechat-long', 'wechat-cover'], options: { marks: true } });
    assert.equal(a.status, 202);
    const { id } = a.json();
    await until('the job to run', async () => ((await call(base, 'GET', `/v1/renders/${id}`)).json().status === 'running' ? true : undefined), 30_000, 20);
    const health = (await call(base, 'GET', '/health')).json();
    assert.equal(health.status, 'ok');
    const pid = health.pid as number;
    process.kill(pid, 'SIGKILL');
    const down = await until('/health 503', async () => {
      const h = await call(base, 'GET', '/health');
      return h.status === 503 ? h.json() : undefined;
    }, 10_000, 50);
    assert.equal(down.status, 'down');
    const up = await until('/health 200', async () => {
      const h = await call(base, 'GET', '/health');
      return h.status === 200 ? h.json() : undefined;
    }, 30_000, 100);
    assert.notEqual(up.pid, pid);
    const s = await finished(base, id);
    assert.equal(s.status, 'done', JSON.stringify(s));
    assert.deepEqual(s.files.map((f: any) => f.file).filter((f: string) => f.endsWith('.png')), ['wechat-cover.png', 'wechat-long.png']);
    assert.deepEqual(groupProcesses(pid), [], 'no process of the killed Chrome is left, not even a zombie');
    assert.match((await call(base, 'GET', '/metrics')).body.toString(), /^shushuo_chrome_restarts_total\{reason="crashed"\} [1-9]/m);
  });
});

describe('shushuo serve: tokens, a render past its time limit', { timeout: 60_000 }, () => {
  const store = join(ROOT, 'store-public');
  const tokensFile = join(ROOT, 'tokens.txt');
  let service: Service;

  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    writeFileSync(tokensFile, '# name token\nxinhua 0123456789abcdef0123\n');
  });
  after(async () => {
    await service?.close();
  });

  it('refuses to start on a public address without tokens', async () => {
    await assert.rejects(startService({ port: 0, host: '0.0.0.0', store, log: quiet }), /--host 0\.0\.0\.0: expected --tokens FILE/);
  });

  it('needs a Bearer token on a public address; a render past its limit fails with the reason and leaves no Chrome', async () => {
    service = await startService({ port: 0, host: '0.0.0.0', tokens: tokensFile, store, log: quiet, limits: { renderTimeoutS: 0.3 } });
    const base = service.url.replace('0.0.0.0', '127.0.0.1');
    const auth = { authorization: 'Bearer 0123456789abcdef0123' };
    assert.equal((await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['poster-a3'] })).status, 401);
    assert.equal((await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['poster-a3'] }, { authorization: 'Bearer wrong-token-0000000000' })).status, 401);
    assert.equal((await call(base, 'GET', '/metrics')).status, 401);
    assert.equal((await call(base, 'GET', '/health')).status, 200);
    const pid = (await call(base, 'GET', '/health')).json().pid as number;
    const a = await call(base, 'POST', '/v1/renders', { data: DATA, outputs: ['poster-a3'] }, auth);
    assert.equal(a.status, 202);
    const s = await finished(base, a.json().id, auth);
    assert.equal(s.status, 'failed');
    assert.equal(s.reason, 'render-timeout');
    assert.match(s.message, /poster-a3: the render took longer than its limit of 0\.3 s and was stopped/);
    const audit = readFileSync(join(store, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(audit.map((l) => [l.token, l.result, l.reason]), [['xinhua', 'failed', 'render-timeout']]);
    await until('the killed Chrome to be gone', async () => (groupProcesses(pid).length === 0 ? true : undefined), 10_000);
  });
});

describe('shushuo serve: a Chrome that cannot be started again', { timeout: 60_000 }, () => {
  it('says so on /health and calls fatal (the process exits 1, its supervisor starts it again)', async () => {
    const dir = join(ROOT, 'broken-browser');
    mkdirSync(dir, { recursive: true });
    // A browser that starts once, then fails as a broken install would: a wrapper that exits 1 once BROKEN exists.
    const real = (await findBrowser()).path;
    const wrapper = join(dir, 'chrome.sh');
    writeFileSync(wrapper, `#!/bin/sh\n[ -e "${join(dir, 'BROKEN')}" ] && { echo "broken" >&2; exit 1; }\nexec "${real}" "$@"\n`, { mode: 0o755 });
    let fatal: Error | undefined;
    const service = await startService({ port: 0, store: join(ROOT, 'store-broken'), browser: wrapper, log: quiet, fatal: (e) => (fatal = e) });
    try {
      assert.equal((await call(service.url, 'GET', '/health')).status, 200);
      writeFileSync(join(dir, 'BROKEN'), '');
      const pid = (await call(service.url, 'GET', '/health')).json().pid as number;
      process.kill(pid, 'SIGKILL');
      await until('fatal', async () => fatal, 30_000);
      assert.match(fatal!.message, /^Chrome could not be started again: /);
      const h = await call(service.url, 'GET', '/health');
      assert.equal(h.status, 503);
      assert.match(h.json().problem, /could not be started again/);
    } finally {
      await service.close();
    }
  });
});
