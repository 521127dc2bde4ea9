import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chineseValue, NOT_NUMBERS, numbersIn, parseWritten, type WrittenNumber } from '../src/data/numerals.js';

/** The one number of a text, checked to be the only one. */
function only(text: string): WrittenNumber {
  const found = numbersIn(text);
  assert.equal(found.length, 1, `expected one number in "${text}", received ${JSON.stringify(found.map((n) => n.text))}`);
  return found[0]!;
}
const texts = (text: string) => numbersIn(text).map((n) => n.text);
const values = (text: string) => numbersIn(text).map((n) => n.value);

describe('numbersIn: Arabic numbers', () => {
  it('reads plain digits, decimals and thousands separators', () => {
    assert.deepEqual(only('共1812个'), { index: 1, text: '1812', value: 1812, percent: false, multiple: false, plain: true, digits: '1812', chinese: false });
    assert.deepEqual(only('1,812个'), { index: 0, text: '1,812', value: 1812, percent: false, multiple: false, plain: true, digits: '1812', chinese: false });
    assert.deepEqual(only('增长12.5%'), { index: 2, text: '12.5', value: 12.5, percent: false, multiple: false, plain: true, digits: '12.5', chinese: false });
    assert.equal(only('12,345,678.5元').value, 12345678.5);
    assert.equal(only('12,345,678.5元').digits, '12345678.5');
  });
  it('takes separators only between groups of exactly three digits', () => {
    assert.deepEqual(numbersIn('1,2').map((n) => [n.index, n.text, n.value]), [[0, '1', 1], [2, '2', 2]]);
    assert.deepEqual(texts('12,34'), ['12', '34']);
    assert.deepEqual(texts('1,2345'), ['1', '2345']);
    assert.deepEqual(texts('1,234,56'), ['1', '234', '56']);
    assert.deepEqual(texts('1,812，2,000'), ['1,812', '2,000'], 'a full-width comma is punctuation');
  });
  it('reads full-width digits, keeping the text as written', () => {
    assert.deepEqual(only('１２个'), { index: 0, text: '１２', value: 12, percent: false, multiple: false, plain: true, digits: '12', chinese: false });
    assert.equal(only('１,８１２').value, 1812);
  });
  it('returns numbers next to letters; a digit-dot chain 1.2.3 is 1.2 and 3, never .3', () => {
    assert.deepEqual(numbersIn('1.2.3').map((n) => [n.index, n.text, n.value]), [[0, '1.2', 1.2], [4, '3', 3]]);
    assert.deepEqual(numbersIn('v2、4G和5G').map((n) => [n.index, n.value]), [[1, 2], [3, 4], [6, 5]]);
    assert.deepEqual(texts('12.'), ['12']);
  });
  it('takes 万, 亿 or 万亿 written directly after the digits as the scale', () => {
    assert.deepEqual(only('3.5万户'), { index: 0, text: '3.5万', value: 35000, percent: false, multiple: false, plain: false, digits: '3.5', scale: '万', chinese: true });
    assert.deepEqual(only('2.4万余人'), { index: 0, text: '2.4万', value: 24000, percent: false, multiple: false, plain: false, digits: '2.4', scale: '万', chinese: true });
    assert.equal(only('1234.5亿元').value, 123450000000);
    assert.equal(only('1234.5亿元').scale, '亿');
    assert.equal(only('1.2万余人').text, '1.2万');
    assert.deepEqual([only('12.5万亿').value, only('12.5万亿').scale], [12500000000000, '万亿']);
    assert.deepEqual([only('1,812万').value, only('1,812万').digits], [18120000, '1812']);
    assert.equal(only('1.1万').value, 11000, 'no floating-point error');
  });
  it('leaves 万 to the unit when it does not follow directly', () => {
    assert.deepEqual(numbersIn('3.5 万元').map((n) => [n.text, n.value, n.scale]), [['3.5', 3.5, undefined]]);
    assert.equal(only('3.5万元').text, '3.5万');
  });
  it('reads 3万5千 as 3万 and 5: digits take 万 and 亿 only, and 千 after a digit is no number of its own', () => {
    assert.deepEqual(texts('3万5千'), ['3万', '5']);
  });
});

