// Stage 4: the one module area that drives Chrome. The Renderer puts its parts together:
//   chrome.ts   the browser's life: launch over a pipe, notice its death, close it whatever its state;
//   assets.ts   the page's files over loopback HTTP, the only host Chrome can reach, so Chrome caches them;
//   page.ts     a warm tab: load a document, wait for its done signal, check it in one round trip;
//   capture.ts  print a loaded page as a PDF, or capture it as PNG bands.
// One browser per run; a few tabs are kept warm and load document after document.

import { AssetServer, type FontFiles, type ServedPage } from './assets.js';
import { Chrome } from './chrome.js';
import { capturePng, pdfViewport, pngViewport, printPdf, type PngCapture, type PngTarget } from './capture.js';
import { BrowserGone, RenderError } from './errors.js';
import { WarmPage, type Viewport } from './page.js';

export { FONT_CSS_PATH, HOST, ORIGIN } from './assets.js';
export { LAUNCH_ARGS, ONE_TILE_PX, sweepStaleProfiles } from './chrome.js';
export { bandLayout, MAX_BAND_PIXELS, MAX_SIDE_PX, MAX_SINGLE_PIXELS, type Band, type PngBand, type PngCapture } from './capture.js';
export { BrowserGone, RenderError } from './errors.js';

export interface RendererOptions {
  browserPath: string;
  /** Folder whose files the page may load under /templates/ */
  templatesDir: string;
  /** Font files of the roles (a path, or the bytes of a subset), by the URL path the page asks for (/fonts/role/body.ttf); may still be coming */
  fontFiles: FontFiles | Promise<FontFiles>;
  /** The role fonts' @font-face rules, served at FONT_CSS_PATH for pages that @import them */
  fontCss?: string;
  /** Per role family, the characters its face (whole or cut) has: a page that draws another in that role fails */
  coverage?: Record<string, string>;
  log: (line: string) => void;
  /** Time to wait for a page to say it is done, ms */
  timeout?: number;
  /**
   * At most this many renderer processes, the pages sharing them; unset, each tab has its own. A
   * renderer holds some 100 MB in a long batch (see BATCH_RENDERERS).
   */
  renderers?: number;
}

export interface PageJob {
  /** Name for messages, e.g. poster-a2 */
  name: string;
  html: string;
  /** Page size in CSS px (1/96 in), used as the viewport */
  width: number;
  height: number;
}

export interface PngJob extends PageJob, PngTarget {}

/** One document, printed, captured, or both from one load. */
export interface RenderJob {
  name: string;
  html: string;
  /** Print it: the page size in CSS px (the PDF's own size comes from @page) */
  pdf?: { width: number; height: number; outline: boolean };
  png?: PngTarget;
}

export interface Rendered {
  pdf?: Uint8Array;
  png?: PngCapture;
}

/** Longest a new tab waits for worn tabs to close (in a long batch, one closing as the next opens made the peak). */
const CLOSE_WAIT_MS = 2_000;
/** Tabs kept warm between documents; more may be open while more pages render at once. */
const WARM_PAGES = 4;
/** A tab loads this many documents, then a fresh one takes its place (its memory stays flat). */
const PAGE_USES = 25;
/**
 * A tab that drew more device px than this is closed after its document (A0@300, 139 MP: its tiles
 * alone are half a GB). Up to it, a tab stays warm: poster-a2 (35 MP) took 1.27 s in Chrome from a
 * warm tab against 1.88 s from a fresh one, where print + capture alone took 1.0 s.
 */
const WARM_MAX_DEVICE_PX = 64_000_000;

export class Renderer {
  readonly #idle: WarmPage[] = [];
  /** Tabs being closed: a new tab opens once they are gone, so a worn tab's memory is free first. */
  readonly #closing = new Set<Promise<void>>();

  private constructor(
    private readonly chrome: Chrome,
    private readonly assets: AssetServer,
    private readonly options: RendererOptions,
    /** Outputs being rendered now, by name: Chrome's message names them should it stop. */
    private readonly inFlight: Set<string>,
  ) {}

  static async launch(options: RendererOptions): Promise<Renderer> {
    const assets = await AssetServer.start({ templatesDir: options.templatesDir, fontFiles: options.fontFiles, fontCss: options.fontCss });
    const inFlight = new Set<string>();
    try {
      const chrome = await Chrome.launch({ browserPath: options.browserPath, args: [...assets.chromeArgs, ...(options.renderers ? [`--renderer-process-limit=${options.renderers}`] : [])], log: options.log, inFlight: () => [...inFlight] });
      return new Renderer(chrome, assets, options, inFlight);
    } catch (err) {
      await assets.close();
      throw err;
    }
  }

  /** The browser's process id, for measuring its memory. */
  get pid(): number | undefined {
    return this.chrome.pid;
  }

  /** The profile folder of this browser (in the OS temp dir, named shushuo-chrome-<pid>-XXXXXX). */
  get profileDir(): string {
    return this.chrome.profileDir;
  }

  /**
   * Set once Chrome has stopped by itself (crashed or killed): every page operation from then on
   * rejects with a BrowserGone, so a run should start no more outputs and report this once.
   */
  get gone(): BrowserGone | undefined {
    return this.chrome.gone;
  }

  /**
   * End the browser, whatever state it is in, and stop serving. Never throws: a cleanup error must
   * not replace the error of the run.
   */
  async close(): Promise<void> {
    this.#idle.length = 0;
    await this.chrome.close();
    await this.assets.close().catch(() => undefined);
  }

