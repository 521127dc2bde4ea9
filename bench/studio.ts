// How long a person waits in the studio, measured in Chrome as test/studio.test.ts drives it:
//   edit → preview   from pressing Enter on a changed label to the card preview showing it
//                    (the save, the server's new HTML, the frame's load, fonts and fit script)
//   export → files   from the click on 开始导出 to the page saying the export is done (a browser
//                    started, every chosen output rendered, post-processed and written)
// Prints the median of each, with the fastest and the slowest.
//
//   npm run bench:studio [-- --edits 9 --exports 3]

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import puppeteer, { type ElementHandle } from 'puppeteer-core';
import { LAUNCH_ARGS } from '../src/chrome/render.js';
import { findBrowser } from '../src/chrome/browser.js';
import { startStudio } from '../src/index.js';
import { makeDocx } from '../test/fixtures/studio/docx.js';

const { values } = parseArgs({ options: { edits: { type: 'string', default: '9' }, exports: { type: 'string', default: '3' } } });
const EDITS = Number(values.edits);
const EXPORTS = Number(values.exports);
const ROOT = resolve('test/__output__/bench-studio');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const report = (what: string, ms: number[]) =>
  process.stdout.write(`${what.padEnd(18)} median ${median(ms).toFixed(0).padStart(6)} ms   (fastest ${Math.min(...ms).toFixed(0)}, slowest ${Math.max(...ms).toFixed(0)}, ${ms.length} runs)\n`);

rmSync(ROOT, { recursive: true, force: true });
mkdirSync(ROOT, { recursive: true });
writeFileSync(join(ROOT, '讲话稿.docx'), makeDocx());
const studio = await startStudio({ port: 0, dir: join(ROOT, 'projects'), log: () => undefined, today: () => '2024-03-20' });
const browser = await puppeteer.launch({ executablePath: (await findBrowser()).path, pipe: true, headless: true, args: [...LAUNCH_ARGS, '--lang=zh-CN'] });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1440, height: 900 });
  const step = async (key: string) => {
    await page.click(`.step[data-step=${key}]`);
    await page.waitForFunction((k) => document.body.dataset.step === k, {}, key);
  };

  // A project from a Word speech, its first figure's card in the preview.
  await page.goto(studio.url);
  await page.waitForSelector('.dropzone');
  const input = (await page.$('input#speech-file')) as ElementHandle<HTMLInputElement> | null;
  await input!.uploadFile(join(ROOT, '讲话稿.docx'));
  await page.waitForSelector('.figures-table tbody.fig');
  await page.click('tbody.fig[data-fig="fig-1"] td.c-chart');
  await page.waitForFunction(() => document.querySelector('.card-preview iframe.preview-frame:not(.loading)'));

  // Edit → preview: the label changes each time, so every preview is new.
  const edits: number[] = [];
  for (let i = 0; i < EDITS; i++) {
    const text = `党组织覆盖面第${'一二三四五六七八九十'[i % 10]}稿`;
    const label = await page.$('tbody.fig[data-fig="fig-1"] input[name=label]');
    await label!.click({ clickCount: 3 });
    await label!.type(text);
    const started = performance.now();
    await page.keyboard.press('Enter');
    await page.waitForFunction((l) => {
      const frame = document.querySelector<HTMLIFrameElement>('.card-preview iframe.preview-frame:not(.loading)');
      return frame?.contentDocument?.body?.innerText.includes(l);
    }, { timeout: 30_000, polling: 'raf' }, text);
    edits.push(performance.now() - started);
    await page.waitForFunction(() => document.querySelector('.save-state .saved') || !document.querySelector('.save-state .saving'));
  }

  // The masthead, as a person fills it in (a new project's office and title are still to fill in).
  await step('document');
  await page.waitForSelector('#doc-title');
  for (const [field, text] of [['title', '数说非公党建'], ['office', '中共示例县委组织部'], ['officeCode', '示组'], ['issue', '12'], ['speaker', '张县长']]) {
    const box = await page.$(`#doc-${field}`);
    await box!.click({ clickCount: 3 });
    await box!.type(text!);
    await page.keyboard.press('Tab');
  }
  await page.waitForFunction(() => !document.querySelector('.document-form input.todo, .document-form input.bad') && document.querySelector('.save-state .saved'));

  // Sign off every figure, then export what the page offers first (the two briefings) again and again:
  // each export is a new folder, so every output is rendered.
  await step('signoff');
  await page.waitForSelector('.signoff-item');
  await page.type('#reviewer', '王审校');
  await page.click('#confirm-all');
  await page.waitForFunction(() => document.querySelectorAll('.signoff-item:not(.is-confirmed)').length === 0);
  await step('export');
  await page.waitForSelector('.export-lock .unlocked');
  await page.waitForFunction(() => document.querySelectorAll('input[name=output]:checked').length > 0);
  const chosen = await page.$$eval('input[name=output]:checked', (els) => els.map((e) => (e as HTMLInputElement).value));
  const exports: number[] = [];
  for (let i = 0; i < EXPORTS; i++) {
    await page.waitForFunction(() => !(document.querySelector('#start-export') as HTMLButtonElement).disabled);
    // The last export's progress stays on the page until the new one replaces it.
    await page.evaluate(() => document.querySelector('.progress-head')?.setAttribute('data-old', ''));
    const started = performance.now();
    await page.click('#start-export');
    await page.waitForFunction(() => {
      const head = document.querySelector('.progress-head:not([data-old]) strong');
      return head && head.textContent !== '正在导出…';
    }, { timeout: 300_000, polling: 100 });
    exports.push(performance.now() - started);
    const done = await page.$eval('.progress-head strong', (el) => el.textContent);
    if (done !== '导出完成') throw new Error(`export ${i + 1}: ${await page.$eval('.export-result', (el) => el.textContent)}`);
  }

  process.stdout.write(`studio bench: ${EDITS} edits of a figure's label, ${EXPORTS} exports of ${chosen.join(' + ')}\n`);
  report('edit → preview', edits);
  report('export → files', exports);
} finally {
  await browser.close();
  await studio.close();
}
