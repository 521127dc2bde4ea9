import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseData, readYaml, validateDraft } from '../src/data/load.js';
import { fragmentMismatches } from '../src/data/fragment.js';
import { guessKind } from '../src/data/kinds.js';
import {
  dateIn, draftYaml, extract, extractCommand, extractFigures, findSections, fragmentProblem, guessDocument,
  type ExtractedFigure, type ExtractedSection,
} from '../src/data/extract.js';
import { formatFigure } from '../src/data/format.js';
import { verifyFigures } from '../src/data/verify.js';

const FIXTURE = fileURLToPath(new URL('fixtures/extract/sample-speech.txt', import.meta.url));

/** 近40%, 1900元左右, 300余家: how the project prints a figure, to compare lists at a glance. */
const printed = (f: Pick<ExtractedFigure, 'value' | 'unit' | 'qualifier' | 'qualifierAt' | 'written' | 'kind'>) =>
  formatFigure({ value: f.value, unit: f.unit, kind: f.kind, ...(f.written !== undefined ? { written: f.written } : {}), ...(f.qualifier ? { qualifier: f.qualifier } : {}), ...(f.qualifierAt ? { qualifierAt: f.qualifierAt } : {}) }).text;
const all = (text: string) => extractFigures(text).map(printed);
const one = (text: string) => {
  const found = extractFigures(text);
  assert.equal(found.length, 1, `one figure in "${text}", found ${found.map(printed).join(' ')}`);
  return found[0]!;
};

/** The draft of a speech: it must validate as a draft and every figure must verify against the speech. */
function checkedDraft(text: string) {
  const yaml = draftYaml(text, { source: 'speech.txt' });
  const { raw, at } = readYaml(yaml, 'draft.yaml');
  const draft = validateDraft(raw, 'draft.yaml', at, { placeholders: 'list' });
  const checks = verifyFigures(draft.data, text, 'speech.txt');
  assert.deepEqual(checks.filter((c) => !c.ok).map((c) => `${c.id} ${c.text}: ${c.problems.join('; ')}`), []);
  return { yaml, draft };
}

const tree = (sections: ExtractedSection[]): unknown[] =>
  sections.map((s) => (s.sections.length > 0 ? [`${s.number ?? ''}${s.title}`, tree(s.sections)] : `${s.number ?? ''}${s.title}`));

describe('extractFigures: what is not a figure', () => {
  it('skips dates, issue numbers and document numbers', () => {
    assert.deepEqual(all('2018年2月8日，第10期，2018 年 2 月 12 日，2017 年度，在 2017 年基础上，洛办〔2018〕10号，青发〔2023〕5号。'), []);
    assert.deepEqual(all('二〇二三年十二月二十八日，3月15日，4月底，2024年度，比二〇一八年，1—9月，2023年以来。'), []);
  });
  it('skips ordinals and names: 十九大, 第一书记, 第 2 轮, 9+2, 四高一强一率先, 5G, 19大, 4A级, PM2.5, 9·18, 1+N', () => {
    assert.deepEqual(all('党的十九大，第一书记，第 2 轮，第 3 次会议，第2批试点，“9+2”工作布局，“四高一强一率先”目标，5G 基站，党的19大，1+X，4A级景区，PM2.5浓度，“9·18”，“1+N”政策体系，十七届人大三次会议。'), []);
  });
  it('skips ages, phone numbers, hotlines and numbers without a unit', () => {
    assert.deepEqual(all('35岁以下的青年，五十五岁以上，举报电话0839-6213456，12345政务服务便民热线，12315热线，编号 1234。'), []);
  });
  it('skips heading numbers', () => {
    assert.deepEqual(all('1. 总体要求\n（2）工作任务\n3、保障措施\n（一）队伍建设'), []);
  });
  it('keeps a percentage change as a figure', () => {
    assert.deepEqual(all('专项经费同比提高 147%。'), ['147%']);
  });
  it('skips counts in Chinese numerals that name things: 五个方面, 四个意识, 三项制度, 十件实事, 一批', () => {
    assert.deepEqual(all('以五个方面重点任务为载体，增强“四个意识”，深化“三项制度”改革，办好十件民生实事，一批项目落地，讲两个方面的意见。'), []);
    assert.deepEqual(all('持续抓好五个方面重点任务，明确了 8 个方面重点任务。'), ['8个方面']);
  });
  it('skips round words, ranges and time frames: 上千家, 几百人, 百万人口, 三四百人, 近5年, 一年来, 排名后5位', () => {
    assert.deepEqual(all('上千家企业、几百人参加，百万人口大县，千亿级产业集群，三四百人，两三个村，近5年来，一年来，过去5年，用一天时间，对排名后5位的县区通报。'), []);
    assert.deepEqual(all('近千名干部，千余家企业。'), ['近千名', '千余家']);
    assert.deepEqual(all('工程历时近2年，用3年时间完成。'), ['近2年', '3年']);
  });
});

