// Every figure traces back to the speech: verify reports each one, render --source refuses the rest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadData } from '../src/data/load.js';
import { formatVerify, verifyFigures } from '../src/verify.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const SPEECH = '../shared/sources/luoyang-2018-02-08-speech.txt';
const OUT = 'test/__output__/verify';
const data = loadData(DATA);
const cli = (...args: string[]) => spawnSync('node', ['bin/shushuo.js', ...args], { encoding: 'utf8', timeout: 60_000 });

/** A speech written for the tests: every fragment of the data, in sentences, spaces dropped as typesetters do. */
const written = data.figures.map((f) => `会议指出，${f.fragment.replace(/ /g, '')}。`).join('\n');

describe('verifyFigures', () => {
  it('finds every fragment of the data in a speech that has them, ignoring spaces', () => {
    const checks = verifyFigures(data, written, 'speech.txt');
    assert.deepEqual(checks.filter((c) => !c.ok).map((c) => c.id), []);
    assert.equal(checks.find((c) => c.id === 'village-sites-built')!.line, 1 + data.figures.findIndex((f) => f.id === 'village-sites-built'));
    assert.match(formatVerify(checks, 'speech.txt'), /✓ all 15 figures verified against speech\.txt$/);
  });

  it('names the figure whose words are not in the speech, and where its number does stand', () => {
    const altered = written.replace('新建改造提升村级组织阵地1812个', '新建改造提升村级组织阵地1821个');
    const checks = verifyFigures(data, `${altered}\n去年建成1812个党群服务中心。`, 'speech.txt');
    const bad = checks.filter((c) => !c.ok);
    assert.deepEqual(bad.map((c) => c.id), ['village-sites-built']);
    assert.match(bad[0]!.problems[0]!, /fragment: expected “新建改造提升村级组织阵地 1812 个” in speech\.txt, received no such words; 1812 stands at line 16: “…去年建成1812个党群服务中心。…”/);
    const report = formatVerify(checks, 'speech.txt');
    assert.match(report, /^✗ village-sites-built\s+1812个$/m);
    assert.match(report, /✗ 1 of 15 figures do not verify against speech\.txt$/);
  });
});

describe('shushuo verify and render --source', { timeout: 120_000 }, () => {
  it('the shared speech verifies every figure of the default data', { skip: !existsSync(SPEECH) && 'shared speech not present' }, () => {
    const r = cli('verify', '--data', DATA, '--source', SPEECH);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout.match(/^✓ /gm)?.length, 16);
  });

  it('a speech that says otherwise fails verify (exit 1) and render --source (exit 2, nothing written)', () => {
    mkdirSync(OUT, { recursive: true });
    const source = existsSync(SPEECH) ? readFileSync(SPEECH, 'utf8') : written;
    const altered = join(OUT, 'altered.txt');
    writeFileSync(altered, source.replace(/近\s*40\s*%/, '近 45%'));
    const r = cli('verify', '--data', DATA, '--source', altered);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^✗ sites-substandard\s+近40%$/m);
    const out = join(OUT, 'render');
    const rr = cli('render', '--data', DATA, '--out', out, '--only', 'briefing', '--source', altered);
    assert.equal(rr.status, 2, rr.stderr);
    assert.match(rr.stderr, /figures that do not trace back to the speech, nothing written/);
    assert.equal(existsSync(out), false);
  });

  it('shushuo extract prints a draft data file that validates once its placeholders are filled in', () => {
    const r = cli('extract', 'test/fixtures/extract/sample-speech.txt');
    assert.equal(r.status, 0, r.stderr);
    mkdirSync(OUT, { recursive: true });
    const draft = join(OUT, 'draft.yaml');
    writeFileSync(draft, r.stdout);
    const v = cli('validate', '--data', draft);
    assert.equal(v.status, 2, 'a draft with placeholders is not data yet');
    assert.match(v.stderr, /document\.title: expected your text, received the placeholder 待填写 \(fill it in\)/);
    writeFileSync(draft, r.stdout.replaceAll('待填写', '示例'));
    const filled = cli('validate', '--data', draft);
    assert.equal(filled.status, 0, filled.stderr);
    assert.match(filled.stderr, /valid \(11 figures, 0 derived\)/);
  });
});
