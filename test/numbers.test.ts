// One source of truth for every number: the text of every output (its HTML, charts included) holds
// no number that is not one of the data's formatted values, a labelled derived value, or a number of
// the data's own words (dates, issue, titles, the speech's fragments). List markers (1. and （1）) aside.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadData } from '../src/data/load.js';
import { formatFigure } from '../src/data/format.js';
import { allowedNumbers, SPEECHES } from './speeches.js';
import { TEMPLATES_DIR } from '../src/index.js';
import { OUTPUTS, selectOutputs } from '../src/view/outputs.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';

const digits = (s: string) => [...s.matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]);

/** The text a reader sees: no head, scripts, styles, SVG titles and descriptions, or tags. */
function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<(script|style|title|desc)[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/(?<![\d.])\d{1,2}\.(?!\d)|（\d{1,2}）|附件\d{1,2}/g, ' '); // list and attachment markers
}

for (const [name, file] of Object.entries(SPEECHES)) {
  const data = loadData(file);
  const view = buildView(data);
  const ids = data.figures.map((f) => f.id);
  const allowed = allowedNumbers(data);

  describe(`${name}: every number in every output comes from the data`, () => {
    const outputs = selectOutputs([...OUTPUTS.map((o) => o.name), ...ids.flatMap((id) => [`card-${id}-square`, `card-${id}-portrait`])], undefined, ids);

    for (const output of outputs) {
      it(`${output.name}: only the data's numbers`, () => {
        const text = visibleText(renderHtml(TEMPLATES_DIR, view, output, { ...output.page, bleedMm: 0 }, ''));
        const strays = [...new Set(digits(text).filter((d) => !allowed.has(d)))];
        assert.deepEqual(strays, [], `numbers in ${output.name} that are not in the data`);
      });
    }

    it('every figure appears with its qualifier, formatted by the one helper, in every output that shows all figures (the briefings, the posters, the long image …)', () => {
      const all = OUTPUTS.filter((o) => o.shows === 'all');
      for (const name of ['briefing', 'briefing-gongwen', 'poster-a2', 'wechat-long']) assert.ok(all.some((o) => o.name === name), `${name} shows every figure`);
      for (const { name: out } of all) {
        const output = selectOutputs([out], undefined, ids)[0]!;
        const text = visibleText(renderHtml(TEMPLATES_DIR, view, output, { ...output.page, bleedMm: 0 }, '')).replace(/\s+/g, '');
        for (const f of data.figures) assert.ok(text.includes(formatFigure(f).text), `${out}: ${formatFigure(f).text} (${f.id}) is missing`);
      }
    });
  });
}
