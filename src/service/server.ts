// shushuo serve: the HTTP render API, on the same pipeline as the CLI (runJob through work.ts).
// Routes are thin: read the request, call the library, map errors to status codes — a body that is not
// the API's shape 400, no or a wrong token 401, no such render 404, a body too large 413, data the CLI
// would refuse 422 (with the CLI's messages, field by field), the queue full 429 (Retry-After), a
// request that waited past its limit 503, Chrome unable to render 503 (GET /health).
//
//   POST /v1/renders                     { data, outputs, options } → 202 { id }; the same inputs once done → 200 with the files
//   GET  /v1/renders/:id                 { status: queued|running|done|failed, done, total, outputs, files, reason }
//   GET  /v1/renders/:id/events          progress as server-sent events, until the end
//   GET  /v1/renders/:id/files/:name     one file
//   GET  /v1/renders/:id/zip             every file, and render.json, as a ZIP
//   GET  /health                         200 while Chrome can render (or the queue is reachable), else 503
//   GET  /metrics                        Prometheus text

import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { DataError } from '../data/load.js';
import type { RoleFace } from '../fonts/fonts.js';
import { OutputNameError } from '../view/outputs.js';
import { UserError, messageOf } from '../errors.js';
import type { Tokens } from './auth.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import { QueueFull, QueueUnavailable, type RenderQueue, type RenderStatus } from './queue.js';
import { BadRequest, checkRequest } from './request.js';
import { FileStore } from './store.js';

export interface ServerParts {
  queue: RenderQueue;
  store: FileStore;
  fonts: RoleFace[];
  limits: Limits;
  metrics: Metrics;
  tokens?: Tokens;
  /** Whether the service can take and render requests now */
  health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  log: (line: string) => void;
}

/** How often the event stream looks at a request's progress. */
const EVENT_POLL_MS = 200;

