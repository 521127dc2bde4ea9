// Chart cases: one list that feeds the snapshot tests and the preview page.
// Fixtures are copied from data/luoyang-2018-02-08.yaml, plus edge cases.

import type { DerivedFigure, Figure, Structure } from '../data/types.js';
import { bigNumber } from './big-number.js';
import { coverageBars } from './coverage-bars.js';
import type { AnyFigure } from './figure-text.js';
import { ring } from './ring.js';
import { stackedBar } from './stacked-bar.js';
import { structureDiagram } from './structure-diagram.js';
import { unitChart } from './unit-chart.js';

export interface ChartCase {
  name: string;
  render: () => string;
  /** The figures the chart prints; every digit it shows must come from these */
  figures: readonly AnyFigure[];
  /** Other input text the chart prints (titles, label overrides) */
  texts?: readonly string[];
}

type FigureInput = Omit<Figure, 'part' | 'fragment'> & Partial<Pick<Figure, 'part' | 'fragment'>>;
const fig = (f: FigureInput): Figure => ({ part: 'review', fragment: '', ...f });
const derived = (f: Omit<DerivedFigure, 'op'>): DerivedFigure => ({ op: 'complement', ...f });

export const fixtures = {
  inspectionRounds: fig({ id: 'inspection-rounds', value: 9, unit: '轮次', label: '观摩督导和暗访抽查', fragment: '9轮次观摩督导和暗访抽查' }),
  partyFundsGrowth: fig({ id: 'party-funds-growth', value: 147, unit: '%', label: '各级财政列支基层党建专项经费同比提高' }),
  collectivePilots: fig({ id: 'collective-economy-pilots', value: 427, unit: '个', label: '村集体经济试点' }),
  villageSites: fig({ id: 'village-sites-built', value: 1812, unit: '个', label: '新建改造提升村级组织阵地' }),
  villagesCounted: fig({ id: 'villages-counted', value: 2719, unit: '个', label: '村（村集体经济收入统计范围）' }),
  lowIncomeShare: fig({ id: 'low-income-share', value: 88, unit: '%', label: '村集体经济年均收入5万元以下的村' }),
  noIncomeShare: fig({ id: 'no-income-share', value: 63, unit: '%', label: '收入空白村' }),
  incomeThreshold: fig({ id: 'income-threshold', value: 5, unit: '万元', label: '村集体经济年均收入分界线' }),
  coverageNonpublic: fig({ id: 'coverage-nonpublic', value: 78, unit: '%', qualifier: '仅有', label: '非公企业党组织覆盖率', part: 'part-2' }),
  coverageSocial: fig({ id: 'coverage-social', value: 71, unit: '%', qualifier: '仅有', label: '社会组织党组织覆盖率', part: 'part-2' }),
  secretaryPay: fig({ id: 'secretary-pay', value: 1900, unit: '元', qualifier: '左右', label: '今年村党组织书记月工作报酬平均提高到', part: 'part-2' }),
  sitesSubstandard: fig({ id: 'sites-substandard', value: 40, unit: '%', qualifier: '近', label: '村级阵地建设不规范', part: 'part-2' }),
  sitesMissing: fig({ id: 'sites-missing', value: 2, unit: '%', qualifier: '近', label: '村还没有或租用阵地', part: 'part-2' }),
  factionalVillages: fig({ id: 'factional-villages', value: 50, unit: '个村', qualifier: '约', label: '派系斗争严重、依靠家族势力等干扰村内事务', part: 'part-2' }),
  congressTasks: fig({ id: 'congress-tasks', value: 8, unit: '个方面', label: '党的十九大提出的党的建设重点任务', part: 'part-1' }),
  nonpublicGap: derived({ id: 'coverage-nonpublic-gap', from: ['coverage-nonpublic'], label: '非公企业未覆盖', value: 22, unit: '%' }),
  socialGap: derived({ id: 'coverage-social-gap', from: ['coverage-social'], label: '社会组织未覆盖', value: 29, unit: '%' }),
  sitesOther: derived({ id: 'sites-other', from: ['sites-substandard', 'sites-missing'], label: '其余村级阵地', value: 58, unit: '%', qualifier: '约' }),
  // Edge cases, made up.
  none: fig({ id: 'edge-zero', value: 0, unit: '%', label: '尚未建立党组织的乡镇' }),
  all: fig({ id: 'edge-full', value: 100, unit: '%', label: '乡镇党委书记述职评议全覆盖' }),
  one: fig({ id: 'edge-one', value: 1, unit: '个', label: '全国基层党建工作示范县' }),
  longLabel: fig({
    id: 'edge-long',
    value: 2719,
    unit: '个',
    label: '全市开展“河洛党建计划”巩固提升年活动中完成软弱涣散村党组织整顿、规范化建设和村级组织阵地提升改造的行政村（社区）',
  }),
  tinyA: fig({ id: 'edge-tiny-a', value: 1, unit: '%', qualifier: '近', label: '党组织书记空缺' }),
  tinyB: fig({ id: 'edge-tiny-b', value: 2, unit: '%', label: '党员年龄偏大' }),
  tinyC: fig({ id: 'edge-tiny-c', value: 3, unit: '%', qualifier: '超过', label: '长期未发展党员' }),
  tinyRest: derived({ id: 'edge-tiny-rest', from: ['edge-tiny-a', 'edge-tiny-b', 'edge-tiny-c'], label: '其余村', value: 94, unit: '%', qualifier: '约' }),
} satisfies Record<string, AnyFigure>;

