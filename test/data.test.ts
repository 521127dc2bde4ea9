import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { DataError, loadData, parseData, readYaml, validateDraft } from '../src/data/load.js';
import { fragmentMismatches } from '../src/data/fragment.js';
import { formatFigure } from '../src/data/format.js';

const SOURCE = '../shared/sources/luoyang-2018-02-08-speech.txt';

/** A small valid data file; each test changes what it needs. */
function base(): Record<string, unknown> {
  return {
    document: { title: '数说乡村振兴', office: '青川县委办公室', issued: '2024-03-20', speechTitle: '在全县乡村振兴工作推进会上的讲话', speechDate: '2024-03-15' },
    sections: [
      { id: 's1', number: '一、', title: '巩固拓展脱贫攻坚成果', sections: [{ id: 's1-1', number: '一是', title: '产业发展势头良好' }, { id: 's1-2', number: '二是', title: '就业帮扶持续加力' }] },
      { id: 's2', number: '二、', title: '聚焦重点任务', sections: [{ id: 's2-1', number: '（一）', title: '抓好粮食生产', sections: [{ id: 's2-1-1', number: '1.', title: '稳面积' }] }] },
    ],
    figures: [{ id: 'villages', value: 12, unit: '个', label: '示范村', section: 's1-1', fragment: '建成示范村12个' }],
  };
}

const figure = (f: Record<string, unknown>) => {
  const d = base();
  d.figures = [{ id: 'f', label: '标签', section: 's1-1', ...f }];
  return parseData(stringify(d), 'd.yaml').figures[0]!;
};

/** The problems of a data file, as the CLI prints them. */
function problemsOf(d: Record<string, unknown>): string[] {
  try {
    parseData(stringify(d), 'bad.yaml');
  } catch (err) {
    assert.ok(err instanceof DataError, `expected a DataError, received ${String(err)}`);
    return err.problems.map((p) => `${p.field}: ${p.message}`);
  }
  assert.fail('expected the data to be rejected');
}

describe('a data file', () => {
  it('needs only title, office, issued, speechTitle, speechDate and figures; sections, speaker, issue, keywords are optional', () => {
    const d = base();
    delete d.sections;
    (d.figures as Record<string, unknown>[])[0]!.section = undefined;
    d.figures = [{ id: 'villages', value: 12, unit: '个', label: '示范村', fragment: '建成示范村12个' }];
    const data = parseData(stringify(d), 'min.yaml');
    assert.deepEqual(data.sections, []);
    assert.deepEqual(data.document.keywords, []);
    assert.equal(data.document.speaker, undefined);
  });

  it('keeps the tree of sections at any depth, with the numbering as printed', () => {
    const data = parseData(stringify(base()), 'd.yaml');
    assert.deepEqual(data.sections.map((s) => s.number), ['一、', '二、']);
    assert.equal(data.sections[1]!.sections[0]!.sections[0]!.number, '1.');
    assert.equal(data.figures[0]!.section, 's1-1');
  });

  it('loads the first speech, a review without a heading and three numbered parts', () => {
    const data = loadData('data/luoyang-2018-02-08.yaml');
    assert.deepEqual(data.sections.map((s) => s.number ?? ''), ['', '一、', '二、', '三、']);
    assert.deepEqual(data.sections[0]!.sections.map((s) => s.role), ['成绩', '问题']);
  });

  it('quotes fragments that stand in the speech', { skip: !exists(SOURCE) && 'shared speech not present' }, () => {
    const speech = readFileSync(SOURCE, 'utf8');
    for (const f of loadData('data/luoyang-2018-02-08.yaml').figures) assert.ok(speech.includes(f.fragment), `${f.id}: "${f.fragment}" is not in the speech`);
  });
});

