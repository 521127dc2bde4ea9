import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOutputs } from '../src/outputs.js';

const names = (only?: string[], layout?: string) => selectOutputs(only, layout).map((o) => o.name);

describe('selectOutputs', () => {
  it('renders the default set when no names are given: both briefing layouts, A3 and A2 posters', () => {
    assert.deepEqual(names(), ['briefing', 'briefing-gongwen', 'poster-a3', 'poster-a2']);
  });

  it('big sizes render on request', () => {
    assert.deepEqual(names(['poster-a0', 'board-2000x3000']), ['poster-a0', 'board-2000x3000']);
  });

  it('--layout keeps the briefing in that layout and the other outputs', () => {
    assert.deepEqual(names(undefined, 'gongwen'), ['briefing-gongwen', 'poster-a3', 'poster-a2']);
    assert.deepEqual(names(undefined, 'briefing'), ['briefing', 'poster-a3', 'poster-a2']);
    assert.deepEqual(names(['briefing-gongwen'], 'gongwen'), ['briefing-gongwen']);
  });

  it('refuses unknown names and layouts, and combinations that leave nothing', () => {
    assert.throws(() => names(undefined, 'memo'), /--layout: expected one of briefing, gongwen, received memo/);
    assert.throws(() => names(['poster-a9']), /--only: expected names from briefing, briefing-gongwen, poster-a3, poster-a2, poster-a1, poster-a0, board-600x800, board-1200x2000, board-2000x3000, received poster-a9/);
    assert.throws(() => names(['briefing'], 'gongwen'), /no output is both; the gongwen briefing is briefing-gongwen/);
  });
});
