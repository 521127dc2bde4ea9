// Across machines, on BullMQ (Redis). A request is a flow: a parent job in shushuo-renders and a
// child job per output in shushuo-outputs, so one briefing set spreads over every worker. The job
// code is work.ts, as in the embedded queue:
//   child  (any worker): renderPart → the output's folder in the shared store; retried with backoff
//                         when Chrome died under it; UnrecoverableError for what no retry mends
//   parent (any worker): once every child is done, finishRequest → render.json and the audit line
// A worker killed mid-job leaves its child's lock to expire; BullMQ's stalled check gives the child
// to another worker, whose transaction removes the dead one's staging folder and renders it again.

import { hostname } from 'node:os';
import { FlowProducer, Job, Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { usageError } from '../errors.js';
import { QueueFull, QueueUnavailable, recordStatus, type RenderQueue, type RenderState, type RenderStatus, type RetryPolicy } from './queue.js';
import type { RenderRequest } from './request.js';
import type { FileStore } from './store.js';
import { finishRequest, JobFailure, partsOf, renderPart, type PartJob, type PartResult, type WorkContext } from './work.js';

export const QUEUE_NAMES = { renders: 'shushuo-renders', outputs: 'shushuo-outputs' } as const;

/** redis://[user:password@]host:port[/db] → BullMQ's connection options. */
export function connectionOf(url: string, field = '--queue'): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw usageError({ field, expected: 'a Redis URL such as redis://127.0.0.1:6379', received: JSON.stringify(url) });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw usageError({ field, expected: 'a Redis URL such as redis://127.0.0.1:6379', received: JSON.stringify(url) });
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // Workers block on Redis; BullMQ wants commands retried for as long as it takes.
    maxRetriesPerRequest: null,
  };
}

const childId = (id: string, output: string) => `${id}-${output}`;
const KEEP = { age: 7 * 24 * 3600, count: 100_000 };

/** The service's side: it only enqueues, and reads progress back. */
export class BullQueue implements RenderQueue {
  readonly kind = 'bullmq';
  private readonly flow: FlowProducer;
  readonly renders: Queue;
  readonly outputs: Queue;

  constructor(connection: ConnectionOptions, private readonly store: FileStore, private readonly limits: { maxQueue: number; queueTimeoutS: number } & RetryPolicy) {
    this.flow = new FlowProducer({ connection });
    this.renders = new Queue(QUEUE_NAMES.renders, { connection });
    this.outputs = new Queue(QUEUE_NAMES.outputs, { connection });
    // Connection errors (Redis gone) would crash the process as unhandled 'error' events; requests
    // meanwhile get 503 (answered) and /health says why.
    this.flow.on('error', () => undefined);
    for (const q of [this.renders, this.outputs]) q.on('error', () => undefined);
  }

  submit(request: RenderRequest): Promise<'queued' | 'exists'> {
    return answered(this.add(request));
  }

  private async add(request: RenderRequest): Promise<'queued' | 'exists'> {
    const existing = await Job.fromId(this.renders, request.id);
    if (existing) {
      const state = await existing.getState();
      if (state !== 'failed' && state !== 'completed') return 'exists';
      // Finished before (its files gone from the store) or failed: it runs again.
      try {
        await existing.remove({ removeChildren: true });
      } catch {
        return 'exists'; // a child is still locked by a worker: the request is as good as running
      }
    }
    const unfinished = await this.renders.getJobCountByTypes('waiting-children', 'wait', 'active', 'delayed', 'prioritized');
    if (unfinished >= this.limits.maxQueue) throw new QueueFull(this.limits.maxQueue, Math.max(1, Math.round(this.limits.queueTimeoutS / 10)));
    await this.flow.add({
      name: 'request',
      queueName: QUEUE_NAMES.renders,
      data: request,
      opts: { jobId: request.id, removeOnComplete: KEEP, removeOnFail: KEEP },
      children: partsOf(request).map((part) => ({
        name: 'output',
        queueName: QUEUE_NAMES.outputs,
        data: part,
        opts: {
          jobId: childId(request.id, part.output),
          attempts: this.limits.attempts,
          backoff: { type: 'exponential', delay: this.limits.backoffMs },
          failParentOnFailure: true,
          removeOnComplete: KEEP,
          removeOnFail: KEEP,
        },
      })),
    });
    return 'queued';
  }

  async status(id: string): Promise<RenderStatus | undefined> {
    return recordStatus(this.store, id) ?? answered(this.progress(id));
  }