describe('numbers as the speech writes them', () => {
  const cases: [Record<string, unknown>, { value: number; text: string; percent?: boolean }][] = [
    [{ value: '六成', qualifier: '超过', fragment: '超过六成农户参加合作社' }, { value: 60, text: '超过六成', percent: true }],
    [{ value: '四分之一', fragment: '占全县的四分之一' }, { value: 25, text: '四分之一', percent: true }],
    [{ value: '百分之八十', fragment: '百分之八十的村' }, { value: 80, text: '百分之八十', percent: true }],
    [{ value: '过半', fragment: '过半的村' }, { value: 50, text: '过半', percent: true }],
    [{ value: '两千', unit: '名', qualifier: '余', fragment: '两千余名党员' }, { value: 2000, text: '两千余名' }],
    [{ value: '3.5万', unit: '户', fragment: '惠及3.5万户' }, { value: 35000, text: '3.5万户' }],
    [{ value: 3.5, unit: '万户', fragment: '惠及3.5万户' }, { value: 3.5, text: '3.5万户' }],
    [{ value: 1234.5, unit: '亿元', fragment: '生产总值1234.5亿元' }, { value: 1234.5, text: '1234.5亿元' }],
    [{ value: '1,812', unit: '个', fragment: '新建阵地1,812个' }, { value: 1812, text: '1,812个' }],
    [{ value: '翻一番', fragment: '收入翻一番' }, { value: 2, text: '翻一番' }],
    [{ value: '三', unit: '倍', fragment: '是去年的三倍' }, { value: 3, text: '三倍' }],
  ];
  for (const [input, want] of cases) {
    it(`${String(input.value)}${String(input.unit ?? '')}: prints ${want.text}, charts ${want.value}`, () => {
      const f = figure(input);
      assert.equal(f.value, want.value);
      assert.equal(formatFigure(f).text, want.text);
      if (want.percent) assert.equal(f.percent, true);
    });
  }

  it('a number the fragment writes in Chinese numerals must be written so', () => {
    assert.deepEqual(problemsOf({ ...base(), figures: [{ id: 'f', value: 60, label: 'x', fragment: '超过六成农户', qualifier: '超过' }] }), [
      'figures[0].value: expected the number as the speech writes it, "六成", received 60 (write value: 六成)',
    ]);
  });

  it('a value that is neither a number nor a written one is refused with a hint', () => {
    const problems = problemsOf({ ...base(), figures: [{ id: 'f', value: '1812个', label: 'x', fragment: '1812个' }] });
    assert.match(problems[0]!, /figures\[0\]\.value: expected a number, or one as the speech writes it \(六成, 两千, 3\.5万, 1,812\), received "1812个" \(write 1812 and set unit: "个"\)/);
  });
});

describe('qualifiers where the speech puts them', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['约占45% (a verb between)', { value: 45, unit: '%', qualifier: '约', fragment: '脱贫户约占45%' }, '约45%'],
    ['突破5亿元', { value: 5, unit: '亿元', qualifier: '突破', fragment: '总产值突破5亿元' }, '突破5亿元'],
    ['至少2名', { value: 2, unit: '名', qualifier: '至少', fragment: '每村至少2名带头人' }, '至少2名'],
    ['不足10万元', { value: 10, unit: '万元', qualifier: '不足', fragment: '年收入不足10万元的村' }, '不足10万元'],
    ['12家左右 (after the unit)', { value: 12, unit: '家', qualifier: '左右', fragment: '培育龙头企业12家左右' }, '12家左右'],
    ['80万吨以上', { value: 80, unit: '万吨', qualifier: '以上', fragment: '稳定在80万吨以上' }, '80万吨以上'],
    ['300余家 (between number and unit)', { value: 300, unit: '家', qualifier: '余', fragment: '合作社300余家' }, '300余家'],
    ['2.4万余人', { value: '2.4万', unit: '人', qualifier: '余', fragment: '培训2.4万余人' }, '2.4万余人'],
    ['1年多 (多 after the unit)', { value: 1, unit: '年', qualifier: '多', qualifierAt: 'after', fragment: '用了1年多的时间' }, '1年多'],
    ['仅有78%、71% (a list)', { value: 71, unit: '%', qualifier: '仅有', fragment: '覆盖率仅有78%、71%' }, '仅有71%'],
  ];
  for (const [name, input, text] of cases) {
    it(`${name} prints ${text}`, () => assert.equal(formatFigure(figure(input)).text, text));
  }

  it('a qualifier the fragment states and the data leaves out is refused', () => {
    assert.deepEqual(fragmentMismatches({ value: 45, unit: '%', fragment: '约占45%' }).map((m) => m.message), ['expected 约, as the speech says ("约占45%"), received nothing']);
    assert.deepEqual(fragmentMismatches({ value: 300, unit: '家', fragment: '300余家' }).map((m) => m.field), ['qualifier']);
    assert.deepEqual(fragmentMismatches({ value: 80, unit: '万吨', fragment: '80万吨以上' }).map((m) => m.field), ['qualifier']);
  });

  it('a qualifier the data claims and the fragment lacks is refused', () => {
    assert.deepEqual(fragmentMismatches({ value: 45, unit: '%', qualifier: '近', fragment: '占45%' }).map((m) => m.message), ['expected no qualifier, since the fragment "占45%" does not say 近 next to 45, received 近']);
  });

  it('达到 is often a plain verb: the data may leave it out', () => {
    assert.deepEqual(fragmentMismatches({ value: 500, unit: '万元', fragment: '经费达到500万元' }), []);
    assert.deepEqual(fragmentMismatches({ value: 90, unit: '%', qualifier: '达到', fragment: '覆盖率达到90%' }), []);
  });

  it('近3年来 is not "nearly three years"', () => {
    assert.deepEqual(fragmentMismatches({ value: 3, unit: '年', fragment: '近3年来累计投入' }), []);
  });

  it('an unknown qualifier lists the vocabulary', () => {
    const problems = problemsOf({ ...base(), figures: [{ id: 'f', value: 40, unit: '%', qualifier: '差不多', label: 'x', fragment: '差不多40%' }] });
    assert.match(problems[0]!, /figures\[0\]\.qualifier: expected one of 近, 将近, 接近, 约, .*received "差不多"/);
  });
});

