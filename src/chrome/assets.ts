// The files a page may load, served over HTTP on a random loopback port, so that Chrome caches them:
// a page served through request interception is fetched and parsed again for every page (some 0.8 MB
// of fonts), while a cached one comes from Chrome's memory.
//
// Chrome reaches this server under ORIGIN only: its host resolver maps that one name to the server's
// port and every other name and address, loopback included, to "not found" (assetChromeArgs). So the
// page can load nothing but the templates' files, the role fonts and its own HTML; the server itself
// answers only GET and HEAD of those paths, and only for that host name.

import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fontPackageDir } from '../fonts/fonts.js';

/** The host name pages load from; nothing is served for any other. */
export const HOST = 'shushuo.local';
export const ORIGIN = `http://${HOST}`;
/** The role fonts' @font-face rules, for a page that @imports them instead of inlining 0.7 MB of CSS. */
export const FONT_CSS_PATH = '/fonts/roles.css';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.js': 'text/javascript; charset=utf-8',
};

/** Fonts never change while a browser lives (its cache dies with its profile). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface AssetOptions {
  /** Folder whose files the page may load under /templates/ */
  templatesDir: string;
  /** Font files of the roles (a path, or the bytes of a subset), by the URL path the page asks for (/fonts/role/body.ttf) */
  fontFiles: FontFiles | Promise<FontFiles>;
  /** Served at FONT_CSS_PATH when given */
  fontCss?: string;
}

/** Font files by URL path (/fonts/role/body.ttf): a path, or the bytes of a subset. */
export type FontFiles = Map<string, string | Uint8Array>;

/** A page's HTML while it is being rendered. */
export interface ServedPage {
  url: string;
  remove(): void;
}

export class AssetServer {
  readonly #pages = new Map<string, string>();
  readonly #files = new Map<string, Promise<Buffer | undefined>>();

  private constructor(
    private readonly server: Server,
    private readonly options: AssetOptions,
  ) {}

  static async start(options: AssetOptions): Promise<AssetServer> {
    let assets: AssetServer | undefined;
    const server = createServer((req, res) => void assets!.handle(req, res));
    assets = new AssetServer(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    // Chrome keeps its connections open; they must not hold the process when it should end.
    server.unref();
    return assets;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Chrome's host resolver: ORIGIN is this server, every other host and address is not found. */
  get chromeArgs(): string[] {
    return [`--host-resolver-rules=MAP ${HOST} 127.0.0.1:${this.port}, MAP * ~NOTFOUND`];
  }

  /** Serve `html` at a fresh address until remove() is called. */
  addPage(name: string, html: string): ServedPage {
    const path = `/page/${randomBytes(9).toString('base64url')}/${name.replace(/[^\w.-]/g, '_')}.html`;
    this.#pages.set(path, html);
    return { url: `${ORIGIN}${path}`, remove: () => void this.#pages.delete(path) };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refuse = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text);
    };
    if (req.headers.host !== HOST) return refuse(403, 'forbidden');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'method not allowed');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', ORIGIN).pathname);
    } catch {
      return refuse(400, 'bad path');
    }
    const send = (body: string | Uint8Array, type: string, cache: string) => {
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': cache });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const page = this.#pages.get(path);
    if (page !== undefined) return send(page, 'text/html; charset=utf-8', 'no-store');
    if (path === FONT_CSS_PATH && this.options.fontCss !== undefined) return send(this.options.fontCss, CONTENT_TYPES['.css']!, IMMUTABLE);
    // Chrome starts while the fonts are being cut: a font asked for before then waits for them.
    const font = (await this.options.fontFiles).get(path);
    if (font instanceof Uint8Array) return send(font, CONTENT_TYPES['.ttf']!, IMMUTABLE);
    const file = font ?? this.assetFile(path);
    const type = file && CONTENT_TYPES[extname(file)];
    if (!file || !type) return refuse(404, 'not found');
    const body = await this.read(file, !path.startsWith('/templates/'));
    if (!body) return refuse(404, 'not found');
    // A template's files may be edited while a long-lived browser runs: Chrome asks again each time.
    send(body, type, path.startsWith('/templates/') ? 'no-cache' : IMMUTABLE);
  }

  /** A file's bytes; fonts are read once. */
  private async read(file: string, keep: boolean): Promise<Buffer | undefined> {
    const load = async () => {
      try {
        if (!(await stat(file)).isFile()) return undefined;
        return await readFile(file);
      } catch {
        return undefined;
      }
    };
    if (!keep) return load();
    let body = this.#files.get(file);
    if (!body) this.#files.set(file, (body = load()));
    return body;
  }

  /** /templates/x.css → templates folder; /fonts/@fontsource/pkg/x → that package. Nothing else. */
  private assetFile(path: string): string | undefined {
    const inside = (root: string, rest: string) => {
      const file = normalize(join(root, rest));
      return file.startsWith(root + sep) ? file : undefined;
    };
    if (path.startsWith('/templates/')) return inside(this.options.templatesDir, path.slice('/templates/'.length));
    const m = /^\/fonts\/(@fontsource\/[a-z0-9-]+)\/(.+)$/.exec(path);
    if (m) {
      try {
        return inside(fontPackageDir(m[1]!), m[2]!);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}
