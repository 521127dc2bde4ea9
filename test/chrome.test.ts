// Chrome never outlives the run, and a Chrome that dies fails the run with one message. Real Chrome,
// real processes: node is SIGKILLed mid-render, Chrome is SIGKILLed mid-render, and `ps` says what is left.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBrowser } from '../src/chrome/browser.js';
import { BrowserGone, Renderer, sweepStaleProfiles } from '../src/chrome/render.js';
import { resolveFonts, roleFontFiles } from '../src/fonts/fonts.js';
import { TEMPLATES_DIR } from '../src/index.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/chrome';
/** Above Linux's largest pid_max (2^22): no process has it. */
const DEAD_PID = 4_194_305;

interface Proc {
  pid: number;
  ppid: number;
  pgid: number;
  args: string;
}

/** Every live process, as `ps` lists it (zombies are dead: where init does not reap them, they stay listed). */
function processes(): Proc[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).flatMap((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line)!;
    return m[4]!.startsWith('Z') ? [] : [{ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), args: m[5]! }];
  });
}

/** Chrome's processes for a profile: those that name it, and the rest of the browser's process group. */
function chromeOf(profile: string, list = processes()): Proc[] {
  const naming = list.filter((p) => p.args.includes(`--user-data-dir=${profile}`));
  const groups = new Set(naming.map((p) => p.pgid));
  return list.filter((p) => naming.includes(p) || (groups.has(p.pgid) && /chrom/i.test(p.args)));
}

/** The browser process itself (not a renderer, GPU or utility child). */
const browserOf = (profile: string) => chromeOf(profile).find((p) => p.args.includes(`--user-data-dir=${profile}`) && !p.args.includes('--type='));

/** Poll until `check` gives a value, or fail after `ms`. */
async function until<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** The profile folder a run with this pid made in the OS temp dir. */
const profileOf = (pid: number) => readdirSync(tmpdir()).filter((n) => n.startsWith(`shushuo-chrome-${pid}-`)).map((n) => join(tmpdir(), n))[0];

function cli(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn('node', ['bin/shushuo.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, stderr: () => err, exit };
}

describe('stale profiles', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shushuo-sweep-test-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the profiles of dead runs, and keeps live ones and anything it cannot tell', () => {
    const make = (name: string, lock?: string) => {
      mkdirSync(join(dir, name, 'Default'), { recursive: true });
      if (lock) symlinkSync(lock, join(dir, name, 'SingletonLock'));
      return name;
    };
    const dead = make(`shushuo-chrome-${DEAD_PID}-a1B2c3`);
    const mine = make(`shushuo-chrome-${process.pid}-a1B2c3`);
    const init = make('shushuo-chrome-1-a1B2c3');
    const legacyDead = make('shushuo-chrome-0gy247', `${hostname()}-${DEAD_PID}`);
    const legacyLive = make('shushuo-chrome-CYVhdS', `${hostname()}-${process.pid}`);
    const legacyElsewhere = make('shushuo-chrome-hkCMgr', `another-host-${DEAD_PID}`);
    const legacyNoLock = make('shushuo-chrome-Zz9Yy8');
    const other = make('shushuo-chrome-notes');
    const removed = sweepStaleProfiles(dir);
    assert.deepEqual(removed.sort(), [dead, legacyDead].map((n) => join(dir, n)).sort());
    assert.deepEqual(readdirSync(dir).sort(), [mine, init, legacyLive, legacyElsewhere, legacyNoLock, other].sort());
  });
});

