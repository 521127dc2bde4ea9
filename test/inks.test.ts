// Unit tests of the colour-operator rewriting that runs before Ghostscript.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber, PRINT_INKS, rewriteInks, type Ink } from '../src/print/inks.js';

const rewrite = (content: string, inks: Ink[] = PRINT_INKS) => rewriteInks(content, inks);

describe('rewriteInks', () => {
  it('makes black K100 and the red Y80 M80, for fill and stroke', () => {
    const r = rewrite('0 0 0 rg 0 0 0 RG\n.7843 .0863 .1137 RG .7843 .0863 .1137 rg\n0 0 10 10 re f');
    assert.equal(r.content, '0 0 0 1 k 0 0 0 1 K\n0 .8 .8 0 K 0 .8 .8 0 k\n0 0 10 10 re f');
    assert.deepEqual(r.replaced, { black: 2, red: 2 });
  });

  it('accepts every way of writing the numbers', () => {
    for (const red of ['0.784314 0.086275 0.113725', '.78431 .08627 .11373', '0.7843 0.0863 0.1137', '+.7843 .0863 .1137']) {
      assert.equal(rewrite(`${red} rg`).content, '0 .8 .8 0 k', red);
    }
    assert.equal(rewrite('0.0 0. .0 rg').content, '0 0 0 1 k');
  });

  it('matches inks within the tolerance and no further', () => {
    // 1/255 = .0039: one step of 8 bits either way is still the red …
    assert.equal(rewrite('.7882 .0863 .1137 rg').content, '0 .8 .8 0 k');
    assert.equal(rewrite('.0039 0 0 rg').content, '0 0 0 1 k');
    // … two steps are not.
    assert.equal(rewrite('.7922 .0863 .1137 rg').content, '.7922 .0863 .1137 rg');
    assert.equal(rewrite('.0078 0 0 rg').content, '.0078 0 0 rg');
    assert.equal(rewriteInks('.7922 .0863 .1137 rg', PRINT_INKS, { tolerance: 3 / 255 }).content, '0 .8 .8 0 k');
  });

  it('makes neutral greys black ink only, k = 1 − v', () => {
    const r = rewrite('.102 .102 .102 rg .4196 .4196 .4196 RG 1 1 1 rg .5 g .25 G');
    assert.equal(r.content, '0 0 0 .898 k 0 0 0 .5804 K 0 0 0 0 k 0 0 0 .5 k 0 0 0 .75 K');
    assert.deepEqual(r.replaced, { grey: 5 });
  });

  it('leaves other colours for the ICC conversion, and counts them by hex', () => {
    const content = '.9255 .902 .8745 rg .851 .6431 .2549 RG .9255 .902 .8745 rg';
    const r = rewrite(content);
    assert.equal(r.content, content);
    assert.deepEqual(r.replaced, {});
    assert.deepEqual(r.left, { '#ece6df': 2, '#d9a441': 1 });
  });

  it('does not touch operators inside strings, hex strings, arrays, dictionaries or comments', () => {
    const content = [
      'BT /F1 12 Tf (0 0 0 rg) Tj [(1 1 1 rg) -20 (x\\) 0 0 0 rg)] TJ ET',
      '<30203020302072 67> Tj',
      '/Span << /ActualText (0 0 0 rg) >> BDC EMC',
      '% 0 0 0 rg in a comment',
      '(nested (0 0 0 rg) parens) Tj',
      '(a line\n0 0 0 rg\nin a string) Tj',
      '(escaped \\) a 0 0 0 rg) Tj',
    ].join('\n');
    assert.equal(rewrite(content).content, content);
    assert.deepEqual(rewrite(content).replaced, {});
  });

  it('leaves every other byte where it was', () => {
    const content = 'q\r\n3.125 0 0 3.125 0 0 cm\n  0   0 0    rg\t/G3 gs\n(\xff\xfe) Tj\nQ';
    assert.equal(rewrite(content).content, 'q\r\n3.125 0 0 3.125 0 0 cm\n  0 0 0 1 k\t/G3 gs\n(\xff\xfe) Tj\nQ');
  });

  it('passes inline images through, even when their data looks like an operator', () => {
    const content = 'BI /W 2 /H 1 /CS /RGB /BPC 8 ID 0 0 0 rg\xff\x00 EI 0 0 0 rg';
    assert.equal(rewrite(content).content, 'BI /W 2 /H 1 /CS /RGB /BPC 8 ID 0 0 0 rg\xff\x00 EI 0 0 0 1 k');
    // 8 bytes of data that hold ` EI ` and a grey: the image's size says where its data ends.
    const tricky = 'BI /W 8 /H 1 /CS /G /BPC 8 ID x EI 0 g EI 0 0 0 rg';
    assert.equal(rewrite(tricky).content, 'BI /W 8 /H 1 /CS /G /BPC 8 ID x EI 0 g EI 0 0 0 1 k');
  });

  it('rewrites sc/scn only in an RGB colour space, and keeps q/Q in mind', () => {
    const r = rewrite('/DeviceRGB cs 0 0 0 sc q /CS0 cs 0 0 0 sc Q 0 0 0 scn .9255 .902 .8745 scn /Pattern cs /P0 scn');
    assert.equal(r.content, '/DeviceRGB cs 0 0 0 1 k q /CS0 cs 0 0 0 sc Q 0 0 0 1 k .9255 .902 .8745 rg /Pattern cs /P0 scn');
    // A named space that the resources say is DeviceRGB.
    assert.equal(rewriteInks('/CS0 CS .7843 .0863 .1137 SCN', PRINT_INKS, { rgbSpaces: ['CS0'] }).content, '/CS0 CS 0 .8 .8 0 K');
  });

  it('keeps sc/scn after a rewritten rg or g meaning what they meant', () => {
    // rg and g set their colour space; a later sc still means RGB or gray, though the output is now in CMYK.
    assert.equal(rewrite('0 0 0 rg .9255 .902 .8745 sc').content, '0 0 0 1 k .9255 .902 .8745 rg');
    assert.equal(rewrite('.5 g .25 sc').content, '0 0 0 .5 k 0 0 0 .75 k');
    // The initial colour space is DeviceGray.
    assert.equal(rewrite('0 sc').content, '0 0 0 1 k');
    // DeviceCMYK is left as it is.
    assert.equal(rewrite('/DeviceCMYK cs 0 0 0 sc 0 0 0 1 k').content, '/DeviceCMYK cs 0 0 0 sc 0 0 0 1 k');
  });

  it('leaves colour operators with unexpected operands alone', () => {
    const content = '0 0 rg /Name 0 0 rg 0 0 0 0 k';
    assert.equal(rewrite(content).content, content);
  });

  it('uses the inks it is given', () => {
    const blue: Ink = { name: 'blue', rgb: [0, 56, 168], cmyk: [1, 0.7, 0, 0] };
    assert.equal(rewrite('0 .2196 .6588 rg .7843 .0863 .1137 rg', [blue]).content, '1 .7 0 0 k .7843 .0863 .1137 rg');
  });
});

describe('formatNumber', () => {
  it('formats numbers the PDF way', () => {
    assert.deepEqual([0, 1, 0.8, 0.898, 1 - 0.4196, 0.123456, -0].map(formatNumber), ['0', '1', '.8', '.898', '.5804', '.1235', '0']);
  });
});
