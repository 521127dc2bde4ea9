import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import { columnLetter, readSheet, SheetError } from '../src/data/sheet.js';

const FIXTURES = fileURLToPath(new URL('fixtures/sheet/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'shushuo-sheet-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Write a file into the temp folder and return its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function workbook(name: string, sheets: Record<string, XLSX.WorkSheet>): string {
  const wb = XLSX.utils.book_new();
  for (const [sheetName, ws] of Object.entries(sheets)) XLSX.utils.book_append_sheet(wb, ws, sheetName);
  return file(name, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

function throwsSheetError(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SheetError, `expected a SheetError, received ${String(err)}`);
    assert.equal(err.name, 'SheetError');
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

describe('columnLetter', () => {
  it('counts A…Z, then AA', () => {
    assert.equal(columnLetter(0), 'A');
    assert.equal(columnLetter(25), 'Z');
    assert.equal(columnLetter(26), 'AA');
    assert.equal(columnLetter(27), 'AB');
    assert.equal(columnLetter(701), 'ZZ');
    assert.equal(columnLetter(702), 'AAA');
  });
});

describe('readSheet: CSV', () => {
  it('reads UTF-8 with a BOM, quoted commas, quotes and newlines, numbering rows as Excel does', () => {
    const sheet = readSheet(join(FIXTURES, 'utf8-bom.csv'));
    assert.equal(sheet.kind, 'csv');
    assert.equal(sheet.encoding, 'utf-8');
    assert.deepEqual(sheet.headers, ['名称', '数值', '说明']);
    assert.deepEqual(sheet.rows, [
      { row: 2, line: 2, cells: ['贫困村', '1812', '含 "深度" 贫困村'] },
      { row: 3, line: 3, cells: ['脱贫人口', '12,345', '第一行\r\n第二行'] },
      // line 5 is empty: row 4 in Excel, not returned
      { row: 5, line: 6, cells: ['合计', '99', ''] },
    ]);
  });

  it('decodes GB18030, as Chinese Excel saves "CSV (逗号分隔)"', () => {
    const sheet = readSheet(join(FIXTURES, 'gb18030.csv'));
    assert.equal(sheet.encoding, 'gb18030');
    assert.deepEqual(sheet.headers, ['地区', '贫困发生率', '备注']);
    assert.deepEqual(sheet.rows.map((r) => r.cells), [['洛阳市', '3.2', '较上年下降'], ['栾川县', '1.5', '“脱贫摘帽”']]);
  });

  it('splits on tabs when the header line has tabs and no commas', () => {
    const sheet = readSheet(join(FIXTURES, 'tabs.tsv'));
    assert.deepEqual(sheet.headers, ['名称', '数值', '说明']);
    assert.deepEqual(sheet.rows, [{ row: 2, line: 2, cells: ['贫困村', '1,812', '含逗号, 不分列'] }]);
  });

  it('pads short rows, skips rows of empty cells and ignores empty cells past the header', () => {
    const sheet = readSheet(file('short.csv', 'a,b,c\n1\n,,\n2,3,4,,\n'));
    assert.deepEqual(sheet.rows, [
      { row: 2, line: 2, cells: ['1', '', ''] },
      { row: 4, line: 4, cells: ['2', '3', '4'] },
    ]);
  });

  it('refuses an empty file', () => {
    const path = file('empty.csv', '');
    throwsSheetError(() => readSheet(path), `${path}: expected a header row naming the columns, received an empty sheet`);
    const blank = file('blank.csv', '\n , \n\n');
    throwsSheetError(() => readSheet(blank), `${blank}: expected a header row naming the columns, received an empty sheet`);
  });

  it('refuses a table that does not start in row 1', () => {
    const path = file('late.csv', '\n\na,b\n1,2\n');
    throwsSheetError(() => readSheet(path), `${path} row 1: expected a header row naming the columns, received an empty row 1 (the table starts in row 3; it must start in row 1)`);
  });

  it('refuses a header used twice', () => {
    const path = file('twice.csv', '名称,数值,说明,数值\n1,2,3,4\n');
    throwsSheetError(() => readSheet(path), `${path} row 1: expected a different header in each column, received "数值" in both column B and column D`);
  });

  it('refuses content under an empty header', () => {
    const path = file('noheader.csv', 'a,,c,\n1,,3,\n4,5,6,\n');
    throwsSheetError(() => readSheet(path), `${path} cell B3 (line 3): expected a header in B1 naming this column, received an empty header above "5"`);
  });

  it('refuses a row with more cells than headers', () => {
    const path = file('long.csv', 'a,b\n1,2\n"x\ny",2,3\n');
    throwsSheetError(() => readSheet(path), `${path} row 3 (line 3): expected at most 2 cells, one per column of the header row, received 3 (a comma too many, or a cell with a comma in it that needs quotes)`);
  });

  it('refuses UTF-16, what Excel saves as "Unicode 文本"', () => {
    const path = file('unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('名称\t数值\r\n村\t1\r\n', 'utf16le')]));
    throwsSheetError(() => readSheet(path), `${path}: expected UTF-8 or GB18030 text, received UTF-16 ("Unicode 文本"); save the sheet as "CSV UTF-8 (逗号分隔)" or as .xlsx`);
  });

  it('reports a quote that is never closed', () => {
    const path = file('open.csv', 'a,b\n1,"2\n');
    throwsSheetError(() => readSheet(path), new RegExp(`^${path.replace(/[.\\]/g, '\\$&')}: expected CSV text, received .*Quote Not Closed`));
  });
});

describe('readSheet: files', () => {
  it('refuses other extensions', () => {
    throwsSheetError(() => readSheet('rows.numbers'), 'rows.numbers: expected a .csv or .xlsx file, received .numbers');
  });
  it('names the file and the reason it cannot be read', () => {
    const path = join(dir, 'missing.csv');
    throwsSheetError(() => readSheet(path), `${path}: cannot read the file (ENOENT)`);
  });
  it('refuses a file that is not a workbook', () => {
    const path = file('broken.xlsx', Buffer.from('PK\x03\x04 not really a zip'));
    throwsSheetError(() => readSheet(path), /broken\.xlsx: expected an Excel workbook, received a file that cannot be read as one/);
  });
});

describe('readSheet: XLSX', () => {
  const figures = XLSX.utils.aoa_to_sheet([
    ['  名称 ', '数值', '比例', '日期', '合计', '是否'],
    [' 贫困村 ', 1812, 0.85, 43139, 0, true],
    ['脱贫率', 12.5, 0.071, 43140, 0, false],
  ]);
  figures['C2']!.z = '0%';
  figures['C3']!.z = '0.0%';
  figures['D2']!.z = 'yyyy"年"m"月"d"日"';
  figures['D3']!.z = 'yyyy-mm-dd hh:mm';
  figures['D3']!.v = 43140.5;
  figures['E2'] = { t: 'n', v: 1812.85, f: 'B2+C2' };
  figures['E3'] = { t: 's', v: '见附表', f: '"见附表"' };
  const path = workbook('figures.xlsx', { 数据: figures, 第二页: XLSX.utils.aoa_to_sheet([['名称'], ['第二页的行']]) });

  it('reads numbers, percentages, dates, formulas and booleans', () => {
    const sheet = readSheet(path);
    assert.equal(sheet.kind, 'xlsx');
    assert.equal(sheet.sheetName, '数据');
    assert.equal(sheet.encoding, undefined);
    assert.deepEqual(sheet.headers, ['名称', '数值', '比例', '日期', '合计', '是否']);
    assert.deepEqual(sheet.rows, [
      { row: 2, cells: ['贫困村', 1812, 85, '2018-02-08', 1812.85, 'TRUE'] },
      { row: 3, cells: ['脱贫率', 12.5, 7.1, '2018-02-09 12:00', '见附表', 'FALSE'] },
    ]);
  });

  it('reads the sheet named', () => {
    const sheet = readSheet(path, { sheet: '第二页' });
    assert.equal(sheet.sheetName, '第二页');
    assert.deepEqual(sheet.rows, [{ row: 2, cells: ['第二页的行'] }]);
  });

  it('lists the sheets when the one named is not there', () => {
    throwsSheetError(() => readSheet(path, { sheet: '汇总' }), `${path}: expected a sheet named "汇总", received a workbook with the sheets "数据", "第二页"`);
  });

  it('numbers rows as the sheet does, skipping empty ones', () => {
    const ws = XLSX.utils.aoa_to_sheet([['a', 'b'], [1, 2], [], ['', '  '], [3]]);
    const sheet = readSheet(workbook('gaps.xlsx', { S: ws }));
    assert.deepEqual(sheet.rows, [{ row: 2, cells: [1, 2] }, { row: 5, cells: [3, ''] }]);
  });

  it('reads the built-in date format of a Chinese Excel (numFmtId 31), also in its first cell', () => {
    const ws = XLSX.utils.aoa_to_sheet([['日期'], [43139], [43140]]);
    ws['A2']!.z = ws['A3']!.z = 'yyyy"年"m"月"d"日"';
    const custom = workbook('custom-date.xlsx', { S: ws });
    // Turn the custom format SheetJS wrote into the built-in id 31, which has no formatCode in the file.
    const zip = XLSX.CFB.read(readFileSync(custom), { type: 'buffer' });
    const styles = zip.FileIndex[zip.FullPaths.findIndex((p: string) => p.endsWith('xl/styles.xml'))]!;
    const xml = Buffer.from(styles.content as Uint8Array).toString('utf8');
    const id = /<numFmt numFmtId="(\d+)" formatCode="yyyy/.exec(xml)![1];
    styles.content = Buffer.from(xml.replace(new RegExp(`<numFmt numFmtId="${id}"[^>]*/>`), '').replaceAll(`<xf numFmtId="${id}"`, '<xf numFmtId="31"'));
    const builtin = file('builtin-date.xlsx', XLSX.CFB.write(zip, { type: 'buffer', fileType: 'zip' }) as Buffer);
    assert.deepEqual(readSheet(builtin).rows.map((r) => r.cells), [['2018-02-08'], ['2018-02-09']]);
  });

  it('reads an old .xls workbook too', () => {
    const ws = XLSX.utils.aoa_to_sheet([['名称', '比例', '日期'], ['贫困村', 0.85, 43139]]);
    ws['B2']!.z = '0%';
    ws['C2']!.z = 'yyyy/m/d';
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, 'Sheet1');
    const xls = file('old.xls', XLSX.write(wb, { type: 'buffer', bookType: 'biff8' }) as Buffer);
    assert.deepEqual(readSheet(xls).rows, [{ row: 2, cells: ['贫困村', 85, '2018-02-08'] }]);
  });

  it('an error cell makes its row invalid, and the other rows read as they are', () => {
    const ws = XLSX.utils.aoa_to_sheet([['a', 'b', 'c'], [1, 2, 3], [1, 0, 1], [4, 0, 5]]);
    ws['C4'] = { t: 'e', v: 0x07, w: '#DIV/0!', f: 'A4/B4' };
    const { rows } = readSheet(workbook('error.xlsx', { Sheet1: ws }));
    assert.deepEqual(rows.map((r) => r.errors ?? []), [[], [], [{ column: 2, message: 'cell C4: expected a value, received the error #DIV/0!' }]]);
    assert.deepEqual(rows[1]!.cells, [1, 0, 1]);
    // A formula saved without its value (by a program, not by Excel or WPS)
    const unsaved = XLSX.utils.aoa_to_sheet([['a', 'b'], [1]]);
    unsaved['B2'] = { t: 'n', f: 'A2*2' };
    unsaved['!ref'] = 'A1:B2';
    assert.deepEqual(readSheet(workbook('unsaved.xlsx', { S: unsaved })).rows[0]!.errors, [{ column: 1, message: 'cell B2: expected a value, received an error with no value saved (open the file in Excel or WPS and save it again)' }]);
    // In the header row, an error names no column: the sheet cannot be read.
    const head = XLSX.utils.aoa_to_sheet([['a', 'b'], [1, 2]]);
    head['B1'] = { t: 'e', v: 0x07, w: '#DIV/0!' };
    throwsSheetError(() => readSheet(workbook('head.xlsx', { Sheet1: head })), /head\.xlsx sheet Sheet1 cell B1: expected a value, received the error #DIV\/0!$/);
  });

  it('refuses an empty sheet, a header used twice and content under an empty header', () => {
    const empty = workbook('empty.xlsx', { Sheet1: XLSX.utils.aoa_to_sheet([]) });
    throwsSheetError(() => readSheet(empty), `${empty} sheet Sheet1: expected a header row naming the columns, received an empty sheet`);
    const twice = workbook('twice.xlsx', { S: XLSX.utils.aoa_to_sheet([['名称', '名称 '], [1, 2]]) });
    throwsSheetError(() => readSheet(twice), `${twice} sheet S row 1: expected a different header in each column, received "名称" in both column A and column B`);
    const stray = workbook('stray.xlsx', { S: XLSX.utils.aoa_to_sheet([['a', 'b'], [1, 2], [3, 4, 5]]) });
    throwsSheetError(() => readSheet(stray), `${stray} sheet S cell C3: expected a header in C1 naming this column, received an empty header above "5"`);
  });
});

