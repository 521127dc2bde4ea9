// Chrome kept healthy for a long-running process (the service, a worker). One Session at a time;
// it is replaced — closed, its whole process group killed, a new one launched and probed — when
//   · it has rendered `restartAfter` outputs (Chrome's memory creeps; Gotenberg restarts every 100),
//   · its process group's resident memory is above `rssLimitMb`,
//   · a trivial probe page does not render within `probeTimeoutMs` (a hung Chrome),
//   · it died (crashed, or was killed): noticed within a second, not at the next job,
//   · a job needs characters its cut role fonts do not have (the next session's fonts cover both),
//   · a render ran past its time limit (the render is stopped by killing the browser).
// While it cannot render, health() says so (GET /health answers 503). When a new browser cannot be
// started, `fatal` is called: the process exits non-zero and its supervisor starts it again.

import { readdirSync, readFileSync } from 'node:fs';
import { drawnText } from '../fonts/subset.js';
import type { RoleFace } from '../fonts/fonts.js';
import { Session } from '../jobs/run.js';

export interface KeeperOptions {
  fonts: RoleFace[];
  templatesDir: string;
  browser?: string;
  /** Restart after this many outputs (default 100) */
  restartAfter: number;
  /** Restart when Chrome's processes together hold more than this, MB */
  rssLimitMb: number;
  /** A probe render must answer within this, ms */
  probeTimeoutMs: number;
  /** Probe an idle browser this often, ms */
  probeIntervalMs: number;
  log: (line: string) => void;
  /** A restart failed: nothing can render (default: exit 1) */
  fatal?: (err: Error) => void;
  /** Counted in the metrics: why the browser was restarted */
  onRestart?: (reason: string) => void;
}

/** The render ran past its time limit; the browser was killed to stop it. */
export class RenderTimeout extends Error {
  constructor(readonly seconds: number) {
    super(`the render took longer than its limit of ${seconds} s and was stopped`);
    this.name = 'RenderTimeout';
  }
}

/** A page with nothing to draw: it loads, says it is done, and is captured. */
const PROBE_HTML = '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body style="margin:0;background:#fff"><script>window.shushuoDone = { problems: [] };</script></body></html>';

export class ChromeKeeper {
  private session: Session;
  private renders = 0;
  private active = 0;
  /** Set while the browser is being replaced; jobs wait for it */
  private restarting: Promise<void> | undefined;
  private problem: string | undefined = 'Chrome has not started yet';
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private probing = false;
  private readonly baseText: string;
  private launchedPid: number | undefined;
  restarts = 0;

  constructor(private readonly options: KeeperOptions) {
    // The templates' own text and the punctuation: every job draws those.
    this.baseText = drawnText(options.templatesDir, [], []);
    this.session = this.newSession(this.baseText);
  }

  private newSession(text: string): Session {
    return new Session({ fonts: this.options.fonts, browser: this.options.browser, templatesDir: this.options.templatesDir, text, log: this.options.log });
  }

  /** Launch the first browser and probe it; then watch it. Throws when Chrome cannot start. */
  async start(): Promise<void> {
    await this.launch();
    this.timers.push(setInterval(() => void this.watch(), 500));
    this.timers.push(setInterval(() => void this.probeIdle(), this.options.probeIntervalMs));
    for (const t of this.timers) t.unref();
  }

  /** Whether Chrome can render now, and if not why. */
  health(): { ok: boolean; problem?: string; pid?: number; renders: number; restarts: number } {
    return { ok: !this.problem, ...(this.problem ? { problem: this.problem } : {}), pid: this.launchedPid, renders: this.renders, restarts: this.restarts };
  }

  /** The process id of the browser that last started and passed its probe (tests kill it). */
  pid(): number | undefined {
    return this.launchedPid;
  }

