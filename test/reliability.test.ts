// Every bad input gets an error a person can act on: exit 2 (or 1 when the run cannot be done here),
// a message that names the file, line and field, what was expected and what was received, no stack
// trace (unless --debug), and nothing written.
//
// One table, below, is both the test and docs/reliability.md. Each row builds its bad input in its own
// folder under test/__output__/reliability/, runs the command line (main()) there, and checks the exit
// code, the first line of the message (after a heading such as "invalid data, nothing written:"),
// that no "    at " line reached the user, and that the folder holds only what the row put there.
// Every row but one fails before Chrome starts. Rows run the CLI's main() in this process, one at a
// time, in their folder (a row that sets the environment gets a process of its own).
//
// After changing the table, write the document again:
//   node --import tsx test/reliability.test.ts --write-docs

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import * as XLSX from '@e965/xlsx';
import { CONTROL } from '../src/errors.js';
import { main } from '../src/cli/cli.js';
import { OUTPUTS, TEMPLATE_GROUPS } from '../src/view/outputs.js';

// The outputs and groups as the templates declare them (src/view/registry.ts): a new template changes these messages.
const OUTPUT_NAMES = OUTPUTS.map((o) => o.name).join(', ');
const GROUPS = Object.keys(TEMPLATE_GROUPS).join(', ');
const GROUP_LIST = Object.entries(TEMPLATE_GROUPS).map(([k, v]) => `${k} (${v})`).join(', ');

const REPO = resolve(import.meta.dirname, '..');
const ROOT = join(REPO, 'test/__output__/reliability');
const CLI = join(REPO, 'bin/shushuo.js');
const DOC = join(REPO, 'docs/reliability.md');

type Files = Record<string, string | Buffer | null>;

