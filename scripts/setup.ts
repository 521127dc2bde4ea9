// Runs after `npm install` (and as `npm run setup`): makes sure the browser, the PDF tools
// the tests call, and the default TrueType faces for 仿宋 and 楷体 are here.
// Debian's packages where apt is available as root; otherwise puppeteer's browser download;
// otherwise a message that says what to install. It never fails the install itself.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Browser, detectBrowserPlatform, install, resolveBuildId } from '@puppeteer/browsers';
import { findBrowser, INSTALL_HINT, puppeteerCacheDir } from '../src/chrome/browser.js';
import { CONVERTED_FACES, FONTS_DIR } from '../src/fonts/fonts.js';
import { readSfnt } from '../src/fonts/sfnt.js';
import { pythonWithFontTools } from '../src/fonts/subset.js';

const say = (line: string) => process.stderr.write(`shushuo setup: ${line}\n`);

// Tools the tests and the print checks call, and the Debian package of each.
const TOOLS: Record<string, string> = {
  pdffonts: 'poppler-utils',
  pdfinfo: 'poppler-utils',
  pdftotext: 'poppler-utils',
  pdftoppm: 'poppler-utils',
  gs: 'ghostscript',
  // The render service across machines (shushuo serve --queue, shushuo worker) and its tests.
  'redis-server': 'redis-server',
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
// The renderer prefers Chromium's headless shell (faster; see src/chrome/browser.ts). Its own install,
// so that a Debian without the package still gets the rest; chromium stays the browser a person sees.
if (process.platform === 'linux' && canApt() && !has('chromium-headless-shell')) aptInstall(['chromium-headless-shell']);
if (needBrowser && !(await browserFound()) && !(await downloadBrowser())) say(INSTALL_HINT);
await browserFound(true);

const stillMissing = Object.keys(TOOLS).filter((t) => !has(t));
if (stillMissing.length > 0) {
  say(`the tests need ${stillMissing.join(', ')}: install ${[...new Set(stillMissing.map((t) => TOOLS[t]))].join(' ')} (e.g. sudo apt-get install ${[...new Set(stillMissing.map((t) => TOOLS[t]))].join(' ')})`);
}

// Fonts: FandolFang (仿宋) and FandolKai (楷体) ship as CFF OpenType in Debian's texlive-lang-chinese.
// Chrome would write them as Type 3, so they are converted to TrueType once, into fonts/.
const FANDOL_DIR = 'usr/share/texlive/texmf-dist/fonts/opentype/public/fandol';
const todo = Object.values(CONVERTED_FACES).filter((f) => !convertedWell(join(FONTS_DIR, f.file)));
if (todo.length > 0) await convertFandol(todo.map((f) => f.file));
else say(`fonts: ${Object.values(CONVERTED_FACES).map((f) => f.file).join(', ')} ready in fonts/`);

async function convertFandol(files: string[]): Promise<void> {
  const python = pythonWithFontTools() ?? (canApt() && aptInstall(['python3-fonttools']) ? pythonWithFontTools() : undefined);
  if (!python) {
    say('fonts: need Python 3 with fontTools (Debian: python3-fonttools) to convert the Fandol fonts; 仿宋 and 楷体 roles fall back to Noto Serif SC until then');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'shushuo-fandol-'));
  try {
    let source = join('/', FANDOL_DIR);
    if (!existsSync(join(source, files[0]!.replace('.ttf', '.otf')))) {
      say('fonts: fetching the Fandol fonts (Debian package texlive-lang-chinese, about 50 MB)');
      const download = () => execFileSync('apt-get', ['download', '-qq', '-o', 'APT::Sandbox::User=root', 'texlive-lang-chinese'], { cwd: work, stdio: 'inherit' });
      try {
        download();
      } catch (err) {
        // A fresh machine may have no package lists yet.
        if (!canApt()) throw err;
        execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
        download();
      }
      execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile texlive-lang-chinese_*.deb | tar -x --wildcards './${FANDOL_DIR}/Fandol*'`], { cwd: work, stdio: 'inherit' });
      source = join(work, FANDOL_DIR);
    }
    mkdirSync(FONTS_DIR, { recursive: true });
    say(`fonts: converting ${files.join(', ')} to TrueType (about 20 s each)`);
    const run = promisify(execFile);
    await Promise.all(files.map(async (file) => {
      const partial = join(work, file);
      await run(python, [join(import.meta.dirname, 'otf2ttf.py'), join(source, file.replace('.ttf', '.otf')), partial]);
      renameSync(partial, join(FONTS_DIR, file));
    }));
    say(`fonts: ${files.join(', ')} ready in fonts/`);
  } catch (err) {
    say(`fonts: could not convert the Fandol fonts (${(err as Error).message.split('\n')[0]}); 仿宋 and 楷体 roles fall back to Noto Serif SC`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Converted by the current script: a file from an older one still maps Kangxi radicals (⽉ U+2F49). */
function convertedWell(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    return !readSfnt(readFileSync(file), file).covers(0x2f49);
  } catch {
    return false;
  }
}

