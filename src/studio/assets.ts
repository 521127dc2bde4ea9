// The files the page and its preview frames load, all from the studio itself: the page's own assets
// (public/), the templates' styles (/templates/…) and the role fonts (/fonts/role/<role>.ttf and
// /fonts/@fontsource/<package>/files/…), under the same URLs the renderer serves them to Chrome
// (src/chrome/render.ts), so a template's HTML loads the same way in both. Nothing outside these
// folders can be asked for.

import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fontFaceCss, fontPackageDir, roleFontFiles, type RoleFace } from '../fonts/fonts.js';
import { PROJECT_DIR } from '../paths.js';

export const PUBLIC_DIR = join(PROJECT_DIR, 'src/studio/public');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** A file under root, or undefined when the path would leave it. */
export function inside(root: string, rest: string): string | undefined {
  if (rest.includes('\0')) return undefined;
  const file = normalize(join(root, rest));
  return file.startsWith(root + sep) ? file : undefined;
}

/** Send a file with an ETag (size and time), answering 304 when the browser has it; 404 when it is not a file. */
async function sendFile(req: FastifyRequest, reply: FastifyReply, file: string | undefined, cache: string): Promise<FastifyReply> {
  let size: number;
  let mtime: number;
  try {
    const stat = file ? statSync(file) : undefined;
    if (!stat?.isFile()) throw new Error('not a file');
    size = stat.size;
    mtime = stat.mtimeMs;
  } catch {
    return reply.code(404).type('text/plain; charset=utf-8').send('not found');
  }
  const etag = `"${size.toString(36)}-${Math.floor(mtime).toString(36)}"`;
  reply.header('etag', etag).header('cache-control', cache).type(TYPES[extname(file!).toLowerCase()] ?? 'application/octet-stream');
  if (req.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.header('content-length', size);
  return reply.send(createReadStream(file!));
}

export function registerAssets(app: FastifyInstance, options: { templatesDir: string; fonts: RoleFace[]; csrf: string }): void {
  const { templatesDir, fonts } = options;
  const roleFiles = roleFontFiles(fonts);
  const packages = new Set(fonts.flatMap((f) => (f.source.kind === 'package' ? [f.source.pkg] : [])));
  // The role families, for the page and for the preview frames alike.
  const fontCss = fontFaceCss(fonts);

  app.get('/', async (_req, reply) => {
    const html = readFileSync(join(PUBLIC_DIR, 'index.html'), 'utf8').replace('{{csrf}}', options.csrf);
    return reply.header('cache-control', 'no-store').type(TYPES['.html']!).send(html);
  });
  app.get('/static/fonts.css', async (_req, reply) => reply.header('cache-control', 'no-cache').type(TYPES['.css']!).send(fontCss));
  app.get('/static/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    const file = /\.(js|css|svg|png)$/.test(rest) ? inside(PUBLIC_DIR, rest) : undefined;
    return sendFile(req, reply, file, 'no-cache');
  });
  app.get('/templates/*', async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    const file = /\.(css|svg|png|woff2?|ttf)$/.test(rest) ? inside(templatesDir, rest) : undefined;
    return sendFile(req, reply, file, 'no-cache');
  });
  app.get('/fonts/role/:file', async (req, reply) => {
    const file = roleFiles.get(`/fonts/role/${(req.params as { file: string }).file}`);
    return sendFile(req, reply, file, 'public, max-age=86400');
  });
  app.get('/fonts/@fontsource/:pkg/*', async (req, reply) => {
    const { pkg, '*': rest } = req.params as { pkg: string; '*': string };
    const name = `@fontsource/${pkg}`;
    const file = packages.has(name) ? inside(fontPackageDir(name), rest) : undefined;
    return sendFile(req, reply, file, 'public, max-age=86400');
  });
}

/** The @font-face rules of the role families (the preview frames get them inside the template's HTML). */
export function previewFontCss(fonts: RoleFace[]): string {
  return fontFaceCss(fonts);
}
