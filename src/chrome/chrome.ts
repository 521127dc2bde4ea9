// The browser's life: launch Chrome over a pipe with a profile of its own, notice when it dies, and
// end it (and remove its profile) whatever state it is in. Nothing here loads a page.

import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BrowserGone, RenderError } from './errors.js';

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
  // Memory (a long batch must stay small; measured as PSS over a batch of WeChat images):
  // the GPU and network services run inside the browser process, not as two more (43 + 38 MB);
  '--in-process-gpu',
  '--enable-features=NetworkServiceInProcess2',
  // no spare renderer waiting for a tab we may never open (15 MB), and none for the omnibox popup that
  // headless Chrome preloads all the same (a WebUI page: 64 MB at launch, 96 MB a few seconds on);
  '--disable-features=SpareRendererForSitePerProcess,WebUIOmniboxPopup,WebUIOmniboxAimPopup',
  // V8 collects sooner: a renderer that swaps document after document held 90–190 MB, now 50–60 MB,
  // at the same rows per second.
  '--js-flags=--optimize-for-size',
];

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

/** Alive and not a zombie (a child that died and is not yet reaped still answers signal 0). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform === 'linux' ? false : alive(pid);
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

/** One Chrome process and its profile, from launch to close. */
export class Chrome {
  /** Set when the browser disconnected without close(): every page is gone. */
  #gone: BrowserGone | undefined;
  /** Resolves with the reason once the browser is gone (its exit status, or what is known after EXIT_WAIT_MS). */
  readonly goneReason: Promise<string>;
  #setGone!: (reason: string) => void;
  readonly #onEnd = new Set<() => void>();
  #ended = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #closing: Promise<void> | undefined;
  readonly #removeOnExit = () => void removeFolder(this.profileDir);