export function createServiceApp(parts: ServerParts): FastifyInstance {
  const { queue, store, fonts, limits, metrics, tokens } = parts;
  const app = Fastify({ logger: false, bodyLimit: Math.round(limits.bodyLimitMb * 1024 * 1024), trustProxy: false });
  const tokenOf = new WeakMap<FastifyRequest, string>();

  app.addHook('onRequest', async (req, reply) => {
    if (!tokens || req.url === '/health') return;
    const name = tokens.check(req.headers.authorization);
    if (!name) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="shushuo"').send({ error: 'unauthorized', message: 'expected Authorization: Bearer <token> with a token of this service, received ' + (req.headers.authorization ? 'a token it does not know' : 'none') });
    }
    tokenOf.set(req, name);
  });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err, parts.log));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not-found', message: 'no such route' }));

  app.get('/health', async (_req, reply) => {
    const h = await parts.health();
    return reply.code(h.ok ? 200 : 503).header('cache-control', 'no-store').send({ status: h.ok ? 'ok' : 'down', ...h });
  });

  app.get('/metrics', async (_req, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  app.post('/v1/renders', async (req, reply) => {
    const { request } = checkRequest(req.body, fonts);
    const done = store.record(request.id);
    if (done?.status === 'done') {
      const status = (await queue.status(request.id))!;
      return reply.code(200).send({ ...status, cached: true });
    }
    const token = tokenOf.get(req);
    const submitted = await queue.submit({ ...request, submitted: Date.now(), ...(token ? { token } : {}) });
    return reply.code(202).header('location', `/v1/renders/${request.id}`).send({ id: request.id, status: submitted === 'exists' ? (await queue.status(request.id))?.status ?? 'queued' : 'queued' });
  });

  const statusOf = async (req: FastifyRequest): Promise<RenderStatus> => {
    const id = (req.params as { id: string }).id;
    const status = FileStore.validId(id) ? await queue.status(id) : undefined;
    if (!status) throw new NotFound(`no render ${id}`);
    return status;
  };
  /** A request that waited past its limit answers 503, whatever is asked of it. */
  const expired = (reply: FastifyReply, s: RenderStatus) =>
    reply.code(503).header('retry-after', String(Math.max(1, Math.round(limits.queueTimeoutS / 10)))).send({ ...s, error: 'queue-timeout' });

  app.get('/v1/renders/:id', async (req, reply) => {
    const s = await statusOf(req);
    if (s.reason === 'queue-timeout') return expired(reply, s);
    return reply.header('cache-control', 'no-store').send(s);
  });

  app.get('/v1/renders/:id/events', async (req, reply) => {
    const first = await statusOf(req);
    const out = new PassThrough();
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    const send = (s: RenderStatus) => {
      const text = JSON.stringify(s);
      if (text === last) return false;
      last = text;
      const end = s.status === 'done' || s.status === 'failed';
      out.write(`event: ${end ? 'end' : 'progress'}\ndata: ${text}\n\n`);
      if (end) out.end();
      return end;
    };
    const poll = async () => {
      try {
        const s = await queue.status(first.id);
        if (s && send(s)) return;
      } catch (err) {
        parts.log(`events ${first.id}: ${messageOf(err)}`);
      }
      if (!out.writableEnded) timer = setTimeout(() => void poll(), EVENT_POLL_MS);
    };
    out.on('close', () => clearTimeout(timer));
    if (!send(first)) timer = setTimeout(() => void poll(), EVENT_POLL_MS);
    return reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-store').send(out);
  });

  app.get('/v1/renders/:id/files/:name', async (req, reply) => {
    const s = await statusOf(req);
    if (s.reason === 'queue-timeout') return expired(reply, s);
    const found = store.file(s.id, (req.params as { name: string }).name);
    if (!found) throw new NotFound(`render ${s.id} has no file ${(req.params as { name: string }).name}${s.status === 'done' ? '' : ` (it is ${s.status})`}`);
    return reply.header('content-type', contentType(found.info.file)).header('content-length', found.info.bytes).header('etag', `"${found.info.sha256}"`).send(createReadStream(found.path));
  });

  app.get('/v1/renders/:id/zip', async (req, reply) => {
    const s = await statusOf(req);
    if (s.reason === 'queue-timeout') return expired(reply, s);
    const zip = s.status === 'done' || s.status === 'failed' ? store.zip(s.id) : undefined;
    if (!zip) throw new NotFound(`render ${s.id} is ${s.status}: its ZIP is there once it is done`);
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="${s.id}.zip"`).send(zip);
  });

  return app;
}

class NotFound extends Error {}

const CONTENT_TYPES: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp', json: 'application/json', html: 'text/html; charset=utf-8' };
const contentType = (file: string) => CONTENT_TYPES[/\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';

function sendError(reply: FastifyReply, err: unknown, log: (line: string) => void): FastifyReply {
  const e = err as Error & { code?: string; statusCode?: number };
  const json = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => reply.code(status).header('cache-control', 'no-store').send({ error, message, ...extra });
  if (e instanceof NotFound) return json(404, 'not-found', e.message);
  if (e instanceof QueueFull) return reply.code(429).header('retry-after', String(e.retryAfter)).send({ error: 'queue-full', message: e.message, retryAfter: e.retryAfter });
  if (e instanceof QueueUnavailable) return reply.code(503).header('retry-after', String(e.retryAfter)).send({ error: 'queue-unavailable', message: e.message });
  if (e instanceof DataError) return json(422, 'invalid-data', e.report(), { problems: e.problems.map((p) => ({ field: p.field, message: p.message, ...(p.line ? { line: p.line } : {}) })) });
  if (e instanceof BadRequest) return json(e.status, 'bad-request', e.message);
  if (e instanceof OutputNameError) return json(422, 'unknown-output', e.message);
  if (e instanceof UserError) return json(422, 'invalid-option', e.report(), e.place?.field ? { field: e.place.field } : {});
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) return json(413, 'too-large', `expected a request body of at most ${reply.server.initialConfig.bodyLimit} bytes (--body-limit), received more`);
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return json(415, 'unsupported-type', 'expected Content-Type: application/json');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return json(e.statusCode, 'bad-request', messageOf(e));
  log(`serve: ${e.stack ?? messageOf(e)}`);
  return json(500, 'internal', `internal error: ${messageOf(e)}`);
}
