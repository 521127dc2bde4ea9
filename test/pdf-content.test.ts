// Unit tests of the content-stream lexer and the stream helpers that preflight, the ink rewrite and the text repair share.
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { PDFDocument, PDFName } from 'pdf-lib';
import { Name, operations, pageContent, streamBytes, type Value } from '../src/print/pdf-content.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

/** A value written back in PDF syntax: strings as (latin1) text, so their decoded bytes show. */
function show(v: Value): string {
  if (v instanceof Name) return `/${v.value}`;
  if (v instanceof Uint8Array) return `(${Buffer.from(v).toString('latin1')})`;
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  if (v instanceof Map) return `<<${[...v].map(([k, x]) => ` /${k} ${show(x)}`).join('')} >>`;
  return String(v);
}

/** Each operation as `operands… op`. */
const ops = (content: string) => [...operations(latin1(content))].map((o) => [...o.operands.map((a) => show(a.value)), o.op].join(' '));

describe('operations', () => {
  it('gives strings, arrays and dictionaries as single operands', () => {
    assert.deepEqual(ops('/F1 12 Tf (a(b)c) Tj [(x) -3 <0041>] TJ << /A [1 2] /B (>>) >> BDC true false null 0 0 0 rg'), [
      '/F1 12 Tf',
      '(a(b)c) Tj',
      '[(x) -3 (\0A)] TJ',
      '<< /A [1 2] /B (>>) >> BDC',
      'true false null 0 0 0 rg',
    ]);
  });

  it('gives the byte offsets of every operand and operator', () => {
    const content = '  0 % c\n .5 1 rg (a b) Tj';
    const [rg, tj] = [...operations(latin1(content))];
    const text = (at: { start: number; end: number }) => content.slice(at.start, at.end);
    assert.deepEqual(rg!.operands.map(text), ['0', '.5', '1']);
    assert.deepEqual([text(rg!), text(tj!), text(tj!.operands[0]!)], ['rg', 'Tj', '(a b)']);
  });

  it('decodes the bytes of literal strings: escapes, octal, nesting, line ends, binary', () => {
    assert.deepEqual(ops('(a\\(\\)\\\\\\n\\101\\0\\7777) Tj'), ['(a()\\\nA\0\u00ff7) Tj']);
    assert.deepEqual(ops('(line\\\ncontinued\\\r\nhere) Tj'), ['(linecontinuedhere) Tj']);
    assert.deepEqual(ops('(a\rb\r\nc\nd) Tj'), ['(a\nb\nc\nd) Tj'], 'an unescaped end of line is \\n');
    assert.deepEqual(ops('(\\q \xff\xfe\x00 % not a comment) Tj'), ['(q \xff\xfe\x00 % not a comment) Tj']);
    assert.deepEqual(ops('(nested (0 0 0 rg) parens) Tj (escaped \\) 0 g) Tj'), ['(nested (0 0 0 rg) parens) Tj', '(escaped ) 0 g) Tj']);
  });

  it('decodes hex strings: white space ignored, an odd last digit followed by 0', () => {
    assert.deepEqual(ops('<00C4 0001> <41 4> <6162\n63> Tj'), ['(\0\u00c4\0\u0001) (A@) (abc) Tj']);
  });

  it('skips comments, but not inside strings', () => {
    assert.deepEqual(ops('1 0 0 RG % 0 0 0 rg (\n0 g'), ['1 0 0 RG', '0 g']);
  });

  it('decodes #xx in names and reads numbers as PDF writes them', () => {
    assert.deepEqual(ops('/A#20B /C#2f cs'), ['/A B /C/ cs']);
    assert.deepEqual(ops('+.5 -3 4. 0.0 .25 rg'), ['0.5 -3 4 0 0.25 rg']);
    assert.deepEqual(ops('1.2.3 - g'), ['1.2.3', '-', 'g'], 'not numbers: operators');
  });

  it('makes a stray delimiter an operator of its own, and drops operands that no operator follows', () => {
    assert.deepEqual(ops('0 0 ) 0 rg 1 >'), ['0 0 )', '0 rg', '1 >']);
    assert.deepEqual(ops('1 2 3'), []);
  });

  it('reads an inline image as one BI operation with its dictionary, past data that holds EI', () => {
    const data = 'A EI 1 0 0 rg AA';
    const content = latin1(`q BI /W 4 /H 4 /BPC 8 /CS /G ID ${data} EI Q 0 g`);
    const all = [...operations(content)];
    assert.deepEqual(all.map((o) => o.op), ['q', 'BI', 'Q', 'g']);
    const bi = all[1]!;
    assert.deepEqual([...bi.image!].map(([k, v]) => `${k} ${show(v)}`), ['W 4', 'H 4', 'BPC 8', 'CS /G']);
    assert.equal(content.toString('latin1', bi.start, bi.end), `BI /W 4 /H 4 /BPC 8 /CS /G ID ${data} EI`);
  });

  it('finds the end of filtered inline image data by EI between white space', () => {
    assert.deepEqual(ops('BI /W 4 /H 4 /F /AHx ID 00FF00EIFF\n EI 0 g'), ['BI', '0 g']);
    assert.deepEqual(ops('BI /W 4 /H 4 /F /AHx ID 00FF'), ['BI'], 'no EI: to the end');
  });
});

describe('pageContent', () => {
  it('decodes and joins the content streams of a page, plain and Flate', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([100, 100]);
    page.node.set(PDFName.of('Contents'), doc.context.obj([
      doc.context.register(doc.context.stream('0 g')),
      doc.context.register(doc.context.stream(deflateSync(latin1('(\xff) Tj')), { Filter: 'FlateDecode' })),
    ]));
    const loaded = await PDFDocument.load(await doc.save());
    const node = loaded.getPage(0).node;
    assert.equal(Buffer.from(pageContent(node, streamBytes)).toString('latin1'), '0 g\n(\xff) Tj\n');
    const flateOnly = pageContent(node, (stream) => (stream.dict.has(PDFName.of('Filter')) ? streamBytes(stream) : undefined));
    assert.equal(Buffer.from(flateOnly).toString('latin1'), '(\xff) Tj\n', 'undefined leaves a stream out');
  });
});
