// Finding a Chrome or Chromium to render with, in this order:
// 1. an explicit setting (--browser or SHUSHUO_BROWSER / PUPPETEER_EXECUTABLE_PATH);
// 2. a system Chrome or Chromium;
// 3. puppeteer's own cache.

import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { quote, UserError } from '../errors.js';

export interface FoundBrowser {
  path: string;
  source: 'setting' | 'system' | 'puppeteer-cache';
}

// Chromium's headless shell first (Debian: chromium-headless-shell): it rendered a 100-row batch
// of briefings and cards in 29.7 s against 32.7 s, with 15% less of Chrome's CPU, and printed the
// briefing in 70 ms against 112. Debian's /usr/bin/chromium is a shell wrapper; the browser itself comes first.
const HEADLESS_SHELLS = ['/usr/lib/chromium/chromium-headless-shell'];
const SYSTEM_PATHS = [
  ...HEADLESS_SHELLS,
  '/usr/lib/chromium/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];
const SHELL_COMMANDS = ['chromium-headless-shell'];
const SYSTEM_COMMANDS = [...SHELL_COMMANDS, 'google-chrome-stable', 'google-chrome', 'chromium', 'chromium-browser', 'chrome'];

export const INSTALL_HINT = [
  'No Chrome or Chromium was found. Install one of these, then run again:',
  '  • on Debian or Ubuntu:  sudo apt-get install chromium',
  '  • anywhere:             npx @puppeteer/browsers install chrome-headless-shell@stable --path ~/.cache/puppeteer',
  '  • or point to one:      shushuo render --browser /path/to/chrome   (or set SHUSHUO_BROWSER)',
].join('\n');

/**
 * No usable browser. Exit code 2 when a setting names something that is not a program (a wrong path);
 * 1 when none is installed, or the program named does not start as Chrome: the run cannot be done here.
 */
export class BrowserNotFound extends UserError {
  constructor(message: string, options: { setting?: string; exitCode?: 1 | 2; cause?: unknown } = {}) {
    super(message, { exitCode: options.exitCode ?? 1, ...(options.setting ? { place: { field: options.setting } } : {}), cause: options.cause });
    this.name = 'BrowserNotFound';
  }
}

/** A file (not a folder) this process may run. */
function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The browser a run is told to use (--browser, else SHUSHUO_BROWSER or PUPPETEER_EXECUTABLE_PATH), and where that is said. */
export function browserSetting(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { path: string; setting: string } | undefined {
  const path = explicit ?? env.SHUSHUO_BROWSER ?? env.PUPPETEER_EXECUTABLE_PATH;
  return path === undefined || (path === '' && explicit === undefined) ? undefined : { path, setting: settingName(explicit, env) };
}

/** Where an explicit browser setting comes from, for messages. */
function settingName(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit !== undefined) return '--browser';
  return env.SHUSHUO_BROWSER ? 'SHUSHUO_BROWSER' : 'PUPPETEER_EXECUTABLE_PATH';
}

/** The browser a setting names must be a file that can be run; BrowserNotFound says what it is instead. */
function checkBrowserPath(path: string, setting: string): void {
  const bad = (received: string, hint: string) =>
    new BrowserNotFound(`${setting}: expected the path of a Chrome or Chromium program, received ${quote(path)}, ${received} (${hint})`, { setting, exitCode: 2 });
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw bad(`which does not exist (${(err as NodeJS.ErrnoException).code ?? 'cannot be read'})`, BROWSER_HINT);
  }
  if (stat.isDirectory()) throw bad('which is a folder', `give the program inside it, e.g. /usr/lib/chromium/chromium or …/Google Chrome.app/Contents/MacOS/Google Chrome`);
  if (!executable(path)) throw bad('which is not a program this user may run', `make it executable (chmod +x), or ${BROWSER_HINT}`);
}

const BROWSER_HINT = 'point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one';

/** How long `chrome --version` may take: it answers in some 50 ms. */
const PROBE_MS = 5_000;
const probed = new Map<string, Promise<void>>();

