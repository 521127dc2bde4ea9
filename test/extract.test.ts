import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseData } from '../src/data/load.js';
import { fragmentMismatches } from '../src/data/fragment.js';
import { draftYaml, extractCommand, extractFigures, fragmentProblem, type ExtractedFigure } from '../src/extract.js';
import { formatFigure } from '../src/format.js';

const FIXTURE = fileURLToPath(new URL('fixtures/extract/sample-speech.txt', import.meta.url));
const SPEECH = fileURLToPath(new URL('../../shared/sources/luoyang-2018-02-08-speech.txt', import.meta.url));
const DATA = fileURLToPath(new URL('../data/luoyang-2018-02-08.yaml', import.meta.url));

/** 近40%, 1900元左右: how the project prints a figure, to compare lists at a glance. */
const printed = (f: Pick<ExtractedFigure, 'value' | 'unit' | 'qualifier'>) =>
  formatFigure({ value: f.value, unit: f.unit, ...(f.qualifier ? { qualifier: f.qualifier } : {}) }).text;
const all = (text: string) => extractFigures(text).map(printed);

describe('extractFigures: what is not a figure', () => {
  it('skips dates, issue numbers and document numbers', () => {
    assert.deepEqual(all('2018年2月8日，第10期，2018 年 2 月 12 日，2017 年度，在 2017 年基础上，洛办〔2018〕10号。'), []);
  });
  it('skips ordinals and names: 十九大, 第一书记, 第 2 轮, 9+2, 四高一强一率先, 5G, 19大', () => {
    assert.deepEqual(all('党的十九大，第一书记，第 2 轮，第 3 次会议，第2批试点，“9+2”工作布局，“四高一强一率先”目标，5G 基站，党的19大，1+X。'), []);
  });
  it('skips heading numbers and numbers without a unit', () => {
    assert.deepEqual(all('1. 总体要求\n（2）工作任务\n3、保障措施\n编号 1234。'), []);
  });
  it('keeps a percentage change as a figure', () => {
    assert.deepEqual(all('专项经费同比提高 147%。'), ['147%']);
  });
  it('skips counts written in Chinese numerals, which name things: 五个方面, 四个意识, 三个清单', () => {
    assert.deepEqual(all('以五个方面重点任务为载体，增强“四个意识”，落实“三个清单”。'), []);
    assert.deepEqual(all('持续抓好五个方面重点任务，明确了 8 个方面重点任务。'), ['8个方面']);
  });
});

describe('extractFigures: thousands separators', () => {
  it('reads 1,812 as 1812, with the unit after it and a fragment within the data rule', () => {
    const figures = extractFigures('全市共有村级党组织1,812个，新建阵地 1,812 个。');
    assert.deepEqual(figures.map(printed), ['1812个', '1812个']);
    assert.deepEqual(figures.map((f) => f.fragment), ['全市共有村级党组织1,812个', '新建阵地 1,812 个']);
    for (const f of figures) assert.equal(fragmentProblem(f), undefined);
  });
  it('takes an ASCII comma only between groups of three digits as a separator', () => {
    assert.deepEqual(all('覆盖率 78%、71%，共 1，2 个，1,8120个。'), ['78%', '71%', '2个']);
  });
});

describe('the fragment rule: thousands separators and lists', () => {
  const problems = (value: number, unit: string, fragment: string, qualifier?: '仅有') =>
    fragmentMismatches({ value, unit, fragment, ...(qualifier ? { qualifier } : {}) }).map((m) => `${m.field}: ${m.message}`);

  it('finds 1812 in 1,812 and 1,812 个, not in 1，812, 18,12 or 1,8120', () => {
    assert.deepEqual(problems(1812, '个', '全市共有村级党组织1,812个'), []);
    assert.deepEqual(problems(1812, '个', '阵地 1,812 个'), []);
    for (const fragment of ['阵地1，812个', '阵地18,12个', '阵地1,8120个']) {
      assert.deepEqual(problems(1812, '个', fragment), [`fragment: expected the words of the speech that state 1812, received "${fragment}" (no 1812 in it)`]);
    }
  });
  it('gives 仅有 before a list to each of its numbers, with 和 or 及 before the last of three or more', () => {
    for (const fragment of ['仅有 78%、71%', '仅有 50%、40%、30%', '仅有 50%、40%和30%', '覆盖率仅有 50%、40%及 30%']) {
      for (const value of fragment.match(/\d+/g)!.map(Number)) assert.deepEqual(problems(value, '%', fragment, '仅有'), [], `${value} in ${fragment}`);
    }
    assert.deepEqual(problems(3, '个', '仅有 5 个、3 个', '仅有'), []);
    assert.deepEqual(problems(30, '%', '仅有 50%和30%'), []);
    assert.deepEqual(problems(30, '%', '仅有 50%和30%', '仅有'),
      ['qualifier: expected no qualifier, since the fragment "仅有 50%和30%" does not say 仅有 next to 30, received 仅有']);
    assert.deepEqual(problems(30, '%', '仅有 50%、40%、30%'), ['qualifier: expected 仅有, as the speech says ("仅有 50%、40%、30%"), received nothing']);
  });
});

