// Stage 4: the one module that drives Chrome. One browser per run; each output gets a page
// that loads over a private origin, so only the project's own files can reach it.

import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import puppeteer, { type Browser, type CDPSession, type HTTPRequest, type Page } from 'puppeteer-core';
import { fontPackageDir } from '../fonts/fonts.js';

/** Pages load from this origin; nothing is served for any other. */
export const ORIGIN = 'http://shushuo.local';

/**
 * A page up to this size is rastered as one tile. Chrome rasters a page in 256 px tiles that overlap by
 * one pixel, and the row or column on a seam comes from one tile or its neighbour, which anti-alias an
 * edge differently: measured with Chromium 156, captures of the same page differed on seam rows
 * (every 254 px) wherever text or a path crossed one, by up to 44 levels, in 13 of 15 portrait cards
 * over four captures. One tile has no seam. 8192 × 8704 px × 4 bytes stays well under Chrome's 512 MB
 * of tile memory (a bigger tile is never rastered: the capture comes back white); bigger pages keep
 * small tiles, so a band of a banded capture needs only its own tiles.
 */
export const ONE_TILE_PX = { width: 8192, height: 8704 };

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
  `--max-untiled-layer-width=${ONE_TILE_PX.width}`,
  `--max-untiled-layer-height=${ONE_TILE_PX.height}`,
];

export interface RendererOptions {
  browserPath: string;
  /** Folder whose files the page may load under /templates/ */
  templatesDir: string;
  /** Font files of the roles (a path, or the bytes of a subset), by the URL path the page asks for (/fonts/role/body.ttf) */
  fontFiles: Map<string, string | Uint8Array>;
  /** Per role family, the characters its face (whole or cut) has: a page that draws another in that role fails */
  coverage?: Record<string, string>;
  log: (line: string) => void;
  /** Time to wait for a page to say it is done, ms */
  timeout?: number;
}

export interface PageJob {
  /** Name for messages, e.g. poster-a2 */
  name: string;
  html: string;
  /** Page size in CSS px (1/96 in), used as the viewport */
  width: number;
  height: number;
}

export interface PngJob extends PageJob {
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** Capture in bands of at most this many device px, however small the image (tests force tiling with it) */
  tileHeightPx?: number;
  /** As tall as the content (heightPx is then the least height) */
  autoHeight?: boolean;
}

/** A horizontal band of the image, in device px from the top. */
export interface Band {
  top: number;
  height: number;
}

/** One capture: full width, `height` rows starting at `top`, PNG-encoded by Chrome. */
export interface PngBand extends Band {
  png: Uint8Array;
}

/** A page captured as bands that cover widthPx × heightPx exactly, top to bottom. */
export interface PngCapture {
  width: number;
  height: number;
  bands: PngBand[];
}

/**
 * Largest image captured in one piece. A capture that is too big comes back at the right size with its
 * bottom silently wrong: measured with Chromium 156, a 11811×16384 capture (193 MP) was exact down to
 * row 11430 (135 MP), garbled below and white from row 11685. Nothing in the capture says so, so stay
 * well under: A2@300 (35 MP) and 2000×3000 mm @72 (48 MP) still go in one piece.
 */
export const MAX_SINGLE_PIXELS = 60_000_000;
/** Largest band when tiling: A0@300 goes in four bands of 35 MP, each far from the failure. */
export const MAX_BAND_PIXELS = 40_000_000;
/** Chrome's texture limit per side, in device px. */
export const MAX_SIDE_PX = 16_384;

/**
 * How to cut a widthPx × heightPx capture into full-width bands: one band when the image is at most
 * MAX_SINGLE_PIXELS and both sides fit MAX_SIDE_PX; else as few bands of at most MAX_BAND_PIXELS as
 * will do, of equal height but the last (which is shorter). `tileHeightPx` forces bands of that height.
 */
