// Finding a Chrome or Chromium to render with, in this order:
// 1. an explicit setting (--browser or SHUSHUO_BROWSER / PUPPETEER_EXECUTABLE_PATH);
// 2. a system Chrome or Chromium;
// 3. puppeteer's own cache.

import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Browser, getInstalledBrowsers } from '@puppeteer/browsers';

export interface FoundBrowser {
  path: string;
  source: 'setting' | 'system' | 'puppeteer-cache';
}

// Debian's /usr/bin/chromium is a shell wrapper; the browser itself comes first.
const SYSTEM_PATHS = [
  '/usr/lib/chromium/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];
const SYSTEM_COMMANDS = ['google-chrome-stable', 'google-chrome', 'chromium', 'chromium-browser', 'chrome'];

export const INSTALL_HINT = [
  'No Chrome or Chromium was found. Install one of these, then run again:',
  '  • on Debian or Ubuntu:  sudo apt-get install chromium',
  '  • anywhere:             npx @puppeteer/browsers install chrome-headless-shell@stable --path ~/.cache/puppeteer',
  '  • or point to one:      shushuo render --browser /path/to/chrome   (or set SHUSHUO_BROWSER)',
].join('\n');

export class BrowserNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFound';
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
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

/** Find a browser. `explicit` is the --browser flag; env is read for SHUSHUO_BROWSER. */
export async function findBrowser(explicit?: string, env: NodeJS.ProcessEnv = process.env): Promise<FoundBrowser> {
  const setting = explicit ?? env.SHUSHUO_BROWSER ?? env.PUPPETEER_EXECUTABLE_PATH;
  if (setting) {
    if (!executable(setting)) {
      throw new BrowserNotFound(`browser setting: expected an executable Chrome or Chromium, received "${setting}" (it does not exist or cannot be run)`);
    }
    return { path: setting, source: 'setting' };
  }
  for (const path of SYSTEM_PATHS) if (executable(path)) return { path, source: 'system' };
  for (const command of SYSTEM_COMMANDS) {
    const path = onPath(command, env.PATH);
    if (path) return { path, source: 'system' };
  }
  const cacheDir = puppeteerCacheDir(env);
  if (existsSync(cacheDir)) {
    const installed = await getInstalledBrowsers({ cacheDir });
    const usable = installed
      .filter((b) => b.browser === Browser.CHROME || b.browser === Browser.CHROMEHEADLESSSHELL || b.browser === Browser.CHROMIUM)
      .map((b) => b.executablePath)
      .filter(executable);
    if (usable[0]) return { path: usable[0], source: 'puppeteer-cache' };
  }
  throw new BrowserNotFound(INSTALL_HINT);
}