  /** A PDF whose page size comes from the page's own @page rule. */
  async pdf(job: PageJob, meta: { outline: boolean }): Promise<Uint8Array> {
    return (await this.render({ name: job.name, html: job.html, pdf: { width: job.width, height: job.height, outline: meta.outline } })).pdf!;
  }

  /**
   * A PNG of exactly widthPx × heightPx at the given dpi (CSS px are 1/96 in), as one or more
   * full-width bands from top to bottom; image.ts stitches them (see capture.ts).
   */
  async png(job: PngJob): Promise<PngCapture> {
    const { name, html, width, height, ...target } = job;
    void width;
    void height;
    return (await this.render({ name, html, png: target })).png!;
  }

  /**
   * Print and capture a document. A PDF and a PNG of the same page size share one load: the page is
   * laid out at the PNG's viewport, captured, then printed. Where the two viewports differ in CSS px,
   * each gets its own load.
   */
  async render(job: RenderJob): Promise<Rendered> {
    const { pdf, png } = job;
    if (pdf && png) {
      const a = pdfViewport(pdf);
      const b = pngViewport(png);
      if (a.width !== b.width || a.height !== b.height) {
        return { ...(await this.render({ ...job, png: undefined })), ...(await this.render({ ...job, pdf: undefined })) };
      }
    }
    const viewport = png ? pngViewport(png) : pdfViewport(pdf!);
    return this.withPage(job, viewport, async (page) => {
      const out: Rendered = {};
      if (png) out.png = await capturePng(page, png);
      if (pdf) out.pdf = await printPdf(page, pdf.outline);
      return out;
    });
  }

  /**
   * Take a warm tab (or open one), load the job's document in it, check it, then `use` it. Once the
   * browser is gone, this rejects (pending or not) with a BrowserGone naming the job; a page whose
   * renderer process dies fails its job alone.
   */
  private async withPage<T>(job: { name: string; html: string; png?: unknown }, viewport: Viewport, use: (page: WarmPage) => Promise<T>): Promise<T> {
    if (this.chrome.gone) throw await this.chrome.goneFor(job.name, false);
    this.inFlight.add(job.name);
    let page: WarmPage | undefined;
    /** The work finished well: its tab may load another document. */
    let ok = false;
    let crashed: (err: Error) => void = () => undefined;
    const crash = new Promise<never>((_, reject) => (crashed = reject));
    let leave: () => void = () => undefined;
    const gone = new Promise<never>((_, reject) => (leave = this.chrome.onEnd(() => reject(new BrowserGone('gone')))));
    // Nothing more is said about a page once the browser is gone: the run reports that once.
    const log = (line: string) => void (this.chrome.gone ? undefined : this.options.log(line));
    let served: ServedPage | undefined;
    const serve = () => (served = this.assets.addPage(job.name, job.html));
    const work = (async () => {
      page = await this.take(viewport);
      page.begin(job.name, log, crashed);
      await page.setViewport(viewport);
      await page.load(job.html, serve, { coverage: this.options.coverage, timeout: this.options.timeout ?? 60_000, log, capture: !!job.png });
      const result = await use(page);
      ok = true;
      return result;
    })();
    // Whichever comes first: the work, the browser's end, or the page's crash. The others are left to settle quietly.
    for (const p of [work, gone, crash]) p.catch(() => undefined);
    try {
      return await Promise.race([work, gone, crash]);
    } catch (err) {
      if (this.chrome.closing && !this.chrome.gone) throw new RenderError(`${job.name}: stopped, the browser was closed while rendering it`, { cause: err });
      if (this.chrome.gone || !this.chrome.connected) throw await this.chrome.goneFor(job.name, true);
      if (err instanceof RenderError) throw err;
      throw new RenderError(`${job.name}: ${(err as Error).message}`, { cause: err });
    } finally {
      leave();
      this.inFlight.delete(job.name);
      served?.remove();
      // A page still working (a crash or the browser's end won the race) is closed, not given back.
      if (page) this.giveBack(page, ok);
    }
  }

  /** A warm tab, preferring one already at this viewport. */
  private async take(viewport: Viewport): Promise<WarmPage> {
    const same = this.#idle.findIndex((p) => p.viewport?.width === viewport.width && p.viewport.height === viewport.height && p.viewport.deviceScaleFactor === viewport.deviceScaleFactor);
    const warm = this.#idle.splice(same >= 0 ? same : this.#idle.length - 1, 1)[0];
    if (warm) return warm;
    // At most a moment: a tab that does not close (a hung page) must not hold up the run.
    if (this.#closing.size > 0) await Promise.race([Promise.all(this.#closing), new Promise((done) => setTimeout(done, CLOSE_WAIT_MS).unref())]);
    return WarmPage.open(this.chrome);
  }

  /** Keep a tab warm for the next document, or close it (it failed, is worn, or holds big tiles). */
  private giveBack(page: WarmPage, healthy: boolean): void {
    page.end();
    // The size it ends at: a long image grows its page to its content.
    const v = page.viewport;
    const devicePx = v ? v.width * v.height * v.deviceScaleFactor ** 2 : Infinity;
    const keep = healthy && !page.broken && page.uses < PAGE_USES && devicePx <= WARM_MAX_DEVICE_PX && this.#idle.length < WARM_PAGES;
    if (keep && this.chrome.connected && !this.chrome.gone && !this.chrome.closing) {
      this.#idle.push(page);
      return;
    }
    if (this.chrome.connected && !this.chrome.closing) {
      const closing = page.close();
      this.#closing.add(closing);
      void closing.finally(() => this.#closing.delete(closing));
    }
  }
}
