// shushuo batch --queue redis://…: the batch as it always is (rows read and checked, one folder per
// row, batch.json, the gallery), except that each row's outputs render on the BullMQ workers: a row
// is a request (a flow: a parent, a child per output), like one sent to the service. Its files are
// copied from the shared store into the row's folder as a transaction, as runJob would commit them.

import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { batch, type BatchOptions, type BatchResult } from '../jobs/batch.js';
import type { Job, JobResult } from '../jobs/run.js';
import { begin, readManifest } from '../output/transaction.js';
import { sha256, type ManifestEntry } from '../output/write.js';
import { BullQueue, connectionOf } from './bull.js';
import { DEFAULT_STORE } from './index.js';
import { DEFAULT_LIMITS } from './limits.js';
import { canonical, type RenderRequest } from './request.js';
import { FileStore } from './store.js';
import { VERSION as version } from '../paths.js';

export interface QueueBatchOptions extends BatchOptions {
  /** redis://host:port */
  queue: string;
  /** The store the workers write into (shared) */
  store?: string;
  /** Rows in flight at once (default 16) */
  rowsAtOnce?: number;
}

export async function queueBatch(options: QueueBatchOptions): Promise<BatchResult> {
  const store = new FileStore(options.store ?? DEFAULT_STORE);
  const limits = DEFAULT_LIMITS;
  // A batch waits its turn however long the queue is: its own rows are the queue.
  const bull = new BullQueue(connectionOf(options.queue), store, { maxQueue: Number.MAX_SAFE_INTEGER, queueTimeoutS: 24 * 3600, attempts: limits.attempts, backoffMs: 1000 });
  const say = (line: string) => options.stream.write(`${line}\n`);
  say(`batch: each row's outputs render on the workers of ${options.queue.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}, files through ${store.root}`);
  try {
    return await batch({ ...options, atOnce: options.rowsAtOnce ?? 16, runJob: (_session, job) => runOnWorkers(bull, store, job) });
  } finally {
    await bull.close();
  }
}

/** One row: a request on the queue, then its files committed into the row's folder. */
async function runOnWorkers(bull: BullQueue, store: FileStore, job: Job): Promise<JobResult> {
  const started = performance.now();
  const print = { bleedMm: job.print.bleedMm, marks: job.print.marks, cmyk: job.print.cmyk };
  const outputs = job.outputs.map((o) => o.name);
  const dataHash = sha256(canonical(job.data));
  const request: RenderRequest = { id: sha256(canonical([version, 'batch', dataHash, outputs, print])).slice(0, 32), raw: null, checked: job.data, dataHash, outputs, print, submitted: Date.now() };
  if (store.record(request.id)?.status !== 'done') await bull.submit(request);
  let status = await bull.status(request.id);
  while (status && status.status !== 'done' && status.status !== 'failed') {
    if (job.signal?.aborted) break;
    await new Promise((r) => setTimeout(r, 300));
    status = await bull.status(request.id);
  }
  const record = store.record(request.id);
  const failed = record?.failed ?? (status?.status === 'failed' ? [{ output: '', reason: status.message ?? status.reason ?? 'failed' }] : []);
  // The files the workers wrote, with their manifest entries, into the row's folder.
  const entries: ManifestEntry[] = (record?.files ?? []).flatMap((f) => readManifest(store.partDir(request.id, f.output)).filter((e) => e.file === f.file));
  const tx = await begin(job.out, { lock: job.lock, waitMs: job.waitMs });
  try {
    for (const e of entries) copyFileSync(join(store.partDir(request.id, e.output!), e.file), join(tx.staging, e.file));
    const manifest = entries.length > 0 ? tx.commit(entries, { ...job.manifest, render: request.id }, new Set(entries.map((e) => e.output!))) : readManifest(job.out);
    return {
      files: entries,
      kept: [],
      failed: failed.map((f) => ({ output: f.output, reason: f.reason })),
      manifest,
      ...(job.signal?.aborted && !record ? { stopped: new Error('the batch was stopped') } : {}),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    tx.close();
  }
}
