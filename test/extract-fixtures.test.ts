// extract against the test speeches and their answer keys (test/fixtures/speeches/NAME.txt +
// NAME.key.yaml), and against the Luoyang speech's data file when the speech is on this machine.
// A drafted figure matches a key figure when line, value, unit, qualifier and written form are equal;
// recall = matched / key figures, precision = matched / drafted figures. The scoring is
// bench/extract.ts's, which prints the same numbers as a table (npm run bench:extract).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFixtures, scoreFixture, scoreLine } from '../bench/extract.js';

const MIN_RECALL = 0.95;
const MIN_PRECISION = 0.95;
const MIN_KINDS = 0.9;

const fixtures = loadFixtures();

describe('extract on the test speeches', () => {
  it('has speeches to score', () => assert.ok(fixtures.length >= 1, 'no test/fixtures/speeches/*.key.yaml'));

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const score = scoreFixture(fx);

      it('finds the key figures and little else', (t) => {
        t.diagnostic(scoreLine(score));
        assert.ok(score.recall >= MIN_RECALL, `recall ${score.recall.toFixed(3)}; misses:\n${score.misses.join('\n')}`);
        assert.ok(score.precision >= MIN_PRECISION, `precision ${score.precision.toFixed(3)}; false hits:\n${score.falseHits.join('\n')}`);
      });

      it('takes no number that the key says is no figure', () => {
        assert.deepEqual(score.falseFigures, []);
      });

      it('gives most matched figures the key\'s kind', () => {
        assert.ok(score.kinds >= MIN_KINDS, `kinds ${score.kinds.toFixed(3)}:\n${score.kindMisses.join('\n')}`);
      });

      if (fx.key.sections !== undefined) {
        it('rebuilds the key\'s section tree: numbers and titles', () => {
          assert.deepEqual(score.sectionProblems, []);
        });
      }

      it('guesses the speech title and date', () => {
        assert.deepEqual(score.documentProblems.filter((p) => !p.startsWith('speaker')), []);
      });

      it('writes a draft that validates as a draft, and every figure verifies against the speech', () => {
        assert.deepEqual(score.invalid, [], score.draft);
        assert.deepEqual(score.unverified, []);
      });
    });
  }
});
