// Chart cases: one list that feeds the snapshot tests and the preview page.
// Fixtures are copied from data/luoyang-2018-02-08.yaml, plus made-up figures and
// structures of other speeches (changes, from-to, Chinese numerals, four or six parts) and edge cases.

import type { DerivedFigure, Figure, Section } from '../data/types.js';
import { bigNumber } from './big-number.js';
import { changeArrow } from './change.js';
import { coverageBars } from './coverage-bars.js';
import type { AnyFigure } from './figure-text.js';
import { fromTo } from './from-to.js';
import { ring } from './ring.js';
import { stackedBar } from './stacked-bar.js';
import { structureDiagram } from './structure-diagram.js';
import { unitChart } from './unit-chart.js';

export interface ChartCase {
  name: string;
  render: () => string;
  /** The figures the chart prints; every digit it shows must come from these */
  figures: readonly AnyFigure[];
  /** Other input text the chart prints (titles, label overrides, tags) */
  texts?: readonly string[];
}

type FigureInput = Omit<Figure, 'fragment'> & Partial<Pick<Figure, 'fragment'>>;
const fig = (f: FigureInput): Figure => ({ fragment: '', ...f });
const derived = (f: Omit<DerivedFigure, 'op' | 'percent'>): DerivedFigure => ({ op: 'complement', percent: true, ...f });

