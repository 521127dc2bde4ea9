import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { batch } from '../src/jobs/batch.js';
import { BATCH_RENDERERS, ROWS_AT_ONCE } from '../src/pipeline.js';
import { readYaml } from '../src/data/load.js';
import { mapColumns, rowData, SheetDataError, toDate, toNumber, type Base } from '../src/data/rows.js';
import { templateOutputs } from '../src/view/outputs.js';
import { clock, Progress, progressLine } from '../src/cli/progress.js';
import { readSheet } from '../src/data/sheet.js';

const BASE = 'examples/batch/county-base.yaml';
const SAMPLE = 'examples/batch/counties.csv';
const OUT = 'test/__output__/batch';
const CLI = 'bin/shushuo.js';

const base = (): Base => {
  const { raw, at } = readYaml(readFileSync(BASE, 'utf8'), BASE);
  return { file: BASE, raw: raw as Record<string, unknown>, at };
};
const sampleLines = () => readFileSync(SAMPLE, 'utf8').trimEnd().split('\n');
/** The sample sheet with its rows edited: cells by header. */
function sheetWith(file: string, edit: (rows: Record<string, string>[]) => Record<string, string>[]): string {
  const [head, ...lines] = sampleLines();
  const headers = head!.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [headers[i]!, v])));
  const text = [head, ...edit(rows).map((r) => headers.map((h) => r[h] ?? '').join(','))].join('\n');
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, file), `${text}\n`);
  return join(OUT, file);
}
const rowsOf = (file: string) => {
  const sheet = readSheet(file);
  const columns = mapColumns(sheet.headers, base(), file);
  return sheet.rows.map((r) => rowData(base(), columns, r, file));
};

