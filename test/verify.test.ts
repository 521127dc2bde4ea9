// Every figure traces back to the speech: verify reports each one, render --source refuses the rest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadData, parseData } from '../src/data/load.js';
import { formatVerify, verifyFigures } from '../src/data/verify.js';

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

describe('verifyFigures: the fragment rule, figure by figure', () => {
  const speech = '全市村级阵地有近40%建设不规范。新建改造提升村级组织阵地1,812个。非公企业和社会组织党组织覆盖率仅有 50%、40%和30%。培训党员 3500 人次。';
  const figure = (id: string, value: number, unit: string, qualifier: string | undefined, fragment: string) =>
    `  - { id: ${id}, value: ${value}, unit: "${unit}",${qualifier ? ` qualifier: ${qualifier},` : ''} label: 示例, section: a-1, fragment: "${fragment}" }`;
  const yaml = [
    'document: { title: 示例, office: 示例办公室, issue: 1, issued: 2019-03-05, speaker: 王五, meeting: 示例会议, speechTitle: 示例讲话, speechDate: 2019-03-01, keywords: [示例] }',
    'sections:',
    '  - { id: review, title: 回顾, sections: [{ id: a-1, number: 一是, title: 成绩 }, { id: p-1, number: 二是, title: 问题 }] }',
    '  - { id: part-1, number: 一、, title: 任务, itemsName: 重点任务, sections: [{ id: t-1, number: （一）, title: 任务一 }] }',
    'figures:',
    figure('sites', 40, '%', '约', '全市村级阵地有近40%建设不规范'),
    figure('built', 1812, '个村', undefined, '新建改造提升村级组织阵地1,812个'),
    figure('coverage', 30, '%', '仅有', '覆盖率仅有 50%、40%和30%'),
    figure('trained', 3600, '人次', undefined, '培训党员 3500 人次'),
    figure('missing', 2, '个', '近', '近2%还没有或租用阵地'),
  ].join('\n');

  it('fails to load with the rule on, as data errors', () => {
    assert.throws(() => parseData(yaml, 'small.yaml'), /small\.yaml:\d+ figures\[0\]\.qualifier: expected 近/);
  });

  it('lists every difference of each figure when the data is read without the rule', () => {
    const checks = verifyFigures(parseData(yaml, 'small.yaml', { fragmentRule: false }), speech, 'speech.txt');
    assert.deepEqual(checks.map((c) => `${c.id} ${c.ok} ${c.problems.length}`), ['sites false 1', 'built false 1', 'coverage true 0', 'trained false 1', 'missing false 2']);
    assert.equal(formatVerify(checks, 'speech.txt'), [
      '✗ sites     约40%  (speech.txt:1)',
      '    qualifier: expected 近, as the speech says ("全市村级阵地有近40%建设不规范"), received 约',
      '✗ built     1812个村  (speech.txt:1)',
      '    unit: expected the unit the fragment gives after 1812 ("个…"), received "个村"',
      '✓ coverage  仅有30%  (speech.txt:1)',
      '✗ trained   3600人次  (speech.txt:1)',
      '    fragment: expected the words of the speech that state 3600, received "培训党员 3500 人次" (no 3600 in it)',
      '✗ missing   近2个',
      '    fragment: expected “近2%还没有或租用阵地” in speech.txt, received no such words; 2 is nowhere in it',
      '    unit: expected the unit the fragment gives after 2 ("%还没有…"), received "个"',
      '✗ 4 of 5 figures do not verify against speech.txt',
    ].join('\n'));
  });

  it('finds where a number stands when the speech writes it with thousands separators', () => {
    const checks = verifyFigures(parseData(yaml.replace('阵地1,812个"', '阵地 1812 个村"'), 'small.yaml', { fragmentRule: false }), speech, 'speech.txt');
    assert.deepEqual(checks.find((c) => c.id === 'built')!.problems, [
      'fragment: expected “新建改造提升村级组织阵地 1812 个村” in speech.txt, received no such words; 1812 stands at line 1: “…新建改造提升村级组织阵地1,812个。非公企业和社…”',
    ]);
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

  it('verify lists a wrong qualifier in the data under its figure (exit 1), where render and validate call it invalid data (exit 2)', () => {
    mkdirSync(OUT, { recursive: true });
    const wrong = join(OUT, 'wrong-qualifier.yaml');
    const text = readFileSync(DATA, 'utf8');
    writeFileSync(wrong, text.replace('qualifier: 近', 'qualifier: 约'));
    const source = existsSync(SPEECH) ? SPEECH : join(OUT, 'written.txt');
    if (!existsSync(SPEECH)) writeFileSync(source, written);
    const r = cli('verify', '--data', wrong, '--source', source);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^✗ \S+\s+约\d+/m);
    assert.match(r.stdout, /^    qualifier: expected 近, as the speech says/m);
    assert.equal(cli('validate', '--data', wrong).status, 2);
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
    assert.match(filled.stderr, /valid \(12 figures, 0 derived\)/);
  });
});
