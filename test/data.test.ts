import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DataError, loadData, parseData } from '../src/data/load.js';
import { formatFigure } from '../src/format.js';

const FILE = 'data/luoyang-2018-02-08.yaml';
const SOURCE = '../shared/sources/luoyang-2018-02-08-speech.txt';
const text = readFileSync(FILE, 'utf8');

/** Parse a changed copy of the default data and return the problems. */
function problemsOf(edit: (yaml: string) => string): string[] {
  try {
    parseData(edit(text), 'bad.yaml');
  } catch (err) {
    assert.ok(err instanceof DataError, `expected a DataError, received ${String(err)}`);
    return err.problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`);
  }
  assert.fail('expected the data to be rejected');
}

const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('the default data', () => {
  const data = loadData(FILE);

  it('has the document metadata', () => {
    assert.equal(data.document.office, '中共洛阳市委办公室');
    assert.equal(data.document.issue, 10);
    assert.equal(data.document.issued, '2018-02-12');
    assert.equal(data.document.speechDate, '2018-02-08');
  });

  it('has every key figure, with its qualifier as the speech gives it', () => {
    const got = Object.fromEntries(data.figures.map((f) => [f.id, formatFigure(f).text]));
    assert.deepEqual(Object.values(got).sort(), [
      '9轮次', '147%', '427个', '1812个', '2719个', '88%', '63%', '5万元', '仅有78%', '仅有71%',
      '1900元左右', '近40%', '近2%', '约50个村', '8个方面',
    ].sort());
  });

  it('has the structure: 5 achievements, 5 problems, 3 parts with 3, 5 and 4 items', () => {
    assert.equal(data.structure.review.achievements.length, 5);
    assert.equal(data.structure.review.problems.length, 5);
    assert.deepEqual(data.structure.parts.map((p) => p.items.length), [3, 5, 4]);
  });

  it('computes derived values from the figures they name', () => {
    const byId = Object.fromEntries(data.derived.map((d) => [d.id, d]));
    assert.equal(byId['coverage-nonpublic-gap']!.value, 22);
    assert.equal(byId['coverage-social-gap']!.value, 29);
    assert.equal(byId['sites-other']!.value, 58);
    assert.equal(byId['sites-other']!.qualifier, '约', 'a rest of approximate figures is approximate');
    assert.equal(byId['coverage-nonpublic-gap']!.qualifier, undefined);
  });

  it('quotes fragments of at most about 30 characters that stand in the speech', { skip: !exists(SOURCE) && 'shared speech not present' }, () => {
    const speech = readFileSync(SOURCE, 'utf8');
    for (const f of data.figures) {
      assert.ok([...f.fragment].length <= 30, `${f.id}: fragment too long`);
      assert.ok(speech.includes(f.fragment), `${f.id}: "${f.fragment}" is not in the speech`);
    }
  });
});

describe('invalid data', () => {
  it('names file, line, field, expected and received for a number written as text', () => {
    const problems = problemsOf((y) => y.replace('value: 1812', 'value: "1812个"'));
    assert.deepEqual(problems, [`bad.yaml:${lineOf('value: 1812')} figures[3].value: expected a number, received "1812个" (write 1812 and set unit: "个")`]);
  });

  it('rejects a missing field', () => {
    const problems = problemsOf((y) => y.replace('  office: 中共洛阳市委办公室\n', ''));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^bad\.yaml:\d+ document\.office: expected a value, received nothing/);
  });

  it('rejects an unknown qualifier and lists the allowed ones', () => {
    const problems = problemsOf((y) => y.replace('qualifier: 近\n    label: 村级阵地建设不规范', 'qualifier: 将近\n    label: 村级阵地建设不规范'));
    assert.match(problems[0]!, /figures\[11\]\.qualifier: expected one of "近", "约", "左右", "仅有", "超过", received "将近"/);
  });

  it('rejects a dropped qualifier that the fragment states', () => {
    const problems = problemsOf((y) => y.replace('    qualifier: 近\n    label: 村级阵地建设不规范', '    label: 村级阵地建设不规范'));
    assert.deepEqual(problems, [`bad.yaml:${lineOf('id: sites-substandard')} figures[11].qualifier: expected 近, as the speech says ("全市村级阵地有近40%建设不规范"), received nothing`]);
  });

  it('rejects a value the fragment does not state', () => {
    const problems = problemsOf((y) => y.replace('value: 427', 'value: 472'));
    assert.match(problems[0]!, new RegExp(`^bad\\.yaml:${lineOf('fragment: 427')} figures\\[2\\]\\.fragment: expected the words of the speech that state 472`));
  });

  it('rejects a unit the fragment does not give', () => {
    const problems = problemsOf((y) => y.replace('unit: 轮次', 'unit: 次'));
    assert.match(problems[0]!, /figures\[0\]\.unit: expected the unit the fragment gives after 9/);
  });

  it('rejects duplicate ids, unknown parts and items, and derived values of unknown figures', () => {
    const problems = problemsOf((y) => y
      .replace('id: party-funds-growth', 'id: inspection-rounds')
      .replace('part: part-1', 'part: part-9')
      .replace('item: task-2\n    fragment: 非公企业和社会组织党组织覆盖率仅有 78%、71%\n\n  - id: coverage-social', 'item: task-9\n    fragment: 非公企业和社会组织党组织覆盖率仅有 78%、71%\n\n  - id: coverage-social')
      .replace('from: [coverage-social]', 'from: [coverage-missing]'));
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems.join('\n'), /figures\[1\]\.id: expected a unique id, received "inspection-rounds" \(already used by figures\[0\]\)/);
    assert.match(problems.join('\n'), /figures\[14\]\.part: expected one of "review", "part-1", "part-2", "part-3", received "part-9"/);
    assert.match(problems.join('\n'), /figures\[8\]\.item: expected an item of part-2 \(task-1, task-2, task-3, task-4, task-5\), received "task-9"/);
    assert.match(problems.join('\n'), /derived\[1\]\.from\[0\]: expected the id of a figure, received "coverage-missing"/);
  });

  it('rejects bad dates, unknown fields and broken YAML', () => {
    assert.match(problemsOf((y) => y.replace('issued: 2018-02-12', 'issued: 2018年2月12日'))[0]!, /document\.issued: expected a date as YYYY-MM-DD, e\.g\. 2018-02-08, received "2018年2月12日"/);
    assert.match(problemsOf((y) => y.replace('  speaker: 李亚', '  speaker: 李亚\n  speakr: 李亚'))[0]!, /document\.speakr: expected no such field, received speakr \(allowed: title, subtitle/);
    assert.match(problemsOf((y) => y.replace('figures:', 'figures: [')) [0]!, /bad\.yaml:\d+ \(yaml\): not valid YAML/);
  });

  it('names the file when it cannot be read', () => {
    assert.throws(() => loadData('no/such.yaml'), /no\/such\.yaml:0 \(file\): cannot read the data file/);
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
