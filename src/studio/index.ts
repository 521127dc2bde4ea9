// shushuo studio: a local web page where a person goes from a speech to signed-off print files
// without a terminal. startStudio serves it on the loopback address (127.0.0.1:4620, or the next
// free port) from a projects folder (default projects/); everything lives in that folder, nothing
// only in the browser. See server.ts for the routes, projects.ts for a project's folder.

import type { AddressInfo } from 'node:net';
import { TEMPLATES_DIR } from '../index.js';
import { resolveFonts, type Role } from '../fonts/fonts.js';
import { createStudioServer } from './server.js';

export interface StudioOptions {
  /** First port to try (default 4620); the next free one is taken when it is in use. 0: any free port */
  port?: number;
  /** Address to listen on (default 127.0.0.1: this computer only) */
  host?: string;
  /** The projects folder (default projects/) */
  dir?: string;
  /** Where the studio says what it does (default: stderr) */
  log?: (line: string) => void;
  /** Browser for exports; found as for render when absent */
  browser?: string;
  templatesDir?: string;
  /** Font files for roles (as render's --font); the defaults otherwise */
  fonts?: Partial<Record<Role, string>>;
  /** Today's date as YYYY-MM-DD, for a new project's date of issue (tests pin it) */
  today?: () => string;
}

export interface Studio {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 4620;
/** Ports tried after the first before giving up. */
const PORT_TRIES = 20;

export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const host = options.host ?? '127.0.0.1';
  const first = options.port ?? DEFAULT_PORT;
  const { app, guard } = createStudioServer({
    dir: options.dir ?? 'projects',
    templatesDir: options.templatesDir ?? TEMPLATES_DIR,
    fonts: resolveFonts(options.fonts),
    browser: options.browser,
    log,
    ...(options.today ? { today: options.today } : {}),
  });
  await app.ready();
  let port = first;
  for (let i = 0; ; i++) {
    try {
      await app.listen({ host, port });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || first === 0 || i >= PORT_TRIES) throw err;
      port++;
    }
  }
  const address = app.server.address() as AddressInfo;
  guard.listen(host, address.port);
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${address.port}/`;
  log(`shushuo studio: ${url}  (projects in ${options.dir ?? 'projects'}/; Ctrl-C to stop)`);
  return { url, close: () => app.close() };
}