describe('what a figure is', () => {
  it('guesses the kind from the unit and the words, and the trend of a change', () => {
    const cases: [Record<string, unknown>, string, string?][] = [
      [{ value: 18.5, unit: '%', fragment: '收入同比增长18.5%' }, 'growth', 'up'],
      [{ value: 2.3, unit: '%', fragment: '风险户同比下降2.3%' }, 'growth', 'down'],
      [{ value: 63, unit: '%', fragment: '收入空白村占63%' }, 'share'],
      [{ value: 2.1, unit: '个百分点', fragment: '差距缩小2.1个百分点' }, 'points', 'down'],
      [{ value: 75, from: 40, unit: '%', fragment: '由40%提高到75%' }, 'from-to', 'up'],
      [{ value: 5, unit: '万元', fragment: '收入5万元' }, 'amount'],
      [{ value: 3, unit: '年', fragment: '用3年时间' }, 'duration'],
      [{ value: 3, unit: '位', fragment: '居全省第3位' }, 'rank'],
      [{ value: 3, unit: '倍', fragment: '是去年的3倍' }, 'multiple'],
      [{ value: 90, unit: '%', fragment: '力争覆盖率达到90%' }, 'target'],
      [{ value: 427, unit: '个', fragment: '427个村' }, 'count'],
    ];
    for (const [input, kind, trend] of cases) {
      const f = figure(input);
      assert.equal(f.kind, kind, String(input.fragment));
      assert.equal(f.trend, trend, String(input.fragment));
    }
  });

  it('a rank prints with 第', () => assert.equal(formatFigure(figure({ value: 3, unit: '位', fragment: '居全省第3位' })).text, '第3位'));

  it('a share must be a percentage, from 0 to 100', () => {
    assert.match(problemsOf({ ...base(), figures: [{ id: 'f', value: 12, unit: '个', kind: 'share', label: 'x', fragment: '12个' }] })[0]!, /figures\[0\]\.kind: expected a percentage/);
    assert.match(problemsOf({ ...base(), figures: [{ id: 'f', value: 147, unit: '%', kind: 'share', label: 'x', fragment: '占147%' }] })[0]!, /figures\[0\]\.value: expected a share from 0 to 100%, received 147 \(a rise of more than 100% is kind: growth\)/);
  });

  it('from-to needs the value it moved from, stated in the fragment', () => {
    assert.match(problemsOf({ ...base(), figures: [{ id: 'f', value: 75, unit: '%', kind: 'from-to', label: 'x', fragment: '由40%提高到75%' }] }).join('\n'), /figures\[0\]\.from: expected the value it moved from/);
    assert.match(problemsOf({ ...base(), figures: [{ id: 'f', value: 75, from: 30, unit: '%', label: 'x', fragment: '由40%提高到75%' }] }).join('\n'), /figures\[0\]\.from: expected a value the fragment gives before 75, received 30/);
  });

  it('a complement takes shares, written or not', () => {
    const d = base();
    d.figures = [{ id: 'six', value: '六成', label: 'x', fragment: '六成农户' }];
    d.derived = [{ id: 'rest', op: 'complement', from: ['six'], label: '其余' }];
    const data = parseData(stringify(d), 'd.yaml');
    assert.equal(data.derived[0]!.value, 40);
  });
});