  /**
   * Run `work` on a session whose fonts cover `text`, within `timeoutMs`. Past the limit the browser
   * is killed (that is what stops a page) and RenderTimeout is thrown; `work` then sees the browser gone.
   */
  async run<T>(text: string, timeoutMs: number, work: (session: Session) => Promise<T>): Promise<T> {
    for (;;) {
      while (this.restarting) await this.restarting;
      if (this.closed) throw new Error('the service is stopping');
      const missing = [...new Set(text)].filter((c) => !this.session.options.text.includes(c));
      if (missing.length === 0 && !this.problem) break;
      if (this.active > 0) {
        // Let the jobs on the current browser finish before it is replaced.
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const why = missing.length > 0 ? `the next job draws ${missing.length} characters its fonts were not cut for` : this.problem!;
      await this.restart(why, missing.join(''));
    }
    this.active++;
    const session = this.session;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.problem = 'a render ran past its time limit; Chrome is being restarted';
        void session.close();
        reject(new RenderTimeout(Math.round(timeoutMs / 100) / 10));
      }, timeoutMs);
    });
    const working = work(session);
    working.catch(() => undefined);
    try {
      return await Promise.race([working, late]);
    } finally {
      clearTimeout(timer);
      if (timedOut) await working.catch(() => undefined);
      this.active--;
      void this.afterJob();
    }
  }

  /** Count an output rendered (runJob's onOutput says which were). */
  rendered(n = 1): void {
    this.renders += n;
  }

  private async afterJob(): Promise<void> {
    if (this.active > 0 || this.restarting || this.closed) return;
    if (this.renders >= this.options.restartAfter) return this.restart(`${this.renders} renders (restart after ${this.options.restartAfter})`);
    const rss = await this.rssMb();
    if (rss > this.options.rssLimitMb) return this.restart(`Chrome holds ${rss} MB (limit ${this.options.rssLimitMb} MB)`);
  }

  /** Notice a browser that died within half a second, and replace it when no job is on it. */
  private async watch(): Promise<void> {
    if (this.restarting || this.closed) return;
    const gone = await this.session.gone();
    if (gone) {
      this.problem = `Chrome stopped: ${gone.message}`;
      if (this.active === 0) await this.restart(this.problem).catch(() => undefined);
    } else if (this.problem && this.active === 0) {
      await this.restart(this.problem).catch(() => undefined);
    }
  }

  private async probeIdle(): Promise<void> {
    if (this.restarting || this.closed || this.active > 0 || this.probing) return;
    this.probing = true;
    try {
      const gone = await this.session.gone();
      if (gone) {
        this.problem = `Chrome stopped: ${gone.message}`;
        await this.restart(this.problem).catch(() => undefined);
        return;
      }
      await this.probe();
    } catch (err) {
      // A Chrome that died under the probe is a crash, not a failed probe: its pipe may close a moment
      // before the probe's page fails, so look again after a short wait.
      let gone: Error | undefined = (err as Error).name === 'BrowserGone' ? (err as Error) : await this.session.gone();
      if (!gone) gone = await new Promise<void>((done) => setTimeout(done, 500)).then(() => this.session.gone());
      this.problem = gone ? `Chrome stopped: ${gone.message}` : `the probe render failed: ${(err as Error).message}`;
      await this.restart(this.problem).catch(() => undefined);
    } finally {
      this.probing = false;
    }
  }

  /** Render a page with nothing on it; reject when it does not answer in time. */
  private async probe(): Promise<void> {
    const session = this.session;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.options.probeTimeoutMs} ms`)), this.options.probeTimeoutMs);
    });
    const work = (async () => {
      const renderer = await session.open();
      await renderer.png({ name: 'probe', html: PROBE_HTML, width: 8, height: 8, widthPx: 8, heightPx: 8, dpi: 96 });
    })();
    work.catch(() => undefined);
    try {
      await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async launch(): Promise<void> {
    await this.probe();
    this.problem = undefined;
    this.launchedPid = (await this.session.open()).pid;
    this.options.log(`chrome: ready (pid ${this.launchedPid})`);
  }

  /** Replace the browser: close the old one (its whole group), launch and probe a new one. */
  restart(reason: string, moreText = ''): Promise<void> {
    this.restarting ??= (async () => {
      this.problem ??= `Chrome is restarting (${reason})`;
      this.options.log(`chrome: restarting: ${reason}`);
      this.options.onRestart?.(reason);
      this.restarts++;
      const old = this.session;
      await old.close();
      if (this.closed) return;
      this.session = this.newSession(moreText ? [...new Set(old.options.text + moreText)].join('') : old.options.text);
      this.renders = 0;
      let lastError: Error | undefined;
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          await this.launch();
          return;
        } catch (err) {
          lastError = err as Error;
          await this.session.close();
          this.session = this.newSession(this.session.options.text);
        }
      }
      this.problem = `Chrome could not be started again: ${lastError?.message}`;
      this.options.log(`chrome: ${this.problem}`);
      (this.options.fatal ?? ((e) => {
        process.stderr.write(`shushuo: ${e.message}; exiting so that the supervisor starts the service again\n`);
        process.exit(1);
      }))(new Error(this.problem));
    })().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  /** Memory of Chrome's process group (PSS), MB (Linux; 0 where /proc is not there). */
  async rssMb(): Promise<number> {
    const pid = (await this.session.open().catch(() => undefined))?.pid;
    return pid ? groupMemoryMb(pid) : 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.restarting?.catch(() => undefined);
    await this.session.close();
  }
}

/** The processes of a process group (Chrome is the leader of its own): pid and state, from /proc. */
export function groupProcesses(pgid: number): { pid: number; state: string; rssPages: number }[] {
  const found: { pid: number; state: string; rssPages: number }[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid pgrp … ; comm may hold spaces and parentheses: read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) found.push({ pid: Number(name), state: fields[0]!, rssPages: Number(fields[21]) });
    } catch { /* gone meanwhile */ }
  }
  return found;
}

/**
 * The memory Chrome's processes hold together, MB: the sum of their proportional set sizes (shared
 * pages split between the processes that share them; summed RSS counts Chrome's shared memory once per
 * helper, about twice over). RSS where smaps_rollup cannot be read.
 */
export function groupMemoryMb(pgid: number): number {
  let kb = 0;
  for (const p of groupProcesses(pgid)) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      kb += p.rssPages * 4;
    }
  }
  return Math.round(kb / 1024);
}
