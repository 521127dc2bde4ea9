// The studio as a person meets it, in real Chrome: upload a Word speech, see its figures, change a
// label and watch the preview follow, fill in the masthead, be refused the export before sign-off,
// sign off, export a ZIP, and find in its PDF the new label and every figure with its qualifier —
// in files byte for byte the CLI's. Each step's screenshot goes to test/__output__/studio (docs/studio-*.png, for the README, with UPDATE_SNAPSHOTS=1).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type ElementHandle, type Frame, type HTTPRequest, type Page } from 'puppeteer-core';
import yauzl from 'yauzl';
import { LAUNCH_ARGS } from '../src/chrome/render.js';
import { findBrowser } from '../src/chrome/browser.js';
import { startStudio, type Studio } from '../src/studio/index.js';
import { makeDocx } from './fixtures/studio/docx.js';

const ROOT = resolve('test/__output__/studio');
const DIR = join(ROOT, 'projects');
const DOWNLOADS = join(ROOT, 'downloads');
// Screenshots of each step go to test/__output__/studio to look at; with UPDATE_SNAPSHOTS=1 they replace the README's in docs/.
const SHOTS = resolve(process.env.UPDATE_SNAPSHOTS === '1' ? 'docs' : 'test/__output__/studio');
const LABEL = '非公企业党组织覆盖面';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every entry of a ZIP archive, unpacked. */
function unzip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolveEntries, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolveEntries(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('shushuo studio in Chrome: from a Word speech to signed-off print files', { timeout: 120_000 }, () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let id: string;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `studio-${name}.png`) });
  /** The text of the frame a preview shows (not one still loading behind it). */
  const frameText = async (selector: string): Promise<string> => {
    const handle = await page.$(`${selector} iframe.preview-frame:not(.loading)`);
    const frame: Frame | null | undefined = await handle?.contentFrame();
    return frame ? frame.evaluate(() => document.body.innerText) : '';
  };
  const step = async (key: string) => {
    await page.click(`.step[data-step=${key}]`);
    await page.waitForFunction((k) => document.body.dataset.step === k, {}, key);
  };

  before(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(DOWNLOADS, { recursive: true });
    mkdirSync(SHOTS, { recursive: true });
    writeFileSync(join(ROOT, '讲话稿.docx'), makeDocx());
    studio = await startStudio({ port: 0, dir: DIR, log: () => undefined, today: () => '2024-03-20' });
    browser = await puppeteer.launch({ executablePath: (await findBrowser(undefined, process.env, { shell: false })).path, pipe: true, headless: true, args: [...LAUNCH_ARGS, '--lang=zh-CN'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 900 });
    page.on('pageerror', (e) => errors.push(`page error: ${(e as Error).message}`));
    // A preview replaced by a newer one before it finished loading is aborted: that is no error.
    page.on('requestfailed', (r) => r.failure()?.errorText !== 'net::ERR_ABORTED' && errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(studio.url) && !r.url().startsWith('data:') && !r.url().startsWith('about:')) errors.push(`request outside the studio: ${r.url()}`);
    });
    const session = await browser.target().createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: DOWNLOADS });
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  it('1. uploads a .docx and sees its figures, each marked in its sentence', async () => {
    await page.goto(studio.url);
    await page.waitForSelector('.dropzone');
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    await shot('1-start');
    const input = (await page.$('input#speech-file')) as ElementHandle<HTMLInputElement> | null;
    await input!.uploadFile(join(ROOT, '讲话稿.docx'));
    await page.waitForSelector('.figures-table tbody.fig');
    id = decodeURIComponent(/#\/p\/([^/]+)\/figures/.exec(page.url())![1]!);
    const printed = await page.$$eval('.figures-table tbody.fig .printed', (els) => els.map((e) => e.textContent));
    assert.deepEqual(printed, ['近40%', '约45%', '300余家', '12家左右', '超过六成', '60名']);
    const checks = await page.$$eval('.figures-table td.c-check', (els) => els.map((e) => e.textContent));
    assert.deepEqual(checks, ['✓', '✓', '✓', '✓', '✓', '✓'], 'every figure verifies against the speech');
    const marks = await page.$$eval('.speech mark.num', (els) => els.map((e) => e.textContent));
    assert.deepEqual(marks.filter((m) => /\d|六成/.test(m!)), ['40', '45', '300', '12', '六成', '60'], 'each number is marked in the speech');
    // Clicking a figure's words selects its row.
    await page.click('.speech mark.frag[data-figs="fig-3"]');
    await page.waitForSelector('tbody.fig.selected[data-fig="fig-3"]');
    await page.click('tbody.fig[data-fig="fig-1"] td.c-chart');
    await page.waitForFunction(() => document.querySelector('.card-preview iframe.preview-frame:not(.loading)'));
    await sleep(300);
    await shot('2-figures');
  });

  it('2. edits a label, sees the CLI’s check at once, and the preview follows within moments', async () => {
    // A wrong value first: the message is the CLI's, next to the cell.
    const value = await page.$('tbody.fig[data-fig="fig-4"] input[name=value]');
    await value!.click({ clickCount: 3 });
    await value!.type('12家');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('tbody.fig[data-fig="fig-4"] .bad-note[data-field=value]')?.textContent?.includes('write 12 and set unit'));
    assert.equal(await page.$eval('tbody.fig[data-fig="fig-4"] input[name=value]', (el) => el.classList.contains('bad')), true);
    assert.equal(await page.$eval('tbody.fig[data-fig="fig-4"] .bad-note[data-field=value]', (el) => el.textContent), '数值：expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "12家" (write 12 and set unit: "家")');
    await shot('3-check');
    await value!.click({ clickCount: 3 });
    await value!.type('12');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => !document.querySelector('tbody.fig[data-fig="fig-4"] .bad-note'));

    const label = await page.$('tbody.fig[data-fig="fig-1"] input[name=label]');
    await label!.click({ clickCount: 3 });
    await label!.type(LABEL);
    const saved = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/figures/fig-1'));
    await page.keyboard.press('Enter');
    await saved;
    const started = Date.now();
    await page.waitForFunction((l) => {
      const frame = document.querySelector<HTMLIFrameElement>('.card-preview iframe.preview-frame:not(.loading)');
      return frame?.contentDocument?.body?.innerText.includes(l);
    }, { timeout: 10_000 }, LABEL);
    const ms = Date.now() - started;
    process.stderr.write(`studio: the card preview showed the new label ${ms} ms after the change was saved\n`);
    assert.ok(ms < 2000, `the preview took ${ms} ms`);
    assert.equal(await page.$('.card-preview .preview.has-problems'), null, 'the card fits its page');
    await shot('3-edit');
  });

  it('3. fills in the masthead; the office is remembered', async () => {
    await step('document');
    await page.waitForSelector('#doc-title');
    // A slow studio: each save is answered 700 ms late. A field just left keeps what was typed while
    // its save is on the way (the old version, shown again as the save began, had blanked it).
    await page.setRequestInterception(true);
    const slow = (req: HTTPRequest) => void (req.method() === 'PATCH' ? setTimeout(() => void req.continue().catch(() => undefined), 700) : req.continue());
    page.on('request', slow);
    try {
      for (const [field, text] of [['title', '数说非公党建'], ['office', '中共示例县委组织部'], ['officeCode', '示组'], ['issue', '12'], ['speaker', '张县长'], ['keywords', '党建, 基层']]) {
        const input = await page.$(`#doc-${field}`);
        await input!.click({ clickCount: 3 });
        await input!.type(text!);
        await page.keyboard.press('Tab');
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(await input!.evaluate((el) => (el as HTMLInputElement).value), text, `#doc-${field} keeps its text while it is saved`);
      }
      await page.waitForFunction(() => document.querySelector('.save-state .saved'));
      // Once saved, a field shows what was stored: the keywords as the studio keeps them.
      await page.waitForFunction(() => (document.querySelector('#doc-keywords') as HTMLInputElement).value === '党建、基层', { timeout: 5_000 });
    } finally {
      page.off('request', slow);
      await page.setRequestInterception(false);
    }
    await page.waitForFunction(() => !document.querySelector('.document-form input.todo, .document-form input.bad') && document.querySelector('.save-state .saved'));
    await page.waitForFunction(() => {
      const frame = document.querySelector<HTMLIFrameElement>('.document-preview iframe.preview-frame:not(.loading)');
      return frame?.contentDocument?.body?.innerText.includes('数说非公党建') && frame.contentDocument.body.innerText.includes('第12期');
    }, { timeout: 10_000 });
    await shot('4-document');
    // Nothing lives only in the page: after a reload everything is there.
    await page.reload();
    await page.waitForSelector('#doc-title');
    await page.waitForFunction(() => (document.querySelector('#doc-title') as HTMLInputElement).value === '数说非公党建' && (document.querySelector('#doc-issue') as HTMLInputElement).value === '12');
    // Every change is a version that can be restored.
    await page.click('#versions-button');
    await page.waitForSelector('dialog.versions li.version');
    const notes = await page.$$eval('dialog.versions .version-note', (els) => els.map((e) => e.textContent));
    assert.ok(notes.includes('新建项目') && notes.some((n) => /修改标签：非公企业党组织覆盖面/.test(n!)), notes.join(' | '));
    await shot('9-versions');
    await page.click('dialog.versions .dialog-actions button');
  });

  it('4. previews every output as Chrome will print it, without running Chrome', async () => {
    await step('preview');
    await page.waitForSelector('.thumb');
    await page.waitForFunction(() => {
      const frames = [...document.querySelectorAll<HTMLIFrameElement>('.thumbs iframe.preview-frame')];
      return frames.length >= 7 && frames.slice(0, 7).every((f) => !f.classList.contains('loading'));
    }, { timeout: 30_000 });
    assert.match(await frameText('.large'), new RegExp(LABEL), 'the briefing shows the new label');
    assert.equal(await page.$eval('.warnings', (el) => el.textContent), '✓ 没有发现排版问题');
    await shot('5-preview');
  });

  it('5. is refused the export before sign-off', async () => {
    await step('export');
    await page.waitForSelector('.export-lock .locked');
    assert.match(await page.$eval('.export-lock', (el) => el.textContent ?? ''), /导出已锁定.*还有 6 个数据未经审校确认/);
    assert.equal(await page.$eval('#start-export', (b) => (b as HTMLButtonElement).disabled), true);
    // The server refuses it too, whatever the page shows.
    const refused = await page.evaluate(async (projectId) => {
      const csrf = document.querySelector<HTMLMetaElement>('meta[name="shushuo-csrf"]')!.content;
      const view = await (await fetch(`/api/projects/${encodeURIComponent(projectId)}`)).json();
      const res = await fetch(`/api/projects/${encodeURIComponent(projectId)}/exports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shushuo-csrf': csrf, 'if-match': `"v${view.version}"` },
        body: JSON.stringify({ only: ['briefing'], bleedMm: 0, marks: false, cmyk: false }),
      });
      return { status: res.status, body: await res.json() };
    }, id);
    assert.equal(refused.status, 423);
    assert.equal(refused.body.error, 'not-signed-off');
    assert.ok(!existsSync(join(DIR, id, 'exports')));
    await shot('6-locked');
  });

  it('6. signs off each figure with the reviewer’s name', async () => {
    await step('signoff');
    await page.waitForSelector('.signoff-item');
    const sentence = await page.$eval('.signoff-item[data-fig="fig-1"] .sentence', (el) => el.textContent);
    assert.match(sentence!, /全县非公企业党组织覆盖率近40%/);
    assert.equal(await page.$eval('.signoff-item[data-fig="fig-1"] .printed-big', (el) => el.textContent), '近40%');
    await page.type('#reviewer', '王审校');
    await page.click('.signoff-item[data-fig="fig-1"] button.confirm');
    await page.waitForSelector('.signoff-item.is-confirmed[data-fig="fig-1"]');
    await page.click('#confirm-all');
    await page.waitForFunction(() => document.querySelectorAll('.signoff-item.is-confirmed').length === 6);
    assert.match(await page.$eval('.signoff-progress', (el) => el.textContent ?? ''), /已确认 6 \/ 6/);
    await shot('7-signoff');
  });

  it('7. exports the briefing and a card as a ZIP, the same bytes as the CLI, with the sign-off in its manifest', async () => {
    await step('export');
    await page.waitForSelector('.export-lock .unlocked');
    // The briefing and one card, as --only briefing,card-fig-1-square.
    await page.click('input[name=group][value=gongwen]');
    await page.click('details.more-outputs summary');
    await page.click('input[name=output][value="card-fig-1-square"]');
    const chosen = await page.$$eval('input[name=output]:checked', (els) => els.map((e) => (e as HTMLInputElement).value));
    assert.deepEqual(chosen, ['briefing', 'card-fig-1-square']);
    await page.click('#start-export');
    await page.waitForSelector('#download-zip', { timeout: 90_000 });
    assert.equal(await page.$eval('#export-bar', (p) => (p as HTMLProgressElement).value), 2);
    await page.click('details.more-outputs summary');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('8-export');
    await page.click('#download-zip');
    let zipFile: string | undefined;
    for (let i = 0; i < 100 && !zipFile; i++) {
      await sleep(100);
      zipFile = readdirSync(DOWNLOADS).find((f) => f.endsWith('.zip'));
    }
    assert.ok(zipFile, 'the ZIP was downloaded');
    const entries = await unzip(join(DOWNLOADS, zipFile!));
    for (const name of ['briefing.pdf', 'card-fig-1-square.png', 'manifest.json', 'index.html']) assert.ok(entries.has(name), name);

    // The PDF has the new label and every figure with its qualifier.
    const pdf = join(ROOT, 'briefing.pdf');
    writeFileSync(pdf, entries.get('briefing.pdf')!);
    const text = spawnSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
    assert.ok(text.includes(LABEL), 'the edited label is in the PDF');
    for (const figure of ['近40%', '约45%', '300余家', '12家左右', '超过六成', '60名']) assert.ok(text.includes(figure), `${figure} in the PDF`);
    assert.ok(text.includes('数说非公党建') && text.includes('第12期'));

    // The sign-off: who, when, and the hash of the data that was signed.
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    const dataFile = join(DIR, id, 'data.yaml');
    assert.equal(manifest.signoff.reviewer, '王审校');
    assert.equal(manifest.signoff.data.sha256, sha(readFileSync(dataFile)));
    assert.deepEqual(manifest.signoff.figures.map((f: { printed: string }) => f.printed), ['近40%', '约45%', '300余家', '12家左右', '超过六成', '60名']);
    assert.ok(manifest.signoff.figures.every((f: { by: string; at: string }) => f.by === '王审校' && !Number.isNaN(Date.parse(f.at))));

    // The CLI, given the project's data.yaml and the same outputs, writes the same bytes.
    const cli = join(ROOT, 'cli');
    const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', relative(process.cwd(), dataFile), '--out', cli, '--only', 'briefing,card-fig-1-square'], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(run.status, 0, run.stderr);
    for (const name of ['briefing.pdf', 'card-fig-1-square.png']) {
      assert.equal(sha(entries.get(name)!), sha(readFileSync(join(cli, name))), `${name}: the studio's file and the CLI's differ`);
    }
    // The office remembers the issue exported: the next one is 13.
    const offices = JSON.parse(readFileSync(join(DIR, '.offices.json'), 'utf8'));
    assert.equal(offices['中共示例县委组织部'].lastIssue, 12);
    assert.deepEqual(errors, [], 'the page loaded nothing from outside the studio and raised no error');
  });
});
