import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chineseOrdinal, formatDate, formatDerived, formatFigure, formatIssue, formatNumber } from '../src/data/format.js';

describe('formatNumber', () => {
  it('writes numbers as the data has them: no separators, no exponent, no trailing zeros', () => {
    assert.equal(formatNumber(1812), '1812');
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(12.345), '12.345');
    assert.equal(formatNumber(100), '100');
    assert.equal(formatNumber(0.000001), '0.000001');
    assert.equal(formatNumber(1e21), '1000000000000000000000');
    assert.equal(formatNumber(0.1 + 0.2), '0.3');
  });
  it('refuses what is not a finite number', () => {
    assert.throws(() => formatNumber(Number.NaN), /expected a finite number, received NaN/);
  });
});

describe('formatFigure', () => {
  it('keeps the qualifier where the speech puts it', () => {
    assert.equal(formatFigure({ value: 40, unit: '%', qualifier: '近' }).text, '近40%');
    assert.equal(formatFigure({ value: 1900, unit: '元', qualifier: '左右' }).text, '1900元左右');
    assert.equal(formatFigure({ value: 78, unit: '%', qualifier: '仅有' }).text, '仅有78%');
    assert.equal(formatFigure({ value: 50, unit: '个村', qualifier: '约' }).text, '约50个村');
    assert.equal(formatFigure({ value: 5, unit: '万元' }).text, '5万元');
    assert.equal(formatFigure({ value: 1812, unit: '个' }).text, '1812个');
    assert.equal(formatFigure({ value: 147, unit: '%' }).text, '147%');
  });
  it('returns the parts so a callout can style each', () => {
    assert.deepEqual(formatFigure({ value: 1900, unit: '元', qualifier: '左右' }), { text: '1900元左右', prefix: '', number: '1900', middle: '', unit: '元', suffix: '左右' });
    assert.deepEqual(formatFigure({ value: 300, unit: '家', qualifier: '余' }), { text: '300余家', prefix: '', number: '300', middle: '余', unit: '家', suffix: '' });
  });
  it('prints the number as the speech writes it, and a qualifier at the place the data gives', () => {
    assert.equal(formatFigure({ value: 60, written: '六成', unit: '', qualifier: '超过' }).text, '超过六成');
    assert.equal(formatFigure({ value: 24000, written: '2.4万', unit: '人', qualifier: '余' }).text, '2.4万余人');
    assert.equal(formatFigure({ value: 1, unit: '年', qualifier: '多', qualifierAt: 'after' }).text, '1年多');
    assert.equal(formatFigure({ value: 3, unit: '位', kind: 'rank' }).text, '第3位');
    assert.equal(formatFigure({ value: 123456, unit: '人' }).text, '123456人', 'never rescaled: printed as the speech says it');
  });
  it('marks derived values', () => {
    assert.equal(formatDerived({ id: 'x', op: 'complement', from: ['a'], label: 'x', value: 22, unit: '%', percent: true }), '22%（推算）');
    assert.equal(formatDerived({ id: 'x', op: 'complement', from: ['a', 'b'], label: 'x', value: 58, unit: '%', qualifier: '约', percent: true }), '约58%（推算）');
  });
});

describe('dates and ordinals', () => {
  it('writes dates without zero padding', () => {
    assert.equal(formatDate('2018-02-08'), '2018年2月8日');
    assert.equal(formatDate('2018-12-31'), '2018年12月31日');
    assert.throws(() => formatDate('2018/2/8'), /expected a date as YYYY-MM-DD, received "2018\/2\/8"/);
  });
  it('writes issues and Chinese ordinals', () => {
    assert.equal(formatIssue(10), '第10期');
    assert.deepEqual([1, 5, 10, 11, 20, 23].map(chineseOrdinal), ['一', '五', '十', '十一', '二十', '二十三']);
  });
});
