// The job code, the same wherever it runs — in the service's own process (the embedded queue, the
// default) or in `shushuo worker` processes on any number of machines (BullMQ): a request is a parent
// job, each of its outputs a child job.
//   renderPart:    one output of a request → runJob into <store>/renders/<id>/<output>/ (a transaction)
//   finishRequest: when every child is done (or one has failed for good) → render.json and the audit line
// A failure says why (JobFailure.reason); only a browser that died is worth another attempt.

import { drawnText } from '../fonts/subset.js';
import type { RoleFace } from '../fonts/fonts.js';
import { runJob } from '../jobs/run.js';
import { selectOutputs } from '../view/outputs.js';
import { buildView } from '../view/views.js';
import { DataError } from '../data/load.js';
import type { SpeechData } from '../data/types.js';
import { messageOf } from '../errors.js';
import { ChromeKeeper, RenderTimeout } from './chrome.js';
import { checkData, type PrintChoice, type RenderRequest } from './request.js';
import type { FileInfo, FileStore, RenderRecord } from './store.js';
import type { Metrics } from './metrics.js';

export type FailReason = 'queue-timeout' | 'render-timeout' | 'invalid-data' | 'output-failed' | 'chrome' | 'internal';

/** Why a job failed. `retry`: another attempt may succeed (Chrome died under it). */
export class JobFailure extends Error {
  constructor(readonly reason: FailReason, message: string, readonly retry = false) {
    super(`${reason}: ${message}`);
    this.name = 'JobFailure';
  }

  /** A failure as a queue stored it ("reason: message") back into its parts. */
  static parse(text: string): { reason: FailReason; message: string } {
    const m = /^(queue-timeout|render-timeout|invalid-data|output-failed|chrome|internal): ([\s\S]*)$/.exec(text);
    return m ? { reason: m[1] as FailReason, message: m[2]! } : { reason: 'internal', message: text };
  }
}

/** One output of a request: a child job. */
export interface PartJob {
  id: string;
  output: string;
  raw: unknown;
  /** Data checked by its sender (a batch row) */
  checked?: SpeechData;
  print: PrintChoice;
  submitted: number;
}

export interface PartResult {
  output: string;
  files: FileInfo[];
  /** ms since the epoch */
  started: number;
  finished: number;
}

export interface WorkContext {
  keeper: ChromeKeeper;
  store: FileStore;
  templatesDir: string;
  fonts: RoleFace[];
  queueTimeoutMs: number;
  renderTimeoutMs: number;
  metrics?: Metrics;
  log: (line: string) => void;
}

export function partsOf(request: RenderRequest): PartJob[] {
  return request.outputs.map((output) => ({ id: request.id, output, raw: request.raw, ...(request.checked ? { checked: request.checked } : {}), print: request.print, submitted: request.submitted }));
}

/**
 * Render one output of a request into its folder in the store. `attempt` counts from 1: only a first
 * attempt can have waited too long in the queue (a retry waited for Chrome, not for its turn).
 */
export async function renderPart(ctx: WorkContext, part: PartJob, attempt: number, onRunning?: () => void): Promise<PartResult> {
  const started = Date.now();
  if (attempt === 1 && started - part.submitted > ctx.queueTimeoutMs) {
    throw new JobFailure('queue-timeout', `waited ${((started - part.submitted) / 1000).toFixed(1)} s in the queue, longer than its limit of ${ctx.queueTimeoutMs / 1000} s`);
  }
  let data: SpeechData;
  try {
    data = part.checked ?? checkData(part.raw, ctx.fonts);
  } catch (err) {
    if (err instanceof DataError) throw new JobFailure('invalid-data', err.report());
    throw err;
  }
  const outputs = selectOutputs([part.output], undefined, data.figures.map((f) => f.id));
  const view = buildView(data);
  const text = drawnText(ctx.templatesDir, [view], outputs);
  let result;
  try {
    result = await ctx.keeper.run(text, ctx.renderTimeoutMs, (session) => {
      // Running: a browser whose fonts cover this output is ready for it.
      onRunning?.();
      return runJob(session, {
        data,
        view,
        outputs,
        out: ctx.store.partDir(part.id, part.output),
        print: { ...part.print },
        manifest: { generator: 'shushuo serve', render: part.id },
        waitMs: ctx.renderTimeoutMs,
      }, (e) => {
        if (e.status === 'done') {
          ctx.keeper.rendered();
          ctx.metrics?.renderSeconds.observe({ kind: outputs[0]!.group }, e.seconds);
        }
      });
    });
  } catch (err) {
    if (err instanceof RenderTimeout) throw new JobFailure('render-timeout', `${part.output}: ${err.message}`);
    throw err;
  }
  if (result.stopped) throw new JobFailure('chrome', `${part.output}: ${messageOf(result.stopped)}`, true);
  if (result.failed.length > 0) throw new JobFailure('output-failed', result.failed.map((f) => `${f.output}: ${f.reason}`).join('\n'));
  return { output: part.output, files: ctx.store.partFiles(part.id, part.output), started, finished: Date.now() };
}

/** Write a request's result (render.json, last) and its audit line. */
export function finishRequest(ctx: Pick<WorkContext, 'store' | 'metrics'>, request: RenderRequest, parts: PartResult[], failure?: { reason: FailReason; message: string; output?: string }): RenderRecord {
  const started = parts.length > 0 ? Math.min(...parts.map((p) => p.started)) : undefined;
  const finished = Date.now();
  const record: RenderRecord = {
    id: request.id,
    status: failure ? 'failed' : 'done',
    outputs: request.outputs,
    files: parts.flatMap((p) => p.files).sort((a, b) => a.file.localeCompare(b.file)),
    failed: failure ? [{ output: failure.output ?? '', reason: failure.message }] : [],
    ...(failure ? { reason: failure.reason, message: failure.message } : {}),
    ...(request.token ? { token: request.token } : {}),
    dataHash: request.dataHash,
    submitted: new Date(request.submitted).toISOString(),
    ...(started ? { started: new Date(started).toISOString(), queueSeconds: (started - request.submitted) / 1000, renderSeconds: (finished - started) / 1000 } : {}),
    finished: new Date(finished).toISOString(),
  };
  ctx.store.writeRecord(record);
  if (failure) ctx.metrics?.failures.inc({ reason: failure.reason });
  ctx.store.audit({
    id: record.id,
    token: request.token ?? null,
    dataHash: request.dataHash,
    outputs: request.outputs,
    result: record.status,
    ...(failure ? { reason: failure.reason, message: failure.message } : {}),
    files: record.files.length,
    submitted: record.submitted,
    started: record.started ?? null,
    finished: record.finished,
    queueSeconds: record.queueSeconds ?? null,
    renderSeconds: record.renderSeconds ?? null,
  });
  return record;
}