export const fixtures = {
  inspectionRounds: fig({ id: 'inspection-rounds', value: 9, unit: '轮次', kind: 'count', percent: false, label: '观摩督导和暗访抽查', section: 'achievement-1', fragment: '9轮次观摩督导和暗访抽查' }),
  partyFundsGrowth: fig({ id: 'party-funds-growth', value: 147, unit: '%', kind: 'growth', trend: 'up', percent: false, label: '各级财政列支基层党建专项经费同比提高', section: 'achievement-5' }),
  collectivePilots: fig({ id: 'collective-economy-pilots', value: 427, unit: '个', kind: 'count', percent: false, label: '村集体经济试点', section: 'achievement-5' }),
  villageSites: fig({ id: 'village-sites-built', value: 1812, unit: '个', kind: 'count', percent: false, label: '新建改造提升村级组织阵地', section: 'achievement-5' }),
  villagesCounted: fig({ id: 'villages-counted', value: 2719, unit: '个', kind: 'count', percent: false, label: '村（村集体经济收入统计范围）', section: 'problem-3' }),
  lowIncomeShare: fig({ id: 'low-income-share', value: 88, unit: '%', kind: 'share', percent: true, label: '村集体经济年均收入5万元以下的村', section: 'problem-3' }),
  noIncomeShare: fig({ id: 'no-income-share', value: 63, unit: '%', kind: 'share', percent: true, label: '收入空白村', section: 'problem-3' }),
  incomeThreshold: fig({ id: 'income-threshold', value: 5, unit: '万元', kind: 'amount', percent: false, label: '村集体经济年均收入分界线', section: 'problem-3' }),
  coverageNonpublic: fig({ id: 'coverage-nonpublic', value: 78, unit: '%', qualifier: '仅有', kind: 'share', percent: true, label: '非公企业党组织覆盖率', section: 'task-2' }),
  coverageSocial: fig({ id: 'coverage-social', value: 71, unit: '%', qualifier: '仅有', kind: 'share', percent: true, label: '社会组织党组织覆盖率', section: 'task-2' }),
  secretaryPay: fig({ id: 'secretary-pay', value: 1900, unit: '元', qualifier: '左右', kind: 'amount', percent: false, label: '今年村党组织书记月工作报酬平均提高到', section: 'task-3' }),
  sitesSubstandard: fig({ id: 'sites-substandard', value: 40, unit: '%', qualifier: '近', kind: 'share', percent: true, label: '村级阵地建设不规范', section: 'task-3' }),
  sitesMissing: fig({ id: 'sites-missing', value: 2, unit: '%', qualifier: '近', kind: 'share', percent: true, label: '村还没有或租用阵地', section: 'task-3' }),
  factionalVillages: fig({ id: 'factional-villages', value: 50, unit: '个村', qualifier: '约', kind: 'count', percent: false, label: '派系斗争严重、依靠家族势力等干扰村内事务', section: 'task-2' }),
  congressTasks: fig({ id: 'congress-tasks', value: 8, unit: '个方面', kind: 'count', percent: false, label: '党的十九大提出的党的建设重点任务', section: 'reason-2' }),
  nonpublicGap: derived({ id: 'coverage-nonpublic-gap', from: ['coverage-nonpublic'], label: '非公企业未覆盖', value: 22, unit: '%' }),
  socialGap: derived({ id: 'coverage-social-gap', from: ['coverage-social'], label: '社会组织未覆盖', value: 29, unit: '%' }),
  sitesOther: derived({ id: 'sites-other', from: ['sites-substandard', 'sites-missing'], label: '其余村级阵地', value: 58, unit: '%', qualifier: '约' }),
  // Other speeches: changes, from-to, Chinese numerals, qualifiers between and after, a target. Made up.
  revenueGrowth: fig({ id: 'revenue-growth', value: 18.5, unit: '%', kind: 'growth', trend: 'up', percent: false, label: '一般公共预算收入同比增长' }),
  energyDecline: fig({ id: 'energy-decline', value: 2.3, unit: '%', kind: 'growth', trend: 'down', percent: false, label: '万元生产总值能耗下降' }),
  urbanPoints: fig({ id: 'urban-points', value: 1.6, unit: '个百分点', kind: 'points', trend: 'up', percent: false, label: '常住人口城镇化率提高' }),
  incomeDoubled: fig({ id: 'income-doubled', value: 2, written: '翻一番', unit: '', kind: 'multiple', percent: false, label: '村集体经济收入五年' }),
  sitesStandard: fig({ id: 'sites-standard', value: 75, from: 40, unit: '%', kind: 'from-to', trend: 'up', percent: true, label: '村级组织阵地达标率' }),
  trainees: fig({ id: 'trainees', value: 18000, written: '1.8万', from: 12000, fromWritten: '1.2万', unit: '人', kind: 'from-to', trend: 'up', percent: false, label: '农村党员参加集中轮训' }),
  secretariesBoth: fig({ id: 'secretaries-both', value: 60, written: '六成', qualifier: '超过', unit: '', kind: 'share', percent: true, label: '村党组织书记通过法定程序担任村委会主任的村' }),
  newOrganisations: fig({ id: 'new-organisations', value: 300, qualifier: '余', qualifierAt: 'between', unit: '家', kind: 'count', percent: false, label: '新建“两新”组织党组织' }),
  weakOrganisations: fig({ id: 'weak-organisations', value: 12, qualifier: '左右', qualifierAt: 'after', unit: '家', kind: 'count', percent: false, label: '每年倒排整顿软弱涣散村党组织' }),
  incomeTarget: fig({ id: 'income-target', value: 80, qualifier: '达到', unit: '%', kind: 'target', percent: true, label: '到2020年集体经济收入5万元以上的村占比' }),
  // Edge cases, made up.
  none: fig({ id: 'edge-zero', value: 0, unit: '%', kind: 'share', percent: true, label: '尚未建立党组织的乡镇' }),
  all: fig({ id: 'edge-full', value: 100, unit: '%', kind: 'share', percent: true, label: '乡镇党委书记述职评议全覆盖' }),
  one: fig({ id: 'edge-one', value: 1, unit: '个', kind: 'count', percent: false, label: '全国基层党建工作示范县' }),
  longLabel: fig({
    id: 'edge-long',
    value: 2719,
    unit: '个',
    kind: 'count',
    percent: false,
    label: '全市开展“河洛党建计划”巩固提升年活动中完成软弱涣散村党组织整顿、规范化建设和村级组织阵地提升改造的行政村（社区）',
  }),
  tinyA: fig({ id: 'edge-tiny-a', value: 1, unit: '%', qualifier: '近', kind: 'share', percent: true, label: '党组织书记空缺' }),
  tinyB: fig({ id: 'edge-tiny-b', value: 2, unit: '%', kind: 'share', percent: true, label: '党员年龄偏大' }),
  tinyC: fig({ id: 'edge-tiny-c', value: 3, unit: '%', qualifier: '超过', kind: 'share', percent: true, label: '长期未发展党员' }),
  tinyRest: derived({ id: 'edge-tiny-rest', from: ['edge-tiny-a', 'edge-tiny-b', 'edge-tiny-c'], label: '其余村', value: 94, unit: '%', qualifier: '约' }),
} satisfies Record<string, AnyFigure>;