interface Case {
  group: string;
  kind: string;
  /** Files to make in the row's folder (null: a folder) */
  files?: Files;
  /** The command line, run in the row's folder */
  args: string[];
  env?: Record<string, string>;
  exit: number;
  /** The first line of the message, after its heading; paths relative to the row's folder */
  message: string;
  /** The line only starts with `message` (the rest depends on the machine) */
  prefix?: boolean;
  /** preflight reports on stdout */
  stdout?: boolean;
  /** A render fault, not a user error: the run may leave its (empty) manifest and gallery */
  writes?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Inputs

const BASE = `document:
  title: 数说乡村振兴
  office: 青川县委办公室
  issued: 2024-03-20
  speaker: 王明
  speechTitle: 在全县乡村振兴工作推进会上的讲话
  speechDate: 2024-03-15

sections:
  - id: review
    number: 一、
    title: 工作回顾

figures:
  - id: villages
    value: 12
    unit: 个
    label: 示范村
    section: review
    fragment: 建成示范村12个
  - id: coop-share
    value: 六成
    qualifier: 超过
    label: 农户参加合作社
    section: review
    fragment: 超过六成农户参加合作社
  - id: income
    value: 8.5
    unit: "%"
    kind: growth
    label: 农民人均收入增长
    section: review
    fragment: 农民人均可支配收入增长8.5%
`;

/** The base data with some text replaced; each `from` must be there, so no row turns valid by accident. */
function data(...edits: [string, string][]): string {
  let text = BASE;
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `the base data has no ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return text;
}

const SPEECH = '同志们：\n一、工作回顾\n一年来，全县建成示范村12个，超过六成农户参加合作社，农民人均可支配收入增长8.5%。\n';

/** A minimal sfnt: the given tables plus a format-4 cmap mapping A–Z (as in fonts.test.ts). */
function sfnt(version: number | string, tables: string[], options: { unicode?: boolean } = {}): Buffer {
  const cmap = Buffer.alloc(12 + 16 + 4 * 8);
  cmap.writeUInt16BE(1, 2);
  cmap.writeUInt16BE(options.unicode === false ? 1 : 3, 4);
  cmap.writeUInt16BE(options.unicode === false ? 0 : 1, 6);
  cmap.writeUInt32BE(12, 8);
  const segs = 2;
  cmap.writeUInt16BE(4, 12);
  cmap.writeUInt16BE(16 + segs * 8, 14);
  cmap.writeUInt16BE(segs * 2, 18);
  const ends = 26;
  cmap.writeUInt16BE(0x5a, ends);
  cmap.writeUInt16BE(0xffff, ends + 2);
  const starts = ends + segs * 2 + 2;
  cmap.writeUInt16BE(0x41, starts);
  cmap.writeUInt16BE(0xffff, starts + 2);
  const deltas = starts + segs * 2;
  cmap.writeUInt16BE((1 - 0x41) & 0xffff, deltas);
  cmap.writeUInt16BE(1, deltas + 2);
  const all = [...(tables.includes('-cmap') ? [] : ['cmap']), ...tables.filter((t) => t !== '-cmap')];
  const head = Buffer.alloc(12 + all.length * 16);
  if (typeof version === 'string') head.write(version, 0, 'latin1');
  else head.writeUInt32BE(version, 0);
  head.writeUInt16BE(all.length, 4);
  all.forEach((tag, i) => {
    head.write(tag.padEnd(4), 12 + i * 16, 'latin1');
    head.writeUInt32BE(head.length, 12 + i * 16 + 8);
    head.writeUInt32BE(tag === 'cmap' ? cmap.length : 0, 12 + i * 16 + 12);
  });
  return Buffer.concat([head, cmap]);
}

/** The 132-byte header of an ICC profile (no tags). */
function icc(o: { space?: string; deviceClass?: string; version?: number; signature?: string } = {}): Buffer {
  const b = Buffer.alloc(132);
  b.writeUInt32BE(132, 0);
  b[8] = o.version ?? 2;
  b.write((o.deviceClass ?? 'prtr').padEnd(4), 12, 'latin1');
  b.write((o.space ?? 'CMYK').padEnd(4), 16, 'latin1');
  b.write('Lab ', 20, 'latin1');
  b.write(o.signature ?? 'acsp', 36, 'latin1');
  return b;
}

/** A one-page PDF, written by hand: header, objects, xref, trailer, %%EOF. */
function pdf(o: { encrypt?: boolean; pages?: boolean } = {}): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    o.pages === false ? '<< /Type /Pages /Kids [] /Count 0 >>' : '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> >>',
    ...(o.encrypt ? ['<< /Filter /Standard /V 1 /R 2 /O <00> /U <00> /P -4 >>'] : []),
  ];
  let body = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((n) => `${String(n).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${o.encrypt ? ' /Encrypt 4 0 R /ID [<01> <01>]' : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A workbook with one sheet of rows. */
function xlsx(rows: (string | number)[][], options: { sheet?: string; cells?: Record<string, XLSX.CellObject> } = {}): Buffer {
  const ws = XLSX.utils.aoa_to_sheet(rows);
  Object.assign(ws, options.cells ?? {});
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, options.sheet ?? 'Sheet1');
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

const HEADER = 'name,figures.villages.value,figures.villages.fragment,figures.coop-share.value,figures.income.value';
const ROW = '甲县,12,建成示范村12个,六成,8.5';
const sheet = (...lines: string[]) => `${lines.join('\n')}\n`;
/** GB18030 bytes of text: ASCII, and the two-byte (GBK) codes, found by decoding every pair once. */
function gb18030(text: string): Buffer {
  const pairs: number[] = [];
  for (let hi = 0x81; hi <= 0xfe; hi++) for (let lo = 0x40; lo <= 0xfe; lo++) if (lo !== 0x7f) pairs.push(hi, lo);
  const chars = [...new TextDecoder('gb18030').decode(Uint8Array.from(pairs))];
  assert.equal(chars.length, pairs.length / 2);
  const code = new Map(chars.map((c, i) => [c, [pairs[2 * i]!, pairs[2 * i + 1]!]]));
  return Buffer.from([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : code.get(c) ?? assert.fail(`no GBK code for ${c}`))));
}
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const executable = (text: string) => `#!/bin/sh\n${text}\n`;

// ---------------------------------------------------------------------------------------------
// The table

const RENDER = ['render', '--data', 'data.yaml', '--out', 'out'];
const VALIDATE = ['validate', '--data', 'data.yaml'];
const BATCH = (sheetFile = 'rows.csv', ...more: string[]) => ['batch', '--data', sheetFile, '--base', 'base.yaml', '--template', 'poster-a3', '--out', 'out', ...more];
const withData = (files: Files = {}): Files => ({ 'data.yaml': BASE, ...files });
const withBase = (files: Files): Files => ({ 'base.yaml': BASE, ...files });

export const CASES: Case[] = [
  // --- data files: the schema ---
  { group: 'data files', kind: 'a value with its unit in it', files: { 'data.yaml': data(['value: 12\n', 'value: "12个"\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "12个" (write 12 and set unit: "个")' },
  { group: 'data files', kind: 'a value in words that are not a number', files: { 'data.yaml': data(['value: 12\n', 'value: 很多\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "很多"' },
  { group: 'data files', kind: 'a required field left out (document.title)', files: { 'data.yaml': data(['  title: 数说乡村振兴\n', '']) }, args: RENDER, exit: 2, message: 'data.yaml:1 document.title: expected a value, received nothing (add title:)' },
  { group: 'data files', kind: 'no figures', files: { 'data.yaml': data([BASE.slice(BASE.indexOf('figures:')), 'figures: []\n']) }, args: RENDER, exit: 2, message: 'data.yaml:14 figures: expected a non-empty value, received a list' },
  { group: 'data files', kind: 'a field the schema does not know', files: { 'data.yaml': data(['    label: 示范村\n', '    label: 示范村\n    colour: red\n']) }, args: RENDER, exit: 2, message: 'data.yaml:19 figures[0].colour: expected no such field, received colour (allowed: id, value, unit, qualifier, qualifierAt, kind, trend, from, label, section, fragment, icon)' },
  { group: 'data files', kind: 'a field of the old file shape (structure:)', files: { 'data.yaml': data(['sections:', 'structure: []\nsections:']) }, args: RENDER, exit: 2, message: 'data.yaml:9 structure: expected no such field, received structure (allowed: document, sections, figures, derived); the structure is now a tree: sections: [{ id, number, title, sections: [...] }], see the README' },
  { group: 'data files', kind: 'a title longer than 40 characters', files: { 'data.yaml': data(['title: 数说乡村振兴', `title: ${'数说乡村振兴'.repeat(7)}`]) }, args: RENDER, exit: 2, message: 'data.yaml:2 document.title: expected at most 40 characters, received 42' },
  { group: 'data files', kind: 'an empty label', files: { 'data.yaml': data(['label: 示范村', 'label: ""']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].label: expected a non-empty value, received ""' },
  { group: 'data files', kind: 'a figure id with capitals', files: { 'data.yaml': data(['id: villages', 'id: Villages']) }, args: RENDER, exit: 2, message: 'data.yaml:15 figures[0].id: expected an id of lower-case letters, digits and hyphens, starting with a letter, e.g. coverage-nonpublic, received "Villages"' },
  { group: 'data files', kind: 'two figures with one id', files: { 'data.yaml': data(['id: coop-share', 'id: villages']) }, args: RENDER, exit: 2, message: 'data.yaml:21 figures[1].id: expected a unique id, received "villages" (already used by figures[0])' },
  { group: 'data files', kind: 'a section no section has', files: { 'data.yaml': data(['    section: review\n    fragment: 建成', '    section: nowhere\n    fragment: 建成']) }, args: RENDER, exit: 2, message: 'data.yaml:19 figures[0].section: expected the id of a section (review), received "nowhere"' },
  { group: 'data files', kind: 'two sections with one id', files: { 'data.yaml': data(['    title: 工作回顾\n', '    title: 工作回顾\n  - id: review\n    title: 下一步\n']) }, args: RENDER, exit: 2, message: 'data.yaml:13 sections[1].id: expected a unique id, received "review" (already used by sections[0])' },
  { group: 'data files', kind: 'a section named when the data has no sections', files: { 'data.yaml': data(['sections:\n  - id: review\n    number: 一、\n    title: 工作回顾\n', '']) }, args: RENDER, exit: 2, message: 'data.yaml:15 figures[0].section: expected no section, since the data has no sections, received "review"' },
  { group: 'data files', kind: 'document is a list', files: { 'data.yaml': `document: [a, b]\n${BASE.slice(BASE.indexOf('figures:'))}` }, args: RENDER, exit: 2, message: 'data.yaml:1 document: expected a mapping, received a list' },
  { group: 'data files', kind: 'the whole file is a list', files: { 'data.yaml': '- a\n- b\n' }, args: RENDER, exit: 2, message: 'data.yaml:1 (top level): expected a mapping, received a list' },
  { group: 'data files', kind: 'an issue number of 0', files: { 'data.yaml': data(['  speaker: 王明\n', '  speaker: 王明\n  issue: 0\n']) }, args: RENDER, exit: 2, message: 'data.yaml:6 document.issue: expected must be >= 1, received 0' },
  { group: 'data files', kind: 'a document number without 〔year〕', files: { 'data.yaml': data(['  speaker: 王明\n', '  speaker: 王明\n  docNumber: 青办2024第3号\n']) }, args: RENDER, exit: 2, message: 'data.yaml:6 document.docNumber: expected 发文字号 as printed: 代字〔年份〕序号号, the full year in 〔〕, no leading zeros, e.g. 洛办〔2018〕10号. When absent, the official-document layout prints 〔year of issue〕issue号, received "青办2024第3号"' },
  { group: 'data files', kind: 'keywords as one text, not a list', files: { 'data.yaml': data(['  speaker: 王明\n', '  speaker: 王明\n  keywords: 乡村振兴\n']) }, args: RENDER, exit: 2, message: 'data.yaml:6 document.keywords: expected a list, received "乡村振兴"' },
  { group: 'data files', kind: 'a fragment longer than 60 characters', files: { 'data.yaml': data(['fragment: 建成示范村12个', `fragment: ${'全县上下'.repeat(14)}建成示范村12个`]) }, args: RENDER, exit: 2, message: 'data.yaml:20 figures[0].fragment: expected at most 60 characters, received 64' },
  { group: 'data files', kind: 'an icon that does not exist', files: { 'data.yaml': data(['    label: 示范村\n', '    label: 示范村\n    icon: star\n']) }, args: RENDER, exit: 2, message: 'data.yaml:19 figures[0].icon: expected one of "dot", "flag", "house", "person", received "star"' },
  { group: 'data files', kind: 'a trend that is neither up nor down', files: { 'data.yaml': data(['    kind: growth\n', '    kind: growth\n    trend: sideways\n']) }, args: RENDER, exit: 2, message: 'data.yaml:31 figures[2].trend: expected one of "up", "down", received "sideways"' },
  // --- data files: YAML, encodings, sizes ---
  { group: 'data files', kind: 'YAML that does not parse (an unclosed quote)', files: { 'data.yaml': data(['label: 示范村', 'label: "示范村']) }, args: RENDER, exit: 2, message: 'data.yaml:18 (yaml): not valid YAML: Missing closing "quote' },
  { group: 'data files', kind: 'YAML indented with a tab', files: { 'data.yaml': data(['  office: 青川县委办公室', '\toffice: 青川县委办公室']) }, args: RENDER, exit: 2, message: 'data.yaml:3 (yaml): not valid YAML: Tabs are not allowed as indentation' },
  { group: 'data files', kind: 'a key given twice', files: { 'data.yaml': data(['  speaker: 王明\n', '  speaker: 王明\n  speaker: 李华\n']) }, args: RENDER, exit: 2, message: 'data.yaml:6 (yaml): not valid YAML: Map keys must be unique' },
  { group: 'data files', kind: 'two YAML documents in one file', files: { 'data.yaml': `${BASE}---\n${BASE}` }, args: RENDER, exit: 2, message: 'data.yaml:34 (yaml): expected one YAML document, received 2 (a line of --- starts another; a data file is one document)' },
  { group: 'data files', kind: 'an alias bomb', files: { 'data.yaml': `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n${BASE}` }, args: RENDER, exit: 2, message: 'data.yaml:1 (yaml): expected aliases (*name) that expand to at most 10000 nodes, received more: Excessive alias count indicates a resource exhaustion attack' },
  { group: 'data files', kind: 'nesting 200 levels deep', files: { 'data.yaml': `${'['.repeat(200)}${']'.repeat(200)}\n` }, args: RENDER, exit: 2, message: 'data.yaml:1 (yaml): expected a data file nested at most 64 levels deep, received more' },
  { group: 'data files', kind: 'a file over 5 MB', files: { 'data.yaml': `${BASE}# ${'x'.repeat(6 * 1024 * 1024)}\n` }, args: RENDER, exit: 2, message: 'data.yaml:0 (file): expected a data file of at most 5.0 MB, received 6.0 MB' },
  { group: 'data files', kind: 'an empty file', files: { 'data.yaml': '' }, args: RENDER, exit: 2, message: 'data.yaml:1 (top level): expected a mapping, received an empty value' },
  { group: 'data files', kind: 'a binary file (a PNG) as data', files: { 'data.yaml': Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d4a3e20000000049454e44ae426082', 'hex') }, args: RENDER, exit: 2, message: 'data.yaml:0 (file): expected text in UTF-8, UTF-16 or GB18030, received bytes that are none of them (is it a Word or Excel file? save it as text)' },
  { group: 'data files', kind: 'a data file that does not exist', args: ['render', '--data', 'nosuch.yaml', '--out', 'out'], exit: 2, message: 'nosuch.yaml:0 (file): cannot read a data file (ENOENT)' },
  { group: 'data files', kind: 'a folder as the data file', files: { 'data.yaml': null }, args: RENDER, exit: 2, message: 'data.yaml:0 (file): expected a data file, received a folder' },
  { group: 'data files', kind: 'GB18030 data with a bad value: read, and reported in Chinese', files: { 'data.yaml': gb18030(data(['value: 12\n', 'value: 十几\n'])) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "十几"' },
  { group: 'data files', kind: 'UTF-16 data with a bad value', files: { 'data.yaml': utf16(data(['value: 12\n', 'value: 十几\n'])) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "十几"' },
  // --- data files: values, qualifiers, kinds, fragments ---
  { group: 'data files', kind: 'a value the fragment does not state', files: { 'data.yaml': data(['value: 12\n', 'value: 13\n']) }, args: RENDER, exit: 2, message: 'data.yaml:20 figures[0].fragment: expected the words of the speech that state 13, received "建成示范村12个" (no 13 in it)' },
  { group: 'data files', kind: 'a unit the fragment does not state', files: { 'data.yaml': data(['unit: 个', 'unit: 座']) }, args: RENDER, exit: 2, message: 'data.yaml:17 figures[0].unit: expected the unit the fragment gives after 12 ("个…"), received "座"' },
  { group: 'data files', kind: 'a qualifier the fragment states, left out of the data', files: { 'data.yaml': data(['    qualifier: 超过\n', '']) }, args: RENDER, exit: 2, message: 'data.yaml:21 figures[1].qualifier: expected 超过, as the speech says ("超过六成农户参加合作社"), received nothing' },
  { group: 'data files', kind: 'a qualifier the data claims and the fragment lacks', files: { 'data.yaml': data(['    unit: 个\n', '    unit: 个\n    qualifier: 约\n']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].qualifier: expected no qualifier, since the fragment "建成示范村12个" does not say 约 next to 12, received 约' },
  { group: 'data files', kind: 'a qualifier that is not one', files: { 'data.yaml': data(['qualifier: 超过', 'qualifier: 大约']) }, args: RENDER, exit: 2, message: 'data.yaml:23 figures[1].qualifier: expected 超过, as the speech says ("超过六成农户参加合作社"), received 大约' },
  { group: 'data files', kind: 'qualifierAt without a qualifier', files: { 'data.yaml': data(['    unit: 个\n', '    unit: 个\n    qualifierAt: before\n']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].qualifierAt: expected a qualifier to place, received qualifierAt alone' },
  { group: 'data files', kind: 'qualifierAt where the qualifier cannot stand', files: { 'data.yaml': data(['    qualifier: 超过\n', '    qualifier: 超过\n    qualifierAt: after\n']) }, args: RENDER, exit: 2, message: 'data.yaml:24 figures[1].qualifierAt: expected before for 超过, received after' },
  { group: 'data files', kind: 'a kind that does not exist', files: { 'data.yaml': data(['kind: growth', 'kind: increase']) }, args: RENDER, exit: 2, message: 'data.yaml:30 figures[2].kind: expected one of "count", "amount", "share", "growth", "points", "from-to", "target", "duration", "rank", "multiple", received "increase"' },
  { group: 'data files', kind: 'a share that is not a percentage', files: { 'data.yaml': data(['    unit: 个\n', '    unit: 个\n    kind: share\n']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].kind: expected a percentage (unit "%", or a share such as 六成) for a share of a whole, received unit "个"' },
  { group: 'data files', kind: 'a share over 100%', files: { 'data.yaml': data(['value: 8.5', 'value: 180'], ['kind: growth', 'kind: share'], ['增长8.5%', '增长180%']) }, args: RENDER, exit: 2, message: 'data.yaml:28 figures[2].value: expected a share from 0 to 100%, received 180 (a rise of more than 100% is kind: growth)' },
  { group: 'data files', kind: 'a percentage over 100000', files: { 'data.yaml': data(['value: 8.5', 'value: 200000'], ['增长8.5%', '增长200000%']) }, args: RENDER, exit: 2, message: 'data.yaml:28 figures[2].value: expected a percentage from 0 to 100000, received 200000' },
  { group: 'data files', kind: 'from-to without the value it moved from', files: { 'data.yaml': data(['kind: growth', 'kind: from-to']) }, args: RENDER, exit: 2, message: 'data.yaml:27 figures[2].from: expected the value it moved from (kind from-to), received nothing (add from:)' },
  { group: 'data files', kind: 'a from value on a figure that is not from-to', files: { 'data.yaml': data(['    unit: 个\n', '    unit: 个\n    from: 8\n']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].from: expected a value the fragment gives before 12, received 8 (not in "建成示范村12个")' },
  { group: 'data files', kind: 'a rank that is not a place', files: { 'data.yaml': data(['value: 12\n', 'value: 2.5\n'], ['unit: 个', 'unit: 位'], ['fragment: 建成示范村12个', 'fragment: 居全省第2.5位']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a place such as 3 for a rank, received 2.5' },
  { group: 'data files', kind: 'a negative value the fragment does not call a decline', files: { 'data.yaml': data(['value: 12\n', 'value: -12\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number the speech states, received -12 (a speech says 下降 or 减少 with a positive number: write 12 and a fragment that says so)' },
  { group: 'data files', kind: 'a value of .nan', files: { 'data.yaml': data(['value: 12\n', 'value: .nan\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a finite number, received NaN' },
  { group: 'data files', kind: 'a value of .inf', files: { 'data.yaml': data(['value: 12\n', 'value: .inf\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a finite number, received Infinity' },
  { group: 'data files', kind: 'a value of 10^15 or more', files: { 'data.yaml': data(['value: 12\n', 'value: 2000000000000000\n']) }, args: RENDER, exit: 2, message: 'data.yaml:16 figures[0].value: expected a number below 1000万亿 (10^15), received 2000000000000000 (a speech states it in 万 or 亿: write 3.5 and unit: 亿元)' },
  { group: 'data files', kind: 'a unit after a share written as 六成', files: { 'data.yaml': data(['    qualifier: 超过\n', '    qualifier: 超过\n    unit: 户\n']) }, args: RENDER, exit: 2, message: 'data.yaml:24 figures[1].unit: expected no unit after 六成, which is a share in itself, received "户"' },
  { group: 'data files', kind: 'a complement of a figure that does not exist', files: { 'data.yaml': `${BASE}derived:\n  - id: rest\n    op: complement\n    from: [nosuch]\n    label: 其余农户\n` }, args: RENDER, exit: 2, message: 'data.yaml:37 derived[0].from[0]: expected the id of a figure, received "nosuch"' },
  { group: 'data files', kind: 'a complement of a figure that is not a percentage', files: { 'data.yaml': `${BASE}derived:\n  - id: rest\n    op: complement\n    from: [villages]\n    label: 其余\n` }, args: RENDER, exit: 2, message: 'data.yaml:37 derived[0].from[0]: expected a percentage figure for complement, received villages with unit "个"' },
  { group: 'data files', kind: 'a complement of shares over 100%', files: { 'data.yaml': `${BASE}derived:\n  - id: rest\n    op: complement\n    from: [coop-share, coop-share, income]\n    label: 其余\n` }, args: RENDER, exit: 2, message: 'data.yaml:37 derived[0].from: expected percentages that add up to at most 100, received 128.5' },
  // --- data files: dates, placeholders, control characters, glyphs ---
  { group: 'data files', kind: 'a date not on the calendar', files: { 'data.yaml': data(['issued: 2024-03-20', 'issued: 2024-02-30']) }, args: RENDER, exit: 2, message: 'data.yaml:4 document.issued: expected a date on the calendar, received 2024-02-30' },
  { group: 'data files', kind: 'a date written 2024/3/20', files: { 'data.yaml': data(['issued: 2024-03-20', 'issued: 2024/3/20']) }, args: RENDER, exit: 2, message: 'data.yaml:4 document.issued: expected a date as YYYY-MM-DD, e.g. 2018-02-08, received "2024/3/20"' },
  { group: 'data files', kind: 'a placeholder (待填写) left in, render', files: { 'data.yaml': data(['office: 青川县委办公室', 'office: 待填写']) }, args: RENDER, exit: 2, message: 'data.yaml:3 document.office: expected your text, received the placeholder 待填写 (fill it in)' },
  { group: 'data files', kind: 'a placeholder (待填写) left in, validate', files: { 'data.yaml': data(['office: 青川县委办公室', 'office: 待填写']) }, args: VALIDATE, exit: 2, message: 'data.yaml: 1 field to fill in, the rest is valid (3 figures):' },
  { group: 'data files', kind: 'a control character (BEL) in a label', files: { 'data.yaml': data(['label: 示范村', 'label: "示范\\a村"']) }, args: RENDER, exit: 2, message: 'data.yaml:18 figures[0].label: expected printable text, received the control character \\u0007 (delete it; it was probably pasted in)' },
  { group: 'data files', kind: 'an escape sequence in a title (shown escaped, not run)', files: { 'data.yaml': data(['title: 数说乡村振兴', 'title: "\\e[31m数说\\e[0m"']) }, args: RENDER, exit: 2, message: 'data.yaml:2 document.title: expected printable text, received the control character \\u001B (delete it; it was probably pasted in)' },
  { group: 'data files', kind: 'a right-to-left override in the speaker', files: { 'data.yaml': data(['speaker: 王明', 'speaker: "王\\u202E明"']) }, args: RENDER, exit: 2, message: 'data.yaml:5 document.speaker: expected printable text, received the control character \\u202E (delete it; it was probably pasted in)' },
  { group: 'data files', kind: 'a character no font has', files: { 'data.yaml': data(['speaker: 王明', 'speaker: 王劐']) }, args: RENDER, exit: 2, message: 'data.yaml:5 document.speaker: the character "劐" (U+5290) is not in Noto Serif SC, the face of the title role (小标宋); rewrite it, or give the role a font that has it (--font title=FILE)' },

  // --- arguments ---
  { group: 'arguments', kind: 'no command', args: [], exit: 2, message: 'shushuo: expected a command (validate, verify, render, batch, extract, preflight, studio), received none' },
  { group: 'arguments', kind: 'a command that does not exist', args: ['rendr', '--data', 'data.yaml'], exit: 2, message: 'shushuo: expected a command (validate, verify, render, batch, extract, preflight, studio), received "rendr" (did you mean render? shushuo --help lists every option)' },
  { group: 'arguments', kind: 'an unknown option', files: withData(), args: [...RENDER, '--colour', 'cmyk'], exit: 2, message: '--colour: expected an option shushuo knows, received an unknown option (shushuo --help lists every option)' },
  { group: 'arguments', kind: 'a misspelt option', files: withData(), args: ['render', '--data', 'data.yaml', '--outt', 'out'], exit: 2, message: '--outt: expected an option shushuo knows, received an unknown option (did you mean --out? shushuo --help lists every option)' },
  { group: 'arguments', kind: 'an unknown short option', files: withData(), args: [...RENDER, '-o', 'out'], exit: 2, message: '-o: expected an option shushuo knows, received an unknown option (shushuo --help lists every option)' },
  { group: 'arguments', kind: 'an option of another command', files: withData(), args: [...VALIDATE, '--out', 'out'], exit: 2, message: '--out: expected an option of shushuo validate (--data, --font, --config), received --out, which is for render and batch' },
  { group: 'arguments', kind: 'an option given twice with different values', files: withData(), args: [...RENDER, '--out', 'out2'], exit: 2, message: '--out: expected once, received 2 different values ("out", "out2") (keep the one you mean)' },
  { group: 'arguments', kind: 'an option without its value at the end', files: withData(), args: [...RENDER, '--only'], exit: 2, message: '--only: expected a value (--only NAMES), received nothing, it is the last argument' },
  { group: 'arguments', kind: 'an option whose value is the next option', files: withData(), args: ['render', '--data', '--out', 'out'], exit: 2, message: '--data: expected a value (--data FILE), received the option "--out" (give --data its value, or write --data=--out if the value starts with -)' },
  { group: 'arguments', kind: 'a value given to a switch', files: withData(), args: [...RENDER, '--marks=yes'], exit: 2, message: '--marks: expected no value (a switch: give --marks or leave it out), received "yes"' },
  { group: 'arguments', kind: 'an empty --data', args: ['render', '--data', '', '--out', 'out'], exit: 2, message: '--data: expected a value (--data FILE), received an empty value' },
  { group: 'arguments', kind: 'render without --data', args: ['render', '--out', 'out'], exit: 2, message: 'render: expected --data FILE, received no --data' },
  { group: 'arguments', kind: 'an argument that is not an option', files: withData(), args: [...RENDER, 'poster'], exit: 2, message: 'render: expected options only, received the argument "poster" (a value with spaces needs quotes; every value follows its option, e.g. --data FILE)' },
  { group: 'arguments', kind: '--bleed= (empty)', files: withData(), args: [...RENDER, '--bleed='], exit: 2, message: '--bleed: expected a value (--bleed MM), received an empty value' },
  { group: 'arguments', kind: '--bleed 0x3', files: withData(), args: [...RENDER, '--bleed', '0x3'], exit: 2, message: '--bleed: expected a number of mm from 0 to 20 such as 3, received "0x3"' },
  { group: 'arguments', kind: '--bleed 3mm', files: withData(), args: [...RENDER, '--bleed', '3mm'], exit: 2, message: '--bleed: expected a number of mm from 0 to 20 such as 3, received "3mm" (write --bleed 3)' },
  { group: 'arguments', kind: '--bleed 25 (over 20 mm)', files: withData(), args: [...RENDER, '--bleed', '25'], exit: 2, message: '--bleed: expected a number of mm from 0 to 20 such as 3, received "25"' },
  { group: 'arguments', kind: '--bleed -3', files: withData(), args: [...RENDER, '--bleed', '-3'], exit: 2, message: '--bleed: expected a number of mm from 0 to 20 such as 3, received "-3"' },
  { group: 'arguments', kind: 'an empty --only', files: withData(), args: [...RENDER, '--only', ''], exit: 2, message: '--only: expected output names or groups such as briefing,poster, received ""' },
  { group: 'arguments', kind: '--only with only commas', files: withData(), args: [...RENDER, '--only', ',,'], exit: 2, message: '--only: expected output names or groups such as briefing,poster, received ",,"' },
  { group: 'arguments', kind: 'an output name that does not exist', files: withData(), args: [...RENDER, '--only', 'poster-a9'], exit: 2, message: `--only: expected names from ${OUTPUT_NAMES}, card-<figure id>-square|portrait; or groups: ${GROUPS}; received poster-a9` },
  { group: 'arguments', kind: 'a layout that does not exist', files: withData(), args: [...RENDER, '--layout', 'report'], exit: 2, message: '--layout: expected one of briefing, gongwen, received report' },
  { group: 'arguments', kind: '--only and --layout with no output in common', files: withData(), args: [...RENDER, '--only', 'briefing', '--layout', 'gongwen'], exit: 2, message: '--only briefing with --layout gongwen: no output is both; the gongwen briefing is briefing-gongwen' },
  { group: 'arguments', kind: 'a card of a figure that does not exist', files: withData(), args: [...RENDER, '--only', 'card-nosuch-square'], exit: 2, message: `--only: expected names from ${OUTPUT_NAMES}, card-<figure id>-square|portrait for the figures villages, coop-share, income; or groups: ${GROUPS}; received card-nosuch-square` },
  { group: 'arguments', kind: '--font without ROLE=', files: withData(), args: [...RENDER, '--font', 'fangsong.ttf'], exit: 2, message: '--font: expected ROLE=FILE such as body=仿宋_GB2312.ttf, received "fangsong.ttf"' },
  { group: 'arguments', kind: '--font with a role that does not exist', files: withData(), args: [...RENDER, '--font', 'footer=x.ttf'], exit: 2, message: '--font "footer=x.ttf": expected a role of title, body, heading, subheading, number, received "footer"' },
  { group: 'arguments', kind: '--font for one role twice', files: withData(), args: [...RENDER, '--font', 'body=a.ttf', '--font', 'body=b.ttf'], exit: 2, message: '--font body: expected each role once, received two files for body ("a.ttf", "b.ttf")' },
  { group: 'arguments', kind: '--icc without --cmyk', files: withData({ 'p.icc': icc() }), args: [...RENDER, '--icc', 'p.icc'], exit: 2, message: '--icc: expected together with --cmyk, received --icc alone (the profile is for the CMYK PDF/X-3 that --cmyk writes)' },
  { group: 'arguments', kind: 'verify without --source', files: withData(), args: ['verify', '--data', 'data.yaml'], exit: 2, message: 'verify: expected --source SPEECH.txt, received no --source' },
  { group: 'arguments', kind: 'batch without --base', files: { 'rows.csv': sheet(HEADER, ROW) }, args: ['batch', '--data', 'rows.csv', '--template', 'poster-a3'], exit: 2, message: 'batch: expected --base FILE, the data file each row fills in, received no --base' },
  { group: 'arguments', kind: 'batch without --template', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: ['batch', '--data', 'rows.csv', '--base', 'base.yaml'], exit: 2, message: `batch: expected --template NAMES (${GROUPS} or output names), received no --template` },
  { group: 'arguments', kind: 'batch --template that names nothing', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: ['batch', '--data', 'rows.csv', '--base', 'base.yaml', '--template', 'flyer', '--out', 'out'], exit: 2, message: `--template: expected a group, ${GROUP_LIST}, or output names from ${OUTPUT_NAMES}, card-<figure id>-square|portrait; received flyer` },
  { group: 'arguments', kind: '--jobs 0', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: BATCH('rows.csv', '--jobs', '0'), exit: 2, message: '--jobs: expected a whole number from 1 to 16, received "0"' },
  { group: 'arguments', kind: '--jobs 17', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: BATCH('rows.csv', '--jobs', '17'), exit: 2, message: '--jobs: expected a whole number from 1 to 16, received "17"' },
  { group: 'arguments', kind: '--jobs 2.5', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: BATCH('rows.csv', '--jobs', '2.5'), exit: 2, message: '--jobs: expected a whole number from 1 to 16, received "2.5"' },
  { group: 'arguments', kind: '--sheet for a CSV', files: withBase({ 'rows.csv': sheet(HEADER, ROW) }), args: BATCH('rows.csv', '--sheet', 'Sheet1'), exit: 2, message: '--sheet: expected an .xlsx or .xls workbook in --data, whose sheet it names, received "rows.csv", which has no sheets (leave --sheet out for a CSV)' },
  { group: 'arguments', kind: 'extract without a file', args: ['extract'], exit: 2, message: 'extract: expected one speech: a .docx, a text .pdf or a text file (shushuo extract SPEECH.docx > draft.yaml), received none' },
  { group: 'arguments', kind: 'extract with two files', files: { 'a.txt': SPEECH, 'b.txt': SPEECH }, args: ['extract', 'a.txt', 'b.txt'], exit: 2, message: 'extract: expected one speech: a .docx, a text .pdf or a text file (shushuo extract SPEECH.docx > draft.yaml), received 2 arguments ("a.txt", "b.txt")' },
  { group: 'arguments', kind: 'preflight without a file', args: ['preflight'], exit: 2, message: 'preflight: expected one or more PDF files, received none' },
  { group: 'arguments', kind: 'invalid data with --debug: the message, then where (a stack is allowed)', files: { 'data.yaml': data(['value: 12\n', 'value: 很多\n']) }, args: [...RENDER, '--debug'], exit: 2, message: 'data.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "很多"' },
  // --- the config file ---
  { group: 'config file', kind: 'a config file that does not exist', files: withData(), args: [...VALIDATE, '--config', 'nosuch.yaml'], exit: 2, message: '--config nosuch.yaml: cannot read a config file (YAML or JSON) (ENOENT)' },
  { group: 'config file', kind: 'a config file that is not YAML', files: withData({ 'c.yaml': 'bleed: [3\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:2 (yaml): expected valid YAML, received Flow sequence in block collection must be sufficiently indented and end with a ]' },
  { group: 'config file', kind: 'a binary config file', files: withData({ 'c.yaml': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x81]) }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml: expected text in UTF-8, UTF-16 or GB18030, received bytes that are none of them (is it a Word or Excel file? save it as text)' },
  { group: 'config file', kind: 'a config file that is a list', files: withData({ 'c.yaml': '- bleed: 3\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:1 (top level): expected a mapping of fonts, bleed, marks, cmyk, icc, received a list' },
  { group: 'config file', kind: 'an unknown key', files: withData({ 'c.yaml': 'bleed: 3\ncolour: cmyk\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml: expected keys fonts, bleed, marks, cmyk, icc, received colour (line 2)' },
  { group: 'config file', kind: 'bleed: 50', files: withData({ 'c.yaml': 'marks: true\nbleed: 50\n' }), args: [...RENDER, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:2 bleed: expected a number of mm from 0 to 20 such as 3, received 50 (print shops ask for 3)' },
  { group: 'config file', kind: 'bleed: 3mm', files: withData({ 'c.yaml': 'bleed: 3mm\n' }), args: [...RENDER, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:1 bleed: expected a number of mm from 0 to 20 such as 3, received "3mm" (write 3)' },
  { group: 'config file', kind: 'marks: yes', files: withData({ 'c.yaml': 'marks: yes\n' }), args: [...RENDER, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:1 marks: expected true or false, received "yes" (write true or false)' },
  { group: 'config file', kind: 'cmyk: 1', files: withData({ 'c.yaml': 'cmyk: 1\n' }), args: [...RENDER, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:1 cmyk: expected true or false, received 1' },
  { group: 'config file', kind: 'fonts as a list', files: withData({ 'c.yaml': 'fonts:\n  - body.ttf\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:2 fonts: expected a mapping of role: file, e.g. { body: fonts/仿宋_GB2312.ttf }, received a list' },
  { group: 'config file', kind: 'fonts with a role that does not exist', files: withData({ 'c.yaml': 'fonts:\n  body: a.ttf\n  footer: b.ttf\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:3 fonts.footer: expected a role of title, body, heading, subheading, number, received "footer"' },
  { group: 'config file', kind: 'a font path that is a number', files: withData({ 'c.yaml': 'fonts:\n  body: 3\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:2 fonts.body: expected a font file path (relative to the config file), received 3' },
  { group: 'config file', kind: 'icc as a list', files: withData({ 'c.yaml': 'cmyk: true\nicc: [a.icc]\n' }), args: [...RENDER, '--config', 'c.yaml'], exit: 2, message: '--config c.yaml:2 icc: expected an ICC profile path (relative to the config file), received a list' },
  { group: 'config file', kind: 'a font file the config names that is not there', files: withData({ 'c.yaml': 'fonts:\n  body: fonts/nosuch.ttf\n' }), args: [...VALIDATE, '--config', 'c.yaml'], exit: 2, message: 'font for role body (仿宋) fonts/nosuch.ttf: cannot read it (ENOENT)' },
  // --- fonts ---
  { group: 'fonts', kind: 'a truncated TrueType file', files: withData({ 'f.ttf': sfnt(0x00010000, ['glyf', 'loca']).subarray(0, 40) }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a complete font file, received a damaged or truncated one: its table directory lists 3 tables, which would end at byte 60, but the file has 40 bytes (copy the font file again from where it came)' },
  { group: 'fonts', kind: 'a TrueType file cut inside its cmap', files: withData({ 'f.ttf': sfnt(0x00010000, ['glyf', 'loca']).subarray(0, 70) }), args: [...RENDER, '--font', 'title=f.ttf'], exit: 2, message: 'font for role title (小标宋) f.ttf: expected a complete font file, received a damaged or truncated one: its table cmap runs to byte 120, but the file has 70 bytes (copy the font file again from where it came)' },
  { group: 'fonts', kind: 'a CFF (.otf) font', files: withData({ 'f.otf': sfnt('OTTO', ['CFF ']) }), args: [...RENDER, '--font', 'body=f.otf'], exit: 2, message: 'font for role body (仿宋) f.otf: expected TrueType (glyf) outlines, received CFF/PostScript outlines, which Chrome writes as Type 3 fonts that print shops reject (convert it to TrueType first, e.g. with scripts/otf2ttf.py)' },
  { group: 'fonts', kind: 'a variable font', files: withData({ 'f.ttf': sfnt(0x00010000, ['glyf', 'fvar']) }), args: [...RENDER, '--font', 'heading=f.ttf'], exit: 2, message: 'font for role heading (黑体) f.ttf: expected a static font, received a variable font, which Chrome writes as Type 3 (use a static instance)' },
  { group: 'fonts', kind: 'a font collection (.ttc)', files: withData({ 'f.ttc': Buffer.concat([Buffer.from('ttcf'), Buffer.alloc(12)]) }), args: [...RENDER, '--font', 'body=f.ttc'], exit: 2, message: 'font for role body (仿宋) f.ttc: expected a single font, received a font collection (.ttc); extract the face you want into a .ttf' },
  { group: 'fonts', kind: 'a web font (.woff2)', files: withData({ 'f.woff2': Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(12)]) }), args: [...RENDER, '--font', 'body=f.woff2'], exit: 2, message: 'font for role body (仿宋) f.woff2: expected a .ttf file, received a web font (wOF2); use the .ttf it was made from' },
  { group: 'fonts', kind: 'an empty font file', files: withData({ 'f.ttf': '' }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a TrueType font file, received an empty file (0 bytes)' },
  { group: 'fonts', kind: 'a text file named .ttf', files: withData({ 'f.ttf': 'this is not a font\n' }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a TrueType font file, received data starting with "this"' },
  { group: 'fonts', kind: 'a font without a cmap', files: withData({ 'f.ttf': sfnt(0x00010000, ['-cmap', 'glyf']) }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a font with a character map (cmap table), received one without, so no character can be drawn with it' },
  { group: 'fonts', kind: 'a font without a Unicode cmap', files: withData({ 'f.ttf': sfnt(0x00010000, ['glyf'], { unicode: false }) }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a Unicode character map (cmap format 4 or 12), received none (the font maps no Unicode characters)' },
  { group: 'fonts', kind: 'a font file that does not exist', files: withData(), args: [...RENDER, '--font', 'body=nosuch.ttf'], exit: 2, message: 'font for role body (仿宋) nosuch.ttf: cannot read it (ENOENT)' },
  { group: 'fonts', kind: 'a folder as the font file', files: withData({ 'f.ttf': null }), args: [...RENDER, '--font', 'body=f.ttf'], exit: 2, message: 'font for role body (仿宋) f.ttf: expected a .ttf font file, received a folder' },
  { group: 'fonts', kind: 'a font that lacks characters of the data', files: withData({ 'f.ttf': sfnt(0x00010000, ['glyf', 'loca']) }), args: [...RENDER, '--font', 'number=f.ttf'], exit: 2, message: 'data.yaml:16 figures[0].value: the character "1" (U+31) is not in f.ttf, the face of the number role (数字); rewrite it, or give the role a font that has it (--font number=FILE)' },
  // --- browser ---
  { group: 'browser', kind: '--browser that does not exist', files: withData(), args: [...RENDER, '--browser', 'nosuch/chrome'], exit: 2, message: '--browser: expected the path of a Chrome or Chromium program, received "nosuch/chrome", which does not exist (ENOENT) (point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one)' },
  { group: 'browser', kind: '--browser naming a folder', files: withData({ 'chrome': null }), args: [...RENDER, '--browser', 'chrome'], exit: 2, message: '--browser: expected the path of a Chrome or Chromium program, received "chrome", which is a folder (give the program inside it, e.g. /usr/lib/chromium/chromium or …/Google Chrome.app/Contents/MacOS/Google Chrome)' },
  { group: 'browser', kind: '--browser naming a file that cannot be run', files: withData({ 'chrome': 'not a program\n' }), args: [...RENDER, '--browser', 'chrome'], exit: 2, message: '--browser: expected the path of a Chrome or Chromium program, received "chrome", which is not a program this user may run (make it executable (chmod +x), or point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one)' },
  { group: 'browser', kind: '--browser naming a program that fails', files: withData({ 'chrome.sh': executable('exit 1') }), args: [...RENDER, '--browser', './chrome.sh'], exit: 1, message: '--browser: could not start the browser at ./chrome.sh: expected `./chrome.sh --version` to name Chrome or Chromium, received exit code 1 and no output (point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one)' },
  { group: 'browser', kind: '--browser naming a program that is not Chrome', files: withData({ 'chrome.sh': executable('echo "Python 3.11.2"') }), args: [...RENDER, '--browser', './chrome.sh'], exit: 1, message: '--browser: could not start the browser at ./chrome.sh: expected `./chrome.sh --version` to name Chrome or Chromium, received exit code 0 and "Python 3.11.2" (point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one)' },
  { group: 'browser', kind: 'a program that answers --version as Chromium but does not start (a render fault)', files: withData({ 'chrome.sh': executable('[ "$1" = --version ] && echo "Chromium 120.0.0" && exit 0\necho boom >&2\nexit 1') }), args: [...RENDER, '--only', 'poster-a3', '--browser', './chrome.sh'], exit: 1, message: 'rendering failed: could not start the browser at ./chrome.sh', prefix: true },
  { group: 'browser', kind: 'SHUSHUO_BROWSER naming nothing', files: withData(), args: RENDER, env: { SHUSHUO_BROWSER: '/nonexistent/chrome' }, exit: 2, message: 'SHUSHUO_BROWSER: expected the path of a Chrome or Chromium program, received "/nonexistent/chrome", which does not exist (ENOENT) (point to Chrome or Chromium, e.g. /usr/bin/chromium, or leave the setting out to find one)' },
  // --- ICC profiles ---
  { group: 'ICC profile', kind: '--icc that does not exist', files: withData(), args: [...RENDER, '--cmyk', '--icc', 'nosuch.icc'], exit: 2, message: '--icc "nosuch.icc": expected a CMYK output ICC profile (.icc), version 2, received a path that does not exist or cannot be read (ENOENT)' },
  { group: 'ICC profile', kind: '--icc naming a folder', files: withData({ 'p.icc': null }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received a folder' },
  { group: 'ICC profile', kind: '--icc that is not a profile', files: withData({ 'p.icc': 'x'.repeat(200) }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received a file that is not an ICC profile (no "acsp" signature at byte 36) (give the profile your print shop names, e.g. FOGRA39 (ISO Coated v2) or Japan Color 2001 Coated)' },
  { group: 'ICC profile', kind: '--icc too short to be a profile', files: withData({ 'p.icc': icc().subarray(0, 60) }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received 60 bytes, too short for an ICC profile (give the profile your print shop names, e.g. FOGRA39 (ISO Coated v2) or Japan Color 2001 Coated)' },
  { group: 'ICC profile', kind: '--icc with an RGB profile', files: withData({ 'p.icc': icc({ space: 'RGB', deviceClass: 'mntr' }) }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received an RGB profile (give the profile your print shop names, e.g. FOGRA39 (ISO Coated v2) or Japan Color 2001 Coated)' },
  { group: 'ICC profile', kind: '--icc with a CMYK device link', files: withData({ 'p.icc': icc({ deviceClass: 'link' }) }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received a CMYK profile of class "link", not an output (prtr) profile (give the profile your print shop names, e.g. FOGRA39 (ISO Coated v2) or Japan Color 2001 Coated)' },
  { group: 'ICC profile', kind: '--icc with an ICC v4 profile', files: withData({ 'p.icc': icc({ version: 4 }) }), args: [...RENDER, '--cmyk', '--icc', 'p.icc'], exit: 2, message: '--icc "p.icc": expected a CMYK output ICC profile (.icc), version 2, received an ICC version 4.0 profile (PDF/X-3 needs version 2: ask the print shop for the v2 profile)' },
  // --- the output folder ---
  { group: 'output folder', kind: '--out naming a file', files: withData({ 'out.pdf': 'x' }), args: ['render', '--data', 'data.yaml', '--out', 'out.pdf'], exit: 2, message: '--out "out.pdf": expected a folder to write into, received a file (choose a folder, or a name that does not exist yet)' },
  { group: 'output folder', kind: '--out inside a file', files: withData({ 'notes.txt': 'x' }), args: ['render', '--data', 'data.yaml', '--out', 'notes.txt/out'], exit: 2, message: '--out "notes.txt/out": expected a folder to write into, received a path inside "notes.txt", which is a file (choose another folder)' },
  { group: 'output folder', kind: 'an empty --out', files: withData(), args: ['render', '--data', 'data.yaml', '--out', ''], exit: 2, message: '--out: expected a value (--out DIR), received an empty value' },
  { group: 'output folder', kind: 'batch --out naming a file', files: withBase({ 'rows.csv': sheet(HEADER, ROW), 'out': 'x' }), args: BATCH(), exit: 2, message: '--out "out": expected a folder to write into, received a file (choose a folder, or a name that does not exist yet)' },
  // --- sheets for batch ---
  { group: 'sheets (batch)', kind: 'a sheet that is neither .csv nor .xlsx', files: withBase({ 'rows.ods': 'x' }), args: BATCH('rows.ods'), exit: 2, message: 'rows.ods: expected a .csv or .xlsx file, received .ods' },
  { group: 'sheets (batch)', kind: 'a sheet that does not exist', files: withBase({}), args: BATCH('nosuch.csv'), exit: 2, message: 'nosuch.csv: cannot read the file (ENOENT)' },
  { group: 'sheets (batch)', kind: 'an empty sheet', files: withBase({ 'rows.csv': '' }), args: BATCH(), exit: 2, message: 'rows.csv: expected a header row naming the columns, received an empty sheet' },
  { group: 'sheets (batch)', kind: 'a header row and no rows', files: withBase({ 'rows.csv': sheet(HEADER) }), args: BATCH(), exit: 2, message: 'rows.csv: expected rows under the header, received none' },
  { group: 'sheets (batch)', kind: 'a table that starts in row 2', files: withBase({ 'rows.csv': sheet('', HEADER, ROW) }), args: BATCH(), exit: 2, message: 'rows.csv row 1: expected a header row naming the columns, received an empty row 1 (the table starts in row 2; it must start in row 1)' },
  { group: 'sheets (batch)', kind: 'a header that names nothing', files: withBase({ 'rows.csv': sheet(`${HEADER},document.ofice`, `${ROW},x`) }), args: BATCH(), exit: 2, message: 'rows.csv column F: expected document.<field> with a field of title, subtitle, masthead, office, officeCode, issue, issued, speaker, meeting, speechTitle, speechDate, sourceNote, distribution, docNumber, copyTo, keywords, received "document.ofice"' },
  { group: 'sheets (batch)', kind: 'a column for a figure the base does not have', files: withBase({ 'rows.csv': sheet(`${HEADER},figures.nosuch.value`, `${ROW},3`) }), args: BATCH(), exit: 2, message: 'rows.csv column F: expected figures.<id>.<field> with an id of base.yaml (villages, coop-share, income), received "figures.nosuch.value"' },
  { group: 'sheets (batch)', kind: 'no value column for a figure of the base', files: withBase({ 'rows.csv': sheet('name,figures.villages.value,figures.coop-share.value', '甲县,12,六成') }), args: BATCH(), exit: 2, message: 'rows.csv: expected a column figures.income.value (every figure of base.yaml takes its number from the sheet), received none; add it, or remove the figure from base.yaml' },
  { group: 'sheets (batch)', kind: 'one header in two columns', files: withBase({ 'rows.csv': sheet(`${HEADER},name`, `${ROW},乙县`) }), args: BATCH(), exit: 2, message: 'rows.csv row 1: expected a different header in each column, received "name" in both column A and column F' },
  { group: 'sheets (batch)', kind: 'a row with more cells than the header', files: withBase({ 'rows.csv': sheet(HEADER, `${ROW},多余`) }), args: BATCH(), exit: 2, message: 'rows.csv row 2 (line 2): expected at most 5 cells, one per column of the header row, received 6 (a comma too many, or a cell with a comma in it that needs quotes)' },
  { group: 'sheets (batch)', kind: 'every row invalid (a value in words)', files: withBase({ 'rows.csv': sheet(HEADER, ROW.replace(',12,', ',很多,')) }), args: BATCH(), exit: 2, message: '✗ rows.csv row 2 (甲县), column B figures.villages.value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "很多"' },
  { group: 'sheets (batch)', kind: 'a row name that cannot be a folder', files: withBase({ 'rows.csv': sheet(HEADER, ROW.replace('甲县', '甲/县')) }), args: BATCH(), exit: 2, message: 'rows.csv row 2 (甲/县), column A name: expected a folder name for the row\'s files (1 to 80 characters, none of / \\ : * ? " < > |), received "甲/县"' },
  { group: 'sheets (batch)', kind: 'escape sequences and a BEL in a row name and a cell (shown escaped)', files: withBase({ 'rows.csv': sheet(HEADER, ROW.replace('甲县', '甲\x1b[2J县').replace(',12,', ',1\x072,')) }), args: BATCH(), exit: 2, message: 'rows.csv row 2 (甲\\u001B[2J县), column A name: expected a folder name for the row\'s files (1 to 80 characters, none of / \\ : * ? " < > |), received "甲\\u001b[2J县"' },
  { group: 'sheets (batch)', kind: 'an .xlsx that is really a CSV', files: withBase({ 'rows.xlsx': sheet(HEADER, ROW) }), args: BATCH('rows.xlsx'), exit: 2, message: 'rows.xlsx: expected an Excel workbook (an .xlsx file is a ZIP archive), received text that looks like a CSV (name it .csv, or save it from Excel or WPS as .xlsx)' },
  { group: 'sheets (batch)', kind: '--sheet naming a sheet the workbook lacks', files: withBase({ 'rows.xlsx': xlsx([HEADER.split(','), ROW.split(',')]) }), args: BATCH('rows.xlsx', '--sheet', '汇总'), exit: 2, message: 'rows.xlsx: expected a sheet named "汇总", received a workbook with the sheets "Sheet1"' },
  { group: 'sheets (batch)', kind: 'an Excel error cell (#DIV/0!) in the only row', files: withBase({ 'rows.xlsx': xlsx([HEADER.split(','), ROW.split(',')], { cells: { B2: { t: 'e', v: 7, w: '#DIV/0!' } } }) }), args: BATCH('rows.xlsx'), exit: 2, message: '✗ rows.xlsx sheet Sheet1 row 2 (甲县), column B figures.villages.value, cell B2: expected a value, received the error #DIV/0!' },
  { group: 'sheets (batch)', kind: 'a CSV saved as UTF-16', files: withBase({ 'rows.csv': utf16(sheet(HEADER, ROW)) }), args: BATCH(), exit: 2, message: 'rows.csv: expected UTF-8 or GB18030 text, received UTF-16 ("Unicode 文本"); save the sheet as "CSV UTF-8 (逗号分隔)" or as .xlsx' },
  { group: 'sheets (batch)', kind: 'a base data file that is invalid', files: { 'base.yaml': data(['value: 12\n', 'value: 很多\n']), 'rows.csv': sheet(HEADER, ROW) }, args: BATCH(), exit: 2, message: 'base.yaml:16 figures[0].value: expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "很多"' },
  { group: 'sheets (batch)', kind: 'a source column naming a missing speech', files: withBase({ 'rows.csv': sheet(`${HEADER},source`, `${ROW},speeches/甲.txt`) }), args: BATCH(), exit: 2, message: '✗ rows.csv row 2 (甲县), column F source: expected a text file relative to the sheet, received "speeches/甲.txt" (ENOENT)' },
  // --- speeches (extract, verify, render --source) ---
  { group: 'speeches', kind: 'extract: a binary file', files: { 's.txt': Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x81, 0x00, 0x00]) }, args: ['extract', 's.txt'], exit: 2, message: 's.txt: expected a text file (.txt, .md) in UTF-8, UTF-16 or GB18030, received bytes that are none of them (save the speech from Word or WPS as .docx, or as text)' },
  { group: 'speeches', kind: 'extract: a file that does not exist', args: ['extract', 'nosuch.txt'], exit: 2, message: 'nosuch.txt: cannot read the speech (ENOENT)' },
  { group: 'speeches', kind: 'extract: a folder', files: { 's.txt': null }, args: ['extract', 's.txt'], exit: 2, message: 's.txt: expected a speech file, received a folder' },
  { group: 'speeches', kind: 'extract: an empty file', files: { 's.txt': '' }, args: ['extract', 's.txt'], exit: 2, message: 's.txt: expected a text file (.txt, .md) in UTF-8, UTF-16 or GB18030, received an empty file' },
  { group: 'speeches', kind: 'extract: a file of blank lines', files: { 's.txt': '\n\n  \n' }, args: ['extract', 's.txt'], exit: 2, message: 's.txt: expected a text file (.txt, .md) in UTF-8, UTF-16 or GB18030, received a file with nothing but blank lines' },
  { group: 'speeches', kind: 'verify: a binary speech', files: withData({ 's.txt': Buffer.from([0x00, 0xff, 0xfe, 0x81, 0x00]) }), args: ['verify', '--data', 'data.yaml', '--source', 's.txt'], exit: 2, message: 's.txt: expected a text file (.txt, .md) in UTF-8, UTF-16 or GB18030, received bytes that are none of them (save the speech from Word or WPS as .docx, or as text)' },
  { group: 'speeches', kind: 'verify: a GB18030 speech that does not state a figure', files: withData({ 's.txt': gb18030(SPEECH.replace('12个', '15个')) }), args: ['verify', '--data', 'data.yaml', '--source', 's.txt'], exit: 1, message: '✗ villages    12个', stdout: true },
  { group: 'speeches', kind: 'verify: a UTF-16 speech that does not state a figure', files: withData({ 's.txt': utf16(SPEECH.replace('12个', '20个')) }), args: ['verify', '--data', 'data.yaml', '--source', 's.txt'], exit: 1, message: '✗ villages    12个', stdout: true },
  { group: 'speeches', kind: 'verify: an empty speech', files: withData({ 's.txt': '' }), args: ['verify', '--data', 'data.yaml', '--source', 's.txt'], exit: 2, message: 's.txt: expected a text file (.txt, .md) in UTF-8, UTF-16 or GB18030, received an empty file' },
  { group: 'speeches', kind: 'render --source: figures the speech does not state', files: withData({ 's.txt': SPEECH.replace('12个', '15个') }), args: [...RENDER, '--source', 's.txt'], exit: 2, message: '✗ villages    12个' },
  { group: 'speeches', kind: 'render --source: a speech that does not exist', files: withData(), args: [...RENDER, '--source', 'nosuch.txt'], exit: 2, message: 'nosuch.txt: cannot read the speech (ENOENT)' },
  // --- preflight ---
  { group: 'preflight', kind: 'an encrypted PDF', files: { 'a.pdf': pdf({ encrypt: true }) }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: the PDF is encrypted; expected an unencrypted PDF (print shops cannot check or impose encrypted files)', stdout: true },
  { group: 'preflight', kind: 'a truncated PDF', files: { 'a.pdf': pdf().subarray(0, 200) }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: expected a complete PDF, received one without the %%EOF mark at its end (200 bytes): the file is cut short; copy or download it again', stdout: true },
  { group: 'preflight', kind: 'a file holding only %PDF-1.7', files: { 'a.pdf': '%PDF-1.7\n' }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: expected a complete PDF, received one without the %%EOF mark at its end (9 bytes): the file is cut short; copy or download it again', stdout: true },
  { group: 'preflight', kind: 'a PDF without pages', files: { 'a.pdf': pdf({ pages: false }) }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: not a readable PDF (it has no pages)', stdout: true },
  { group: 'preflight', kind: 'a text file named .pdf', files: { 'a.pdf': 'hello\n' }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: expected a PDF file, received a file that does not start with %PDF- but with "hello\\n" (it is not a PDF)', stdout: true },
  { group: 'preflight', kind: 'an empty file', files: { 'a.pdf': '' }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: expected a PDF file, received an empty file (0 bytes)', stdout: true },
  { group: 'preflight', kind: 'a folder', files: { 'a.pdf': null }, args: ['preflight', 'a.pdf'], exit: 1, message: '✗ a.pdf: expected a PDF file, received a folder', stdout: true },
  { group: 'preflight', kind: 'a file that does not exist', args: ['preflight', 'nosuch.pdf'], exit: 1, message: '✗ nosuch.pdf: expected a PDF file, received a path that does not exist', stdout: true },
  { group: 'preflight', kind: 'one bad file among good ones: each is reported', files: { 'a.pdf': pdf(), 'b.pdf': '%PDF-1.7\n', 'c.pdf': pdf() }, args: ['preflight', 'b.pdf', 'a.pdf', 'c.pdf'], exit: 1, message: '✗ b.pdf: expected a complete PDF, received one without the %%EOF mark at its end (9 bytes): the file is cut short; copy or download it again', stdout: true },
];

// ---------------------------------------------------------------------------------------------
// Running the table

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  before: string[];
  after: string[];
}

const HEADINGS = new Set(['invalid data, nothing written:', 'invalid sheet, nothing rendered:', 'unusable font, nothing written:', 'figures that do not trace back to the speech, nothing written:']);

/** What render prints as it goes: the face of each role, the browser, the fonts cut, the summary. */
const PROGRESS = /^(font |browser: |source: |done: )/;

/**
 * The line that says what is wrong: the first ✗ line (a batch row, a figure, a PDF), else the line
 * of a fault ("rendering failed: …"), else the first line after a heading, else the first line that
 * is not progress; with the row's folder and the repository left out of paths.
 */
function firstLine(text: string, dir: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const heading = lines.findIndex((l) => HEADINGS.has(l.trim()));
  const line = lines.find((l) => l.startsWith('✗ '))
    ?? lines.find((l) => /^(rendering|shushuo \w+) failed: /.test(l))
    ?? (heading >= 0 ? lines[heading + 1] : lines.find((l) => !PROGRESS.test(l)))
    ?? '';
  return line.replaceAll(`${dir}/`, '').replaceAll(dir, '.').replaceAll(REPO, '<repo>');
}

/** Every file and folder under dir, relative to it. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      out.push(relative(dir, path));
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out;
}

function make(dir: string, files: Files): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    if (content === null) mkdirSync(path, { recursive: true });
    else writeFileSync(path, content);
    if (name.endsWith('.sh')) chmodSync(path, 0o755);
  }
}

/**
 * Run the CLI's main() in this process, in the row's folder, with its output captured: a row then
 * costs what its own work costs, not a Node start. Rows run one at a time (the folder is the process's).
 * Rows that need a process of their own (env) are spawned.
 */
async function run(c: Case, dir: string): Promise<Result> {
  make(dir, c.files ?? {});
  const before = listing(dir);
  if (c.env) return spawned(c, dir, before);
  const cwd = process.cwd();
  let stdout = '';
  let stderr = '';
  let status: number | null;
  try {
    process.chdir(dir);
    status = await main(c.args, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  } catch (err) {
    stderr += `${(err as Error).stack}\n`;
    status = null;
  } finally {
    process.chdir(cwd);
  }
  return { status, stdout, stderr, before, after: listing(dir) };
}

function spawned(c: Case, dir: string, before: string[]): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...c.args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...(c.env ?? {}) }, encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null) : 0;
      done({ status, stdout, stderr, before, after: listing(dir) });
    });
  });
}

async function runAll(cases: Case[]): Promise<Result[]> {
  const results: Result[] = [];
  for (const [i, c] of cases.entries()) results[i] = await run(c, join(ROOT, String(i + 1).padStart(3, '0')));
  return results;
}

// ---------------------------------------------------------------------------------------------
// The document

export function reliabilityDoc(cases: Case[]): string {
  const code = (s: string) => {
    const text = s.replaceAll('|', '\\|');
    return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
  };
  const arg = (a: string) => (a === '' ? '""' : /\s/.test(a) ? `"${a}"` : a);
  const groups = [...new Set(cases.map((c) => c.group))];
  const lines = [
    '# Bad input and what shushuo says',
    '',
    '<!-- Written by `node --import tsx test/reliability.test.ts --write-docs` from the table in test/reliability.test.ts; do not edit by hand. -->',
    '',
    'Every input a person can get wrong gets a message that says where (file, line, field, or the option),',
    'what was expected and what was received, with a hint where one helps. Exit code **2**: the input is wrong,',
    'nothing was written. Exit code **1**: the run cannot be done here (no browser is installed, or the one named',
    'does not start as Chrome), a PDF fails preflight, or verify finds figures that differ from the speech.',
    'No stack trace is printed unless `--debug` is given; a fault inside shushuo itself says',
    '`rendering failed: …` (exit 1) and shows its cause with `--debug`.',
    '',
    'Some messages start with a heading line: `invalid data, nothing written:`, `invalid sheet, nothing rendered:`,',
    '`unusable font, nothing written:` or `figures that do not trace back to the speech, nothing written:`.',
    'The table shows the line after it. Paths are relative to the folder the command ran in; `…` marks',
    'the end of a line that depends on the machine. `test/reliability.test.ts` runs every row and checks',
    'the exit code, this line, that no stack trace is printed, and that nothing is written.',
    '',
    `${cases.length} kinds of bad input:`,
    '',
  ];
  for (const group of groups) {
    const rows = cases.filter((c) => c.group === group);
    lines.push(`## ${group} (${rows.length})`, '', '| kind | command | exit | message |', '|---|---|---|---|');
    for (const c of rows) lines.push(`| ${c.kind.replaceAll('|', '\\|')} | ${code(['shushuo', ...c.args.map(arg)].join(' '))} | ${c.exit} | ${code(`${c.message}${c.prefix ? ' …' : ''}`)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

if (process.argv.includes('--write-docs')) {
  writeFileSync(DOC, reliabilityDoc(CASES));
  process.stdout.write(`wrote ${relative(REPO, DOC)} (${CASES.length} kinds)\n`);
} else {
  describe('every bad input: an exit code, a message that says where, no stack trace, nothing written', { timeout: 300_000 }, () => {
    let results: Result[] = [];
    before(async () => {
      rmSync(ROOT, { recursive: true, force: true });
      results = await runAll(CASES);
    });

    CASES.forEach((c, i) => {
      it(`${c.group}: ${c.kind}`, () => {
        const r = results[i]!;
        const dir = join(ROOT, String(i + 1).padStart(3, '0'));
        const shown = `shushuo ${c.args.join(' ')}\nexit ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
        if (process.env.RELIABILITY_PRINT) writeFileSync(join(ROOT, `${String(i + 1).padStart(3, "0")}.json`), JSON.stringify({ i, kind: c.kind, status: r.status, message: firstLine(c.stdout ? r.stdout : r.stderr, dir), stderr: r.stderr, stdout: r.stdout, written: r.after.filter((f) => !r.before.includes(f)) }));
        assert.equal(r.status, c.exit, shown);
        const line = firstLine(c.stdout ? r.stdout : r.stderr, dir);
        if (c.prefix) assert.ok(line.startsWith(c.message), `expected the message to start with\n  ${c.message}\nreceived\n  ${line}`);
        else assert.equal(line, c.message, shown);
        if (!c.args.includes('--debug')) assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, /^ {4}at /m, 'no stack trace without --debug');
        assert.doesNotMatch(`${r.stdout}\n${r.stderr}`, new RegExp(CONTROL.source, 'u'), 'control characters are shown escaped');
        if (!c.writes) assert.deepEqual(r.after, r.before, 'nothing written');
      });
    });

    it('docs/reliability.md is the table (node --import tsx test/reliability.test.ts --write-docs writes it)', () => {
      assert.equal(existsSync(DOC) ? readFileSync(DOC, 'utf8') : '', reliabilityDoc(CASES));
    });
  });
}