describe('Chrome never outlives the run', { timeout: 120_000 }, () => {
  it('close() ends the browser and removes its profile, and may be called again', async () => {
    const renderer = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: new Map(), log: () => undefined });
    const profile = renderer.profileDir;
    assert.match(profile, new RegExp(`shushuo-chrome-${process.pid}-[A-Za-z0-9]{6}$`));
    assert.ok(existsSync(profile));
    assert.ok(chromeOf(profile).length > 0, 'Chrome runs with the profile');
    await renderer.close();
    await renderer.close();
    assert.equal(existsSync(profile), false, 'the profile is removed');
    assert.deepEqual(chromeOf(profile), [], 'no Chrome process is left');
  });

  it('close() under pending renders fails each at once, naming it (a service stops a render past its limit so)', async () => {
    const lines: string[] = [];
    const renderer = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: new Map(), log: (l) => lines.push(l), timeout: 60_000 });
    const profile = renderer.profileDir;
    // One page loads and never says it is done; the other never finishes loading (its script never ends).
    const never = renderer.pdf({ name: 'briefing', html: '<!doctype html><p>…</p><script>console.log("loaded")</script>', width: 200, height: 200 }, { outline: false }).then(() => undefined, (e: unknown) => e);
    const stuck = renderer.png({ name: 'card-x-square', html: '<!doctype html><script>console.log("looping"); for (;;) {}</script>', width: 200, height: 200, widthPx: 150, heightPx: 150, dpi: 72 }).then(() => undefined, (e: unknown) => e);
    await until('both pages to start', 20_000, () => lines.some((l) => l.includes('loaded')) && lines.some((l) => l.includes('looping')));
    const t0 = performance.now();
    await renderer.close();
    const [a, b] = await Promise.all([never, stuck]);
    assert.ok(performance.now() - t0 < 8_000, `the pending renders fail with the close, not at their timeout: ${Math.round(performance.now() - t0)} ms`);
    assert.equal((a as Error)?.message, 'briefing: stopped, the browser was closed while rendering it');
    assert.equal((b as Error)?.message, 'card-x-square: stopped, the browser was closed while rendering it');
    assert.deepEqual(chromeOf(profile), [], 'no Chrome process is left');
  });

  it('SIGKILL of node mid-render leaves no Chrome process, and the next run sweeps the profile', { timeout: 60_000 }, async () => {
    const out = join(OUT, 'sigkill');
    rmSync(out, { recursive: true, force: true });
    const run = cli(['render', '--data', DATA, '--out', out, '--only', 'poster-a2,briefing']);
    try {
      const profile = await until('the run\'s Chrome', 20_000, () => {
        const dir = profileOf(run.child.pid!);
        return dir && browserOf(dir) && chromeOf(dir).some((p) => p.args.includes('--type=renderer')) && dir;
      });
      // Pages are loading now (poster-a2 takes seconds): take what runs, then kill node.
      await sleep(500);
      const before = chromeOf(profile);
      assert.ok(before.length >= 3, `Chrome and its helpers run: ${before.length} processes`);
      run.child.kill('SIGKILL');
      assert.equal((await run.exit).signal, 'SIGKILL');
      const pids = new Set(before.map((p) => p.pid));
      await until('Chrome to exit after its pipe closed', 5_000, () => chromeOf(profile).length === 0 && !processes().some((p) => pids.has(p.pid) && /chrom/i.test(p.args)));
      assert.ok(existsSync(profile), 'the dead run could not remove its profile');
      // The next run removes it (its owner is dead), and keeps its own.
      const next = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: new Map(), log: () => undefined });
      assert.equal(existsSync(profile), false, 'the next run swept the stale profile');
      assert.ok(existsSync(next.profileDir));
      await next.close();
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

describe('a Chrome that dies fails the run with one message', { timeout: 120_000 }, () => {
  it('every pending and later page operation rejects with BrowserGone naming its output', async () => {
    const lines: string[] = [];
    const fonts = resolveFonts();
    const renderer = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(fonts), log: (l) => lines.push(l), timeout: 60_000 });
    const profile = renderer.profileDir;
    // A page that never says it is done: its render stays pending until Chrome dies.
    const waiting = (name: string) => ({ name, html: '<!doctype html><p>…</p><script>console.log("loaded")</script>', width: 200, height: 200 });
    const pdf = renderer.pdf(waiting('poster-a2'), { outline: false }).then(() => undefined, (e: unknown) => e);
    const png = renderer.png({ ...waiting('card-x-square'), widthPx: 150, heightPx: 150, dpi: 72 }).then(() => undefined, (e: unknown) => e);
    await until('both pages to load', 20_000, () => lines.filter((l) => l.includes('console.log] loaded')).length === 2);
    assert.equal(renderer.gone, undefined);
    const chrome = browserOf(profile)!;
    process.kill(chrome.pid, 'SIGKILL');
    const t0 = performance.now();
    const [a, b] = await Promise.all([pdf, png]);
    assert.ok(performance.now() - t0 < 3_000, 'the pending renders fail at once');
    assert.ok(a instanceof BrowserGone, `poster-a2: ${String(a)}`);
    assert.ok(b instanceof BrowserGone, `card-x-square: ${String(b)}`);
    assert.equal(a.message, 'poster-a2: Chrome stopped while rendering it (the browser process exited with signal SIGKILL)');
    assert.equal(b.message, 'card-x-square: Chrome stopped while rendering it (the browser process exited with signal SIGKILL)');
    const gone = renderer.gone as BrowserGone | undefined;
    assert.ok(gone instanceof BrowserGone);
    assert.match(gone.message, /^(poster-a2, card-x-square|card-x-square, poster-a2): Chrome stopped while rendering them \(the browser process exited with signal SIGKILL\)$/);
    // A later operation does not try: it says why.
    const later = await renderer.png({ ...waiting('wechat-square'), widthPx: 150, heightPx: 150, dpi: 72 }).then(() => undefined, (e: unknown) => e);
    assert.ok(later instanceof BrowserGone);
    assert.equal(later.message, 'wechat-square: not rendered, Chrome had stopped (the browser process exited with signal SIGKILL)');
    const said = lines.length;
    await renderer.close();
    assert.equal(lines.length, said, `nothing is logged after the crash: ${lines.slice(said).join(' | ')}`);
    assert.equal(existsSync(profile), false, 'the profile is removed');
    assert.deepEqual(chromeOf(profile), []);
  });

  it('render: Chrome killed mid-render exits 1 with one message naming the output, and nothing after it', { timeout: 60_000 }, async () => {
    const out = join(OUT, 'crash');
    rmSync(out, { recursive: true, force: true });
    // The two posters render first, each a PDF and a PNG (seconds in Chrome); the others wait their turn.
    const run = cli(['render', '--data', DATA, '--out', out, '--only', 'poster-a3,poster-a2,wechat-cover,card-inspection-rounds-square']);
    try {
      const profile = await until("the run's Chrome", 20_000, () => {
        const dir = profileOf(run.child.pid!);
        return dir && browserOf(dir) && dir;
      });
      await sleep(1_000);
      assert.doesNotMatch(run.stderr(), /^poster-a[23]\s+\d/m, 'a poster is still rendering');
      process.kill(browserOf(profile)!.pid, 'SIGKILL');
      const { code } = await run.exit;
      const lines = run.stderr().split('\n');
      assert.equal(code, 1, run.stderr());
      const failures = lines.filter((l) => /Chrome stopped/.test(l));
      assert.equal(failures.length, 1, `one failure message:\n${run.stderr()}`);
      assert.match(failures[0]!, /poster-a[23]\b.*Chrome stopped while rendering it \(the browser process exited with signal SIGKILL\)/);
      const after = lines.slice(lines.indexOf(failures[0]!) + 1);
      assert.deepEqual(after.filter((l) => /\b(poster-a[23]|wechat-cover|card-inspection-rounds-square)\b/.test(l)), [], `nothing about other outputs after the failure:\n${run.stderr()}`);
      await until('Chrome to be gone', 5_000, () => chromeOf(profile).length === 0);
      assert.equal(existsSync(profile), false, 'the profile is removed');
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('render: a Chrome that dies while it starts exits 1 with one message, never silently', { timeout: 90_000 }, async () => {
    // Killed at different moments of its start: before puppeteer has connected, while it attaches the
    // first targets (where launch() once waited forever and node quit with code 13 and no message), and
    // once pages load.
    const { path: chromium } = await findBrowser();
    mkdirSync(OUT, { recursive: true });
    for (const delay of ['0.05', '0.2', '0.35']) {
      const browser = join(OUT, `dying-chrome-${delay}.sh`);
      // Asked its version (--browser is checked before the run), it answers; started, it dies after `delay`.
      writeFileSync(browser, `#!/bin/sh\n[ "$1" = --version ] || ( sleep ${delay}; kill -9 $$ ) &\nexec ${JSON.stringify(chromium)} "$@"\n`, { mode: 0o755 });
      const out = join(OUT, `dying-${delay}`);
      rmSync(out, { recursive: true, force: true });
      const run = cli(['render', '--data', DATA, '--out', out, '--only', 'card-inspection-rounds-square', '--browser', browser]);
      const { code } = await run.exit;
      assert.equal(code, 1, `killed after ${delay} s:\n${run.stderr()}`);
      assert.match(run.stderr(), /^rendering failed: (could not start the browser at .*: the browser process exited while it was starting|card-inspection-rounds-square: Chrome stopped while rendering it \(the browser process exited with signal SIGKILL\))$/m, run.stderr());
      assert.equal(existsSync(join(out, 'card-inspection-rounds-square.png')), false);
    }
  });
});
