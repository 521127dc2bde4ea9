// shushuo serve and shushuo worker, assembled: the store, the queue (embedded, or BullMQ with
// --queue), Chrome kept healthy where this process renders, the metrics, the HTTP API.

import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { TEMPLATES_DIR } from '../index.js';
import { resolveFonts, type Role } from '../fonts/fonts.js';
import { UsageError } from '../errors.js';
import { isLoopback, readTokens } from './auth.js';
import { BullQueue, connectionOf, startBullWorkers } from './bull.js';
import { ChromeKeeper } from './chrome.js';
import { DEFAULT_LIMITS, describeLimits, type Limits } from './limits.js';
import { createMetrics, restartLabel, type Metrics } from './metrics.js';
import { EmbeddedQueue, type RenderQueue } from './queue.js';
import { createServiceApp } from './server.js';
import { FileStore } from './store.js';
import type { WorkContext } from './work.js';

export const DEFAULT_SERVICE_PORT = 4630;
/** The store when none is given: a folder (on a shared mount when workers run on other machines). */
export const DEFAULT_STORE = 'service-store';
/** First backoff of a retried output, ms (then doubled). */
const BACKOFF_MS = 1000;

/** What the service and a worker both take: the limits and how they render. */
interface RenderOptions {
  limits?: Partial<Limits>;
  browser?: string;
  fonts?: Partial<Record<Role, string>>;
  templatesDir?: string;
  log?: (line: string) => void;
  /** Chrome could not be restarted (default: exit 1) */
  fatal?: (err: Error) => void;
}

export interface ServiceOptions extends RenderOptions {
  port?: number;
  host?: string;
  /** The folder every machine shares */
  store?: string;
  /** redis://host:port: only enqueue; `shushuo worker`s render */
  queue?: string;
  /** API tokens file; required on any address but loopback */
  tokens?: string;
}

export interface Service {
  url: string;
  queue: RenderQueue;
  store: FileStore;
  /** Where this process renders (embedded): its Chrome */
  keeper?: ChromeKeeper;
  close(): Promise<void>;
}

function keeperFor(limits: Limits, options: ServiceOptions, metrics: () => Metrics | undefined, templatesDir: string, log: (line: string) => void) {
  return new ChromeKeeper({
    fonts: resolveFonts(options.fonts),
    templatesDir,
    browser: options.browser,
    restartAfter: limits.restartAfter,
    rssLimitMb: limits.chromeRssMb,
    probeTimeoutMs: limits.probeTimeoutS * 1000,
    probeIntervalMs: limits.probeIntervalS * 1000,
    log,
    fatal: options.fatal,
    onRestart: (reason) => metrics()?.chromeRestarts.inc({ reason: restartLabel(reason) }),
  });
}

export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  // Who may render: anyone on this computer; elsewhere only the holders of a token.
  if (!isLoopback(host) && !options.tokens) {
    throw new UsageError(`--host ${host}: expected --tokens FILE on an address other than 127.0.0.1 (anyone who reaches it could render), received no --tokens; write a file of "name token" lines, or serve on 127.0.0.1 behind your proxy`);
  }
  const tokens = options.tokens ? readTokens(options.tokens) : undefined;
  const store = new FileStore(options.store ?? DEFAULT_STORE);
  const fonts = resolveFonts(options.fonts);

  let metrics: Metrics | undefined;
  let queue: RenderQueue;
  let keeper: ChromeKeeper | undefined;
  let health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  const retry = { attempts: limits.attempts, backoffMs: BACKOFF_MS };
  if (options.queue) {
    const bull = new BullQueue(connectionOf(options.queue), store, { maxQueue: limits.maxQueue, queueTimeoutS: limits.queueTimeoutS, ...retry });
    queue = bull;
    health = () => bull.health();
  } else {
    keeper = keeperFor(limits, options, () => metrics, templatesDir, log);
    await keeper.start();
    const ctx: WorkContext = { keeper, store, templatesDir, fonts, queueTimeoutMs: limits.queueTimeoutS * 1000, renderTimeoutMs: limits.renderTimeoutS * 1000, log, get metrics() { return metrics; } };
    queue = new EmbeddedQueue(ctx, { maxQueue: limits.maxQueue, concurrency: limits.concurrency, ...retry });
    const k = keeper;
    health = async () => k.health();
  }
  metrics = createMetrics(() => queue.counts());

  const app = createServiceApp({ queue, store, fonts, limits, metrics, tokens, health, log });
  try {
    await app.listen({ port: options.port ?? DEFAULT_SERVICE_PORT, host });
  } catch (err) {
    await keeper?.close();
    await queue.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log(`shushuo serve: ${url} (${options.queue ? `enqueues on ${redacted(options.queue)}; shushuo worker renders` : 'renders in this process'}), store ${store.root}`);
  log(`who may render: ${tokens ? `holders of the ${tokens.names.length} tokens in ${options.tokens} (Authorization: Bearer)` : 'this computer only (127.0.0.1)'}`);
  const shown: (keyof Limits)[] = options.queue ? ['maxQueue', 'queueTimeoutS', 'bodyLimitMb', 'attempts'] : (Object.keys(limits) as (keyof Limits)[]);
  for (const line of describeLimits(limits, shown)) log(line);
  return {
    url,
    queue,
    store,
    ...(keeper ? { keeper } : {}),
    async close() {
      await app.close();
      await Promise.race([queue.close(), new Promise((r) => setTimeout(r, limits.renderTimeoutS * 1000 + 5000).unref())]);
      await keeper?.close();
    },
  };
}

