// The command line of the service: shushuo serve, shushuo worker, and shushuo batch --queue.
// Each parses its own options, calls service/index.ts, and runs until SIGINT/SIGTERM.
//
//   shushuo serve  [--port N] [--host H] [--store DIR] [--queue redis://HOST:PORT] [--tokens FILE] [limits]
//   shushuo worker --queue redis://HOST:PORT [--store DIR] [--concurrency N] [--port N] [--stalled S] [limits]
//   shushuo batch  --queue redis://HOST:PORT --data ROWS.csv --base FILE --template NAMES [--out DIR] [--store DIR]

import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../fonts/fonts.js';
import { describeFailure, messageOf, quote, usageError, UserError } from '../errors.js';
import { DEFAULT_LIMITS, LIMIT_OPTIONS, type Limits } from './limits.js';

export const SERVICE_HELP = `shushuo serve   the HTTP render API (POST /v1/renders …); see docs/service.md
  --port N             port (default 4630; 0: any free port)
  --host H             address (default 127.0.0.1; any other needs --tokens)
  --store DIR          the folder the files go to, shared by every machine (default service-store)
  --queue URL          redis://HOST:PORT: only enqueue on BullMQ; shushuo worker renders
  --tokens FILE        API tokens, one "name token" per line; every request then needs Authorization: Bearer
  --browser PATH       Chrome or Chromium; found automatically when absent
  --font ROLE=FILE     a font file for a role, as for render
  limits (each printed at start):
${Object.entries(LIMIT_OPTIONS).map(([k, o]) => `  --${o.padEnd(18)} default ${DEFAULT_LIMITS[k as keyof Limits]}`).join('\n')}

shushuo worker  renders from the BullMQ queue, on any number of machines
  --queue URL          redis://HOST:PORT (required)
  --store DIR          the shared folder (as the service's)
  --concurrency N      outputs at once over this worker's browser (default 2)
  --stalled S          a killed worker's job moves to another after S seconds (default 30)
  --port N, --host H   serve /health and /metrics
  and the limits above

shushuo batch --queue URL   as batch, with each row's outputs spread over the workers`;

const LIMIT_FLAGS = Object.fromEntries(Object.values(LIMIT_OPTIONS).map((o) => [o, { type: 'string' as const }]));

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  store: { type: 'string' },
  queue: { type: 'string' },
  tokens: { type: 'string' },
  browser: { type: 'string' },
  font: { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  stalled: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  ...LIMIT_FLAGS,
} as const;

type Values = Record<string, string | string[] | boolean | undefined>;