/** The structure of the speech, as in the data file. */
export const structureFixture: Structure = {
  review: {
    title: '2017年工作回顾',
    achievements: [
      { id: 'achievement-1', title: '责任有效传导' },
      { id: 'achievement-2', title: '思路更加清晰' },
      { id: 'achievement-3', title: '合力不断增强' },
      { id: 'achievement-4', title: '长效机制逐步完善' },
      { id: 'achievement-5', title: '保障更加坚实' },
    ],
    problems: [
      { id: 'problem-1', title: '部分基层党组织作用发挥不够好' },
      { id: 'problem-2', title: '抓乡促村工作力度不够大' },
      { id: 'problem-3', title: '村级组织自我保障能力不够强' },
      { id: 'problem-4', title: '干部队伍建设需要加强和提升' },
      { id: 'problem-5', title: '党员教育管理存在短板' },
    ],
  },
  parts: [
    {
      id: 'part-1',
      numeral: '一',
      title: '切实增强抓好基层党建的政治自觉',
      itemsName: '认识',
      items: [
        { id: 'reason-1', title: '抓好基层党建，是习近平新时代中国特色社会主义思想的重要内容' },
        { id: 'reason-2', title: '抓好基层党建，是深入学习贯彻党的十九大精神的必然要求' },
        { id: 'reason-3', title: '抓好基层党建，是实现新时代洛阳发展美好蓝图的坚强保证' },
      ],
    },
    {
      id: 'part-2',
      numeral: '二',
      title: '着力打造坚强战斗堡垒',
      itemsName: '重点任务',
      items: [
        { id: 'task-1', title: '以政治建设为统领，着力推动党的主张深入人心' },
        { id: 'task-2', title: '以组织建设为核心，着力推动党的决定全面贯彻' },
        { id: 'task-3', title: '以基础建设为保障，着力推动基层治理有力有序' },
        { id: 'task-4', title: '以服务群众为天职，着力推动党群干群亲如一家' },
        { id: 'task-5', title: '以队伍建设为根本，着力推动改革发展落地见效' },
      ],
    },
    {
      id: 'part-3',
      numeral: '三',
      title: '狠抓工作落实，确保基层党建任务落到实处',
      itemsName: '保障措施',
      items: [
        { id: 'measure-1', title: '压实责任，上下联动' },
        { id: 'measure-2', title: '统筹结合，形成合力' },
        { id: 'measure-3', title: '转变作风，形成常态' },
        { id: 'measure-4', title: '严格考核，形成导向' },
      ],
    },
  ],
};

const structureTexts = [
  structureFixture.review.title,
  ...structureFixture.review.achievements.map((i) => i.title),
  ...structureFixture.review.problems.map((i) => i.title),
  ...structureFixture.parts.flatMap((p) => [p.title, p.itemsName, ...p.items.map((i) => i.title)]),
];

const f = fixtures;
const speechRoot = '2017年度县（市、区）委书记抓基层党建工作述职评议会议讲话';

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
  // ring
  { name: 'ring-low-income', figures: [f.lowIncomeShare], render: () => ring(f.lowIncomeShare, { id: 'ring-low' }) },
  { name: 'ring-no-income', figures: [f.noIncomeShare], render: () => ring(f.noIncomeShare, { id: 'ring-none' }) },
  { name: 'ring-qualifier', figures: [f.sitesSubstandard], render: () => ring(f.sitesSubstandard, { id: 'ring-sites', size: 160 }) },
  { name: 'ring-derived', figures: [f.sitesOther], render: () => ring(f.sitesOther, { id: 'ring-derived' }) },
  { name: 'ring-zero', figures: [f.none], render: () => ring(f.none, { id: 'ring-zero' }) },
  { name: 'ring-full', figures: [f.all], render: () => ring(f.all, { id: 'ring-full' }) },
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
  { name: 'structure', figures: [], texts: structureTexts, render: () => structureDiagram(structureFixture, { id: 'structure' }) },
  {
    name: 'structure-narrow',
    figures: [],
    texts: [...structureTexts, speechRoot],
    render: () => structureDiagram(structureFixture, { id: 'structure-narrow', width: 800, root: speechRoot }),
  },
];