export interface WorkerOptions extends RenderOptions {
  queue: string;
  store?: string;
  /** Outputs at once over this worker's browser (default 2) */
  concurrency?: number;
  /** Serve /health and /metrics on this port (none when absent) */
  port?: number;
  host?: string;
  /** A killed worker's jobs move to another after this long, s (default 30) */
  stalledS?: number;
}

export interface RenderWorker {
  keeper: ChromeKeeper;
  url?: string;
  close(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RenderWorker> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  const connection = connectionOf(options.queue);
  const store = new FileStore(options.store ?? DEFAULT_STORE);
  let metrics: Metrics | undefined;
  const keeper = keeperFor(limits, options, () => metrics, templatesDir, log);
  await keeper.start();
  const ctx: WorkContext = { keeper, store, templatesDir, fonts: resolveFonts(options.fonts), queueTimeoutMs: limits.queueTimeoutS * 1000, renderTimeoutMs: limits.renderTimeoutS * 1000, log, get metrics() { return metrics; } };
  const stalledMs = (options.stalledS ?? 30) * 1000;
  const concurrency = options.concurrency ?? 2;
  const workers = startBullWorkers(connection, ctx, { concurrency, lockMs: stalledMs, stalledIntervalMs: Math.max(1000, Math.round(stalledMs / 2)) });
  metrics = createMetrics(() => ({ queued: 0, running: workers.running() }));
  log(`shushuo worker: renders from ${redacted(options.queue)} into ${store.root}, ${concurrency} outputs at once; a stalled job moves to another worker after ${stalledMs / 1000} s`);
  for (const line of describeLimits(limits, ['queueTimeoutS', 'renderTimeoutS', 'restartAfter', 'chromeRssMb', 'probeTimeoutS', 'probeIntervalS', 'attempts'])) log(line);

  let url: string | undefined;
  const app = Fastify({ logger: false });
  if (options.port !== undefined) {
    const m = metrics;
    app.get('/health', async (_req, reply) => {
      const h = keeper.health();
      return reply.code(h.ok ? 200 : 503).send({ status: h.ok ? 'ok' : 'down', ...h });
    });
    app.get('/metrics', async (_req, reply) => reply.header('content-type', m.registry.contentType).send(await m.registry.metrics()));
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
    const a = app.server.address() as AddressInfo;
    url = `http://${a.address}:${a.port}`;
    log(`shushuo worker: /health and /metrics on ${url}`);
  }
  return {
    keeper,
    ...(url ? { url } : {}),
    async close() {
      await app.close();
      // The jobs in hand finish first, unless Redis is gone (then their locks expire and another worker takes them).
      await Promise.race([workers.close(), new Promise((r) => setTimeout(r, limits.renderTimeoutS * 1000 + 5000).unref())]);
      await keeper.close();
    },
  };
}

/** A Redis URL without its password, for the log. */
const redacted = (url: string) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