describe('numbersIn: Chinese numerals', () => {
  it('takes the longest run', () => {
    assert.deepEqual(only('一万五千人'), { index: 0, text: '一万五千', value: 15000, percent: false, multiple: false, plain: false, chinese: true });
    assert.deepEqual([only('十二个').text, only('十二个').value], ['十二', 12]);
    assert.deepEqual([only('两千三百').text, only('两千三百').value], ['两千三百', 2300]);
    assert.equal(only('一百零五').value, 105);
    assert.equal(only('一亿三千万').value, 130000000);
    assert.equal(only('三万亿').value, 3e12);
  });
  it('leaves 余 and units out of the number', () => {
    assert.deepEqual(numbersIn('两千余名').map((n) => [n.index, n.text, n.value]), [[0, '两千', 2000]]);
    assert.deepEqual(numbersIn('三倍').map((n) => [n.text, n.value, n.multiple]), [['三', 3, false]]);
  });
  it('reads a year written digit by digit', () => {
    assert.deepEqual(numbersIn('二〇二三年').map((n) => [n.index, n.text, n.value]), [[0, '二〇二三', 2023]]);
    assert.equal(only('二零二三年').value, 2023);
    assert.equal(only('一九七八年').value, 1978);
  });
  it('reads financial numerals and 两 alone', () => {
    assert.equal(only('壹佰贰拾叁元').value, 123);
    assert.equal(only('两个').value, 2);
  });
  it('reads decimals with 点, but not a time', () => {
    assert.equal(only('三点五亿').value, 350000000);
    assert.equal(only('增长一点五倍').value, 1.5);
    assert.deepEqual(texts('十一点三十分'), ['十一', '三十']);
  });
  it('splits a range of two digits (三四年) and a plan number (十一五) into single numbers', () => {
    assert.deepEqual(values('三四年'), [3, 4]);
    assert.deepEqual(values('十一五规划'), [11, 5]);
  });
});

describe('numbersIn: shares and multiples', () => {
  it('reads X成 as a percent', () => {
    assert.deepEqual(only('超过六成'), { index: 2, text: '六成', value: 60, percent: true, multiple: false, plain: false, chinese: true });
    assert.deepEqual(numbersIn('近三成').map((n) => [n.index, n.text, n.value, n.percent]), [[1, '三成', 30, true]]);
    assert.deepEqual([only('三成半').text, only('三成半').value], ['三成半', 35]);
    assert.equal(only('十成').value, 100);
    assert.equal(only('其中三成为民营企业').text, '三成');
    assert.deepEqual(numbersIn('三成员国').map((n) => [n.text, n.percent]), [['三', false]], '成员 is no share');
  });
  it('reads 百分之X, with Chinese or Arabic digits', () => {
    assert.deepEqual(only('百分之八十'), { index: 0, text: '百分之八十', value: 80, percent: true, multiple: false, plain: false, chinese: true });
    assert.deepEqual([only('百分之百').text, only('百分之百').value], ['百分之百', 100]);
    assert.equal(only('百分之一百二十').value, 120);
    assert.equal(only('百分之三十五点五').value, 35.5);
    assert.deepEqual([only('百分之80的').text, only('百分之80的').value, only('百分之80的').percent], ['百分之80', 80, true]);
    assert.equal(only('百分之80的').digits, undefined, 'it does not start with Arabic digits');
    assert.equal(only('千分之五').value, 0.5);
  });
  it('reads X分之Y as the percent it makes', () => {
    assert.deepEqual(only('四分之一'), { index: 0, text: '四分之一', value: 25, percent: true, multiple: false, plain: false, chinese: true });
    assert.equal(only('三分之二').value, 66.67);
    assert.equal(only('五分之一').value, 20);
    assert.equal(only('十分之一').value, 10);
  });
  it('reads 过半, 半数 and 一半 as 50 percent; 过半 says at least', () => {
    assert.deepEqual(only('过半'), { index: 0, text: '过半', value: 50, percent: true, multiple: false, meaning: 'at-least', plain: false, chinese: true });
    assert.deepEqual(only('半数以上'), { index: 0, text: '半数', value: 50, percent: true, multiple: false, plain: false, chinese: true });
    assert.deepEqual(numbersIn('超过半数').map((n) => [n.index, n.text, n.meaning]), [[2, '半数', undefined]], '超过 is the qualifier');
    assert.equal(only('一半以上').value, 50);
    assert.deepEqual(numbersIn('过半年'), [], 'half a year is no share');
  });
  it('reads 翻X番 as a multiple', () => {
    assert.deepEqual(only('翻一番'), { index: 0, text: '翻一番', value: 2, percent: false, multiple: true, plain: false, chinese: true });
    assert.equal(only('翻两番').value, 4);
    assert.equal(only('翻三番').value, 8);
    assert.deepEqual([only('翻了两番').text, only('翻了两番').value], ['翻了两番', 4]);
    assert.deepEqual([only('实现翻番').text, only('实现翻番').value, only('实现翻番').index], ['翻番', 2, 2]);
  });
});