// ---------------------------------------------------------------------------
// Speech structures

/** A section; items(...) below builds numbered runs of leaves. */
const sec = (id: string, title: string, more: Partial<Omit<Section, 'id' | 'title'>> = {}): Section => ({ id, title, sections: [], ...more });

/** Leaves numbered by the given markers: items('task', ['（一）', '（二）'], ['a', 'b']). */
const items = (prefix: string, numbers: readonly (string | undefined)[], titles: readonly string[]): Section[] =>
  titles.map((title, i) => sec(`${prefix}-${i + 1}`, title, numbers[i] === undefined ? {} : { number: numbers[i] }));

const SHI = ['一是', '二是', '三是', '四是', '五是', '六是', '七是'];
const PAREN = ['（一）', '（二）', '（三）', '（四）', '（五）', '（六）', '（七）'];
const DUN = ['一、', '二、', '三、', '四、', '五、', '六、', '七、'];

/** The structure of the Luoyang speech, as in data/luoyang-2018-02-08.yaml. */
export const luoyangSections: Section[] = [
  sec('review', '2017年工作回顾', {
    sections: [
      sec('achievements', '主要成绩', { role: '成绩', sections: items('achievement', SHI, ['责任有效传导', '思路更加清晰', '合力不断增强', '长效机制逐步完善', '保障更加坚实']) }),
      sec('problems', '存在问题', {
        role: '问题',
        sections: items('problem', SHI, ['部分基层党组织作用发挥不够好', '抓乡促村工作力度不够大', '村级组织自我保障能力不够强', '干部队伍建设需要加强和提升', '党员教育管理存在短板']),
      }),
    ],
  }),
  sec('part-1', '切实增强抓好基层党建的政治自觉', {
    number: '一、',
    itemsName: '认识',
    sections: items('reason', PAREN, [
      '抓好基层党建，是习近平新时代中国特色社会主义思想的重要内容',
      '抓好基层党建，是深入学习贯彻党的十九大精神的必然要求',
      '抓好基层党建，是实现新时代洛阳发展美好蓝图的坚强保证',
    ]),
  }),
  sec('part-2', '着力打造坚强战斗堡垒', {
    number: '二、',
    itemsName: '重点任务',
    sections: items('task', PAREN, [
      '以政治建设为统领，着力推动党的主张深入人心',
      '以组织建设为核心，着力推动党的决定全面贯彻',
      '以基础建设为保障，着力推动基层治理有力有序',
      '以服务群众为天职，着力推动党群干群亲如一家',
      '以队伍建设为根本，着力推动改革发展落地见效',
    ]),
  }),
  sec('part-3', '狠抓工作落实，确保基层党建任务落到实处', {
    number: '三、',
    itemsName: '保障措施',
    sections: items('measure', PAREN, ['压实责任，上下联动', '统筹结合，形成合力', '转变作风，形成常态', '严格考核，形成导向']),
  }),
];

