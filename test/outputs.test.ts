import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOutputs } from '../src/view/outputs.js';

const FIGURES = ['rounds', 'funds'];
const names = (only?: string[], layout?: string, figures: string[] | undefined = FIGURES) => selectOutputs(only, layout, figures).map((o) => o.name);
const CARDS = ['card-rounds-square', 'card-rounds-portrait', 'card-funds-square', 'card-funds-portrait'];

describe('selectOutputs', () => {
  it('renders the default set when no names are given: both briefing layouts, A3 and A2 posters, the WeChat covers, every card', () => {
    assert.deepEqual(names(), ['briefing', 'briefing-gongwen', 'poster-a3', 'poster-a2', 'wechat-cover', 'wechat-square', 'wechat-long', ...CARDS]);
  });

  it('cards are named by figure; before the data is read any card name passes, after it only real figures', () => {
    assert.deepEqual(names(['card-funds-portrait']), ['card-funds-portrait']);
    assert.deepEqual(selectOutputs(['card-anything-square']).map((o) => o.name), []);
    assert.throws(() => names(['card-nothing-square']), /for the figures rounds, funds; or groups: briefing, gongwen, poster, wechat, card; received card-nothing-square/);
    const card = selectOutputs(['card-rounds-square'], undefined, FIGURES)[0]!;
    assert.equal(card.figure, 'rounds');
    assert.deepEqual([card.png?.dpi, Math.round((card.page.widthMm / 25.4) * 72)], [72, 1080]);
  });

  it('takes groups as batch --template does: card, poster, wechat, briefing, gongwen', () => {
    assert.deepEqual(names(['card']), CARDS);
    assert.deepEqual(names(['poster', 'wechat-long']), ['poster-a3', 'poster-a2', 'wechat-long']);
    assert.deepEqual(names(['wechat', 'gongwen']), ['briefing-gongwen', 'wechat-cover', 'wechat-square', 'wechat-long']);
    assert.deepEqual(selectOutputs(['card']).map((o) => o.name), [], 'before the data is read, card is a known name');
    assert.throws(() => names(['cards']), /; or groups: briefing, gongwen, poster, wechat, card; received cards/);
  });

  it('big sizes render on request', () => {
    assert.deepEqual(names(['poster-a0', 'board-2000x3000']), ['poster-a0', 'board-2000x3000']);
  });

  it('--layout keeps the briefing in that layout and the other outputs', () => {
    assert.deepEqual(names(undefined, 'gongwen', []), ['briefing-gongwen', 'poster-a3', 'poster-a2', 'wechat-cover', 'wechat-square', 'wechat-long']);
    assert.deepEqual(names(undefined, 'briefing', []), ['briefing', 'poster-a3', 'poster-a2', 'wechat-cover', 'wechat-square', 'wechat-long']);
    assert.deepEqual(names(['briefing-gongwen'], 'gongwen'), ['briefing-gongwen']);
  });

  it('refuses unknown names and layouts, and combinations that leave nothing', () => {
    assert.throws(() => names(undefined, 'memo'), /--layout: expected one of briefing, gongwen, received memo/);
    assert.throws(() => names(['poster-a9']), /--only: expected names from briefing, briefing-gongwen, poster-a3, poster-a2, poster-a1, poster-a0, board-600x800, board-1200x2000, board-2000x3000, wechat-cover, wechat-square, wechat-long, card-<figure id>-square\|portrait for the figures rounds, funds; or groups: briefing, gongwen, poster, wechat, card; received poster-a9/);
    assert.throws(() => names(['briefing'], 'gongwen'), /no output is both; the gongwen briefing is briefing-gongwen/);
  });
});