describe('extractFigures: qualifiers and units', () => {
  it('reads the qualifiers before the number: 近, 约, 约有, 仅有, 超过', () => {
    assert.deepEqual(all('近40%不规范，约 50 个村，约有50个村，仅有 78%，超过 90%。'), ['近40%', '约50个村', '约50个村', '仅有78%', '超过90%']);
  });
  it('reads 左右 after the unit, and leaves 以上/以下 alone', () => {
    assert.deepEqual(all('提高到 1900 元左右，收入 5 万元以下，培训 300 人以上。'), ['1900元左右', '5万元', '300人']);
  });
  it('gives the qualifier of a list to each of its numbers', () => {
    assert.deepEqual(all('覆盖率仅有 78%、71%，差距很大。'), ['仅有78%', '仅有71%']);
    assert.deepEqual(all('覆盖率仅有 78%、71%、60%。'), ['仅有78%', '仅有71%', '仅有60%']);
    assert.deepEqual(all('覆盖率仅有 50%、40%和30%，仅有 50% 、40% 及 30%。'), ['仅有50%', '仅有40%', '仅有30%', '仅有50%', '仅有40%', '仅有30%']);
    assert.deepEqual(all('覆盖率仅有 50%和30%。'), ['仅有50%', '30%']);
    for (const f of extractFigures('覆盖率仅有 50%、40%和30%。')) {
      assert.equal(f.fragment, '覆盖率仅有 50%、40%和30%');
      assert.equal(f.label, '覆盖率');
      assert.equal(fragmentProblem(f), undefined);
    }
    assert.deepEqual(all('占 88%、其中收入空白村占 63%。'), ['88%', '63%']);
  });
  it('keeps 近 and 约 with the number they stand before, as the fragment rule does', () => {
    assert.deepEqual(all('不规范的近 40%、30%。'), ['近40%', '30%']);
    for (const f of extractFigures('不规范的约 40%、30%。')) assert.equal(fragmentProblem(f), undefined, `${f.value}: the draft must validate`);
  });
  it('takes the longest unit, but not 个村 when 村 begins a compound', () => {
    assert.deepEqual(all('8 个方面重点任务，约有50个村派系斗争，427 个村集体经济试点，5 万元，2.5 亿元，9轮次，3 个百分点。'),
      ['8个方面', '约50个村', '427个', '5万元', '2.5亿元', '9轮次', '3个百分点']);
  });
  it('reads decimals', () => {
    const [f] = extractFigures('增长 12.5%。');
    assert.equal(f?.value, 12.5);
  });
});

describe('extractFigures: fragments, labels, lines and headings', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const figures = extractFigures(text);

  it('finds the figures of the test speech, and nothing else', () => {
    assert.deepEqual(figures.map(printed), [
      '约3500人次', '超过90%', '2.5亿元', '仅有65%', '仅有58%', '300个', '5个方面', '860名左右', '近30%', '2000元左右', '约40个村',
    ]);
  });
  it('keeps each fragment short, exact, and within the data rule', () => {
    const lines = text.split('\n');
    for (const f of figures) {
      assert.ok(lines[f.line - 1]!.includes(f.fragment), `${f.fragment} is on line ${f.line}`);
      assert.ok([...f.fragment].length <= 40, f.fragment);
      assert.equal(fragmentProblem(f), undefined);
    }
    assert.equal(figures.find((f) => f.value === 58)?.fragment, '新兴领域覆盖率仅有 65%、58%');
    assert.equal(figures.find((f) => f.value === 2000)?.label, '村干部月报酬提高到');
  });
  it('tracks the headings through 一、 / （一） / 一是', () => {
    const path = (value: number) => figures.find((f) => f.value === value)!.headings.map((h) => `${h.level}:${h.numeral}:${h.title}`);
    assert.deepEqual(path(3500), ['3:一:培训扎实']);
    assert.deepEqual(path(65), ['3:一:覆盖不够']);
    assert.deepEqual(path(5), ['1:一:提高政治站位']);
    assert.deepEqual(path(860), ['1:一:提高政治站位', '2:一:抓好队伍建设']);
    assert.deepEqual(path(2000), ['1:二:夯实基层基础', '2:一:强化经费保障']);
    assert.deepEqual(path(40), ['1:二:夯实基层基础', '2:一:强化经费保障', '3:一:建好阵地']);
  });
});

