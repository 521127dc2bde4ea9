// Page 1 of a PDF for the gallery, through the one long-lived shell that runs pdftoppm.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument, rgb } from 'pdf-lib';
import { firstPageImage } from '../src/image/first-page.js';

const OUT = 'test/__output__/first-page';
const poppler = spawnSync('pdftoppm', ['-v']).error === undefined;

/** A PDF of `pages` pages of w × h pt, page n filled with a grey of its own. */
async function pdf(name: string, w: number, h: number, pages = 1): Promise<string> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([w, h]).drawRectangle({ x: 0, y: 0, width: w, height: h, color: rgb(i * 0.3, i * 0.3, i * 0.3) });
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, name);
  writeFileSync(file, await doc.save());
  return file;
}

describe('firstPageImage', { skip: (!poppler && 'needs poppler-utils') || (process.platform !== 'linux' && 'reads /proc') }, () => {
  it('gives page 1 at the size asked, on its longer side', async () => {
    const image = await firstPageImage(await pdf('a4.pdf', 595, 842, 2), 400);
    assert.deepEqual([image?.width, image?.height], [283, 400]);
    assert.equal(image!.data[0], 0, 'page 1 is black; page 2 would be grey');
  });

  it('answers many asked at once, each with its own page', async () => {
    const files = await Promise.all([100, 200, 300, 400].map((w) => pdf(`w${w}.pdf`, w, 500)));
    const images = await Promise.all(files.map((f) => firstPageImage(f, 50)));
    assert.deepEqual(images.map((i) => i?.width), [10, 20, 30, 40]);
  });

  it('gives nothing for a file that is not a PDF, a missing one, or a name with a line break, and goes on', async () => {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'not.pdf'), 'not a pdf');
    assert.equal(await firstPageImage(join(OUT, 'not.pdf'), 100), undefined);
    assert.equal(await firstPageImage(join(OUT, 'missing.pdf'), 100), undefined);
    assert.equal(await firstPageImage(`${OUT}/a\nb.pdf`, 100), undefined);
    assert.equal((await firstPageImage(await pdf('after.pdf', 100, 100), 100))?.width, 100);
  });

  it('does not keep node running, and its shell ends with node', async () => {
    const script = `import { firstPageImage } from './src/image/first-page.ts';
      const image = await firstPageImage(${JSON.stringify(join(OUT, 'a4.pdf'))}, 40);
      console.log(image.width, image.height);`;
    // The shell inherits node's environment: a mark of this run's own finds it among the processes.
    const mark = `SHUSHUO_FIRST_PAGE_TEST=${process.pid}-${Date.now()}`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, [mark.split('=')[0]!]: mark.split('=')[1] } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout.trim(), /^\d+ 40$/);
    const marked = () =>
      readdirSync('/proc').filter((p) => {
        try {
          return /^\d+$/.test(p) && readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(mark);
        } catch {
          return false;
        }
      });
    const end = Date.now() + 3000;
    while (marked().length > 0 && Date.now() < end) await new Promise((done) => setTimeout(done, 50));
    assert.deepEqual(marked(), [], 'no process of that run is left');
  });
});