export function bandLayout(widthPx: number, heightPx: number, options: { tileHeightPx?: number } = {}): Band[] {
  for (const [what, n] of [['width', widthPx], ['height', heightPx]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`bandLayout: expected a ${what} of whole px ≥ 1, received ${n}`);
  }
  if (widthPx > MAX_SIDE_PX) {
    throw new RenderError(`expected an image at most ${MAX_SIDE_PX} px wide (Chrome's texture limit), received ${widthPx} px: lower the dpi`);
  }
  const { tileHeightPx } = options;
  let bandHeight: number;
  if (tileHeightPx !== undefined) {
    if (!Number.isInteger(tileHeightPx) || tileHeightPx < 1) throw new RangeError(`tileHeightPx: expected whole px ≥ 1, received ${tileHeightPx}`);
    bandHeight = Math.min(tileHeightPx, MAX_SIDE_PX);
  } else if (widthPx * heightPx <= MAX_SINGLE_PIXELS && heightPx <= MAX_SIDE_PX) {
    bandHeight = heightPx;
  } else {
    const count = Math.ceil(heightPx / Math.min(MAX_SIDE_PX, Math.floor(MAX_BAND_PIXELS / widthPx)));
    bandHeight = Math.ceil(heightPx / count);
  }
  const bands: Band[] = [];
  for (let top = 0; top < heightPx; top += bandHeight) bands.push({ top, height: Math.min(bandHeight, heightPx - top) });
  return bands;
}

export class RenderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RenderError';
  }
}

/** The browser died (crashed, or was killed): every page of the run is gone, so the run stops. */
export class BrowserGone extends RenderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrowserGone';
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.js': 'text/javascript',
};

/** Profile folders in the OS temp dir are named for the process that owns them: shushuo-chrome-<pid>-XXXXXX. */
const PROFILE_PREFIX = 'shushuo-chrome-';
const PROFILE = /^shushuo-chrome-(\d+)-[A-Za-z0-9]{6}$/;
/** Before the pid was in the name (shushuo 0.1): the owner is told by Chrome's SingletonLock (host-pid). */
const LEGACY_PROFILE = /^shushuo-chrome-[A-Za-z0-9]{6}$/;
/** Time Chrome gets to close by itself before it is killed. */
const CLOSE_GRACE_MS = 3_000;
/** Time to wait for the browser process's exit status once its pipe has closed. */
const EXIT_WAIT_MS = 2_000;

/** Whether a process with this id is alive (or exists under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Remove a folder; a failure is returned, never thrown (cleanup must not hide the error that matters). */
function removeFolder(dir: string): Error | undefined {
  try {
    // Chrome may still be writing into it for a moment after it was killed: ENOTEMPTY, retried.
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    return undefined;
  } catch (err) {
    return err as Error;
  }
}

/**
 * Remove the browser profiles of runs that are gone: shushuo-chrome-<pid>-XXXXXX in `dir` whose
 * process is dead (a run that was killed before it could clean up). A live process's profile is kept,
 * and so is anything whose owner cannot be told. Returns the folders removed.
 */
export function sweepStaleProfiles(dir: string = tmpdir()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = PROFILE.exec(name);
    const folder = join(dir, name);
    let stale = false;
    if (m) stale = Number(m[1]) !== process.pid && !alive(Number(m[1]));
    else if (LEGACY_PROFILE.test(name)) stale = legacyStale(folder);
    if (stale && !removeFolder(folder)) removed.push(folder);
  }
  return removed;
}

/** A profile of shushuo 0.1: stale when its Chrome (SingletonLock → host-pid) is dead on this host. */
function legacyStale(folder: string): boolean {
  try {
    const m = /^(.*)-(\d+)$/.exec(readlinkSync(join(folder, 'SingletonLock')));
    return !!m && m[1] === hostname() && !alive(Number(m[2]));
  } catch {
    return false;
  }
}

/** How the browser process ended, for messages. */
function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null } | undefined): string {
  if (exit?.signal) return `the browser process exited with signal ${exit.signal}`;
  if (exit && exit.code !== null) return `the browser process exited with code ${exit.code}`;
  return 'the connection to the browser closed';
}

export class Renderer {
  /** Set when the browser disconnected without close(): the run's pages are gone. */
  #gone: BrowserGone | undefined;
  /** Resolves with the reason once the browser is gone (its exit status, or what is known after EXIT_WAIT_MS). */
  #goneReason: Promise<string>;
  #setGone!: (reason: string) => void;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #closing: Promise<void> | undefined;
  /** Outputs being rendered now, by name. */
  readonly #inFlight = new Set<string>();
  readonly #removeOnExit = () => void removeFolder(this.userDataDir);