/** Four parts: 一是 runs in the first two, （一） items in the third, none in the fourth. Made up. */
export const fourPartSections: Section[] = [
  sec('s1', '深刻认识新时代全面从严治党的形势任务', {
    number: '一、',
    sections: items('s1', SHI, ['管党治党宽松软状况得到根本扭转', '党内政治生活展现新气象', '反腐败斗争压倒性态势已经形成']),
  }),
  sec('s2', '准确把握当前工作中存在的突出问题', {
    number: '二、',
    role: '问题',
    sections: items('s2', SHI, ['主体责任落实不到位', '形式主义官僚主义问题依然存在', '基层“微腐败”时有发生', '干部担当作为不够']),
  }),
  sec('s3', '扎实推进全面从严治党各项任务', {
    number: '三、',
    itemsName: '重点任务',
    role: '任务',
    sections: items('s3', PAREN, ['把党的政治建设摆在首位', '持之以恒正风肃纪', '坚定不移惩治腐败']),
  }),
  sec('s4', '切实加强组织领导', { number: '四、', role: '要求' }),
];

/** Six parts, each with （一） items. Made up. */
export const sixPartSections: Section[] = [
  ['全年经济运行总体平稳', ['主要指标好于预期', '结构调整步伐加快', '民生保障持续改善']],
  ['清醒认识面临的困难和挑战', ['经济下行压力加大', '创新能力不够强']],
  ['坚定不移推进高质量发展', ['加快建设现代产业体系', '深入实施创新驱动发展战略', '持续扩大有效投资', '全面深化改革开放']],
  ['坚决打好三大攻坚战', ['防范化解重大风险', '精准脱贫', '污染防治']],
  ['持续保障和改善民生', ['稳定和扩大就业', '办好人民满意的教育', '提高医疗卫生服务水平']],
  ['加强党对经济工作的领导', ['提高领导经济工作能力', '激励干部担当作为']],
].map(([title, kids], i) => sec(`six-${i + 1}`, title as string, { number: DUN[i], sections: items(`six-${i + 1}`, PAREN, kids as string[]) }));

/** Sections with no numbers, one item with items of its own (not drawn). Made up. */
export const unnumberedSections: Section[] = [
  sec('u1', '关于过去一年的工作', {
    itemsName: '主要做法',
    sections: [sec('u1-1', '坚持高位推动'), sec('u1-2', '坚持问题导向'), sec('u1-3', '坚持从严要求', { sections: items('u1-3', ['1.', '2.'], ['严格督导检查', '严格考核问责']) })],
  }),
  sec('u2', '关于下一步工作', { sections: [sec('u2-1', '抓好学习教育'), sec('u2-2', '抓好整改落实')] }),
  sec('u3', '关于加强作风建设'),
];

/** A very long title, and a long item. Made up. */
export const longTitleSections: Section[] = [
  sec('l1', '以习近平新时代中国特色社会主义思想为指导，全面贯彻党的十九大和十九届二中、三中全会精神，坚持稳中求进工作总基调，统筹推进“五位一体”总体布局和协调推进“四个全面”战略布局', {
    number: '一、',
    sections: items('l1', PAREN, [
      '坚持和加强党的全面领导，把党的政治建设摆在首位，教育引导广大党员干部牢固树立“四个意识”，坚定“四个自信”，坚决做到“两个维护”',
      '推动基层党组织全面进步全面过硬',
    ]),
  }),
  sec('l2', '切实加强组织领导', { number: '二、', sections: items('l2', PAREN, ['压实责任', '强化保障']) }),
];

/** Every text of a tree the diagram may print. */
const sectionTexts = (sections: Section[]): string[] =>
  sections.flatMap((s) => [s.number ?? '', s.title, s.itemsName ?? '', ...sectionTexts(s.sections)]).filter((t) => t !== '');

const f = fixtures;
const speechRoot = '2017年度县（市、区）委书记抓基层党建工作述职评议会议讲话';
const structureCase = (name: string, sections: Section[], options: { width?: number; root?: string }): ChartCase => ({
  name,
  figures: [],
  texts: [...sectionTexts(sections), ...(options.root ? [options.root] : [])],
  render: () => structureDiagram(sections, { id: name, ...options }),
});

