// One orchestration for every caller — render, batch, the studio, the service. A session is one
// browser with the role fonts cut to what its pages may draw; a job renders the outputs of one data
// file into one folder, as a transaction:
//   view → HTML per output → key (an output whose key and files are unchanged is kept, not rendered)
//   → Chrome, post-processing, preflight into a staging folder → commit (files, then manifest) → gallery.
// An output that fails is reported and the others are committed. A browser that dies, or an abort
// (Ctrl-C), stops the job: what finished is committed, the rest is left as it was.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserGone, type Renderer } from '../chrome/render.js';
import { findBrowser } from '../chrome/browser.js';
import type { SpeechData } from '../data/types.js';
import { fontFaceCss, type RoleFace } from '../fonts/fonts.js';
import { begin, readManifest } from '../output/transaction.js';
import { sha256, type ManifestEntry } from '../output/write.js';
import { describeEntry, eachAtOnce, launchRenderer, LINKED_FONT_CSS, PAGES_AT_ONCE, pageHtmls, renderOutput, Thumbnails, writeGallery, type PageHtml } from '../pipeline.js';
import type { OutputSpec } from '../view/outputs.js';
import { buildView, type View } from '../view/views.js';
import { UserError } from '../errors.js';
import { VERSION as version } from '../paths.js';

export interface SessionOptions {
  fonts: RoleFace[];
  /** Chrome or Chromium to use; found when absent */
  browser?: string;
  templatesDir: string;
  /** Every character the session's pages may draw (see drawnText): the role fonts are cut to it */
  text: string;
  /** What the session does: the browser found, the fonts cut */
  log: (line: string) => void;
  /** The page's console, failed requests */
  debug?: (line: string) => void;
  /** At most this many renderer processes (see RendererOptions.renderers): a long batch */
  renderers?: number;
}

/** A browser for many jobs; opened when the first output needs it. */
export class Session {
  private renderer?: Promise<Renderer>;
  private browserPath?: Promise<string>;

  constructor(readonly options: SessionOptions) {}

  /** The browser executable, found once. */
  browser(): Promise<string> {
    this.browserPath ??= findBrowser(this.options.browser).then((b) => {
      this.options.log(`browser: ${b.path} (${b.source})`);
      return b.path;
    });
    return this.browserPath;
  }

  /** The running browser, launched on first use. */
  open(): Promise<Renderer> {
    this.renderer ??= this.browser().then((browserPath) =>
      launchRenderer({ browserPath, templatesDir: this.options.templatesDir, fonts: this.options.fonts, text: this.options.text, renderers: this.options.renderers }, this.options.log, this.options.debug ?? (() => undefined)));
    return this.renderer;
  }

  /** The browser has died: every later page would fail. */
  async gone(): Promise<BrowserGone | undefined> {
    return this.renderer ? ((await this.renderer.catch(() => undefined)) as { gone?: BrowserGone } | undefined)?.gone : undefined;
  }

  async close(): Promise<void> {
    const renderer = await this.renderer?.catch(() => undefined);
    this.renderer = undefined;
    await renderer?.close();
  }
}

export interface PrintSettings {
  bleedMm: number;
  marks: boolean;
  cmyk: boolean;
  icc?: string;
}

export interface Job {
  data: SpeechData;
  /** Built from data when absent */
  view?: View;
  outputs: OutputSpec[];
  /** The folder the job commits into */
  out: string;
  print: PrintSettings;
  /** Fields of manifest.json besides the files (generator, data file, sheet row …) */
  manifest: Record<string, unknown>;
  /** Write index.html with this title */
  gallery?: string;
  /** Take the folder's lock (default true; a batch locks its folder once) */
  lock?: boolean;
  /** Wait this long for another run's lock, ms (default: fail at once) */
  waitMs?: number;
  /** Render every output, even those whose files are up to date */
  force?: boolean;
  /** Stop scheduling outputs (Ctrl-C): what is done is committed */
  signal?: AbortSignal;
  /** Pages at once over the one browser */
  atOnce?: number;
}

export interface OutputEvent {
  name: string;
  /** done: rendered now; kept: its files were up to date; failed: see reason */
  status: 'done' | 'kept' | 'failed';
  seconds: number;
  files: ManifestEntry[];
  reason?: string;
}

export interface JobResult {
  /** Files written by this job */
  files: ManifestEntry[];
  /** Outputs whose files were up to date and kept */
  kept: string[];
  failed: { output: string; reason: string }[];
  /** Every entry of the folder's manifest after the commit */
  manifest: ManifestEntry[];
  /** The job stopped early: the browser could not start or died, or the job was aborted */
  stopped?: Error;
  seconds: number;
}

