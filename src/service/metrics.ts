// GET /metrics, Prometheus text (prom-client): queue depth, running jobs, render seconds by output
// kind, failures by reason, Chrome restarts — on the service, and on each worker that has a --port.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  renderSeconds: Histogram<'kind'>;
  failures: Counter<'reason'>;
  chromeRestarts: Counter<'reason'>;
}

export function createMetrics(counts: () => Promise<{ queued: number; running: number }> | { queued: number; running: number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shushuo_' });
  new Gauge({
    name: 'shushuo_queue_depth',
    help: 'Requests waiting in the queue',
    registers: [registry],
    async collect() {
      this.set((await counts()).queued);
    },
  });
  new Gauge({
    name: 'shushuo_running_jobs',
    help: 'Requests being rendered now',
    registers: [registry],
    async collect() {
      this.set((await counts()).running);
    },
  });
  return {
    registry,
    renderSeconds: new Histogram({
      name: 'shushuo_render_seconds',
      help: 'Seconds to render one output, by output kind',
      labelNames: ['kind'],
      buckets: [0.5, 1, 2, 5, 10, 20, 40, 80, 160],
      registers: [registry],
    }),
    failures: new Counter({ name: 'shushuo_failures_total', help: 'Requests that failed, by reason', labelNames: ['reason'], registers: [registry] }),
    chromeRestarts: new Counter({ name: 'shushuo_chrome_restarts_total', help: 'Times Chrome was restarted, by reason', labelNames: ['reason'], registers: [registry] }),
  };
}

/** A restart's reason as a label: the kind of reason, not its numbers. */
export function restartLabel(reason: string): string {
  if (/renders \(restart after/.test(reason)) return 'renders';
  if (/MB \(limit/.test(reason)) return 'memory';
  if (/^Chrome stopped/.test(reason)) return 'crashed';
  if (/probe/.test(reason)) return 'probe';
  if (/time limit/.test(reason)) return 'render-timeout';
  if (/characters/.test(reason)) return 'fonts';
  if (/stopped|died|gone/i.test(reason)) return 'crashed';
  return 'other';
}