export const chartCases: readonly ChartCase[] = [
  // bigNumber
  { name: 'big-number-rounds', figures: [f.inspectionRounds], render: () => bigNumber(f.inspectionRounds, { id: 'bn-rounds' }) },
  { name: 'big-number-147-percent', figures: [f.partyFundsGrowth], render: () => bigNumber(f.partyFundsGrowth, { id: 'bn-funds', width: 300, height: 170 }) },
  { name: 'big-number-sites', figures: [f.villageSites], render: () => bigNumber(f.villageSites, { id: 'bn-sites', width: 300, height: 170 }) },
  { name: 'big-number-villages', figures: [f.villagesCounted], render: () => bigNumber(f.villagesCounted, { id: 'bn-villages', align: 'start' }) },
  { name: 'big-number-threshold', figures: [f.incomeThreshold], render: () => bigNumber(f.incomeThreshold, { id: 'bn-threshold', width: 300, height: 170 }) },
  { name: 'big-number-pay-suffix', figures: [f.secretaryPay], render: () => bigNumber(f.secretaryPay, { id: 'bn-pay', width: 300, height: 170 }) },
  { name: 'big-number-qualifier', figures: [f.factionalVillages], render: () => bigNumber(f.factionalVillages, { id: 'bn-factional' }) },
  { name: 'big-number-derived', figures: [f.sitesOther], render: () => bigNumber(f.sitesOther, { id: 'bn-derived' }) },
  { name: 'big-number-long-label', figures: [f.longLabel], render: () => bigNumber(f.longLabel, { id: 'bn-long', width: 300 }) },
  {
    name: 'big-number-label-option',
    figures: [f.congressTasks],
    texts: ['党的建设重点任务'],
    render: () => bigNumber(f.congressTasks, { id: 'bn-tasks', width: 240, label: '党的建设重点任务' }),
  },
  {
    name: 'big-number-between',
    figures: [f.newOrganisations],
    texts: ['约数'],
    render: () => bigNumber(f.newOrganisations, { id: 'bn-between', width: 300, height: 170, tag: '约数' }),
  },
  {
    name: 'big-number-after',
    figures: [f.weakOrganisations],
    texts: ['约数'],
    render: () => bigNumber(f.weakOrganisations, { id: 'bn-after', tag: '约数', align: 'start' }),
  },
  {
    name: 'big-number-target',
    figures: [f.incomeTarget],
    texts: ['目标'],
    render: () => bigNumber(f.incomeTarget, { id: 'bn-target', width: 300, height: 170, tag: '目标' }),
  },
  // changeArrow
  { name: 'change-growth', figures: [f.revenueGrowth], render: () => changeArrow(f.revenueGrowth, { id: 'change-growth' }) },
  { name: 'change-decline', figures: [f.energyDecline], render: () => changeArrow(f.energyDecline, { id: 'change-decline', width: 300, height: 170 }) },
  { name: 'change-points', figures: [f.urbanPoints], render: () => changeArrow(f.urbanPoints, { id: 'change-points', width: 300, height: 170 }) },
  { name: 'change-multiple', figures: [f.incomeDoubled], render: () => changeArrow(f.incomeDoubled, { id: 'change-multiple' }) },
  { name: 'change-147-percent', figures: [f.partyFundsGrowth], render: () => changeArrow(f.partyFundsGrowth, { id: 'change-funds', width: 300, height: 170 }) },
  // fromTo
  { name: 'from-to-percent', figures: [f.sitesStandard], render: () => fromTo(f.sitesStandard, { id: 'from-to-percent' }) },
  { name: 'from-to-count', figures: [f.trainees], render: () => fromTo(f.trainees, { id: 'from-to-count', width: 300 }) },
  // ring
  { name: 'ring-low-income', figures: [f.lowIncomeShare], render: () => ring(f.lowIncomeShare, { id: 'ring-low' }) },
  { name: 'ring-no-income', figures: [f.noIncomeShare], render: () => ring(f.noIncomeShare, { id: 'ring-none' }) },
  { name: 'ring-qualifier', figures: [f.sitesSubstandard], render: () => ring(f.sitesSubstandard, { id: 'ring-sites', size: 160 }) },
  { name: 'ring-derived', figures: [f.sitesOther], render: () => ring(f.sitesOther, { id: 'ring-derived' }) },
  { name: 'ring-zero', figures: [f.none], render: () => ring(f.none, { id: 'ring-zero' }) },
  { name: 'ring-full', figures: [f.all], render: () => ring(f.all, { id: 'ring-full' }) },
  { name: 'ring-chinese-numeral', figures: [f.secretariesBoth], render: () => ring(f.secretariesBoth, { id: 'ring-six', size: 190 }) },
  // coverageBars
  {
    name: 'coverage-bars',
    figures: [f.coverageNonpublic, f.nonpublicGap, f.coverageSocial, f.socialGap],
    render: () =>
      coverageBars(
        [
          { figure: f.coverageNonpublic, gap: f.nonpublicGap },
          { figure: f.coverageSocial, gap: f.socialGap },
        ],
        { id: 'cov' },
      ),
  },
  {
    name: 'coverage-bars-narrow-edges',
    figures: [f.none, f.all, f.coverageSocial, f.socialGap],
    render: () =>
      coverageBars([{ figure: f.none }, { figure: f.all }, { figure: f.coverageSocial, gap: f.socialGap }], { id: 'cov-edges', width: 360 }),
  },
  // stackedBar
  {
    name: 'stacked-bar-sites',
    figures: [f.sitesSubstandard, f.sitesMissing, f.sitesOther],
    render: () => stackedBar([{ figure: f.sitesSubstandard }, { figure: f.sitesMissing }, { figure: f.sitesOther }], { id: 'stack-sites' }),
  },
  {
    name: 'stacked-bar-narrow',
    figures: [f.tinyA, f.tinyB, f.tinyC, f.tinyRest],
    render: () => stackedBar([{ figure: f.tinyA }, { figure: f.tinyB }, { figure: f.tinyC }, { figure: f.tinyRest }], { id: 'stack-narrow', width: 480 }),
  },
  {
    name: 'stacked-bar-crowded',
    figures: [f.tinyA, f.tinyB, f.tinyC, f.tinyRest],
    render: () => stackedBar([{ figure: f.tinyRest }, { figure: f.tinyA }, { figure: f.tinyB }, { figure: f.tinyC }], { id: 'stack-crowded', width: 300 }),
  },
  // unitChart
  { name: 'unit-chart-pilots', figures: [f.collectivePilots], render: () => unitChart(f.collectivePilots, { id: 'unit-pilots', icon: 'flag' }) },
  { name: 'unit-chart-rounds', figures: [f.inspectionRounds], render: () => unitChart(f.inspectionRounds, { id: 'unit-rounds', icon: 'flag' }) },
  { name: 'unit-chart-villages', figures: [f.factionalVillages], render: () => unitChart(f.factionalVillages, { id: 'unit-villages', icon: 'house' }) },
  { name: 'unit-chart-one', figures: [f.one], render: () => unitChart(f.one, { id: 'unit-one', icon: 'person' }) },
  { name: 'unit-chart-dots', figures: [f.congressTasks], render: () => unitChart(f.congressTasks, { id: 'unit-dots', width: 320, columns: 4 }) },
  // structureDiagram
  structureCase('structure', luoyangSections, {}),
  structureCase('structure-narrow', luoyangSections, { width: 760, root: speechRoot }),
  structureCase('structure-luoyang-320', luoyangSections, { width: 320, root: speechRoot }),
  structureCase('structure-four-parts', fourPartSections, { width: 760 }),
  structureCase('structure-four-parts-480', fourPartSections, { width: 480 }),
  structureCase('structure-six-parts', sixPartSections, { width: 760, root: '全县经济工作会议讲话' }),
  structureCase('structure-six-parts-wide', sixPartSections, { width: 1000, root: '全县经济工作会议讲话' }),
  structureCase('structure-unnumbered', unnumberedSections, { width: 760 }),
  structureCase('structure-long-title', longTitleSections, { width: 760 }),
  structureCase('structure-long-title-320', longTitleSections, { width: 320 }),
];
