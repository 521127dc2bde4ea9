// Font roles and font files: what Chrome would embed as TrueType is accepted, the rest is refused
// before rendering, with a message that names the role and the file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkFontFile, describeFonts, fontFaceCss, missingGlyphs, resolveFonts, roleFontFiles, ROLES } from '../src/fonts/fonts.js';
import { readSfnt } from '../src/fonts/sfnt.js';

const DIR = 'test/__output__/fonts';

/** A minimal sfnt: the given tables plus a format-4 cmap mapping first..last to glyphs 1… */
function sfnt(version: number | string, tables: string[], first = 0x41, last = 0x5a): Buffer {
  const cmap = Buffer.alloc(12 + 16 + 4 * 8);
  cmap.writeUInt16BE(0, 0);
  cmap.writeUInt16BE(1, 2);
  cmap.writeUInt16BE(3, 4); // Windows
  cmap.writeUInt16BE(1, 6); // Unicode BMP
  cmap.writeUInt32BE(12, 8);
  const sub = 12;
  const segs = 2;
  cmap.writeUInt16BE(4, sub);
  cmap.writeUInt16BE(16 + segs * 8, sub + 2);
  cmap.writeUInt16BE(segs * 2, sub + 6);
  const ends = sub + 14;
  cmap.writeUInt16BE(last, ends);
  cmap.writeUInt16BE(0xffff, ends + 2);
  const starts = ends + segs * 2 + 2;
  cmap.writeUInt16BE(first, starts);
  cmap.writeUInt16BE(0xffff, starts + 2);
  const deltas = starts + segs * 2;
  cmap.writeUInt16BE((1 - first) & 0xffff, deltas);
  cmap.writeUInt16BE(1, deltas + 2);
  const all = ['cmap', ...tables];
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

function file(name: string, data: Buffer): string {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, name);
  writeFileSync(path, data);
  return path;
}

describe('font files', () => {
  it('reads the characters a TrueType font maps (cmap format 4)', () => {
    const info = readSfnt(sfnt(0x00010000, ['glyf', 'loca']), 'test.ttf');
    assert.equal(info.outlines, 'truetype');
    assert.equal(info.variable, false);
    assert.equal(info.covers(0x41), true);
    assert.equal(info.covers(0x5a), true);
    assert.equal(info.covers(0x40), false);
    assert.equal(info.covers(0x4e00), false);
  });

  it('refuses CFF outlines, variable fonts, collections and web fonts, naming the role and the file', () => {
    const cff = file('cff.otf', sfnt('OTTO', ['CFF ']));
    assert.throws(() => checkFontFile(cff, 'body'), /font for role body \(仿宋\) .*cff\.otf: expected TrueType \(glyf\) outlines, received CFF/);
    const variable = file('var.ttf', sfnt(0x00010000, ['glyf', 'fvar']));
    assert.throws(() => checkFontFile(variable, 'title'), /role title \(小标宋\).*expected a static font, received a variable font/);
    const ttc = file('c.ttc', Buffer.concat([Buffer.from('ttcf'), Buffer.alloc(12)]));
    assert.throws(() => checkFontFile(ttc, 'heading'), /expected a single font, received a font collection/);
    const woff2 = file('w.woff2', Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(12)]));
    assert.throws(() => checkFontFile(woff2, 'heading'), /expected a \.ttf file, received a web font \(wOF2\)/);
    assert.throws(() => checkFontFile(join(DIR, 'none.ttf'), 'body'), /cannot read it \(ENOENT\)/);
    assert.throws(() => resolveFonts({ footer: 'x.ttf' } as never), /font role "footer": expected one of title, body, heading, subheading, number/);
  });

  it('a user file serves its role, is served to the page, and is reported', () => {
    const ttf = file('latin.ttf', sfnt(0x00010000, ['glyf', 'loca']));
    const fonts = resolveFonts({ number: ttf });
    const number = fonts.find((f) => f.role === 'number')!;
    assert.equal(number.origin, 'user');
    assert.equal(roleFontFiles(fonts).get('/fonts/role/number.ttf'), join(process.cwd(), ttf));
    assert.match(fontFaceCss(fonts), /font-family: 'role-number'; src: url\(\/fonts\/role\/number\.ttf\) format\('truetype'\); font-weight: 100 900;/);
    assert.match(describeFonts(fonts).find((l) => l.startsWith('number'))!, /your file/);
    const missing = missingGlyphs([{ field: 'figures[0].unit', text: 'A个' }], number);
    assert.deepEqual(missing, [{ char: '个', field: 'figures[0].unit', role: 'number', face: number.source.family }]);
  });
});

describe('default font roles', () => {
  const fonts = resolveFonts();

  it('every role has a face, and templates get one CSS family per role', () => {
    assert.deepEqual(fonts.map((f) => f.role), [...ROLES]);
    const css = fontFaceCss(fonts);
    for (const role of ROLES) assert.match(css, new RegExp(`font-family: 'role-${role}'`));
    assert.doesNotMatch(css, /font-family: 'Noto/, 'package families are renamed to roles');
    assert.doesNotMatch(css, /url\(\.\/files/, 'package URLs point at the served path');
  });

  it("with a run's text, a package face keeps only the rules whose unicode-range holds one of its characters", () => {
    const all = fontFaceCss(fonts).match(/@font-face\s*{[^}]*}/g)!;
    const kept = fontFaceCss(fonts, '党7').match(/@font-face\s*{[^}]*}/g)!;
    const ranges = (rule: string) => /unicode-range:\s*([^;]*)/.exec(rule)?.[1] ?? '';
    const holds = (rule: string, cp: number) =>
      ranges(rule).split(',').some((part) => {
        const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-').map((h) => parseInt(h, 16));
        return cp >= lo! && cp <= (hi ?? lo)!;
      });
    const wanted = all.filter((r) => !ranges(r) || holds(r, '党'.codePointAt(0)!) || holds(r, 0x37));
    assert.ok(kept.length < all.length / 10, `expected a few of ${all.length} rules, received ${kept.length}`);
    assert.deepEqual(kept, wanted);
    // Every role and every weight of a package face keeps the rules for both characters.
    for (const f of fonts.filter((f) => f.source.kind === 'package')) {
      const own = kept.filter((r) => r.includes(`'${f.cssFamily}'`));
      assert.ok(own.some((r) => holds(r, 0x37)) && own.some((r) => holds(r, '党'.codePointAt(0)!)), f.cssFamily);
    }
  });

  it('仿宋 and 楷体 come from the converted Fandol faces, or are reported as substitutes', () => {
    for (const role of ['body', 'subheading'] as const) {
      const face = fonts.find((f) => f.role === role)!;
      if (face.origin === 'default') {
        assert.equal(face.source.kind, 'file');
        assert.match(face.source.family, /^Fandol(Fang|Kai)$/);
        // The converted faces cover the common hanzi, full-width punctuation and digits.
        for (const ch of '基层党建（一）“”、。：；1812%—') assert.ok(face.covers(ch.codePointAt(0)!), `${face.source.family} lacks ${ch}`);
      } else {
        assert.equal(face.origin, 'substitute');
        assert.match(describeFonts(fonts).join('\n'), new RegExp(`${role}.*SUBSTITUTE: Fandol`));
      }
    }
  });
});