  private constructor(
    private readonly browser: Browser,
    /** The profile folder (in the OS temp dir, named shushuo-chrome-<pid>-XXXXXX). */
    readonly profileDir: string,
    private readonly log: (line: string) => void,
    /** Names of what is being rendered now, for the message when Chrome stops. */
    private readonly inFlight: () => string[],
  ) {
    this.goneReason = new Promise((resolve) => (this.#setGone = resolve));
    void this.goneReason.then(() => this.#end());
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
  static async launch(options: { browserPath: string; args: string[]; log: (line: string) => void; inFlight: () => string[] }): Promise<Chrome> {
    sweepStaleProfiles();
    const profileDir = mkdtempSync(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
    const watch = watchLaunch(profileDir);
    try {
      const launching = puppeteer.launch({
        executablePath: options.browserPath,
        headless: true,
        pipe: true,
        // Ctrl-C and SIGTERM are the run's to handle: it stops after the pages rendering, commits, then closes Chrome.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
        userDataDir: profileDir,
        args: [...LAUNCH_ARGS, ...options.args],
        // Each page's size is set by the renderer on its own CDP session (see page.ts).
        defaultViewport: null,
        // Chrome's own temporary files (org.chromium.Chromium.*) go inside the profile, and go with it.
        env: process.platform === 'linux' ? { ...process.env, TMPDIR: profileDir } : process.env,
      });
      const browser = await Promise.race([launching, watch.died]);
      // The tab Chrome opens at launch is never used: its renderer (some 30 MB) goes with it.
      await Promise.race([Promise.all((await browser.pages()).map((page) => page.close())), watch.died]);
      return new Chrome(browser, profileDir, options.log, options.inFlight);
    } catch (err) {
      const pid = watch.pid();
      // Puppeteer words a death while starting many ways ("Connection closed.", "Target closed" …): one is said.
      // (Killed before it could be found, it is known only by the pipe closing.)
      const died = (pid !== undefined && !running(pid)) || /\b(Target|Connection) closed\b/.test((err as Error).message);
      const reason = died ? 'the browser process exited while it was starting' : (err as Error).message;
      killGroup(pid); // one that hangs while starting
      removeFolder(profileDir);
      throw new RenderError(`could not start the browser at ${options.browserPath}: ${reason}`, { cause: err });
    } finally {
      watch.stop();
    }
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  get connected(): boolean {
    return this.browser.connected;
  }

  /** Set once Chrome has stopped by itself (crashed or killed). */
  get gone(): BrowserGone | undefined {
    return this.#gone;
  }

  /**
   * A tab in a window of its own: a warm tab that shares a window with a newer one is hidden, gets no
   * frames, and its capture waited minutes for one (measured: 158 s, two pages at once).
   */
  newPage(): Promise<Page> {
    return this.browser.newPage({ type: 'window' });
  }

  /**
   * Call `call` once the browser is gone or is being closed; returns the way to take it back. A caller
   * that awaited goneReason instead would hang its own promises on it for the browser's life: a batch
   * kept every image it had rendered that way (Promise.race holds the winner's value), some 50 KB a row.
   * Closed under a page, Chrome may not say the page's frame is gone (the headless shell does not): a
   * navigation then waited out its whole timeout.
   */
  onEnd(call: () => void): () => void {
    if (this.#ended) {
      queueMicrotask(call);
      return () => undefined;
    }
    this.#onEnd.add(call);
    return () => void this.#onEnd.delete(call);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const call of this.#onEnd) call();
    this.#onEnd.clear();
  }

  /** The error a page operation of `name` rejects with once the browser is gone. */
  async goneFor(name: string, started: boolean): Promise<BrowserGone> {
    const reason = await this.goneReason;
    return new BrowserGone(started ? `${name}: Chrome stopped while rendering it (${reason})` : `${name}: not rendered, Chrome had stopped (${reason})`, { cause: this.#gone });
  }

  #disconnected(): void {
    if (this.#closing) return;
    const settle = () => {
      const reason = describeExit(this.#exit);
      const names = this.inFlight();
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

  /**
   * End the browser, whatever state it is in: ask it to close, kill it if it has not within a few
   * seconds, and remove its profile. Never throws: a cleanup error must not replace the error of the run.
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = this.#close();
      this.#end();
    }
    return this.#closing;
  }

  get closing(): boolean {
    return this.#closing !== undefined;
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
    const failed = removeFolder(this.profileDir);
    if (failed) this.log(`could not remove the browser profile ${this.profileDir} (${failed.message}); the next run removes it`);
    process.off('exit', this.#removeOnExit);
  }
}

/** How often a starting browser is looked for in its profile, ms */
const LAUNCH_POLL_MS = 100;
/** Time a browser gets to start, ms */
const LAUNCH_TIMEOUT_MS = 60_000;

/**
 * Rejects should the browser die while it starts, or not start in time. Puppeteer does not always
 * notice: a Chrome killed while it was attaching its first targets left launch() waiting forever, and
 * node, with nothing left to wait on, quit with code 13 and no message. The browser's pid is read from
 * the SingletonLock (host-pid) it writes into its profile; the headless shell writes none, so on Linux it
 * is also looked for in /proc, by its profile on its command line.
 */
function watchLaunch(profileDir: string): { died: Promise<never>; stop: () => void; pid: () => number | undefined } {
  let pid: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();
  const lockPid = () => {
    try {
      pid ??= Number(/-(\d+)$/.exec(readlinkSync(join(profileDir, 'SingletonLock')))?.[1]) || undefined;
    } catch {
      // not written yet
    }
    pid ??= browserWithProfile(profileDir);
    return pid;
  };
  const died = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (lockPid() !== undefined && !running(pid!)) reject(new Error('the browser process exited while it was starting'));
      else if (Date.now() - started > LAUNCH_TIMEOUT_MS) reject(new Error(`it did not start within ${LAUNCH_TIMEOUT_MS / 1000} s`));
    }, LAUNCH_POLL_MS);
  });
  died.catch(() => undefined);
  return { died, stop: () => clearInterval(timer), pid: lockPid };
}

/** On Linux, the browser process (not a helper: no --type) started with this profile, if one is running. */
function browserWithProfile(profileDir: string): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const flag = `--user-data-dir=${profileDir}`;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(flag) && !args.some((a) => a.startsWith('--type='))) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}

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
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
