import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectOutputs } from '../src/outputs.js';

const names = (only?: string[], layout?: string) => selectOutputs(only, layout).map((o) => o.name);

describe('selectOutputs', () => {
  it('renders every output by default, both briefing layouts among them', () => {
    assert.deepEqual(names(), ['briefing', 'briefing-gongwen', 'poster-a2']);
  });

  it('--layout keeps the briefing in that layout and the other outputs', () => {
    assert.deepEqual(names(undefined, 'gongwen'), ['briefing-gongwen', 'poster-a2']);
    assert.deepEqual(names(undefined, 'briefing'), ['briefing', 'poster-a2']);
    assert.deepEqual(names(['briefing-gongwen'], 'gongwen'), ['briefing-gongwen']);
  });

  it('refuses unknown names and layouts, and combinations that leave nothing', () => {
    assert.throws(() => names(undefined, 'memo'), /--layout: expected one of briefing, gongwen, received memo/);
    assert.throws(() => names(['poster-a9']), /--only: expected names from briefing, briefing-gongwen, poster-a2, received poster-a9/);
    assert.throws(() => names(['briefing'], 'gongwen'), /no output is both; the gongwen briefing is briefing-gongwen/);
  });
});