/**
 * Check a browser setting before anything renders: the path is a program, and `--version` names
 * Chrome or Chromium (HeadlessChrome, Google Chrome for Testing …). On Windows, where chrome.exe
 * prints no version, the path check alone is done. Each path is probed once per process.
 */
export function checkBrowser(path: string, setting = '--browser'): Promise<void> {
  const key = resolve(path);
  let check = probed.get(key);
  if (!check) {
    check = probeBrowser(path, setting);
    probed.set(key, check);
    check.catch(() => probed.delete(key));
  }
  return check;
}

async function probeBrowser(path: string, setting: string): Promise<void> {
  checkBrowserPath(path, setting);
  if (process.platform === 'win32') return;
  const result = await new Promise<{ code: number | null; signal: string | null; output: string; error?: Error }>((done) => {
    execFile(path, ['--version'], { timeout: PROBE_MS, maxBuffer: 64 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number | string; signal?: string; killed?: boolean }) | null;
      done({ code: typeof e?.code === 'number' ? e.code : e ? null : 0, signal: e?.signal ?? null, output: `${stdout}\n${stderr}`.trim(), ...(e && typeof e.code !== 'number' ? { error: e } : {}) });
    });
  });
  const said = result.output.split('\n').find((line) => /chrom/i.test(line));
  if (result.code === 0 && said) return;
  const firstLine = result.output.split('\n').find((line) => line.trim() !== '')?.trim();
  const received = result.signal === 'SIGTERM' && !said
    ? `no answer within ${PROBE_MS / 1000} s`
    : result.error
      ? `an error (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`
      : `${result.code === 0 ? 'exit code 0' : `exit code ${result.code ?? result.signal}`} and ${firstLine ? quote(firstLine.slice(0, 120)) : 'no output'}`;
  throw new BrowserNotFound(`${setting}: could not start the browser at ${path}: expected \`${path} --version\` to name Chrome or Chromium, received ${received} (${BROWSER_HINT})`, { setting });
}

function onPath(command: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir && executable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

export function puppeteerCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PUPPETEER_CACHE_DIR ?? join(homedir(), '.cache', 'puppeteer');
}

/**
 * Find a browser. `explicit` is the --browser flag; env is read for SHUSHUO_BROWSER. `shell: false`
 * passes over the headless shell, for a test that drives a page as a person's Chrome shows it.
 */
export async function findBrowser(explicit?: string, env: NodeJS.ProcessEnv = process.env, options: { shell?: boolean } = {}): Promise<FoundBrowser> {
  const setting = explicit ?? env.SHUSHUO_BROWSER ?? env.PUPPETEER_EXECUTABLE_PATH;
  if (setting !== undefined && setting !== '') {
    checkBrowserPath(setting, settingName(explicit, env));
    return { path: setting, source: 'setting' };
  }
  if (explicit === '') throw new BrowserNotFound(`--browser: expected the path of a Chrome or Chromium program, received an empty value (${BROWSER_HINT})`, { setting: '--browser', exitCode: 2 });
  const shell = options.shell ?? true;
  for (const path of SYSTEM_PATHS) if ((shell || !HEADLESS_SHELLS.includes(path)) && executable(path)) return { path, source: 'system' };
  for (const command of SYSTEM_COMMANDS) {
    if (!shell && SHELL_COMMANDS.includes(command)) continue;
    const path = onPath(command, env.PATH);
    if (path) return { path, source: 'system' };
  }
  const cacheDir = puppeteerCacheDir(env);
  if (existsSync(cacheDir)) {
    // Loaded here: the CLI checks a browser setting without it.
    const { Browser, getInstalledBrowsers } = await import('@puppeteer/browsers');
    const installed = await getInstalledBrowsers({ cacheDir });
    const usable = installed
      .filter((b) => b.browser === Browser.CHROME || b.browser === Browser.CHROMEHEADLESSSHELL || b.browser === Browser.CHROMIUM)
      .map((b) => b.executablePath)
      .filter(executable);
    if (usable[0]) return { path: usable[0], source: 'puppeteer-cache' };
  }
  throw new BrowserNotFound(INSTALL_HINT);
}