  private constructor(
    private readonly browser: Browser,
    private readonly userDataDir: string,
    private readonly options: RendererOptions,
  ) {
    this.#goneReason = new Promise((resolve) => (this.#setGone = resolve));
    const proc = browser.process();
    proc?.once('exit', (code, signal) => (this.#exit = { code, signal }));
    browser.once('disconnected', () => this.#disconnected());
    // Chrome ends with its pipe when node dies, whatever kills it; its profile is removed on a normal
    // exit (puppeteer kills Chrome on exit first), and otherwise by the next run's sweep.
    process.once('exit', this.#removeOnExit);
  }

  /**
   * Launch Chrome over a pipe: when this process dies, even by SIGKILL, the pipe closes and Chrome
   * exits with it (over the WebSocket, 10 Chrome processes outlived a SIGKILLed run). Stale profiles
   * of runs that died are removed first.
   */
  static async launch(options: RendererOptions): Promise<Renderer> {
    sweepStaleProfiles();
    const userDataDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
    try {
      const browser = await puppeteer.launch({
        executablePath: options.browserPath,
        headless: true,
        pipe: true,
        // Ctrl-C and SIGTERM are the run's to handle: it stops after the pages rendering, commits, then closes Chrome.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        userDataDir,
        args: LAUNCH_ARGS,
        // Chrome's own temporary files (org.chromium.Chromium.*) go inside the profile, and go with it.
        env: process.platform === 'linux' ? { ...process.env, TMPDIR: userDataDir } : process.env,
      });
      return new Renderer(browser, userDataDir, options);
    } catch (err) {
      removeFolder(userDataDir);
      throw new RenderError(`could not start the browser at ${options.browserPath}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The browser's process id, for measuring its memory. */
  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** The profile folder of this browser (in the OS temp dir, named shushuo-chrome-<pid>-XXXXXX). */
  get profileDir(): string {
    return this.userDataDir;
  }

  /**
   * Set once Chrome has stopped by itself (crashed or killed): every page operation from then on
   * rejects with a BrowserGone, so a run should start no more outputs and report this once.
   */
  get gone(): BrowserGone | undefined {
    return this.#gone;
  }

  #disconnected(): void {
    if (this.#closing) return;
    const settle = () => {
      const reason = describeExit(this.#exit);
      const names = [...this.#inFlight];
      const what = names.length === 0 ? 'Chrome stopped' : `${names.join(', ')}: Chrome stopped while rendering ${names.length === 1 ? 'it' : 'them'}`;
      this.#gone = new BrowserGone(`${what} (${reason})`);
      this.#setGone(reason);
    };
    const proc = this.browser.process();
    if (this.#exit || !proc || proc.exitCode !== null || proc.signalCode !== null) {
      if (!this.#exit && proc) this.#exit = { code: proc.exitCode, signal: proc.signalCode };
      return settle();
    }
    // The pipe closed first: the exit status follows within moments (or Chrome hangs, and is killed).
    this.#gone = new BrowserGone(`Chrome stopped (${describeExit(undefined)})`);
    const timer = setTimeout(() => {
      killGroup(proc.pid);
      settle();
    }, EXIT_WAIT_MS);
    proc.once('exit', () => {
      clearTimeout(timer);
      settle();
    });
  }

  /** The error a page operation of `name` rejects with once the browser is gone. */
  async #goneFor(name: string, started: boolean): Promise<BrowserGone> {
    const reason = await this.#goneReason;
    return new BrowserGone(started ? `${name}: Chrome stopped while rendering it (${reason})` : `${name}: not rendered, Chrome had stopped (${reason})`, { cause: this.#gone });
  }

  /**
   * End the browser, whatever state it is in: ask it to close, kill it if it has not within a few
   * seconds, and remove its profile. Never throws: a cleanup error must not replace the error of the run.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const proc = this.browser.process();
    const running = () => !!proc && proc.exitCode === null && proc.signalCode === null;
    const exited = running() ? new Promise<void>((resolve) => proc!.once('exit', () => resolve())) : Promise.resolve();
    try {
      if (this.browser.connected) await withTimeout(this.browser.close(), CLOSE_GRACE_MS);
    } catch {
      // closed by force below
    }
    if (running()) {
      killGroup(proc!.pid);
      await withTimeout(exited, CLOSE_GRACE_MS).catch(() => undefined);
    }
    // Chrome's helpers (renderers, GPU, utilities) may outlive a browser that was killed, and write
    // into the profile while it is removed (ENOTEMPTY): end the whole group before removing it.
    await endGroup(proc?.pid);
    const failed = removeFolder(this.userDataDir);
    if (failed) this.options.log(`could not remove the browser profile ${this.userDataDir} (${failed.message}); the next run removes it`);
    process.off('exit', this.#removeOnExit);
  }

  /** A PDF whose page size comes from the page's own @page rule. */
  async pdf(job: PageJob, meta: { outline: boolean }): Promise<Uint8Array> {
    const viewport = { width: Math.ceil(job.width), height: Math.ceil(job.height), deviceScaleFactor: 1 };
    return this.withPage(job, viewport, async (page) =>
      page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: meta.outline, timeout: 120_000 }),
    );
  }

  /**
   * A PNG of exactly widthPx × heightPx at the given dpi (CSS px are 1/96 in), as one or more
   * full-width bands from top to bottom; image.ts stitches them. One capture while it is small
   * enough (see bandLayout and MAX_SINGLE_PIXELS). The viewport is the whole page in every case, so
   * the layout does not depend on the bands; each band is a clip of it.
   */
  async png(job: PngJob): Promise<PngCapture> {
    const scale = job.dpi / 96;
    const cssWidth = job.widthPx / scale;
    const viewport = { width: Math.ceil(cssWidth), height: Math.ceil(job.heightPx / scale), deviceScaleFactor: scale };
    return this.withPage(job, viewport, async (page, cdp) => {
      // A long image is as tall as its content: measure it, then capture that height.
      const heightPx = job.autoHeight
        ? Math.max(job.heightPx, Math.round((await page.evaluate(() => document.documentElement.scrollHeight)) * scale))
        : job.heightPx;
      const cssHeight = heightPx / scale;
      const metrics = { ...viewport, height: Math.ceil(cssHeight) };
      // The metrics override must be on the session that captures, or the capture comes out at scale 1.
      await cdp.send('Emulation.setDeviceMetricsOverride', { ...metrics, mobile: false });
      // Capture what the page looks like once it has drawn its last change: a capture right after the
      // page said it was done sometimes held the frame before (the A3 poster's ring chart off by up to
      // 11 levels on 28 edge pixels, in 3 of 9 runs); after two animation frames, never (0 of 17).
      await page.evaluate(TWO_FRAMES);
      const bands: PngBand[] = [];
      for (const band of bandLayout(job.widthPx, heightPx, { tileHeightPx: job.tileHeightPx })) {
        // Bands start and end on whole device px; the clip is in CSS px, fractional, which CDP keeps
        // (page.screenshot would round it to whole CSS px).
        const shot = await cdp.send('Page.captureScreenshot', {
          format: 'png',
          clip: { x: 0, y: band.top / scale, width: cssWidth, height: band.height / scale, scale: 1 },
          captureBeyondViewport: false,
          fromSurface: true,
        });
        bands.push({ ...band, png: Buffer.from(shot.data, 'base64') });
      }
      return { width: job.widthPx, height: heightPx, bands };
    });
  }

  /**
   * Open a page for the job, load it, check its fonts, then `use` it; the page is closed after. Once
   * the browser is gone, this rejects (pending or not) with a BrowserGone naming the job; a page
   * whose renderer process dies fails its job alone.
   */
  private async withPage<T>(
    job: PageJob,
    viewport: { width: number; height: number; deviceScaleFactor: number },
    use: (page: Page, cdp: CDPSession) => Promise<T>,
  ): Promise<T> {
    if (this.#gone) throw await this.#goneFor(job.name, false);
    this.#inFlight.add(job.name);
    let page: Page | undefined;
    let cdp: CDPSession | undefined;
    let crashed: (err: Error) => void = () => undefined;
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    const gone = this.#goneReason.then((): never => {
      throw new BrowserGone('gone');
    });
    const work = (async () => {
      page = await this.browser.newPage();
      page.once('error', (err) => crashed(new RenderError(`${job.name}: the page crashed in Chrome (${err.message.replace(/!$/, '')}: its renderer process died, e.g. out of memory)`, { cause: err })));
      cdp = await page.createCDPSession();
      await page.setViewport(viewport);
      await this.load(page, job);
      await checkFonts(cdp, job.name);
      return await use(page, cdp);
    })();
    // Whichever comes first: the work, the browser's end, or the page's crash. The others are left to settle quietly.
    for (const p of [work, gone, crash]) p.catch(() => undefined);
    try {
      return await Promise.race([work, gone, crash]);
    } catch (err) {
      if (this.#gone || !this.browser.connected) throw await this.#goneFor(job.name, true);
      if (err instanceof RenderError) throw err;
      throw new RenderError(`${job.name}: ${(err as Error).message}`, { cause: err });
    } finally {
      this.#inFlight.delete(job.name);
      if (this.browser.connected) {
        await cdp?.detach().catch(() => undefined);
        await page?.close().catch(() => undefined);
      }
    }
  }

  /** Load the page offline and wait until its fonts are ready and it has said it is done. */
  private async load(page: Page, job: PageJob): Promise<void> {
    // Nothing more is said about a page once the browser is gone: the run reports that once.
    const log = (line: string) => void (this.#gone ? undefined : this.options.log(line));
    const failures: string[] = [];
    page.on('console', (msg) => log(`  [${job.name} console.${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => failures.push(`script error: ${(err as Error).message}`));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText ?? 'failed';
      log(`  [${job.name}] request ${why}: ${req.url()}`);
      if (req.url().startsWith(ORIGIN)) failures.push(`missing asset ${req.url().slice(ORIGIN.length)}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) failures.push(`${res.status()} for ${res.url().replace(ORIGIN, '')}`);
    });
    await page.setRequestInterception(true);
    page.on('request', (req) => this.serve(req, job));

    await page.goto(`${ORIGIN}/${job.name}.html`, { waitUntil: 'load', timeout: this.options.timeout ?? 60_000 });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const done = await page
      .waitForFunction(() => (window as unknown as { shushuoDone?: unknown }).shushuoDone, { timeout: this.options.timeout ?? 60_000 })
      .then((h) => h.jsonValue() as Promise<{ problems: string[] }>);
    const problems = [...failures, ...(done.problems ?? []), ...(await page.evaluate(layoutProblems)), ...(await page.evaluate(uncoveredChars, this.options.coverage ?? null))];
    if (problems.length > 0) throw new RenderError(`${job.name}: the page is not fit to print:\n  ${problems.join('\n  ')}`);
  }

  private serve(req: HTTPRequest, job: PageJob): void {
    const url = req.url();
    if (url.startsWith('data:')) return void req.continue();
    if (!url.startsWith(`${ORIGIN}/`)) return void req.abort('blockedbyclient');
    const path = decodeURIComponent(new URL(url).pathname);
    if (path === `/${job.name}.html`) {
      return void req.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: job.html });
    }
    const font = this.options.fontFiles.get(path);
    if (font instanceof Uint8Array) return void req.respond({ status: 200, contentType: CONTENT_TYPES['.ttf'], body: font });
    const file = font ?? this.assetFile(path);
    if (!file) return void req.respond({ status: 404, contentType: 'text/plain', body: 'not found' });
    try {
      const body = readFileSync(file);
      req.respond({ status: 200, contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body });
    } catch {
      req.respond({ status: 404, contentType: 'text/plain', body: 'not found' });
    }
  }

  /** /templates/x.css → templates folder; /fonts/@fontsource/pkg/x → that package. Nothing else. */
  private assetFile(path: string): string | undefined {
    const inside = (root: string, rest: string) => {
      const file = normalize(join(root, rest));
      return file.startsWith(root + sep) ? file : undefined;
    };
    if (path.startsWith('/templates/')) return inside(this.options.templatesDir, path.slice('/templates/'.length));
    const m = /^\/fonts\/(@fontsource\/[a-z0-9-]+)\/(.+)$/.exec(path);
    if (m) return inside(fontPackageDir(m[1]!), m[2]!);
    return undefined;
  }
}

/** Runs in the page: resolves after two animation frames (or a second, should frames not come). */
const TWO_FRAMES = 'new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))); setTimeout(done, 1000); })';

/** Kill a browser and its helpers (puppeteer starts it as the leader of its own process group). */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Kill what is left of a browser's process group. SIGKILL cannot be caught, so they stop at once; they
 * are not waited for (an orphan may stay a zombie where init does not reap it, and never "exit").
 */
async function endGroup(pid: number | undefined): Promise<void> {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    return; // nothing left
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** The promise, or a rejection after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Runs in the page: boxes marked data-fit whose text overflows them (after headlines marked
 * data-fit-min have shrunk as far as they may), boxes marked data-box that overlap another,
 * and content wider than the page.
 */
function layoutProblems(): string[] {
  // No named inner functions here: the page has no __name helper that the TypeScript loader adds to them.
  const problems: string[] = [];
  const label = new Map<Element, string>();
  for (const el of Array.from(document.querySelectorAll('[data-fit], [data-box]'))) {
    label.set(el, `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`);
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-fit]'))) {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      const min = el.getAttribute('data-fit-min');
      const shrunk = min ? ` even at ${Math.round(Number(min) * 100)}% of its size (shorten the text)` : '';
      problems.push(`${label.get(el)} does not fit${shrunk}: needs ${el.scrollWidth}×${el.scrollHeight} px, has ${el.clientWidth}×${el.clientHeight} px`);
    }
  }
  const boxes = Array.from(document.querySelectorAll('[data-box]')).map((el) => ({ el, r: el.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 0.5 && h > 0.5) problems.push(`${label.get(a.el)} overlaps ${label.get(b.el)} by ${w.toFixed(1)}×${h.toFixed(1)} px`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const wide = Array.from(document.querySelectorAll<HTMLElement>('body *')).find((el) => el.getBoundingClientRect().right > window.innerWidth + 1);
    const what = wide ? `<${wide.tagName.toLowerCase()} class="${wide.getAttribute('class') ?? ''}">` : 'something';
    problems.push(`the content is ${document.documentElement.scrollWidth} px wide, the page ${window.innerWidth} px (first too wide: ${what})`);
  }
  return problems;
}

/**
 * Runs in the page: each character of a text node that the face of its element's role lacks.
 * Without a system font that has one, Chrome draws the face's empty box (tofu) and still names
 * the role's font, so checkFonts cannot see it.
 */
function uncoveredChars(coverage: Record<string, string> | null): string[] {
  const problems: string[] = [];
  if (!coverage) return problems;
  const seen = new Set<string>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style')) continue;
    const family = getComputedStyle(el).fontFamily.split(',')[0]!.trim().replace(/^["']|["']$/g, '');
    const has = coverage[family];
    if (has === undefined) continue; // not a role: checkFonts names it
    for (const c of node.nodeValue ?? '') {
      if (/[\s\p{Cf}]/u.test(c) || has.includes(c) || seen.has(family + c)) continue;
      seen.add(family + c);
      const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
      problems.push(`"${c}" (U+${code}) in <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> "${text}" is not in the face of ${family}: the face lacks it, or the text of the run (src/fonts/subset.ts drawnText) misses it`);
    }
  }
  return problems;
}

/**
 * Ask Chrome which font really drew each text node: a silent fallback to a system font fails the render.
 * Only the renderer serves fonts to the page (every other request is blocked), so a web font is one of the roles.
 */
async function checkFonts(cdp: CDPSession, name: string): Promise<void> {
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: false });
  type DomNode = { nodeId: number; nodeType: number; nodeName: string; nodeValue: string; children?: DomNode[] };
  const withText: { nodeId: number; text: string }[] = [];
  const walk = (node: DomNode) => {
    if (['SCRIPT', 'STYLE', 'HEAD', 'TITLE', 'DESC'].includes(node.nodeName.toUpperCase())) return;
    const text = (node.children ?? []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join('').trim();
    if (text) withText.push({ nodeId: node.nodeId, text });
    for (const child of node.children ?? []) walk(child);
  };
  walk(root as DomNode);
  const strays = new Map<string, string>();
  // All questions at once: one round trip per node, in sequence, took most of a render.
  const answers = await Promise.all(withText.map(({ nodeId }) => cdp.send('CSS.getPlatformFontsForNode', { nodeId })));
  for (const [i, { fonts }] of answers.entries()) {
    const { text } = withText[i]!;
    for (const f of fonts) {
      if (!f.isCustomFont && !strays.has(f.familyName)) strays.set(f.familyName, text.slice(0, 30));
    }
  }
  if (strays.size > 0) {
    const list = [...strays].map(([family, text]) => `"${family}" drew part of "${text}"`).join('; ');
    throw new RenderError(`${name}: expected only the role fonts (role-title, role-body, role-heading, role-subheading, role-number), received a system font: ${list}. A character is missing from the role's face, or a style names a font that is not a role.`);
  }
  await cdp.send('CSS.disable');
  await cdp.send('DOM.disable');
}
