// Runs after `npm install`: makes sure the browser and the PDF tools the tests call are here.
// Debian's packages where apt is available as root; otherwise puppeteer's browser download;
// otherwise a message that says what to install. It never fails the install itself.

import { execFileSync, spawnSync } from 'node:child_process';
import { Browser, detectBrowserPlatform, install, resolveBuildId } from '@puppeteer/browsers';
import { findBrowser, INSTALL_HINT, puppeteerCacheDir } from '../src/browser.js';

const say = (line: string) => process.stderr.write(`shushuo setup: ${line}\n`);

// Tools the tests and the print checks call, and the Debian package of each.
const TOOLS: Record<string, string> = {
  pdffonts: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  pdftotext: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  gs: 'ghostscript',
};

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
const canApt = () => has('apt-get') && process.getuid?.() === 0;

async function browserFound(report = false): Promise<boolean> {
  try {
    const b = await findBrowser();
    if (report) say(`browser: ${b.path} (${b.source})`);
    return true;
  } catch {
    return false;
  }
}

function aptInstall(packages: string[]): boolean {
  say(`installing ${packages.join(' ')} with apt-get`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return true;
  } catch (err) {
    say(`apt-get failed: ${(err as Error).message}`);
    return false;
  }
}

async function downloadBrowser(): Promise<boolean> {
  const platform = detectBrowserPlatform();
  if (!platform) return false;
  try {
    say("downloading puppeteer's headless Chrome");
    const buildId = await resolveBuildId(Browser.CHROMEHEADLESSSHELL, platform, 'stable');
    await install({ browser: Browser.CHROMEHEADLESSSHELL, buildId, cacheDir: puppeteerCacheDir() });
    return true;
  } catch (err) {
    say(`download failed: ${(err as Error).message}`);
    return false;
  }
}

const missingTools = Object.keys(TOOLS).filter((t) => !has(t));
const needBrowser = !(await browserFound());
const packages = [...new Set([...(needBrowser ? ['chromium'] : []), ...missingTools.map((t) => TOOLS[t]!)])];

if (packages.length > 0 && canApt()) aptInstall(packages);
if (needBrowser && !(await browserFound()) && !(await downloadBrowser())) say(INSTALL_HINT);
await browserFound(true);

const stillMissing = Object.keys(TOOLS).filter((t) => !has(t));
if (stillMissing.length > 0) {
  say(`the tests need ${stillMissing.join(', ')}: install ${[...new Set(stillMissing.map((t) => TOOLS[t]))].join(' ')} (e.g. sudo apt-get install ${[...new Set(stillMissing.map((t) => TOOLS[t]))].join(' ')})`);
}