describe('invalid data: every problem at once, at its line', () => {
  it('reports schema errors and rule errors in one pass', () => {
    const d = base();
    (d.document as Record<string, unknown>).issued = '2018-02-30';
    (d.document as Record<string, unknown>).issue = 'ten';
    d.figures = [
      { id: 'a', value: 12, unit: '个', label: 'x', section: 's9', fragment: '建成示范村12个' },
      { id: 'a', value: 13, unit: '个', label: 'y', fragment: '建成示范村12个' },
    ];
    const problems = problemsOf(d);
    assert.deepEqual(problems.sort(), [
      'document.issue: expected a whole number, received "ten"',
      'document.issued: expected a date on the calendar, received 2018-02-30',
      'figures[0].section: expected the id of a section (s1, s1-1, s1-2, s2, s2-1, s2-1-1), received "s9"',
      'figures[1].fragment: expected the words of the speech that state 13, received "建成示范村12个" (no 13 in it)',
      'figures[1].id: expected a unique id, received "a" (already used by figures[0])',
    ]);
  });

  it('names the line of each problem', () => {
    const text = stringify({ ...base(), figures: [{ id: 'f', value: 12, unit: '个', label: 'x', fragment: '建成示范村12个', section: 'nowhere' }] });
    try {
      parseData(text, 'd.yaml');
      assert.fail('accepted');
    } catch (err) {
      const p = (err as DataError).problems[0]!;
      assert.equal(text.split('\n')[p.line - 1]!.trim(), 'section: nowhere');
    }
  });

  it('a file of the old shape gets a hint about sections', () => {
    const d = base();
    d.structure = { review: {}, parts: [] };
    assert.match(problemsOf(d)[0]!, /^structure: expected no such field, received structure \(allowed: document, sections, figures, derived\); the structure is now a tree/);
  });

  it('names the file when it cannot be read', () => {
    assert.throws(() => loadData('no/such.yaml'), /no\/such\.yaml:0 \(file\): cannot read a data file \(ENOENT\)/);
  });
});

describe('drafts with placeholders', () => {
  const draft = () => {
    const d = base();
    (d.document as Record<string, unknown>).title = '待填写';
    d.figures = [{ id: 'f', value: 12, unit: '个', label: '待填写', section: 's1-1', fragment: '建成示范村12个' }];
    return d;
  };

  it('are refused as data, naming every placeholder', () => {
    assert.deepEqual(problemsOf(draft()), [
      'document.title: expected your text, received the placeholder 待填写 (fill it in)',
      'figures[0].label: expected your text, received the placeholder 待填写 (fill it in)',
    ]);
  });

  it('are checked as drafts: the figures are checked, the placeholders listed to fill in', () => {
    const { raw, at } = readYaml(stringify(draft()), 'draft.yaml');
    const { data, todo } = validateDraft(raw, 'draft.yaml', at, { placeholders: 'list' });
    assert.deepEqual(todo.map((t) => t.field), ['document.title', 'figures[0].label']);
    assert.equal(data.figures.length, 1);
    const bad = draft();
    (bad.figures as Record<string, unknown>[])[0]!.value = 13;
    const { raw: r2, at: a2 } = readYaml(stringify(bad), 'draft.yaml');
    assert.throws(() => validateDraft(r2, 'draft.yaml', a2, { placeholders: 'list' }), /figures\[0\]\.fragment: expected the words of the speech that state 13/);
  });
});

function exists(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}
