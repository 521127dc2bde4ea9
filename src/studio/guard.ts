// Who may talk to the studio: only its own page. The studio listens on the loopback address, but a
// web page on any site can still send requests to 127.0.0.1, and a DNS name rebound to 127.0.0.1
// makes the browser treat the studio as that site. So every request must name the studio itself as
// Host (DNS rebinding), must not come from a foreign Origin, and every change must carry the CSRF
// token that only the studio's own page gets (in its HTML) in a header no form can send. Every
// response forbids loading anything from elsewhere (Content-Security-Policy).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CSRF_HEADER = 'x-shushuo-csrf';

/** The page's own policy: everything from the studio, nothing inline, nothing from elsewhere. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Guard {
  /** The token the page sends with each change; new with each start of the studio. */
  readonly csrf = randomBytes(32).toString('base64url');
  private hosts = new Set<string>();
  private origins = new Set<string>();

  /** The names the studio answers to, once its port is known: 127.0.0.1, localhost, [::1] and the host it was bound to. */
  listen(host: string, port: number): void {
    const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
    if (!['0.0.0.0', '::', ''].includes(host)) names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
    this.hosts = new Set([...names].map((n) => `${n}:${port}`.toLowerCase()));
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** A reason to refuse the request, or undefined. */
  check(req: FastifyRequest): { status: number; code: string; message: string } | undefined {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.hosts.has(host)) {
      return { status: 403, code: 'foreign-host', message: `这个地址不是数说工作室的地址（Host: ${host || '无'}）。请用 ${[...this.origins][0] ?? '工作室给出的地址'} 打开。` };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return { status: 403, code: 'foreign-origin', message: `拒绝来自其他网站的请求（Origin: ${origin}）。` };
    }
    if (SAFE_METHODS.has(req.method)) return undefined;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return { status: 403, code: 'foreign-origin', message: `拒绝来自其他网站的请求（Sec-Fetch-Site: ${String(site)}）。` };
    }
    const token = req.headers[CSRF_HEADER];
    if (typeof token !== 'string' || !same(token, this.csrf)) {
      return { status: 403, code: 'csrf', message: '页面已过期（工作室可能重新启动过）：请刷新页面后再试。您之前保存的内容都在。' };
    }
    return undefined;
  }

  /** The onRequest hook: refuse, or set the headers every response carries. */
  hook = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    setSecurityHeaders(reply);
    const refusal = this.check(req);
    if (refusal) return reply.code(refusal.status).send({ error: refusal.code, message: refusal.message });
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function setSecurityHeaders(reply: FastifyReply, csp = PAGE_CSP): void {
  reply.header('content-security-policy', csp);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  reply.header('x-frame-options', 'SAMEORIGIN');
}
