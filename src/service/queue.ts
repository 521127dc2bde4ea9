// The queue a service hands requests to. Two kinds, one job code (work.ts):
//   EmbeddedQueue: in this process, no Redis — the default. Requests wait their turn in order; each
//                  request's outputs render two at a time over the one browser; a browser that died
//                  under an output is retried with backoff, as BullMQ would.
//   BullQueue:     (bull.ts) BullMQ on Redis: the service only enqueues; `shushuo worker`s render.

import { eachAtOnce } from '../pipeline.js';
import type { RenderRequest } from './request.js';
import type { FileInfo, FileStore } from './store.js';
import { finishRequest, JobFailure, partsOf, renderPart, type PartResult, type WorkContext } from './work.js';

export type RenderState = 'queued' | 'running' | 'done' | 'failed';

export interface RenderStatus {
  id: string;
  status: RenderState;
  /** Outputs finished, of total */
  done: number;
  total: number;
  outputs: { name: string; status: RenderState }[];
  files?: FileInfo[];
  reason?: string;
  message?: string;
  submitted?: string;
  queueSeconds?: number;
  renderSeconds?: number;
}

export interface RenderQueue {
  readonly kind: 'embedded' | 'bullmq';
  /** Queue a request; 'exists' when the same request is queued or running. Throws QueueFull. */
  submit(request: RenderRequest): Promise<'queued' | 'exists'>;
  status(id: string): Promise<RenderStatus | undefined>;
  counts(): Promise<{ queued: number; running: number }>;
  close(): Promise<void>;
}

/** The queue holds as many requests as it may: try again after `retryAfter` seconds. */
export class QueueFull extends Error {
  constructor(readonly limit: number, readonly retryAfter: number) {
    super(`the queue is full (${limit} requests waiting); try again in ${retryAfter} s`);
    this.name = 'QueueFull';
  }
}

/** The queue cannot be reached (Redis down): 503, try again later. */
export class QueueUnavailable extends Error {
  constructor(message: string, readonly retryAfter = 5) {
    super(message);
    this.name = 'QueueUnavailable';
  }
}

/** The status of a finished request, from its render.json. */
export function recordStatus(store: FileStore, id: string): RenderStatus | undefined {
  const r = store.record(id);
  if (!r) return undefined;
  const failedOutputs = new Set(r.failed.map((f) => f.output));
  const withFiles = new Set(r.files.map((f) => f.output));
  return {
    id,
    status: r.status,
    done: r.outputs.filter((o) => withFiles.has(o)).length,
    total: r.outputs.length,
    outputs: r.outputs.map((name) => ({ name, status: withFiles.has(name) ? 'done' : failedOutputs.has(name) || r.status === 'failed' ? 'failed' : 'done' })),
    files: r.files,
    ...(r.reason ? { reason: r.reason, message: r.message } : {}),
    submitted: r.submitted,
    ...(r.queueSeconds !== undefined ? { queueSeconds: r.queueSeconds, renderSeconds: r.renderSeconds } : {}),
  };
}

export interface RetryPolicy {
  /** Attempts per output (a browser that died under it is retried) */
  attempts: number;
  /** First backoff, ms; doubled for each further attempt */
  backoffMs: number;
}

interface Entry {
  request: RenderRequest;
  running: boolean;
  parts: Map<string, RenderState>;
}

/** Outputs of one request rendered at once over the one browser (as runJob does). */
const PARTS_AT_ONCE = 2;

export class EmbeddedQueue implements RenderQueue {
  readonly kind = 'embedded';
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: string[] = [];
  private running = 0;
  private readonly expiry: NodeJS.Timeout;
  private closed = false;
  /** Seconds the last requests took, for Retry-After */
  private recent: number[] = [];

  constructor(private readonly ctx: WorkContext, private readonly limits: { maxQueue: number; concurrency: number } & RetryPolicy) {
    // A request that waits past its limit fails at once (GET answers 503), not when its turn comes.
    this.expiry = setInterval(() => this.expire(), 250);
    this.expiry.unref();
  }

