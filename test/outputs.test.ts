// Picking outputs by name, group and layout. The expected sets come from the registry (the templates'
// front matter, src/view/registry.ts), so a new template needs no edit here; the poster, WeChat and
// card groups are pinned because scripts and the studio name them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OUTPUTS, selectOutputs, TEMPLATE_GROUPS } from '../src/view/outputs.js';
import { loadRegistry } from '../src/view/registry.js';

const FIGURES = ['rounds', 'funds'];
const names = (only?: string[], layout?: string, figures: string[] | undefined = FIGURES) => selectOutputs(only, layout, figures).map((o) => o.name);
const CARDS = ['card-rounds-square', 'card-rounds-portrait', 'card-funds-square', 'card-funds-portrait'];
const registry = loadRegistry();
const DEFAULTS = OUTPUTS.filter((o) => o.default);
const NAMES = OUTPUTS.map((o) => o.name).join(', ');
const GROUPS = Object.keys(TEMPLATE_GROUPS).join(', ');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('selectOutputs', () => {
  it('renders the default set when no names are given: every default output of the registry, then every card', () => {
    assert.deepEqual(names(), [...DEFAULTS.map((o) => o.name), ...CARDS]);
    for (const name of ['briefing', 'briefing-gongwen', 'poster-a3', 'poster-a2', 'wechat-cover', 'wechat-square', 'wechat-long']) {
      assert.ok(DEFAULTS.some((o) => o.name === name), `${name} is a default output`);
    }
  });

  it('cards are named by figure; before the data is read any card name passes, after it only real figures', () => {
    assert.deepEqual(names(['card-funds-portrait']), ['card-funds-portrait']);
    assert.deepEqual(selectOutputs(['card-anything-square']).map((o) => o.name), []);
    assert.throws(() => names(['card-nothing-square']), new RegExp(escape(`for the figures rounds, funds; or groups: ${GROUPS}; received card-nothing-square`)));
    const card = selectOutputs(['card-rounds-square'], undefined, FIGURES)[0]!;
    assert.equal(card.figure, 'rounds');
    assert.deepEqual([card.png?.dpi, Math.round((card.page.widthMm / 25.4) * 72)], [72, 1080]);
  });

  it('takes groups as batch --template does: card, poster, wechat, briefing, gongwen', () => {
    assert.deepEqual(names(['card']), CARDS);
    assert.deepEqual(names(['poster', 'wechat-long']), ['poster-a3', 'poster-a2', 'wechat-long']);
    assert.deepEqual(names(['wechat', 'gongwen']), ['briefing-gongwen', 'wechat-cover', 'wechat-square', 'wechat-long']);
    assert.deepEqual(selectOutputs(['card']).map((o) => o.name), [], 'before the data is read, card is a known name');
    assert.throws(() => names(['cards']), new RegExp(escape(`; or groups: ${GROUPS}; received cards`)));
  });

  it('a group stands for its default outputs, or all of them when none is a default (summary)', () => {
    for (const group of registry.groups) {
      const members = OUTPUTS.filter((o) => o.group === group.name);
      const expected = members.some((o) => o.default) ? members.filter((o) => o.default) : members;
      if (members.length > 0) assert.deepEqual(names([group.name]), expected.map((o) => o.name), group.name);
    }
    assert.deepEqual(names(['summary']), ['summary']);
  });

  it('big sizes render on request', () => {
    assert.deepEqual(names(['poster-a0', 'board-2000x3000']), ['poster-a0', 'board-2000x3000']);
  });

  it('--layout keeps the briefing in that layout and the other outputs', () => {
    const without = (layout: string) => DEFAULTS.filter((o) => !o.layout || o.layout === layout).map((o) => o.name);
    assert.deepEqual(names(undefined, 'gongwen', []), without('gongwen'));
    assert.deepEqual(names(undefined, 'briefing', []), without('briefing'));
    assert.ok(!without('gongwen').includes('briefing') && without('gongwen').includes('poster-a3'));
    assert.deepEqual(names(['briefing-gongwen'], 'gongwen'), ['briefing-gongwen']);
  });

  it('refuses unknown names and layouts, and combinations that leave nothing', () => {
    assert.throws(() => names(undefined, 'memo'), /--layout: expected one of briefing, gongwen, received memo/);
    assert.throws(() => names(['poster-a9']), new RegExp(escape(`--only: expected names from ${NAMES}, card-<figure id>-square|portrait for the figures rounds, funds; or groups: ${GROUPS}; received poster-a9`)));
    assert.throws(() => names(['briefing'], 'gongwen'), /no output is both; the gongwen briefing is briefing-gongwen/);
  });
});