describe('numbersIn: words that are never numbers', () => {
  it('returns nothing inside them', () => {
    for (const word of ['万一', '一旦', '一些', '一切', '统一', '唯一', '一直', '一定', '一起', '一样', '一致', '一般', '进一步', '一体', '一线', '千方百计', '万众一心', '百姓', '千家万户', '一把手', '三农', '十分', '两岸', '一点一滴', '一成不变', '之一']) {
      assert.deepEqual(numbersIn(`要${word}推进`), [], word);
    }
    assert.ok(NOT_NUMBERS.includes('统一'));
  });
  it('still finds the numbers around them', () => {
    assert.deepEqual(numbersIn('统一建设12个一线岗位，唯一一个').map((n) => [n.index, n.text]), [[4, '12'], [14, '一']]);
    assert.deepEqual(texts('一些企业增长一成'), ['一成']);
  });
  it('lets a number run over one (一万一千 holds 万一), and a longer number win where one starts', () => {
    assert.equal(only('一万一千').value, 11000);
    assert.equal(only('一点五').value, 1.5);
    assert.equal(only('十分之一').value, 10);
    assert.deepEqual(texts('三分之一'), ['三分之一']);
  });
  it('returns numeral words not on the list: the caller filters', () => {
    assert.deepEqual(numbersIn('第一个').map((n) => [n.index, n.value]), [[1, 1]]);
    assert.equal(only('建党百年').value, 100);
  });
});

describe('numbersIn: a sentence', () => {
  it('finds every number in order, never overlapping', () => {
    const text = '全市1,812个村中，超过六成完成改造，3.5万户受益，百分之八十的村庄通了公交，二〇二三年收入翻一番。';
    assert.deepEqual(numbersIn(text).map((n) => [n.index, n.text, n.value]), [
      [2, '1,812', 1812], [13, '六成', 60], [20, '3.5万', 35000], [28, '百分之八十', 80], [41, '二〇二三', 2023], [48, '翻一番', 2],
    ]);
    for (const n of numbersIn(text)) assert.equal(text.slice(n.index, n.index + n.text.length), n.text);
  });
  it('reads a 25,000-character speech in linear time (no backtracking blow-up)', () => {
    const paragraph = '过去五年，全市地区生产总值年均增长8.5%，达到1,234.5亿元；城乡居民收入翻一番，超过六成的村完成改造，' +
      '3.5万户群众受益，百分之八十的乡镇通了高速。我们要统一思想，进一步千方百计推进二〇二三年确定的十二项重点工作，一万五千人参加。';
    const speech = paragraph.repeat(Math.ceil(25000 / paragraph.length)).slice(0, 25000);
    numbersIn(speech);
    const started = performance.now();
    const found = numbersIn(speech);
    const took = performance.now() - started;
    assert.ok(found.length > 1000);
    // A loose bound on a shared machine (measured ~15 ms alone); its speed is in bench:extract.
    assert.ok(took < 2000, `expected well under 2 s, took ${took.toFixed(1)} ms`);
  });
});

describe('parseWritten', () => {
  it('reads the whole text, trimmed, as one number', () => {
    assert.equal(parseWritten('六成')?.value, 60);
    assert.deepEqual(parseWritten(' 六成 '), { index: 1, text: '六成', value: 60, percent: true, multiple: false, plain: false, chinese: true });
    assert.equal(parseWritten('1,812')?.digits, '1812');
    assert.equal(parseWritten('3.5万')?.scale, '万');
    assert.equal(parseWritten('过半')?.meaning, 'at-least');
    assert.equal(parseWritten('翻两番')?.value, 4);
    assert.equal(parseWritten('二〇二三')?.value, 2023);
    assert.equal(parseWritten('三分之二')?.value, 66.67);
  });
  it('refuses anything more or less than one number', () => {
    assert.equal(parseWritten('六成x'), undefined);
    assert.equal(parseWritten('3.5万元'), undefined);
    assert.equal(parseWritten('1.2.3'), undefined);
    assert.equal(parseWritten('一些'), undefined);
    assert.equal(parseWritten('   '), undefined);
    assert.equal(parseWritten(''), undefined);
  });
});

describe('chineseValue', () => {
  it('reads runs of Chinese numerals', () => {
    const cases: [string, number][] = [
      ['两千三百', 2300], ['一万五千', 15000], ['十二', 12], ['二十', 20], ['一百零五', 105], ['两', 2], ['〇', 0], ['零', 0],
      ['二〇二三', 2023], ['三点五', 3.5], ['一千零十', 1010], ['一万零五百', 10500], ['三千五百万', 35000000], ['十万', 100000],
      ['一亿三千万', 130000000], ['三万亿', 3e12], ['一万三千亿', 1.3e12], ['百', 100], ['百万', 1e6], ['壹仟贰佰', 1200],
      ['一万五', 15000], ['三百五', 350], ['两亿五', 250000000], ['十五', 15], ['三点五亿', 350000000], ['十二点五万', 125000],
    ];
    for (const [s, v] of cases) assert.equal(chineseValue(s), v, s);
  });
  it('refuses what is not one number', () => {
    for (const s of ['', '万', '亿', '三四', '两三', '十十', '一百零', '二十三百', '一亿亿', '一二两', '点五', '三点', '三点两', '六成', 'x']) {
      assert.equal(chineseValue(s), undefined, s);
    }
  });
});