describe('the example sheet', () => {
  it('is plainly sample data: every row says 示例数据, and so does the base file', () => {
    const [head, ...rows] = sampleLines();
    assert.ok(head!.includes('#说明'));
    for (const row of rows) assert.match(row, /示例数据，非真实统计,示例县.+（示例数据）/);
    assert.match(readFileSync(BASE, 'utf8'), /^# 示例数据，非真实统计/m);
  });

  it('every row is valid and its figures are the row\'s numbers, not the base file\'s', () => {
    const rows = rowsOf(SAMPLE);
    assert.deepEqual(rows.map((r) => [r.row, r.name, r.problems]), [[2, '示例县甲', []], [3, '示例县乙', []], [4, '示例县丙', []]]);
    const jia = rows[0]!.data!;
    assert.equal(jia.document.title, '示例县甲基层党建数说（示例数据）');
    assert.deepEqual(jia.figures.map((f) => [f.id, f.value, f.unit]), [['village-branches', 126, '个'], ['enterprise-coverage', 92.5, '%'], ['party-funds', 320, '万元'], ['weak-villages', 8, '个村']]);
    assert.equal(jia.document.speaker, '示例', 'fields no column sets come from the base file');
  });
});

describe('columns', () => {
  it('name fields of the base file; every bad header is listed with its column letter', () => {
    const headers = ['name', 'document.titel', 'figures.nosuch.value', 'figures.party-funds.colour', 'county', '#备注', ''];
    assert.throws(() => mapColumns(headers, base(), 'rows.csv'), (err: SheetDataError) => {
      const text = err.message;
      assert.match(text, /rows\.csv column B: expected document\.<field> with a field of title, subtitle, masthead, office, .*received "document\.titel"/);
      assert.match(text, /rows\.csv column C: expected figures\.<id>\.<field> with an id of examples\/batch\/county-base\.yaml \(village-branches, enterprise-coverage, party-funds, weak-villages\), received "figures\.nosuch\.value"/);
      assert.match(text, /column D: expected figures\.party-funds\.<field> with a field of value, unit, qualifier, qualifierAt, kind, trend, from, label, section, fragment, icon, received "figures\.party-funds\.colour"/);
      assert.match(text, /column E: expected name, source, document\.<field>, figures\.<figure id>\.<field>, derived\.<id>\.label, or a note starting with #, received "county"/);
      assert.doesNotMatch(text, /column [FG]/, 'a # column is a note, an empty column a spacer');
      return true;
    });
  });

  it('every figure of the base needs a value column: a missing one would print the base file\'s number on every poster', () => {
    const headers = sampleLines()[0]!.split(',').filter((h) => h !== 'figures.party-funds.value');
    assert.throws(() => mapColumns(headers, base(), 'rows.csv'), /rows\.csv: expected a column figures\.party-funds\.value \(every figure of examples\/batch\/county-base\.yaml takes its number from the sheet\), received none/);
  });
});

describe('rows are validated like data files', () => {
  it('errors name the row and the column, and say what was expected and received', () => {
    const file = sheetWith('bad-rows.csv', (rows) => [
      { ...rows[0]!, 'figures.village-branches.value': '一百多' },
      { ...rows[1]!, 'figures.party-funds.value': '' },
      { ...rows[2]!, 'figures.weak-villages.value': '7', 'figures.weak-villages.fragment': '仍有5个村集体经济薄弱' },
    ]);
    const [a, b, c] = rowsOf(file);
    assert.equal(a!.data, undefined);
    assert.deepEqual(a!.problems, [`${file} row 2 (示例县甲), column E figures.village-branches.value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "一百多"`]);
    assert.deepEqual(b!.problems, [`${file} row 3 (示例县乙), column I figures.party-funds.value: expected a value, received nothing (add value:)`]);
    assert.match(c!.problems.join('\n'), new RegExp(`^${file} row 4 \\(示例县丙\\), column L figures\\.weak-villages\\.fragment: expected the words of the speech that state 7, received "仍有5个村集体经济薄弱"`));
  });

  it('a field no column sets is named by the header a column for it would have, with the base file\'s line', () => {
    const file = sheetWith('no-fragment.csv', (rows) => rows.slice(0, 1));
    const headers = readFileSync(file, 'utf8').split('\n')[0]!.split(',');
    const keep = headers.map((h, i) => (h === 'figures.party-funds.fragment' ? -1 : i)).filter((i) => i >= 0);
    writeFileSync(file, readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => keep.map((i) => l.split(',')[i]).join(',')).join('\n'));
    const [row] = rowsOf(file);
    assert.match(row!.problems[0]!, new RegExp(`row 2 \\(示例县甲\\), figures\\.party-funds\\.fragment \\(${BASE.replace(/\./g, '\\.')}:\\d+; no column sets it\\): expected the words of the speech that state 320`));
  });

  it('cells as people type them: 1,812 · ８５％ · 120个 · dates with / 年月日 · keywords with 、', () => {
    assert.equal(toNumber('1,812'), 1812);
    assert.equal(toNumber('８５％', '%'), 85);
    assert.equal(toNumber('92.5 %', '%'), 92.5);
    assert.equal(toNumber('120个', '个'), 120);
    assert.equal(toNumber('120个', '%'), '120个');
    assert.equal(toNumber('1,2'), '1,2');
    assert.equal(toNumber('九'), '九');
    assert.equal(toDate('2018/2/8'), '2018-02-08');
    assert.equal(toDate('2018年2月8日'), '2018-02-08');
    assert.equal(toDate('2018.02.08'), '2018-02-08');
    assert.equal(toDate('二〇一八年'), '二〇一八年');
    const file = sheetWith('typed.csv', (rows) => [{ ...rows[0]!, 'figures.enterprise-coverage.value': '92.5%' }]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('name,', 'document.keywords,document.issued,name,').replace('\n示例县甲', '\n示例数据、基层党建、村级组织,2026/11/20,示例县甲'));
    const [row] = rowsOf(file);
    assert.deepEqual(row!.problems, []);
    assert.deepEqual(row!.data!.document.keywords, ['示例数据', '基层党建', '村级组织']);
    assert.equal(row!.data!.document.issued, '2026-11-20');
    assert.equal(row!.data!.figures[1]!.value, 92.5);
  });

  it('a row name becomes a folder: path characters are refused', () => {
    const file = sheetWith('names.csv', (rows) => [{ ...rows[0]!, name: '../甲县' }]);
    assert.match(rowsOf(file)[0]!.problems[0]!, /row 2 \(\.\.\/甲县\), column A name: expected a folder name for the row's files \(1 to 80 characters, none of \/ \\ : \* \? " < > \|\), received "\.\.\/甲县"/);
  });

  it('an XLSX sheet maps the same way: percent cells, numbers and dates', () => {
    const [head, ...lines] = sampleLines();
    const headers = [...head!.split(','), 'document.issued'];
    const aoa: unknown[][] = [headers, ...lines.map((l) => [...l.split(',').map((v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v)), new Date(Date.UTC(2026, 10, 20))])];
    const ws = XLSX.utils.aoa_to_sheet(aoa, { cellDates: true });
    const coverage = headers.indexOf('figures.enterprise-coverage.value');
    for (let r = 1; r <= lines.length; r++) {
      const cell = ws[XLSX.utils.encode_cell({ r, c: coverage })]!;
      cell.v = Number(cell.v) / 100;
      cell.z = '0.0%';
    }
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, '县区');
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'counties.xlsx');
    writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }));
    const rows = rowsOf(file);
    assert.deepEqual(rows.map((r) => r.problems), [[], [], []]);
    assert.deepEqual(rows.map((r) => r.data!.figures[1]!.value), [92.5, 88, 95]);
    assert.deepEqual(rows.map((r) => r.data!.document.issued), ['2026-11-20', '2026-11-20', '2026-11-20']);
  });
});