describe('extractFigures: numbers as the speech writes them', () => {
  it('reads 1,812 with its separator as the written form', () => {
    const figures = extractFigures('全市共有村级党组织1,812个，新建阵地 1,812 个。');
    assert.deepEqual(figures.map(printed), ['1,812个', '1,812个']);
    assert.deepEqual(figures.map((f) => [f.value, f.written]), [[1812, '1,812'], [1812, '1,812']]);
    assert.deepEqual(figures.map((f) => f.fragment), ['全市共有村级党组织1,812个', '新建阵地 1,812 个']);
    for (const f of figures) assert.equal(fragmentProblem(f), undefined);
  });
  it('takes an ASCII comma only between groups of three digits as a separator', () => {
    assert.deepEqual(all('覆盖率 78%、71%，共 1，2 个，1,8120个。'), ['78%', '71%', '2个']);
  });
  it('gives an amount its scale in the unit (1234.5亿元) and a count its scale in the number (3.5万户)', () => {
    const [gdp, homes, people, area, visitors] = extractFigures('生产总值1234.5亿元，改造3.5万户，外出务工2.4万余人，改造面积42.6万平方米，接待游客1860万人次。');
    assert.deepEqual([gdp!.value, gdp!.unit, gdp!.written], [1234.5, '亿元', undefined]);
    assert.deepEqual([homes!.value, homes!.unit, homes!.written], [35000, '户', '3.5万']);
    assert.deepEqual([people!.value, people!.unit, people!.written, people!.qualifier], [24000, '人', '2.4万', '余']);
    assert.deepEqual([area!.value, area!.unit], [42.6, '万平方米']);
    assert.deepEqual([visitors!.value, visitors!.unit, visitors!.written], [18600000, '人次', '1860万']);
  });
  it('reads Chinese numerals: shares, multiples, counts above ten or with a qualifier', () => {
    const text = '超过六成，七成，近三成长期未参加，四分之一，过半的书记，百分之八十的人才，覆盖率达到百分之百，两千余名党员，' +
      '人才总量翻一番，是二〇二〇年的三倍，在十二个村试点，引进人才一万五千人，提高了五个百分点，选派三名干部，用三年时间完成转化。';
    assert.deepEqual(extractFigures(text).map((f) => [f.written, f.value, f.unit, f.qualifier ?? '', f.kind]), [
      ['六成', 60, '', '超过', 'share'], ['七成', 70, '', '', 'share'], ['三成', 30, '', '近', 'share'], ['四分之一', 25, '', '', 'share'],
      ['过半', 50, '', '', 'share'], ['百分之八十', 80, '', '', 'share'], ['百分之百', 100, '', '', 'share'], ['两千', 2000, '名', '余', 'count'],
      ['翻一番', 2, '', '', 'multiple'], ['三', 3, '倍', '', 'multiple'], ['十二', 12, '个', '', 'count'], ['一万五千', 15000, '人', '', 'count'],
      ['五', 5, '个百分点', '', 'points'], ['三', 3, '名', '', 'count'], ['三', 3, '年', '', 'duration'],
    ]);
  });
  it('reads decimals as the speech writes them', () => {
    assert.equal(one('增长 12.5%。').value, 12.5);
    assert.deepEqual([one('比例0.125%。').value, one('比例0.125%。').written, one('收入1.125亿元。').value, one('收入1.125亿元。').unit], [0.125, undefined, 1.125, '亿元']);
    checkedDraft('比例0.125%，收入1.125亿元，改造3.5 万户。');
  });
  it('reads a place: 居全省第3位, not 第3次', () => {
    const f = one('经济总量居全省第3位，县政府第3次常务会议。');
    assert.deepEqual([f.value, f.unit, f.kind, printed(f)], [3, '位', 'rank', '第3位']);
    assert.equal(fragmentProblem(f), undefined);
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

describe('extractFigures: qualifiers', () => {
  it('reads the qualifiers before the number: 近, 约, 约占, 仅有, 仅为, 超过, 不少于, 突破, 不足', () => {
    assert.deepEqual(all('近40%不规范，约 50 个村，约有50个村，约占45%，仅有 78%，仅为62%，超过 90%，不少于150个，突破5亿元，不足20万元。'),
      ['近40%', '约50个', '约50个', '约45%', '仅有78%', '仅62%', '超过90%', '不少于150个', '突破5亿元', '不足20万元']);
  });
  it('reads 余 and 多 between number and unit, and 左右, 以上, 以下, 以内 after the unit', () => {
    assert.deepEqual(all('新增合作社300余家，100多名干部，提高到 1900 元左右，收入 5 万元以下，培训 300 人以上，控制在5.5%以内。'),
      ['300余家', '100多名', '1900元左右', '5万元以下', '300人以上', '5.5%以内']);
  });
  it('writes qualifierAt only where the word stands away from its usual place: 1年多', () => {
    const f = one('历时1年多，完成改造。');
    assert.deepEqual([f.qualifier, f.qualifierAt], ['多', 'after']);
    assert.equal(one('新增300余家。').qualifierAt, undefined);
  });
  it('takes 达到 as a qualifier only where it states a value to reach', () => {
    assert.equal(one('全县农村卫生厕所普及率达到92.6%。').qualifier, undefined);
    const target = one('力争年底前普及率达到95%。');
    assert.deepEqual([target.qualifier, target.kind], ['达到', 'target']);
  });
  it('gives the qualifier of a list to each of its numbers', () => {
    assert.deepEqual(all('覆盖率仅有 78%、71%，差距很大。'), ['仅有78%', '仅有71%']);
    assert.deepEqual(all('覆盖率仅有 78%、71%、60%。'), ['仅有78%', '仅有71%', '仅有60%']);
    assert.deepEqual(all('覆盖率仅有 50%、40%和30%，仅有 50% 、40% 及 30%。'), ['仅有50%', '仅有40%', '仅有30%', '仅有50%', '仅有40%', '仅有30%']);
    assert.deepEqual(all('覆盖率仅有 50%和30%。'), ['仅有50%', '30%']);
    for (const f of extractFigures('覆盖率仅有 50%、40%和30%。')) {
      assert.match(f.fragment, /^覆盖率仅有 50%/);
      assert.equal(f.label, '覆盖率');
      assert.equal(fragmentProblem(f), undefined);
    }
    assert.deepEqual(all('占 88%、其中收入空白村占 63%。'), ['88%', '63%']);
  });
  it('keeps 近 and 约 with the number they stand before, as the fragment rule does', () => {
    assert.deepEqual(all('不规范的近 40%、30%。'), ['近40%', '30%']);
    for (const f of extractFigures('不规范的约 40%、30%。')) assert.equal(fragmentProblem(f), undefined, `${f.value}: the draft must validate`);
  });
  it('takes the longest unit, and 个 before a noun: 427个村 counts 个', () => {
    assert.deepEqual(all('8 个方面重点任务，约有50个村派系斗争，427 个村集体经济试点，5 万元，2.5 亿元，9轮次，3 个百分点，1个工作日以内，32学时。'),
      ['8个方面', '约50个', '427个', '5万元', '2.5亿元', '9轮次', '3个百分点', '1个工作日以内', '32学时']);
  });
});

describe('extractFigures: kinds, trends and from-to', () => {
  const kinds = (text: string) => extractFigures(text).map((f) => `${printed(f)}:${f.kind}${f.trend ? `:${f.trend}` : ''}`);
  it('reads growth, points, shares, amounts, counts and durations from the unit and the words', () => {
    assert.deepEqual(kinds('地区生产总值完成1234.5亿元，同比增长6.2%，固定资产投资下降2.3%，提高1.7个百分点，增速比平均水平低0.5个百分点，民生支出占比78.6%，新建学校12所，用3年时间完成。'),
      ['1234.5亿元:amount', '6.2%:growth:up', '2.3%:growth:down', '1.7个百分点:points:up', '0.5个百分点:points:down', '78.6%:share', '12所:count', '3年:duration']);
  });
  it('makes one figure of 由40%提高到75% and 从1.2万人增加到1.8万人, with the value it moved from', () => {
    const [rate, people, down] = extractFigures('治理率由40%提高到75%，缴存人数从1.2万人增加到1.8万人，大班额比例由12.6%降至3.1%。');
    assert.deepEqual([rate!.value, rate!.from, rate!.kind, rate!.trend, rate!.text], [75, 40, 'from-to', 'up', '由40%提高到75%']);
    assert.deepEqual([people!.value, people!.written, people!.from, people!.fromWritten, people!.kind], [18000, '1.8万', 12000, '1.2万', 'from-to']);
    assert.deepEqual([down!.value, down!.from, down!.trend], [3.1, 12.6, 'down']);
    assert.equal(extractFigures('治理率由40%提高到75%。').length, 1, 'the value it moved from is no figure of its own');
    for (const f of [rate!, people!, down!]) assert.equal(fragmentProblem(f), undefined);
  });
  it('gives the items of a list the kind of the list, and each its subject after 分别', () => {
    const found = extractFigures('地区生产总值、规模以上工业增加值、社会消费品零售总额分别增长6.3%、8.5%和5.1%。');
    assert.deepEqual(found.map((f) => [f.kind, f.trend, f.label]), [
      ['growth', 'up', '地区生产总值增长'], ['growth', 'up', '规模以上工业增加值增长'], ['growth', 'up', '社会消费品零售总额增长'],
    ]);
    for (const f of found) assert.equal(fragmentProblem(f), undefined);
    assert.deepEqual(extractFigures('城乡居民人均可支配收入分别达到4.2万元和2.1万元。').map((f) => f.label), ['城乡居民人均可支配收入', '城乡居民人均可支配收入']);
  });
  it('reads targets from the sentence (力争, 年底前, 今年要) and from a part that plans', () => {
    assert.deepEqual(kinds('力争新命名示范单位20个。去年，评选示范单位15个。'), ['20个:target', '15个:count']);
    const text = '一、2023年工作回顾\n\n全年安排项目300个。\n\n二、2024年主要目标和重点任务\n\n全年安排项目320个，地区生产总值增长6%左右，用3年时间完成改造。去年完成投资50亿元。\n\n三、加强自身建设\n\n一般性支出再压减5%以上。';
    assert.deepEqual(kinds(text), ['300个:count', '320个:target', '6%左右:target', '3年:duration', '50亿元:amount', '5%以上:target']);
  });
  it('guesses kinds for data files without them, as before', () => {
    assert.equal(guessKind({ unit: '%', percent: true, fragment: '收入同比增长18.5%', numberAt: 6 }), 'growth');
    assert.equal(guessKind({ unit: '%', percent: true, fragment: '力争覆盖率达到90%', numberAt: 7 }), 'target');
    assert.equal(guessKind({ unit: '年', percent: false, fragment: '用3年时间', numberAt: 1 }), 'duration');
    assert.equal(guessKind({ unit: '%', percent: true, value: 147 }), 'growth', 'a rise of more than 100% is no share');
  });
});

describe('extractFigures: fragments and labels', () => {
  it('keeps each fragment the exact words of its line, 10 to 60 characters, within the data rule', () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const lines = text.split('\n');
    for (const f of extractFigures(text)) {
      assert.ok(lines[f.line - 1]!.includes(f.fragment), `${f.fragment} is on line ${f.line}`);
      assert.ok([...f.fragment].length <= 60, f.fragment);
      assert.equal(fragmentProblem(f), undefined);
    }
  });
  it('cuts a long clause where a word ends', () => {
    const f = one('深入实施主导产业培育计划，全市战略性新兴产业产值占规模以上工业比重和高技术制造业增加值占规上工业增加值比重由28.7%提高到33.1%。');
    assert.ok([...f.fragment].length <= 40, f.fragment);
    assert.match(f.fragment, /由28\.7%提高到33\.1%$/);
    assert.equal(fragmentProblem(f), undefined);
  });
  const label = (text: string) => one(text).label;
  it('labels a figure with the subject of its clause, without connectives, qualifiers or trailing verbs', () => {
    assert.equal(label('特别是非公企业和社会组织党组织覆盖率仅有 78%。'), '非公企业和社会组织党组织覆盖率');
    assert.equal(label('全县农产品电商交易额突破5亿元。'), '农产品电商交易额');
    assert.equal(extractFigures('其中，全市村集体经济年收入不足 10 万元的约占30%。').at(-1)!.label, '村集体经济年收入不足10万元');
    assert.equal(label('今年要把村党组织书记月工作报酬平均提高到 1900 元左右。'), '村党组织书记月工作报酬');
    assert.equal(label('全市规模以上工业企业发展到1,812家。'), '规模以上工业企业');
  });
  it('keeps the words that begin a noun with a connective\'s character: 用水, 从业, 占地, 其他, 共青团', () => {
    assert.deepEqual(extractFigures('全市用水总量控制在3.2亿立方米。从业人员达到1.2万人。占地面积达到300亩。其他企业有12家。共青团员有3500名。').map((f) => f.label),
      ['用水总量', '从业人员', '占地面积', '其他企业', '共青团员']);
  });
  it('labels with the noun after the unit when nothing names the figure before it', () => {
    assert.equal(label('427 个村集体经济试点工作扎实开展。'), '村集体经济试点');
    assert.equal(label('全省有120个村卫生室未达到标准化要求。'), '村卫生室');
    assert.equal(label('市直机关工委对120个党支部进行了抽查。'), '党支部进行了抽查');
    assert.equal(label('选派一百二十名优秀年轻干部到乡村振兴一线。'), '选派优秀年轻干部');
  });
  it('labels a change with its subject from the clause before', () => {
    const [, growth] = extractFigures('全市地区生产总值完成1234.5亿元，同比增长6.2%。');
    assert.equal(growth!.label, '地区生产总值同比增长');
    const [, share] = extractFigures('组织生活记录完整规范的仅有68个，约占56.7%。');
    assert.equal(share!.label, '组织生活记录完整规范');
  });
  it('never leaves a dangling 的, a trailing verb or a number the fragment does not give', () => {
    const text = readFileSync(FIXTURE, 'utf8') + '\n年收入不足 10 万元的约占 30%，的村卫生室有 12 个未达到标准化要求。';
    for (const f of extractFigures(text)) {
      assert.doesNotMatch(f.label, /^的|的$|(占|有|达到|为|约)$/, f.label);
      assert.ok([...f.label].length <= 40, f.label);
      for (const d of f.label.match(/\d+(\.\d+)?/g) ?? []) assert.ok(f.fragment.replace(/\s+/g, '').includes(d), `${f.label}: ${d} is not in ${f.fragment}`);
    }
  });
});

describe('findSections: the tree of the speech', () => {
  it('nests 一、 （一） 1. （1） as the speech uses them', () => {
    const text = '一、总体要求\n\n（一）指导思想。坚持……\n\n1. 目标。到2025年……\n\n（1）第一项。要求……\n\n（2）第二项。要求……\n\n2. 原则。坚持……\n\n（二）基本路径。坚持……\n\n二、重点任务\n\n（一）抓项目。全年安排……';
    assert.deepEqual(tree(findSections(text)), [
      ['一、总体要求', [['（一）指导思想', [['1.目标', ['（1）第一项', '（2）第二项']], '2.原则']], '（二）基本路径']],
      ['二、重点任务', ['（一）抓项目']],
    ]);
  });
  it('puts the first style seen at the top: 第一， with 一是 inside, and （一） at the top when there is no 一、', () => {
    const text = '第一，充分肯定成绩。一是理论武装走深走实。二是基层组织更加规范。\n\n第二，清醒认识问题。一是组织生活质量不高。\n\n第三，突出重点，抓好任务。';
    assert.deepEqual(tree(findSections(text)), [
      ['第一，充分肯定成绩', ['一是理论武装走深走实', '二是基层组织更加规范']],
      ['第二，清醒认识问题', ['一是组织生活质量不高']],
      '第三，突出重点',
    ]);
    assert.deepEqual(tree(findSections('（一）抓项目。1. 项目。\n\n1. 开工。安排……\n\n2. 投资。完成……\n\n（二）强产业。任务……')), [
      ['（一）抓项目', ['1.开工', '2.投资']], '（二）强产业',
    ]);
  });
  it('reads 首先 其次 最后, ① ②, and 1、 and keeps numbers as printed', () => {
    const text = '今年以来，形势平稳。首先，事故总量下降。其次，隐患整治见效。最后，监管能力提升。\n\n一、认清形势\n\n1、压实责任。要……\n2、强化执法。要……\n\n二、抓好落实\n\n①加强培训。全年……。②强化考核。对……';
    const sections = findSections(text);
    assert.deepEqual(tree(sections), [
      ['待填写', ['首先，事故总量下降', '其次，隐患整治见效', '最后，监管能力提升']],
      ['一、认清形势', ['1、压实责任', '2、强化执法']],
      ['二、抓好落实', ['①加强培训', '②强化考核']],
    ]);
    assert.deepEqual(sections.map((s) => s.id), ['s1', 's2', 's3']);
    assert.deepEqual(sections[1]!.sections.map((s) => s.id), ['s2-1', 's2-2']);
  });
  it('groups the runs that stand under no heading in sections titled 待填写, one per run', () => {
    const text = '去年以来，成效明显。一是责任有效传导。二是思路更加清晰。\n\n同时，问题主要表现在：一是作用发挥不够好。二是力度不够大。\n\n一、增强政治自觉\n\n（一）抓好党建。要……';
    assert.deepEqual(tree(findSections(text)), [
      ['待填写', ['一是责任有效传导', '二是思路更加清晰']],
      ['待填写', ['一是作用发挥不够好', '二是力度不够大']],
      ['一、增强政治自觉', ['（一）抓好党建']],
    ]);
  });
  it('goes on with a run that starts a paragraph inside it: 首先， … 其次， … 最后，', () => {
    assert.deepEqual(tree(findSections('一、总体\n\n首先，要提高认识。其次，要加强领导。最后，要狠抓落实。\n\n二、任务\n\n第一，抓项目。一是开工，二是投资。\n\n第二，强产业。')), [
      ['一、总体', ['首先，要提高认识', '其次，要加强领导', '最后，要狠抓落实']],
      ['二、任务', [['第一，抓项目', ['一是开工', '二是投资']], '第二，强产业']],
    ]);
  });
  it('takes a run only when it counts up from 一, and an inline title up to the first ，', () => {
    assert.deepEqual(tree(findSections('一、任务\n\n三是不算。一是产业发展，势头良好。二是收入增长。四是也不算。')), [
      ['一、任务', ['一是产业发展', '二是收入增长']],
    ]);
  });
  it('has no sections for a speech of plain paragraphs', () => {
    assert.deepEqual(findSections('同志们：\n\n今天召开会议。全区经营主体达到4.2万户。'), []);
  });
});

describe('guessDocument', () => {
  it('reads the title, speaker, meeting and dateline forms', () => {
    const doc = (text: string) => Object.fromEntries(Object.entries(guessDocument(text)).map(([k, v]) => [k, v!.value]));
    assert.deepEqual(doc('林国华同志在2024年全市机关党的建设工作会议上的讲话\n\n（2024年2月27日）\n\n同志们：'),
      { speechTitle: '林国华同志在2024年全市机关党的建设工作会议上的讲话', speaker: '林国华', meeting: '2024年全市机关党的建设工作会议', speechDate: '2024-02-27' });
    assert.deepEqual(doc('县委主要负责同志在全县乡村振兴工作推进会上的讲话\n\n（2024年3月15日，根据录音整理）\n\n同志们：'),
      { speechTitle: '县委主要负责同志在全县乡村振兴工作推进会上的讲话', speaker: '县委主要负责同志', meeting: '全县乡村振兴工作推进会', speechDate: '2024-03-15', sourceNote: '根据录音整理' });
    assert.deepEqual(doc('政  府  工  作  报  告\n\n——2024年1月16日在临江市第十七届人民代表大会第四次会议上\n\n临江市人民政府市长  周明远\n\n各位代表：'),
      { speechTitle: '政府工作报告', meeting: '临江市第十七届人民代表大会第四次会议', speaker: '周明远', speechDate: '2024-01-16' });
    assert.deepEqual(doc('在全市组织工作会议上的讲话\n\n市委常委、组织部部长  韩志远\n\n（二〇二三年十二月二十八日）\n\n同志们：'),
      { speechTitle: '在全市组织工作会议上的讲话', meeting: '全市组织工作会议', speaker: '韩志远', speechDate: '2023-12-28' });
    assert.deepEqual(doc('关于青川县城乡建设重点工作推进情况的报告\n\n2024年4月2日\n\n县人大常委会：'),
      { speechTitle: '关于青川县城乡建设重点工作推进情况的报告', speechDate: '2024-04-02' });
  });
  it('reads a main title over a ——subtitle, and a dateline under the speech', () => {
    const doc = guessDocument('凝心聚力 实干担当\n奋力谱写乡村全面振兴新篇章\n——在全县农村工作会议上的讲话\n县委书记  李国强\n\n同志们：\n\n今天……\n\n2024年1月20日\n');
    assert.deepEqual([doc.speechTitle?.value, doc.meeting?.value, doc.speaker?.value, doc.speechDate?.value],
      ['凝心聚力 实干担当 奋力谱写乡村全面振兴新篇章——在全县农村工作会议上的讲话', '全县农村工作会议', '李国强', '2024-01-20']);
  });
  it('reads the masthead of a 通报: office, issue, date of issue', () => {
    const doc = guessDocument(readFileSync(FIXTURE, 'utf8'));
    assert.deepEqual([doc.office?.value, doc.issue?.value, doc.issued?.value, doc.speechDate?.value, doc.speaker?.value], ['中共某市委办公室', 3, '2019-03-05', '2019-03-01', '王五']);
  });
  it('reads dates as speeches write them', () => {
    assert.equal(dateIn('（2018 年 2 月 8 日，根据记录整理）')?.iso, '2018-02-08');
    assert.equal(dateIn('二〇二三年十二月二十八日')?.iso, '2023-12-28');
    assert.equal(dateIn('2023年2月30日'), undefined);
  });
});

describe('draftYaml', () => {
  it('writes a draft that validates, with the placeholders listed, and verifies against the speech', () => {
    const { yaml, draft } = checkedDraft(readFileSync(FIXTURE, 'utf8'));
    assert.deepEqual(draft.todo.map((t) => t.field).filter((f) => f.startsWith('document')), ['document.title']);
    assert.match(yaml, /^  title: 待填写  # 待填写: the title of the briefing/m);
    const data = parseData(yaml.replaceAll('待填写', '示例'), 'draft.yaml');
    assert.equal(data.figures.length, 12);
    assert.deepEqual([data.document.issue, data.document.issued, data.document.speechDate, data.document.speaker, data.document.office], [3, '2019-03-05', '2019-03-01', '王五', '中共某市委办公室']);
    assert.deepEqual(data.sections.map((s) => [s.number ?? '', s.title, s.sections.map((x) => `${x.number}${x.title}`)]), [
      ['', '示例', ['一是培训扎实', '二是保障有力']],
      ['', '示例', ['一是覆盖不够', '二是收入偏低']],
      ['一、', '提高政治站位', ['（一）抓好队伍建设']],
      ['二、', '夯实基层基础', ['（一）强化经费保障']],
    ]);
    const section = (value: number) => data.figures.find((x) => x.value === value)!.section;
    assert.equal(section(3500), 's1-1');
    assert.equal(section(65), 's2-1');
    assert.equal(section(5), 's3');
    assert.equal(section(2000), 's4-1');
    assert.equal(section(40), 's4-1-1', '一是建好阵地 stands inside （一）强化经费保障');
  });
  it('comments each figure with its line and heading path', () => {
    const yaml = extractCommand(FIXTURE);
    const comments = yaml.split('\n').filter((l) => /^  # line \d+/.test(l));
    assert.equal(comments.length, 12);
    assert.match(comments.at(-1)!, /^  # line 25: 二、夯实基层基础 › （一）强化经费保障 › 一是建好阵地/);
  });
  it('writes 待填写 with what to write where the header gives nothing, and leaves optional fields out', () => {
    const { yaml, draft } = checkedDraft('一、任务\n\n（一）保障。报酬提高到 1900 元左右。');
    assert.match(yaml, /^  speechDate: 待填写  # 待填写: the date of the speech, as YYYY-MM-DD$/m);
    assert.match(yaml, /^  speechTitle: 待填写  # 待填写: /m);
    assert.doesNotMatch(yaml, /^  (speaker|meeting|issue|sourceNote):/m);
    assert.deepEqual(draft.todo.map((t) => t.field), ['document.title', 'document.office', 'document.issued', 'document.speechTitle', 'document.speechDate']);
  });
  it('writes sections: [] and figures without a section when the speech has no headings', () => {
    const { yaml, draft } = checkedDraft('没有标题。收入增长 12%。');
    assert.match(yaml, /^sections: \[\]/m);
    assert.equal(draft.data.figures[0]!.section, undefined);
  });
});

describe('own speeches: shapes the fixtures do not have', () => {
  const bulletin = [
    '情 况 通 报', '', '第 5 期', '', '中共示范县委办公室', '', '2023 年 11 月 3 日', '',
    '张明同志在全县安全生产工作会议上的讲话', '', '（2023 年 10 月 28 日，根据录音整理）', '', '同志们：', '',
    '今年以来，全县安全生产形势总体平稳。首先，事故总量持续下降。全县共发生各类生产安全事故12起，同比下降25%，死亡人数由9人减少到5人。其次，隐患整治成效明显。累计排查隐患3,456处，整改率达98.2%，约有二十个企业被责令停产整顿。最后，监管能力不断提升。全县新招录安全监管人员36名，执法检查1.2万余次。',
    '', '一、认清形势', '', '当前，全县有危险化学品企业46家，其中近一半分布在工业园区。全县事故起数占全市的15%左右，比上年低2.5个百分点。',
    '', '1、压实责任。要把安全生产责任落实到每一个岗位，确保全年事故起数下降10%以上。', '2、强化执法。全年执法检查不少于800家次。',
    '', '二、抓好落实', '', '①加强培训。全年培训从业人员不少于2万人次，培训合格率达到95%以上。②强化考核。考核结果占年度综合考核权重的5%。',
    '', '（此件发至乡镇）',
  ].join('\n');
  it('drafts a 通报 with 首先/其次/最后, 1、 and ①', () => {
    const { draft } = checkedDraft(bulletin);
    const d = draft.data.document;
    assert.deepEqual([d.office, d.issue, d.issued, d.speaker, d.speechDate, d.sourceNote, d.distribution], ['中共示范县委办公室', 5, '2023-11-03', '张明', '2023-10-28', '根据录音整理', '发至乡镇']);
    const found = extract(bulletin).figures;
    assert.deepEqual(found.map((f) => `${printed(f)}:${f.kind}`), [
      '12起:count', '25%:growth', '5人:from-to', '3,456处:count', '98.2%:share', '约二十个:count', '36名:count', '1.2万余次:count',
      '46家:count', '近一半:share', '15%左右:share', '2.5个百分点:points', '10%以上:target', '不少于800家次:target',
      '不少于2万人次:target', '95%以上:share', '5%:share',
    ]);
  });
  const education = [
    '在全市教育工作会议上的讲话', '（2024年9月2日）', '市长 王 芳', '同志们：',
    '过去一年，全市共有各级各类学校1,268所，在校学生约86.5万人。学前教育毛入园率达到92.3%，比上年提高1.8个百分点；全市大班额比例由12.6%降至3.1%。教育经费总投入达到156.8亿元，同比增长7.9%。',
    '存在的问题主要有：一是城乡差距仍然较大，农村学校专任教师中45岁以上的占到六成以上；二是优质资源总量不足，全市仅有省级示范性高中15所；三是约三分之一的乡村教师反映周转房不足。',
    '下一步，我们要重点做好三个方面工作。第一，扩大优质资源。到2025年，全市新增公办学位3万个以上。第二，加强队伍建设。每年招聘教师不少于1500名。第三，深化教育改革。全市中小学课后服务覆盖面要达到百分之百。',
  ].join('\n');
  it('drafts a speech whose parts are inline runs in plain paragraphs', () => {
    checkedDraft(education);
    const x = extract(education);
    assert.equal(x.document.speaker?.value, '王芳');
    assert.deepEqual(tree(x.sections), [
      ['待填写', ['一是城乡差距仍然较大', '二是优质资源总量不足', '三是约三分之一的乡村教师反映周转房不足']],
      ['待填写', ['第一，扩大优质资源', '第二，加强队伍建设', '第三，深化教育改革']],
    ]);
    assert.deepEqual(x.figures.map((f) => `${printed(f)}:${f.kind}`), [
      '1,268所:count', '约86.5万人:count', '92.3%:share', '1.8个百分点:points', '3.1%:from-to', '156.8亿元:amount', '7.9%:growth',
      '六成以上:share', '15所:count', '约三分之一:share', '3万个以上:target', '不少于1500名:target', '达到百分之百:target',
    ]);
  });
});