/** Run `shushuo serve …` or `shushuo worker …` (argv without the command); resolves with the exit code once stopped. */
export async function serviceCommand(command: 'serve' | 'worker', argv: string[], err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values as Values;
  } catch (e) {
    err(`shushuo ${command}: ${messageOf(e)}\n\n${SERVICE_HELP}`);
    return 2;
  }
  if (values.help) {
    err(SERVICE_HELP);
    return 0;
  }
  try {
    const limits = readLimits(values);
    const fonts = readFonts(values.font as string[] | undefined);
    const common = { store: str(values.store), browser: str(values.browser), fonts, limits, log: err };
    let stop: () => Promise<void>;
    if (command === 'serve') {
      const { startService } = await import('./index.js');
      const service = await startService({ ...common, port: int(values.port, '--port', 0, 65535), host: str(values.host), queue: str(values.queue), tokens: str(values.tokens) });
      stop = () => service.close();
      err(`shushuo serve: ready (Ctrl-C stops it)`);
    } else {
      const queue = str(values.queue);
      if (!queue) throw usageError({ field: 'worker', expected: '--queue redis://HOST:PORT', received: 'no --queue' });
      const { startWorker } = await import('./index.js');
      const worker = await startWorker({
        ...common,
        queue,
        concurrency: int(values.concurrency, '--concurrency', 1, 16),
        port: int(values.port, '--port', 0, 65535),
        host: str(values.host),
        stalledS: num(values.stalled, '--stalled', 2, 3600),
      });
      stop = () => worker.close();
      err(`shushuo worker: ready (Ctrl-C stops it after the jobs in hand)`);
    }
    await new Promise<void>((resolveStop) => {
      let stopping = false;
      const onSignal = () => {
        // A second signal does not wait for the jobs in hand.
        if (stopping) process.exit(130);
        stopping = true;
        err(`shushuo ${command}: stopping (a second Ctrl-C stops at once)`);
        void stop().then(resolveStop, resolveStop);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    // A Redis that is gone keeps reconnecting: do not let that keep a stopped process alive.
    setTimeout(() => process.exit(0), 2000).unref();
    return 0;
  } catch (e) {
    if (e instanceof UserError) {
      err(`shushuo ${command}: ${e.report()}`);
      return e.exitCode;
    }
    err(`shushuo ${command} failed: ${messageOf(e)}${values.debug ? `\n${describeFailure(e)}` : ''}`);
    return 1;
  }
}

const BATCH_OPTIONS = {
  queue: { type: 'string' },
  store: { type: 'string' },
  data: { type: 'string' },
  base: { type: 'string' },
  template: { type: 'string' },
  out: { type: 'string' },
  sheet: { type: 'string' },
  bleed: { type: 'string' },
  marks: { type: 'boolean' },
  cmyk: { type: 'boolean' },
  jobs: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} as const;

/** shushuo batch --queue URL …: the batch, each row's outputs rendered by the workers. */
export async function batchQueueCommand(argv: string[], err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options: BATCH_OPTIONS, allowPositionals: false, strict: true }).values as Values;
  } catch (e) {
    err(`shushuo batch --queue: ${messageOf(e)}`);
    return 2;
  }
  if (values.help) {
    err(`shushuo batch --queue redis://HOST:PORT --data ROWS.csv|ROWS.xlsx --base FILE --template NAMES [--out DIR] [--sheet NAME] [--store DIR] [--jobs ROWS] [--bleed MM] [--marks] [--cmyk]`);
    return 0;
  }
  try {
    for (const need of ['data', 'base', 'template'] as const) if (typeof values[need] !== 'string') throw usageError({ field: 'batch', expected: `--${need}`, received: `no --${need}` });
    const { queueBatch } = await import('./batch-queue.js');
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const result = await queueBatch({
      queue: str(values.queue)!,
      store: str(values.store),
      data: str(values.data)!,
      base: str(values.base)!,
      template: str(values.template)!,
      out: str(values.out),
      sheet: str(values.sheet),
      bleedMm: num(values.bleed, '--bleed', 0, 20),
      marks: values.marks === true,
      cmyk: values.cmyk === true,
      force: values.force === true,
      rowsAtOnce: int(values.jobs, '--jobs', 1, 256),
      stream: process.stderr,
      signal: controller.signal,
    });
    if (result.stopped) return 130;
    return result.rows.every((r) => r.status === 'rendered') ? 0 : 1;
  } catch (e) {
    if (e instanceof UserError) {
      err(`shushuo batch: ${e.report()}`);
      return e.exitCode;
    }
    err(`shushuo batch failed: ${messageOf(e)}${values.debug ? `\n${describeFailure(e)}` : ''}`);
    return 1;
  }
}

function readLimits(values: Values): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const [key, option] of Object.entries(LIMIT_OPTIONS) as [keyof Limits, string][]) {
    const whole = ['maxQueue', 'restartAfter', 'concurrency', 'attempts'].includes(key);
    const v = whole ? int(values[option], `--${option}`, 1, 1_000_000) : num(values[option], `--${option}`, 0.1, 1_000_000);
    if (v !== undefined) limits[key] = v;
  }
  return limits;
}

function readFonts(flags: string[] | undefined): Partial<Record<Role, string>> {
  const fonts: Partial<Record<Role, string>> = {};
  for (const flag of flags ?? []) {
    const m = /^([a-z]+)=(.+)$/.exec(flag);
    if (!m || !(ROLES as readonly string[]).includes(m[1]!)) throw usageError({ field: '--font', expected: `ROLE=FILE with a role of ${ROLES.join(', ')}`, received: quote(flag) });
    fonts[m[1] as Role] = m[2]!;
  }
  return fonts;
}

const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);

function num(v: Values[string], field: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw usageError({ field, expected: `a number from ${min} to ${max}`, received: quote(String(v)) });
  return n;
}

function int(v: Values[string], field: string, min: number, max: number): number | undefined {
  const n = num(v, field, min, max);
  if (n !== undefined && !Number.isInteger(n)) throw usageError({ field, expected: `a whole number from ${min} to ${max}`, received: quote(String(v)) });
  return n;
}