describe('draftYaml', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const yaml = extractCommand(FIXTURE);

  it('writes a data file that the project validates once the placeholders are filled in, placing each figure under its heading', () => {
    assert.throws(() => parseData(yaml, 'draft.yaml'), /document\.title: expected your text, received the placeholder 待填写 \(fill it in\)/);
    const data = parseData(yaml.replaceAll('待填写', '示例'), 'draft.yaml');
    assert.equal(data.figures.length, 11);
    assert.equal(data.document.issue, 3);
    assert.equal(data.document.issued, '2019-03-05');
    assert.equal(data.document.speechDate, '2019-03-01');
    assert.equal(data.document.speaker, '王五');
    assert.equal(data.document.title, '示例');
    assert.deepEqual(data.structure.review.achievements.map((x) => x.title), ['培训扎实', '保障有力']);
    assert.deepEqual(data.structure.review.problems.map((x) => x.title), ['覆盖不够', '收入偏低']);
    assert.deepEqual(data.structure.parts.map((p) => `${p.numeral}${p.title}:${p.items.length}`), ['一提高政治站位:1', '二夯实基层基础:1']);
    const place = (value: number) => { const f = data.figures.find((x) => x.value === value)!; return `${f.part}/${f.item ?? ''}`; };
    assert.equal(place(3500), 'review/achievement-1');
    assert.equal(place(65), 'review/problem-1');
    assert.equal(place(5), 'part-1/');
    assert.equal(place(2000), 'part-2/part-2-item-1');
    assert.equal(data.derived.length, 0);
  });
  it('comments each figure with its line', () => {
    const comments = yaml.split('\n').filter((l) => /^  # line \d+/.test(l));
    assert.equal(comments.length, 11);
    assert.match(comments.at(-1)!, /^  # line 25: 二、夯实基层基础 › （一）强化经费保障 › 一是建好阵地/);
  });
  it('marks what a person must fill in, and fails validation only there when the header is missing', () => {
    const bare = '一、任务\n（一）保障。报酬提高到 1900 元左右。';
    const draft = draftYaml(bare, extractFigures(bare), { source: 'bare.txt' });
    assert.match(draft, /title: 待填写  # 待填写/);
    assert.throws(() => parseData(draft, 'draft.yaml'), (err: Error) => {
      const lines = err.message.split('\n');
      assert.ok(lines.length > 0 && lines.every((l) => /"待填写"/.test(l)), err.message);
      assert.ok(lines.some((l) => /document\.issue: expected a whole number, received "待填写"/.test(l)), err.message);
      return true;
    });
  });
  it('writes a minimal structure when the speech has no headings', () => {
    const draft = draftYaml('没有标题。增长 12%。', extractFigures('没有标题。增长 12%。'), { source: 'x.txt' });
    assert.match(draft, /- id: part-1  # 待填写/);
    assert.match(draft, /part: review\n/);
    assert.ok(text.length > 0);
  });
});

describe('the shared speech', { skip: !existsSync(SPEECH) && 'the shared speech is not on this machine' }, () => {
  const figures = existsSync(SPEECH) ? extractFigures(readFileSync(SPEECH, 'utf8')) : [];
  const expected = existsSync(SPEECH) ? parseData(readFileSync(DATA, 'utf8'), DATA).figures : [];

  /** The longest run of characters two fragments share. */
  const shared = (a: string, b: string) => {
    let best = 0;
    for (let i = 0; i < a.length; i++) for (let j = i + best + 1; j <= a.length && b.includes(a.slice(i, j)); j++) best = j - i;
    return best;
  };

  it('finds each of the 15 figures of the default data, with its value, unit and qualifier', () => {
    assert.equal(expected.length, 15);
    for (const want of expected) {
      const got = figures.filter((f) => printed(f) === printed(want));
      assert.ok(got.length > 0, `${want.id} (${printed(want)}) not found; found ${figures.map(printed).join(' ')}`);
      assert.ok(got.some((f) => shared(f.fragment, want.fragment) >= Math.min(f.fragment.length, want.fragment.length) / 2),
        `${want.id}: "${want.fragment}" and "${got.map((f) => f.fragment).join('" / "')}" hardly overlap`);
    }
  });
  it('finds nothing beyond them: no dates, issue numbers, ordinals or names', () => {
    assert.deepEqual(figures.map(printed).sort(), expected.map(printed).sort());
  });
  it('writes a draft that validates once its placeholders are filled in, with the structure of the default data', () => {
    const data = parseData(extractCommand(SPEECH).replaceAll('待填写', '示例'), 'draft.yaml');
    const want = parseData(readFileSync(DATA, 'utf8'), DATA);
    assert.deepEqual(data.structure.review.achievements.map((x) => x.title), want.structure.review.achievements.map((x) => x.title));
    assert.deepEqual(data.structure.review.problems.map((x) => x.title), want.structure.review.problems.map((x) => x.title));
    assert.deepEqual(data.structure.parts.map((p) => p.items.map((x) => x.title)), want.structure.parts.map((p) => p.items.map((x) => x.title)));
    assert.equal(data.document.speechTitle, want.document.speechTitle);
    assert.equal(data.document.meeting, want.document.meeting);
  });
});