describe('--template', () => {
  const ids = ['a', 'b'];
  const names = (t: string) => templateOutputs(t, ids).map((o) => o.name);
  it('takes groups and output names', () => {
    assert.deepEqual(names('poster'), ['poster-a3', 'poster-a2']);
    assert.deepEqual(names('wechat'), ['wechat-cover', 'wechat-square', 'wechat-long']);
    assert.deepEqual(names('card'), ['card-a-square', 'card-a-portrait', 'card-b-square', 'card-b-portrait']);
    assert.deepEqual(names('gongwen'), ['briefing-gongwen']);
    assert.deepEqual(names('briefing'), ['briefing']);
    assert.deepEqual(names('poster-a0,wechat-square,poster-a0'), ['poster-a0', 'wechat-square']);
  });
  it('refuses what it does not know, listing what it does', () => {
    assert.throws(() => names('flyer'), /--template: expected a group, briefing \(the briefing\), .*poster \(poster-a3 and poster-a2\).*; received flyer/);
    assert.throws(() => names('card-c-square'), /received card-c-square/);
  });
});

describe('progress bar', () => {
  it('shows count, rate and ETA', () => {
    assert.equal(progressLine({ done: 12, total: 40, failed: 0, elapsedSeconds: 10, unit: 'outputs', extra: '3/10 rows' }, 10), '[███░░░░░░░] 12/40 outputs · 3/10 rows · 1.20/s · ETA 0:23');
    assert.equal(progressLine({ done: 0, total: 4, failed: 0, elapsedSeconds: 0, unit: 'outputs' }, 4), '[░░░░] 0/4 outputs · 0.00/s · ETA –');
    assert.equal(progressLine({ done: 4, total: 4, failed: 1, elapsedSeconds: 2, unit: 'outputs' }, 4), '[████] 4/4 outputs · 1 failed · 2.00/s · done');
    assert.deepEqual([clock(75), clock(3725), clock(0.4)], ['1:15', '1:02:05', '0:00']);
  });
  it('redraws one line in a terminal and writes a line per step elsewhere', () => {
    const tty: string[] = [];
    const p = new Progress(2, 'outputs', { isTTY: true, write: (t: string) => tty.push(t) });
    p.tick();
    p.log('✓ row 2');
    p.tick(false);
    p.end();
    assert.match(tty[0]!, /^\r\x1b\[K\[█{10}░{10}\] 1\/2 outputs/);
    assert.deepEqual(tty.slice(1, 3), ['\r\x1b[K', '✓ row 2\n']);
    assert.match(tty.at(-2)!, /2\/2 outputs · 1 failed/);
    assert.equal(tty.at(-1), '\n');
    const log: string[] = [];
    const q = new Progress(1, 'outputs', { write: (t: string) => log.push(t) });
    q.tick();
    assert.match(log[0]!, /^\[█{20}\] 1\/1 outputs · .* · done\n$/);
  });
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('shushuo batch', { timeout: 300_000 }, () => {
  before(() => rmSync(OUT, { recursive: true, force: true }));
  after(() => rmSync(join(OUT, 'run'), { recursive: true, force: true }));

  it('renders every good row, reports a row with bad data, and keeps going', () => {
    const file = sheetWith('mixed.csv', (rows) => [
      rows[0]!,
      { ...rows[1]!, 'figures.enterprise-coverage.value': '很多' },
      { ...rows[2]!, name: '示例县丁', 'document.title': `示例数据${'很长的标题'.repeat(12)}` },
      { ...rows[2]! },
    ]);
    const out = join(OUT, 'run');
    const r = cli('batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /4\/4 rows · 2 failed · \d+\.\d\d\/s · done/);
    assert.match(r.stderr, /✓ row 2 示例县甲: wechat-square\.png/);
    assert.match(r.stderr, new RegExp(`✗ ${file} row 3 \\(示例县乙\\), column G figures\\.enterprise-coverage\\.value: expected a number, or one as the speech writes it`));
    assert.match(r.stderr, new RegExp(`✗ ${file} row 4 \\(示例县丁\\), column C document\\.title: expected at most 40 characters, received 64`));
    assert.match(r.stderr, /batch: 4 rows, 2 rendered \(2 files in .*\), 2 invalid, 0 failed, in \d+\.\d s \(1 outputs per row\)/);

    assert.deepEqual(readdirSync(join(out, '示例县甲')).sort(), ['manifest.json', 'wechat-square.png']);
    assert.ok(existsSync(join(out, '示例县丙', 'wechat-square.png')));
    assert.equal(existsSync(join(out, '示例县乙')), false, 'an invalid row writes nothing');
    const report = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')) as { rows: { row: number; name: string; status: string; files: string[] }[] };
    assert.deepEqual(report.rows.map((x) => [x.row, x.name, x.status, x.files]), [
      [2, '示例县甲', 'rendered', ['wechat-square.png']],
      [3, '示例县乙', 'invalid', []],
      [4, '示例县丁', 'invalid', []],
      [5, '示例县丙', 'rendered', ['wechat-square.png']],
    ]);
    const manifest = JSON.parse(readFileSync(join(out, '示例县甲', 'manifest.json'), 'utf8')) as { row: number; files: { file: string; pixels: { width: number } }[] };
    assert.equal(manifest.row, 2);
    assert.equal(manifest.files[0]!.pixels.width, 500);
    const gallery = readFileSync(join(out, 'index.html'), 'utf8');
    assert.ok(gallery.includes('示例县甲/wechat-square.png') && gallery.includes('示例县丙/wechat-square.png') && !gallery.includes('示例县丁'));
  });

  it('a row whose output fails to render is reported, and writes no file the manifest does not vouch for; the other rows render; progress shows count, rate and ETA', async () => {
    // Valid data never fails, so the fault is put in a copy of the templates: the square cover of one county throws.
    const templates = join(OUT, 'templates');
    cpSync('templates', templates, { recursive: true });
    const square = join(templates, 'wechat-square.hbs');
    writeFileSync(square, readFileSync(square, 'utf8').replace('<body', '{{#if (eq view.doc.office "中共示例县乙委组织部（示例）")}}{{no-such-field}}{{/if}}<body'));
    const out = join(OUT, 'run', 'faulty');
    let log = '';
    const result = await batch({ data: SAMPLE, base: BASE, template: 'wechat-square', out, templatesDir: templates, stream: { write: (s: string) => { log += s; } } });
    assert.deepEqual(result.rows.map((x) => [x.row, x.name, x.status]), [[2, '示例县甲', 'rendered'], [3, '示例县乙', 'failed'], [4, '示例县丙', 'rendered']]);
    assert.match(result.rows[1]!.problems[0]!, /counties\.csv row 3 \(示例县乙\), wechat-square: .*no-such-field/);
    assert.equal(existsSync(join(out, '示例县乙', 'wechat-square.png')), false, 'a failed row keeps no files');
    assert.ok(existsSync(join(out, '示例县丙', 'wechat-square.png')));
    assert.match(log, /1\/3 rows( · 1 failed)? · \d+\.\d\d\/s · ETA \d+:\d\d/);
    assert.match(log, /3\/3 rows · 1 failed · \d+\.\d\d\/s · done/);
  });

  it('the example sheet renders a poster per county as print PDFs, each with its own numbers', () => {
    const out = join(OUT, 'run', 'posters');
    const r = cli('batch', '--data', SAMPLE, '--base', BASE, '--template', 'poster-a3', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /batch: 3 rows, 3 rendered \(6 files in .*\), 0 invalid, 0 failed/);
    const want = { 示例县甲: ['126个', '92.5%', '320万元', '8个村'], 示例县乙: ['98个', '88%', '215万元', '12个村'], 示例县丙: ['143个', '95%', '410万元', '5个村'] };
    for (const [county, numbers] of Object.entries(want)) {
      const pdf = join(out, county, 'poster-a3.pdf');
      const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
      assert.ok(text.includes(`${county}基层党建数说（示例数据）`), `${county}: title`);
      for (const n of numbers) assert.ok(text.includes(n), `${county}: expected ${n} in its poster, received ${text.slice(0, 200)}`);
      const fonts = spawnSync('pdffonts', [pdf], { encoding: 'utf8' }).stdout;
      assert.doesNotMatch(fonts, /Type 3/);
    }
  });

  it('a source column names each row\'s text; figures that do not verify against it make the row invalid', () => {
    const dir = join(OUT, 'sources');
    mkdirSync(dir, { recursive: true });
    const [jia, yi] = sampleLines().slice(1).map((l) => l.split(','));
    // 示例数据: the texts the sample rows quote, one of them saying another number.
    writeFileSync(join(dir, 'jia.txt'), `示例数据。全县${jia!.filter((c, i) => i % 2 === 1 && i > 4).join('，')}。\n`);
    writeFileSync(join(dir, 'yi.txt'), `示例数据。全县${yi!.filter((c, i) => i % 2 === 1 && i > 4).join('，').replace('98个', '97个')}。\n`);
    const file = sheetWith('with-sources.csv', (rows) => [
      { ...rows[0]!, '#说明': 'sources/jia.txt' },
      { ...rows[1]!, '#说明': 'sources/yi.txt' },
      { ...rows[2]!, '#说明': 'sources/none.txt' },
    ]);
    writeFileSync(file, readFileSync(file, 'utf8').replace('#说明', 'source'));
    const out = join(OUT, 'run', 'sources');
    const r = cli('batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', out);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /✓ row 2 示例县甲: wechat-square\.png/);
    assert.match(r.stderr, /row 3 \(示例县乙\), column F figures\.village-branches\.fragment: expected “共有村党组织98个” in sources\/yi\.txt, received no such words; 98 is nowhere in it/);
    assert.match(r.stderr, /row 4 \(示例县丙\), column B source: expected a text file relative to the sheet, received "sources\/none\.txt" \(ENOENT\)/);
    assert.match(r.stderr, /batch: 3 rows, 1 rendered .* 2 invalid, 0 failed/);
  });

  it('refuses, writing nothing, when it cannot start: no --base, an unknown template, a bad column, every row invalid', () => {
    const out = join(OUT, 'run', 'refused');
    const noBase = cli('batch', '--data', SAMPLE, '--template', 'poster', '--out', out);
    assert.equal(noBase.status, 2);
    assert.match(noBase.stderr, /batch: expected --base FILE, the data file each row fills in, received no --base/);
    const unknown = cli('batch', '--data', SAMPLE, '--base', BASE, '--template', 'flyer', '--out', out);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /--template: expected a group, .*received flyer/);
    const badColumn = sheetWith('bad-column.csv', (rows) => rows);
    writeFileSync(badColumn, readFileSync(badColumn, 'utf8').replace('document.office', 'document.ofice'));
    const column = cli('batch', '--data', badColumn, '--base', BASE, '--template', 'poster', '--out', out);
    assert.equal(column.status, 2);
    assert.match(column.stderr, /invalid sheet, nothing rendered:\n.*bad-column\.csv column D: expected document\.<field> with a field of title, .*received "document\.ofice"/);
    const allBad = sheetWith('all-bad.csv', (rows) => rows.map((x) => ({ ...x, 'figures.party-funds.value': '很多' })));
    const invalid = cli('batch', '--data', allBad, '--base', BASE, '--template', 'poster', '--out', out);
    assert.equal(invalid.status, 2);
    assert.equal(invalid.stderr.match(/column I figures\.party-funds\.value: expected a number, or one as the speech writes it \(六成, 两千, 3\.5万, 1,812\), received "很多"/g)?.length, 3);
    assert.equal(existsSync(out), false);
  });
});

describe('batch: stopped and resumed, and a sheet with an error cell', { timeout: 300_000 }, () => {
  const out = join(OUT, 'stop');
  before(() => rmSync(out, { recursive: true, force: true }));
  after(() => rmSync(out, { recursive: true, force: true }));

  it(`its rows at once share at most ${BATCH_RENDERERS} renderer processes (each holds some 100 MB in a long batch)`, async () => {
    const file = sheetWith('renderers.csv', (rows) => Array.from({ length: 9 }, (_, i) => ({ ...rows[i % rows.length]!, name: `示例县${i + 1}` })));
    const dir = join(out, 'renderers');
    const child = spawn(process.execPath, [CLI, 'batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', dir], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    let running = true;
    void exited.then(() => (running = false));
    // The batch's Chrome is the process whose profile is named for the batch's pid; its renderers are in its process group.
    const counts: number[] = [];
    while (running) {
      const list = spawnSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).stdout.split('\n').map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m) => m !== null);
      const browser = list.find((m) => m[3]!.includes(`shushuo-chrome-${child.pid}-`) && !m[3]!.includes('--type='));
      if (browser) counts.push(list.filter((m) => m[2] === browser[1] && m[3]!.includes('--type=renderer')).length);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(await exited, 0);
    assert.ok(Math.max(...counts) >= 1, `renderers seen: ${counts.join(' ')}`);
    assert.ok(Math.max(...counts) <= BATCH_RENDERERS, `at most ${BATCH_RENDERERS} renderers, ${ROWS_AT_ONCE} rows at once: ${counts.join(' ')}`);
  });

  it('Ctrl-C commits the rows done and writes batch.json; --resume renders only the rest', async () => {
    const file = sheetWith('stop.csv', (rows) => Array.from({ length: 8 }, (_, i) => ({ ...rows[i % rows.length]!, name: `示例县${i + 1}` })));
    const child = spawn(process.execPath, [CLI, 'batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/✓ row \d+ /.test(stderr)) done();
      });
      child.on('exit', () => fail(new Error(`the batch ended before a row was done:\n${stderr}`)));
    });
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /stopped: .*Run the same command again \(or with --resume\) to go on/);
    const report = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')) as { rows: { name: string; status: string; files: string[] }[] };
    const done = report.rows.filter((r) => r.status === 'rendered');
    assert.ok(done.length >= 1 && done.length < 8, `some rows done, not all: ${report.rows.map((r) => r.status).join(' ')}`);
    assert.ok(report.rows.some((r) => r.status === 'stopped'));
    // Every row folder there is matches its manifest: nothing half-written.
    for (const name of readdirSync(out).filter((n) => n.startsWith('示例县'))) {
      const manifest = JSON.parse(readFileSync(join(out, name, 'manifest.json'), 'utf8')) as { files: { file: string; bytes: number }[] };
      for (const f of manifest.files) assert.equal(readFileSync(join(out, name, f.file)).byteLength, f.bytes, `${name}/${f.file}`);
      assert.deepEqual(readdirSync(join(out, name)).filter((n) => n !== 'manifest.json').sort(), manifest.files.map((f) => f.file).sort(), name);
    }
    const before = new Map(done.map((r) => [r.name, readFileSync(join(out, r.name, 'manifest.json'), 'utf8')]));

    const resumed = cli('batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', out, '--resume');
    assert.equal(resumed.status, 0, resumed.stderr);
    for (const r of done) assert.match(resumed.stderr, new RegExp(`✓ row \\d+ ${r.name}: wechat-square\\.png \\(all up to date\\)`));
    for (const [name, manifest] of before) assert.equal(readFileSync(join(out, name, 'manifest.json'), 'utf8'), manifest, `${name} was not rewritten`);
    const after = JSON.parse(readFileSync(join(out, 'batch.json'), 'utf8')) as { rows: { status: string }[] };
    assert.deepEqual(after.rows.map((r) => r.status), Array(8).fill('rendered'));
  });

  it('an XLSX error cell (#DIV/0!) makes its row invalid, and the other rows render', () => {
    const [head, ...lines] = sampleLines();
    const aoa = [head!.split(','), ...lines.map((l) => l.split(',').map((v) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : v)))];
    const ws = XLSX.utils.aoa_to_sheet(aoa);
    ws['E3'] = { t: 'e', v: 7, w: '#DIV/0!' };
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'Sheet1');
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'div0.xlsx');
    writeFileSync(file, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const r = cli('batch', '--data', file, '--base', BASE, '--template', 'wechat-square', '--out', join(out, 'div0'));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /div0\.xlsx sheet Sheet1 row 3 \(示例县乙\), column E figures\.village-branches\.value, cell E3: expected a value, received the error #DIV\/0!/);
    assert.match(r.stderr, /batch: 3 rows, 2 rendered .* 1 invalid, 0 failed/);
    assert.ok(existsSync(join(out, 'div0', '示例县甲', 'wechat-square.png')) && existsSync(join(out, 'div0', '示例县丙', 'wechat-square.png')));
  });
});