/** The job was stopped (Ctrl-C, SIGTERM): what finished was committed. */
export class Interrupted extends UserError {
  readonly exitCode = 130;
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** Render a job's outputs into its folder as a transaction; see the top of this file. */
export async function runJob(session: Session, job: Job, onOutput: (e: OutputEvent) => void = () => undefined): Promise<JobResult> {
  const started = performance.now();
  const view = job.view ?? buildView(job.data);
  // Pages link the role fonts' CSS, which the renderer serves; the key holds the CSS itself.
  const fontCss = LINKED_FONT_CSS;
  const fontCssKey = fontCssKeys.get(session) ?? sha256(fontFaceCss(session.options.fonts));
  fontCssKeys.set(session, fontCssKey);
  const print = { ...job.print, log: session.options.debug ?? (() => undefined) };

  // 1. The key of each output: what it shows (its HTML), how it is printed, and with what.
  const engine = await engineKey(session);
  const pages = new Map<string, { page: PageHtml; key: string }>();
  for (const output of job.outputs) {
    try {
      const [page] = pageHtmls(session.options.templatesDir, view, [output], fontCss, job.print.bleedMm);
      pages.set(output.name, { page: page!, key: sha256(JSON.stringify([KEY_VERSION, engine, fontCssKey, job.print, output, page!.pdfHtml, page!.pngHtml])) });
    } catch { /* reported when the output renders */ }
  }

  const tx = await begin(job.out, { lock: job.lock, waitMs: job.waitMs, log: session.options.log }).catch((err) => {
    throw diskFull(err, job.out) ?? err;
  });
  const written: ManifestEntry[] = [];
  const kept: string[] = [];
  const failed: { output: string; reason: string }[] = [];
  const thumbnails = new Thumbnails();
  let stopped: Error | undefined;
  try {
    // 2. Outputs whose files are up to date are kept as they are.
    const previous = readManifest(job.out);
    const todo = job.outputs.filter((output) => {
      const key = pages.get(output.name)?.key;
      const files = previous.filter((e) => e.output === output.name);
      if (job.force || !key || files.length === 0 || !files.every((e) => e.key === key) || !upToDate(job.out, files)) return true;
      kept.push(output.name);
      onOutput({ name: output.name, status: 'kept', seconds: 0, files });
      return false;
    });

    // 3. The rest render, two pages at a time over the one browser, into the staging folder.
    await eachAtOnce(todo, job.atOnce ?? PAGES_AT_ONCE, async (output) => {
      if (stopped) return;
      if (job.signal?.aborted) {
        stopped = new Interrupted(`stopped before ${output.name}`);
        return;
      }
      const t0 = performance.now();
      try {
        const entry = pages.get(output.name);
        const page = entry?.page ?? pageHtmls(session.options.templatesDir, view, [output], fontCss, job.print.bleedMm)[0]!;
        let renderer: Renderer;
        try {
          renderer = await session.open();
        } catch (err) {
          // No browser, or one that does not start: nothing can render, say so once.
          stopped ??= err as Error;
          return;
        }
        const files = (await renderOutput(renderer, page, view, print, tx.staging)).map((f) => ({ ...f, output: output.name, ...(entry ? { key: entry.key } : {}) }));
        if (stopped) return;
        written.push(...files);
        if (job.gallery) for (const f of files) thumbnails.add(tx.staging, f.file);
        onOutput({ name: output.name, status: 'done', seconds: (performance.now() - t0) / 1000, files });
      } catch (err) {
        const full = diskFull(err, job.out);
        if (full) {
          stopped ??= full;
          return;
        }
        const gone = err instanceof BrowserGone ? err : await session.gone();
        if (gone) {
          stopped ??= err instanceof BrowserGone ? err : new BrowserGone(`${output.name}: Chrome stopped while rendering it (${gone.message})`, { cause: gone });
          return;
        }
        const reason = (err as Error).message.replace(new RegExp(`^${escapeRegExp(output.name)}(\\.\\w+)?: `), '');
        failed.push({ output: output.name, reason });
        onOutput({ name: output.name, status: 'failed', seconds: (performance.now() - t0) / 1000, files: [], reason });
      }
    });

    // 4. Commit what was rendered: files first, the manifest last; then the gallery.
    // Nothing new: the folder stays exactly as it was (a re-run of unchanged data rewrites nothing).
    let manifest: ManifestEntry[];
    try {
      manifest = written.length > 0 ? tx.commit(written, job.manifest, new Set(written.map((f) => f.output!))) : readManifest(job.out);
    } catch (err) {
      throw diskFull(err, job.out) ?? err;
    }
    if (job.gallery && written.length > 0) await writeGallery(job.out, job.gallery, manifest, thumbnails);
    return { files: written, kept, failed, manifest, ...(stopped ? { stopped } : {}), seconds: (performance.now() - started) / 1000 };
  } finally {
    tx.close();
  }
}

/** The disk (or the user's quota) is full: nothing the manifest vouches for was changed. */
export class DiskFull extends UserError {
  constructor(out: string, code: string, cause: unknown) {
    super(`${out}: expected room on the disk to write the outputs, received "no space left" (${code}); the files of the last run are unchanged: free some space, then run again`, { exitCode: 1, place: { file: out }, cause });
    this.name = 'DiskFull';
  }
}

function diskFull(err: unknown, out: string): DiskFull | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? ((err as { cause?: NodeJS.ErrnoException } | undefined)?.cause?.code);
  return code === 'ENOSPC' || code === 'EDQUOT' ? (err instanceof DiskFull ? err : new DiskFull(out, code, err)) : undefined;
}

/** The hash of a session's font CSS (some 0.7 MB, read from the font packages), once per session. */
const fontCssKeys = new WeakMap<Session, string>();

/** Bump when what an output's bytes depend on changes in a way the key does not see. */
const KEY_VERSION = 1;

/** What renders the pages: shushuo's version, the browser and the role fonts (by path, size and date). */
async function engineKey(session: Session): Promise<string> {
  const stamp = (file: string) => {
    try {
      const s = statSync(file);
      return `${file}:${s.size}:${s.mtimeMs}`;
    } catch {
      return file;
    }
  };
  const fonts = session.options.fonts.map((f) => (f.source.kind === 'file' ? stamp(f.source.file) : `${f.source.pkg}:${f.source.weights.join('/')}`));
  let browser = 'browser?';
  try {
    browser = stamp(await session.browser());
  } catch { /* reported when a page needs it */ }
  return sha256(JSON.stringify([version, browser, fonts]));
}

/** The files are there with the sizes the manifest gives (the commit checks their hashes before it vouches for them again). */
function upToDate(out: string, entries: ManifestEntry[]): boolean {
  return entries.every((e) => {
    try {
      return statSync(join(out, e.file)).size === e.bytes;
    } catch {
      return false;
    }
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export { describeEntry };