  private async progress(id: string): Promise<RenderStatus | undefined> {
    const parent = await Job.fromId<RenderRequest>(this.renders, id);
    if (!parent) return undefined;
    const request = parent.data;
    const parentState = await parent.getState();
    const outputs = await Promise.all(request.outputs.map(async (name) => {
      const child = await Job.fromId(this.outputs, childId(id, name));
      return { name, status: stateOf(child ? await child.getState() : 'unknown') };
    }));
    const done = outputs.filter((o) => o.status === 'done').length;
    let status: RenderState = outputs.some((o) => o.status !== 'queued') ? 'running' : 'queued';
    let reason: string | undefined;
    let message: string | undefined;
    if (parentState === 'failed') {
      status = 'failed';
      ({ reason, message } = JobFailure.parse(parent.failedReason ?? ''));
    } else if (status === 'queued' && Date.now() - request.submitted > this.limits.queueTimeoutS * 1000) {
      // No worker has taken it in time: it has failed, whatever a worker does with it later.
      status = 'failed';
      reason = 'queue-timeout';
      message = `waited ${((Date.now() - request.submitted) / 1000).toFixed(1)} s in the queue, longer than its limit of ${this.limits.queueTimeoutS} s`;
    }
    return { id, status, done, total: outputs.length, outputs, ...(reason ? { reason, message } : {}), submitted: new Date(request.submitted).toISOString() };
  }

  async counts(): Promise<{ queued: number; running: number }> {
    const c = await answered(this.outputs.getJobCounts('wait', 'prioritized', 'delayed', 'active'));
    return { queued: (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), running: c.active ?? 0 };
  }

  /** Redis answers, and some worker listens. */
  async health(): Promise<{ ok: boolean; workers: number; problem?: string }> {
    try {
      // Commands wait for Redis as long as it takes (maxRetriesPerRequest: null): health does not.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000)));
      const workers = await Promise.race([this.outputs.getWorkersCount(), late]).finally(() => clearTimeout(timer));
      return workers > 0 ? { ok: true, workers } : { ok: false, workers, problem: 'no worker listens to the queue' };
    } catch (err) {
      return { ok: false, workers: 0, problem: `Redis: ${(err as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.flow.close(), this.renders.close(), this.outputs.close()]);
  }
}

/** Who processed a job, as BullMQ records it (processedBy): host:pid. */
export const workerName = () => `${hostname()}:${process.pid}`;

/**
 * Redis that does not answer within 5 s: QueueUnavailable (503) rather than a request that hangs
 * (BullMQ's commands wait for Redis as long as it takes).
 */
function answered<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new QueueUnavailable('the queue (Redis) did not answer within 5 s')), 5000)));
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function stateOf(state: string): RenderState {
  if (state === 'active') return 'running';
  if (state === 'completed') return 'done';
  if (state === 'failed') return 'failed';
  return 'queued';
}

export interface BullWorkerOptions {
  /** Outputs rendered at once over this worker's browser (default 2) */
  concurrency: number;
  /** A worker that stops renewing a job's lock for this long has stalled: its job goes to another, ms */
  lockMs: number;
  /** How often stalled jobs are looked for, ms */
  stalledIntervalMs: number;
}

/** A worker: renders children, finishes parents. */
export function startBullWorkers(connection: ConnectionOptions, ctx: WorkContext, options: BullWorkerOptions): { close: () => Promise<void>; running: () => number } {
  let running = 0;
  const outputs = new Worker<PartJob, PartResult>(QUEUE_NAMES.outputs, async (job) => {
    running++;
    try {
      // attemptsStarted counts this start: 1 the first time (a job back from a stalled worker counts more).
      return await renderPart(ctx, job.data, Math.max(job.attemptsStarted, job.attemptsMade + 1 + job.stalledCounter));
    } catch (err) {
      if (err instanceof JobFailure && !err.retry) throw new UnrecoverableError(err.message);
      throw err;
    } finally {
      running--;
    }
  }, { connection, name: workerName(), concurrency: options.concurrency, lockDuration: options.lockMs, stalledInterval: options.stalledIntervalMs, maxStalledCount: 2 });
  const renders = new Worker<RenderRequest>(QUEUE_NAMES.renders, async (job) => {
    const values = await job.getChildrenValues<PartResult>();
    const record = finishRequest(ctx, job.data, Object.values(values));
    return { files: record.files.length };
  }, { connection, name: workerName(), concurrency: 4 });
  const rendersQueue = new Queue(QUEUE_NAMES.renders, { connection });
  rendersQueue.on('error', () => undefined);

  // A child that failed for good fails its request: write its result once, with the reason.
  outputs.on('failed', (job, err) => {
    if (!job) return;
    const final = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    void (async () => {
      const parent = await Job.fromId<RenderRequest>(rendersQueue, job.data.id);
      if (!parent || ctx.store.record(job.data.id)) return;
      const { reason, message } = JobFailure.parse(err.message);
      const done = await parent.getChildrenValues<PartResult>().catch(() => ({}));
      finishRequest(ctx, parent.data, Object.values(done), { reason, message, output: job.data.output });
    })().catch((e: Error) => ctx.log(`${job.data.id}: could not write its result: ${e.message}`));
  });
  // Redis gone: BullMQ reconnects and says so many times a second; say each message once a minute.
  const said = new Map<string, number>();
  for (const w of [outputs, renders]) {
    w.on('error', (err) => {
      if (Date.now() - (said.get(err.message) ?? 0) < 60_000) return;
      said.set(err.message, Date.now());
      ctx.log(`worker: ${err.message}`);
    });
  }
  return {
    running: () => running,
    async close() {
      await Promise.all([outputs.close(), renders.close()]);
      await rendersQueue.close();
    },
  };
}

export type { FileStore };
