// Speeches nobody wrote the code for, end to end, as a user meets them: extract a draft, fill in what a
// person must (the placeholders), render, and find every figure with its qualifier in the text of the
// PDFs. The hand edits a draft needed are printed per speech. Here every kind of output renders (the
// briefings, a poster, the WeChat images, two cards); `npm run bench:speeches` renders every default
// output of every speech, each card included.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isScalar, parseDocument, visit } from 'yaml';
import { loadData } from '../src/data/load.js';
import { formatFigure } from '../src/data/format.js';
import { selectOutputs } from '../src/view/outputs.js';
import { pdftext } from './poppler.js';

const DIR = 'test/fixtures/speeches';
const OUT = 'test/__output__/speeches';
const cli = (...args: string[]) => spawnSync('node', ['bin/shushuo.js', ...args], { encoding: 'utf8', timeout: 280_000 });

/** What a person writes where the draft says 待填写, by field. */
const FILL: Record<string, string> = {
  title: '数说（测试）',
  office: '测试县委办公室',
  issued: '2024-12-01',
  speechTitle: '在全县工作会议上的讲话',
  speechDate: '2024-11-28',
  label: '数据',
};

/** Fill the draft's placeholders as a person would; returns the data file and how many edits it took. */
export function fillDraft(draft: string): { yaml: string; edits: number } {
  const doc = parseDocument(draft);
  let edits = 0;
  for (const key of ['title', 'office', 'issued', 'speechTitle', 'speechDate']) {
    if (doc.getIn(['document', key]) === '待填写') {
      doc.setIn(['document', key], FILL[key]);
      edits++;
    }
  }
  // Sections the speech does not name (its opening runs of 一是 …) and labels.
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || !isScalar(pair.value) || pair.value.value !== '待填写') return;
      pair.value.value = pair.key.value === 'label' ? FILL.label : '工作回顾';
      edits++;
    },
  });
  return { yaml: doc.toString(), edits };
}

/** Every default output of every speech (npm run bench:speeches), not a sample of each kind */
const ALL = process.argv.includes('--all-outputs');
const speeches = readdirSync(DIR).filter((f) => f.endsWith('.txt')).map((f) => f.replace(/\.txt$/, ''));

describe('speeches of many shapes, end to end', { timeout: 600_000 }, () => {
  for (const name of speeches) {
    it(`${name}: extract, fill the placeholders, render every default output, every figure with its qualifier in the PDFs`, (t) => {
      const out = join(OUT, name);
      rmSync(out, { recursive: true, force: true });
      mkdirSync(out, { recursive: true });
      const extracted = cli('extract', join(DIR, `${name}.txt`));
      assert.equal(extracted.status, 0, extracted.stderr);
      const { yaml, edits } = fillDraft(extracted.stdout);
      const file = join(out, 'data.yaml');
      writeFileSync(file, yaml);
      const verified = cli('verify', '--data', file, '--source', join(DIR, `${name}.txt`));
      assert.equal(verified.status, 0, verified.stdout + verified.stderr);

      const data = loadData(file);
      // In npm test: the documents whose PDFs carry every figure, the long image and a card. The posters and
      // the other images are rendered from two speeches of other shapes by render.test and registry.test;
      // npm run bench:speeches renders every default output of every speech here.
      const only = ALL ? undefined : ['briefing', 'gongwen', 'wechat-long', `card-${data.figures[0]!.id}-square`];
      const r = cli('render', '--data', file, '--out', out, ...(only ? ['--only', only.join(',')] : []));
      assert.equal(r.status, 0, r.stderr);
      const expected = selectOutputs(only, undefined, data.figures.map((f) => f.id)).map((o) => o.name);
      const written = readdirSync(out).filter((f) => /\.(pdf|png)$/.test(f)).map((f) => f.replace(/\.(pdf|png)$/, ''));
      assert.deepEqual([...new Set(written)].sort(), [...expected].sort(), 'every default output is written');
      for (const pdf of ['briefing.pdf', 'briefing-gongwen.pdf', ...(ALL ? ['poster-a3.pdf', 'poster-a2.pdf'] : [])]) {
        const text = pdftext(join(out, pdf)).replace(/\s+/g, '');
        for (const f of data.figures) assert.ok(text.includes(formatFigure(f).text), `${pdf}: ${formatFigure(f).text} (${f.id}) is missing`);
      }
      t.diagnostic(`${name}: ${data.figures.length} figures, ${data.sections.length} top-level sections, ${edits} hand edits to render`);
      writeFileSync(join(out, 'edits.txt'), `${edits}\n`);
    });
  }
});