  async submit(request: RenderRequest): Promise<'queued' | 'exists'> {
    if (this.entries.has(request.id)) return 'exists';
    if (this.waiting.length >= this.limits.maxQueue) throw new QueueFull(this.limits.maxQueue, this.retryAfter());
    this.entries.set(request.id, { request, running: false, parts: new Map(request.outputs.map((o) => [o, 'queued'])) });
    this.waiting.push(request.id);
    this.pump();
    return 'queued';
  }

  async status(id: string): Promise<RenderStatus | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return recordStatus(this.ctx.store, id);
    const outputs = [...entry.parts].map(([name, status]) => ({ name, status }));
    return {
      id,
      status: entry.running ? 'running' : 'queued',
      done: outputs.filter((o) => o.status === 'done').length,
      total: outputs.length,
      outputs,
      submitted: new Date(entry.request.submitted).toISOString(),
    };
  }

  async counts(): Promise<{ queued: number; running: number }> {
    return { queued: this.waiting.length, running: this.running };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.expiry);
    while (this.running > 0) await new Promise((r) => setTimeout(r, 100));
  }

  private retryAfter(): number {
    const average = this.recent.length > 0 ? this.recent.reduce((a, b) => a + b, 0) / this.recent.length : 5;
    return Math.max(1, Math.ceil((average * (this.waiting.length + 1)) / this.limits.concurrency));
  }

  private expire(): void {
    const now = Date.now();
    for (const id of [...this.waiting]) {
      const entry = this.entries.get(id)!;
      const waited = now - entry.request.submitted;
      if (waited <= this.ctx.queueTimeoutMs) continue;
      this.waiting.splice(this.waiting.indexOf(id), 1);
      this.entries.delete(id);
      finishRequest(this.ctx, entry.request, [], { reason: 'queue-timeout', message: `waited ${(waited / 1000).toFixed(1)} s in the queue, longer than its limit of ${this.ctx.queueTimeoutMs / 1000} s` });
    }
  }

  private pump(): void {
    while (!this.closed && this.running < this.limits.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      const entry = this.entries.get(id)!;
      entry.running = true;
      this.running++;
      void this.process(entry).finally(() => {
        this.running--;
        this.entries.delete(id);
        this.pump();
      });
    }
  }

  /** A request: its outputs as child jobs, each with its retries; then its result. */
  private async process(entry: Entry): Promise<void> {
    const started = performance.now();
    const results: PartResult[] = [];
    let failure: { reason: JobFailure['reason']; message: string; output?: string } | undefined;
    await eachAtOnce(partsOf(entry.request), PARTS_AT_ONCE, async (part) => {
      for (let attempt = 1; !failure; attempt++) {
        try {
          results.push(await renderPart(this.ctx, part, attempt, () => entry.parts.set(part.output, 'running')));
          entry.parts.set(part.output, 'done');
          return;
        } catch (err) {
          const f = err instanceof JobFailure ? err : new JobFailure('internal', (err as Error).message);
          if (f.retry && attempt < this.limits.attempts) {
            this.ctx.log(`${entry.request.id} ${part.output}: attempt ${attempt} failed (${f.message}); trying again`);
            await new Promise((r) => setTimeout(r, this.limits.backoffMs * 2 ** (attempt - 1)));
            continue;
          }
          entry.parts.set(part.output, 'failed');
          failure ??= { ...JobFailure.parse(f.message), output: part.output };
          return;
        }
      }
    });
    try {
      finishRequest(this.ctx, entry.request, results, failure);
    } catch (err) {
      this.ctx.log(`${entry.request.id}: could not write its result: ${(err as Error).message}`);
    }
    this.recent = [...this.recent.slice(-19), (performance.now() - started) / 1000];
  }
}
