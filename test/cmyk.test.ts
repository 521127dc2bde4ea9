// CMYK PDF/X-3 through Ghostscript, on the real briefing and poster: what a print shop's preflight
// checks (PDF/X version, output intent, fonts, inks, boxes), read back with poppler and pdf-lib,
// and what a reader needs (the text still searchable).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { BlendMode, decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, PDFString } from 'pdf-lib';
import {
  findCmykProfile,
  findGhostscript,
  fixFileId,
  GhostscriptError,
  parseToUnicode,
  toPdfX,
  unifyRadicals,
  writeToUnicode,
  type PdfxOptions,
} from '../src/print/ghostscript.js';
import { operations, pageContent, streamBytes } from '../src/print/pdf-content.js';
import { pdffonts, pdftext } from './poppler.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/cmyk';
const RGB = join(OUT, 'rgb');
const NAMES = ['briefing', 'poster-a2'] as const;
const OPTIONS: PdfxOptions = { title: '数说基层党建（第10期）', date: '2018-02-12' };

const pdfinfo = (file: string, ...args: string[]) => execFileSync('pdfinfo', [...args, file], { encoding: 'utf8' });
const field = (info: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim();
/** pdftotext -raw, with white space normalised: runs of white space become one space. */
const text = (file: string) => pdftext(file).replace(/\s+/g, ' ').trim();


/** The decoded content streams of each page. */
async function pageContents(file: string): Promise<string[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  return doc.getPages().map((page) => Buffer.from(pageContent(page.node, streamBytes)).toString('latin1'));
}

/** Every colour operator with its operands, and the fill colour of every text-showing operator. */
function colours(content: string): { operators: string[]; text: string[] } {
  const operators: string[] = [];
  const textColours: string[] = [];
  let fill = '0 g';
  const saved: string[] = [];
  for (const operation of operations(Buffer.from(content, 'latin1'))) {
    const op = operation.op;
    const operands = operation.operands.map((o) => content.slice(o.start, o.end));
    if (['rg', 'RG', 'g', 'G', 'k', 'K', 'sc', 'scn', 'SC', 'SCN', 'cs', 'CS'].includes(op)) operators.push(`${operands.join(' ')} ${op}`);
    if (['rg', 'g', 'k', 'sc', 'scn'].includes(op)) fill = `${operands.join(' ')} ${op}`;
    if (op === 'q') saved.push(fill);
    if (op === 'Q') fill = saved.pop() ?? fill;
    if (['Tj', 'TJ', "'", '"'].includes(op)) textColours.push(fill);
  }
  return { operators, text: textColours };
}

const cmykOf = (operator: string) => operator.split(' ').slice(0, -1).map(Number);
const isRed = (c: number[]) => c.length === 4 && c[0] === 0 && c[3] === 0 && Math.abs(c[1]! - 0.8) <= 1 / 500 && Math.abs(c[2]! - 0.8) <= 1 / 500;
const isKOnly = (c: number[]) => c.length === 4 && c[0] === 0 && c[1] === 0 && c[2] === 0;

const file = (name: string, variant = 'cmyk') => join(OUT, `${name}-${variant}.pdf`);
const seconds: Record<string, number> = {};
const logs: Record<string, string[]> = {};

async function convert(name: string, input: Uint8Array, variant: string, options: Partial<PdfxOptions> = {}): Promise<void> {
  const lines: string[] = [];
  const t0 = performance.now();
  const pdf = await toPdfX(input, { ...OPTIONS, log: (l) => lines.push(l), ...options });
  seconds[`${name}-${variant}`] = (performance.now() - t0) / 1000;
  logs[`${name}-${variant}`] = lines;
  writeFileSync(file(name, variant), pdf);
}

describe('CMYK PDF/X-3 through Ghostscript, on the real briefing and poster', { timeout: 300_000 }, () => {
  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', RGB, '--only', NAMES.join(',')], { encoding: 'utf8', timeout: 280_000 });
    assert.equal(run.status, 0, `render failed:\n${run.stderr}`);
    for (const name of NAMES) {
      const rgb = readFileSync(join(RGB, `${name}.pdf`));
      await convert(name, rgb, 'cmyk');
      await convert(name, rgb, 'again');
    }
    const briefing = readFileSync(join(RGB, 'briefing.pdf'));
    // Bleed and trim as the print-prep stage sets them: 3 mm bleed, and a different trim on page 2.
    const boxed = await PDFDocument.load(briefing, { updateMetadata: false });
    boxed.getPages().forEach((page, i) => {
      const { width, height } = page.getMediaBox();
      page.setBleedBox(0, 0, width, height);
      page.setTrimBox(8.5, 8.5, width - 17, height - 17);
      if (i === 1) page.setTrimBox(20, 30, 500, 700);
    });
    await convert('briefing', await boxed.save({ useObjectStreams: false }), 'boxes', { title: '数说基层党建（第10期）印刷版 (CMYK) \\' });
    // Without the text repair, to measure what Ghostscript does to the text.
    for (const name of NAMES) await convert(name, readFileSync(join(RGB, `${name}.pdf`)), 'unrepaired', { repairText: false });
  });

  it('timings and logs of toPdfX (diagnostic)', (t) => {
    for (const [k, v] of Object.entries(seconds)) t.diagnostic(`${k}: ${v.toFixed(2)} s`);
    for (const [k, v] of Object.entries(logs)) t.diagnostic(`${k}: ${v.join(' | ')}`);
  });

  for (const name of NAMES) {
    it(`${name}: PDF/X-3:2002 in a PDF 1.3 file, with title, fixed dates and trapping key`, () => {
      const info = pdfinfo(file(name), '-isodates');
      assert.equal(field(info, 'PDF subtype'), 'PDF/X-3:2002');
      assert.equal(field(info, 'PDF version'), '1.3');
      assert.equal(field(info, 'Title'), OPTIONS.title);
      assert.equal(field(info, 'CreationDate'), '2018-02-12T00:00:00Z');
      assert.equal(field(info, 'ModDate'), '2018-02-12T00:00:00Z');
      assert.match(readFileSync(file(name), 'latin1'), /\/GTS_PDFXVersion\s*\(PDF\/X-3:2002\)[\s\S]*\/Trapped\s*\/False/);
    });

    it(`${name}: an output intent with the ICC profile embedded`, async () => {
      const doc = await PDFDocument.load(readFileSync(file(name)), { updateMetadata: false });
      const intents = doc.catalog.lookup(PDFName.of('OutputIntents'), PDFArray);
      assert.equal(intents.size(), 1);
      const intent = intents.lookup(0, PDFDict);
      assert.equal(intent.get(PDFName.of('S')), PDFName.of('GTS_PDFX'));
      assert.equal(intent.get(PDFName.of('Type')), PDFName.of('OutputIntent'));
      assert.equal(intent.lookup(PDFName.of('OutputConditionIdentifier'), PDFString).decodeText(), 'CGATS TR 001');
      assert.equal(intent.lookup(PDFName.of('RegistryName'), PDFString).decodeText(), 'http://www.color.org');
      const profile = intent.lookup(PDFName.of('DestOutputProfile'));
      assert.ok(profile instanceof PDFRawStream, 'DestOutputProfile is a stream');
      assert.equal(profile.dict.get(PDFName.of('N'))?.toString(), '4');
      assert.deepEqual(Buffer.from(decodePDFRawStream(profile).decode()), readFileSync(findCmykProfile()), 'the embedded profile is the ICC file');
    });

    it(`${name}: every font embedded, as many as in the RGB file, none Type 3`, () => {
      const fonts = pdffonts(file(name));
      assert.equal(fonts.length, pdffonts(join(RGB, `${name}.pdf`)).length);
      for (const f of fonts) {
        assert.notEqual(f.type, 'Type 3', `${f.name} is Type 3`);
        assert.equal(f.emb, 'yes', `${f.name} is not embedded`);
      }
    });

    it(`${name}: no RGB left; black text exactly 0 0 0 1 k, no four-colour black, some text in the red; no images`, async (t) => {
      const pages = await pageContents(file(name));
      const all = pages.map(colours);
      const operators = all.flatMap((c) => c.operators);
      assert.deepEqual(operators.filter((o) => !/ [kK]$/.test(o)), [], 'colour operators other than k/K');
      const textColours = new Set(all.flatMap((c) => c.text));
      t.diagnostic(`text colours: ${[...textColours].join(' | ')}`);
      // Dark colours are black ink only: nothing like C72 M68 Y67 K88.
      const rich = operators.filter((o) => cmykOf(o)[3]! > 0.5 && !isKOnly(cmykOf(o)));
      assert.deepEqual(rich, [], 'four-colour black');
      assert.ok([...textColours].some((c) => isRed(cmykOf(c))), 'some text is red');
      // The ink text (#000000 in the templates) is black ink only, K100.
      assert.ok(all.flatMap((c) => c.text).filter((c) => c === '0 0 0 1 k').length > 50, 'text in 0 0 0 1 k');
      const images = execFileSync('pdfimages', ['-list', file(name)], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      assert.deepEqual(images, [], 'images in the output (rasterised text or shading?)');
    });

    it(`${name}: the red is exactly 0 .8 .8 0 (gs writes 0 0.800781 0.800781 0, its 1/512 steps)`, async () => {
      const operators = (await pageContents(file(name))).flatMap((c) => colours(c).operators);
      const reds = operators.filter((o) => isRed(cmykOf(o)));
      assert.ok(reds.length > 10, `${reds.length} red operators`);
      // Nothing near the red that is not the red: the official red comes out as one ink mix only.
      const near = operators.filter((o) => !isRed(cmykOf(o)) && cmykOf(o)[1]! > 0.6 && cmykOf(o)[2]! > 0.6);
      assert.deepEqual(near, []);
    });

    it(`${name}: the text is the text of the RGB file (pdftotext -raw)`, () => {
      const rgb = text(join(RGB, `${name}.pdf`));
      assert.ok(rgb.length > 500, 'the RGB file has text');
      const cmyk = text(file(name));
      const at = [...rgb].findIndex((c, i) => c !== [...cmyk][i]);
      assert.ok(cmyk === rgb, `the texts differ from character ${at}: RGB "${[...rgb].slice(Math.max(0, at - 10), at + 20).join('')}", CMYK "${[...cmyk].slice(Math.max(0, at - 10), at + 20).join('')}"`);
    });

    it(`${name}: two runs give the same bytes`, () => {
      const a = readFileSync(file(name));
      const b = readFileSync(file(name, 'again'));
      assert.ok(a.equals(b), `${name}: runs differ at byte ${a.findIndex((v, i) => v !== b[i])}`);
    });

    it(`${name}: how much text Ghostscript breaks without the repair (diagnostic)`, (t) => {
      const rgb = [...text(join(RGB, `${name}.pdf`))];
      const broken = [...text(file(name, 'unrepaired'))];
      const differ = rgb.length === broken.length ? rgb.filter((c, i) => c !== broken[i]).length : NaN;
      t.diagnostic(`${name}: ${differ} of ${rgb.length} characters differ without the repair (lengths ${rgb.length}/${broken.length}); Kangxi radicals: ${broken.filter((c) => /[\u2e80-\u2fdf]/.test(c)).length}`);
    });
  }

  it('the title of the options replaces the title of the input', () => {
    assert.equal(field(pdfinfo(file('briefing', 'boxes')), 'Title'), '数说基层党建（第10期）印刷版 (CMYK) \\');
  });

  it('TrimBox and BleedBox of the input survive', async () => {
    const boxes = (f: string) => {
      const out = pdfinfo(f, '-box', '-f', '1', '-l', '99');
      return [...out.matchAll(/^Page\s+(\d+) (\w+Box):\s+([\d.\s]+)$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]!.trim().split(/\s+/).join(' ')}`);
    };
    const got = boxes(file('briefing', 'boxes'));
    assert.ok(got.includes('1 TrimBox 8.50 8.50 586.46 833.42'), got.join('\n'));
    assert.ok(got.includes('1 BleedBox 0.00 0.00 594.96 841.92'), got.join('\n'));
    assert.ok(got.includes('2 TrimBox 20.00 30.00 520.00 730.00'), got.join('\n'));
    const last = Math.max(...got.map((line) => Number(line.split(' ')[0])));
    assert.ok(last >= 3 && got.includes(`${last} TrimBox 8.50 8.50 586.46 833.42`), got.join('\n'));
    // Written in the file, not defaulted by the reader: every page has its own TrimBox.
    for (const name of NAMES) {
      const doc = await PDFDocument.load(readFileSync(file(name)), { updateMetadata: false });
      for (const page of doc.getPages()) assert.ok(page.node.get(PDFName.of('TrimBox')) instanceof PDFArray, `${name}: a page without TrimBox`);
    }
  });

  it('renders like the RGB file: black where it was black, greys as grey (pdftoppm page 1 at 50 dpi, PNGs to look at)', async (t) => {
    for (const name of NAMES) {
      execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', file(name), join(OUT, `${name}-cmyk`)]);
      execFileSync('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '1', join(RGB, `${name}.pdf`), join(OUT, `${name}-rgb`)]);
      const [a, b] = await Promise.all([`${name}-rgb-1.png`, `${name}-cmyk-1.png`].map((f) => sharp(join(OUT, f)).removeAlpha().raw().toBuffer()));
      assert.equal(a!.length, b!.length, 'same pixel size');
      // Neutral pixels only: poppler shows CMYK colours without colour management, so the red looks brighter.
      const grey = (d: Buffer, i: number) => (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
      const neutral = (d: Buffer, i: number) => Math.max(d[i]!, d[i + 1]!, d[i + 2]!) - Math.min(d[i]!, d[i + 1]!, d[i + 2]!) < 16;
      let black = 0, lost = 0, pixels = 0, diff = 0;
      for (let i = 0; i < a!.length; i += 3) {
        if (!neutral(a!, i)) continue;
        pixels++;
        diff += Math.abs(grey(a!, i) - grey(b!, i));
        if (grey(a!, i) < 60) {
          black++;
          if (grey(b!, i) > 120) lost++;
        }
      }
      t.diagnostic(`${name}: ${black} black pixels, ${lost} of them light in CMYK; mean difference of neutral pixels ${(diff / pixels).toFixed(2)}`);
      assert.ok(black > 500, `${name}: black text on page 1`);
      assert.ok(lost / black < 0.03, `${name}: ${lost} of ${black} black pixels are light in the CMYK file`);
      assert.ok(diff / pixels < 6, `${name}: neutral pixels differ by ${(diff / pixels).toFixed(2)} on average`);
    }
  });
});

describe('Ghostscript errors name what failed', () => {
  before(() => mkdirSync(OUT, { recursive: true }));
  const pdf = async () => {
    const doc = await PDFDocument.create();
    doc.addPage([100, 100]);
    return doc.save();
  };

  it('a missing gs', async () => {
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, ghostscript: '/nonexistent/gs' }), (e: Error) => {
      assert.ok(e instanceof GhostscriptError);
      assert.match(e.message, /^Ghostscript could not be started: \/nonexistent\/gs \(spawn \/nonexistent\/gs ENOENT\)$/);
      return true;
    });
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      assert.throws(() => findGhostscript(), /^GhostscriptError: Ghostscript not found: looked for gs in PATH \(\/nonexistent\)\. Install it \(Debian\/Ubuntu: apt-get install ghostscript/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('gs failing: the exit code, the command line and the tail of its output', async () => {
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, ghostscript: 'false' }), /^GhostscriptError: Ghostscript failed to write the PDF\/X-3 \(exit code 1\): false -dPDFX .*-sOutputFile=\S+out\.pdf \S+pdfx_def\.ps \S+in\.pdf\n\(gs wrote nothing to stderr\)$/);
    const sh = join(OUT, 'gs-fails.sh');
    writeFileSync(sh, '#!/bin/sh\necho "GPL Ghostscript 10.00.0: Unrecoverable error, exit code 1" >&2\nexit 1\n', { mode: 0o755 });
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, ghostscript: sh }), /\(exit code 1\): .*\nGPL Ghostscript 10\.00\.0: Unrecoverable error, exit code 1$/);
  });

  it('a profile that is not CMYK, or not ICC v2, or not there', async () => {
    const dir = '/usr/share/color/icc/ghostscript';
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, icc: `${dir}/srgb.icc` }), /^GhostscriptError: ICC profile \/usr\/share\/color\/icc\/ghostscript\/srgb\.icc: expected a CMYK profile, received a RGB profile/);
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, icc: `${dir}/ps_cmyk.icc` }), /ICC profile \S+ps_cmyk\.icc: PDF\/X-3 needs an ICC version 2 profile, received version 4\.2/);
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, icc: 'missing.icc' }), /ICC profile \S*missing\.icc: cannot be read \(ENOENT/);
  });

  it('a date that is not YYYY-MM-DD', async () => {
    await assert.rejects(toPdfX(await pdf(), { ...OPTIONS, date: '2018-2-12' }), /toPdfX date: expected YYYY-MM-DD, received "2018-2-12"/);
  });
});

describe('a PDF that is not from Chrome', () => {
  before(() => mkdirSync(OUT, { recursive: true }));
  it('a page without TrimBox gets its MediaBox as TrimBox (PDF/X needs one)', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([100, 200]).drawText('x');
    const pdf = await toPdfX(await doc.save(), { ...OPTIONS, title: 'A (small) page \\ 小' });
    writeFileSync(join(OUT, 'small-cmyk.pdf'), pdf);
    assert.equal(field(pdfinfo(join(OUT, 'small-cmyk.pdf')), 'Title'), 'A (small) page \\ 小');
    const out = await PDFDocument.load(pdf, { updateMetadata: false });
    assert.deepEqual(out.getPage(0).getTrimBox(), { x: 0, y: 0, width: 100, height: 200 });
    assert.ok(out.getPage(0).node.get(PDFName.of('TrimBox')) instanceof PDFArray);
  });

  it('a page whose text Ghostscript flattens away fails, naming its transparent resources', async () => {
    const doc = await PDFDocument.create();
    doc.addPage([200, 200]).drawText('opaque');
    const page = doc.addPage([200, 200]);
    page.drawText('Hello', { x: 20, y: 100, size: 20, opacity: 0.5 });
    page.drawRectangle({ x: 50, y: 50, width: 10, height: 10, blendMode: BlendMode.Multiply });
    await assert.rejects(
      toPdfX(await doc.save(), OPTIONS),
      /^GhostscriptError: page 2: Ghostscript's output has no text left \(the input had 5 glyphs\); the page uses transparency \(ExtGState \/GS-\d+: fill opacity ca 0\.5, expected 1; ExtGState \/GS-\d+: blend mode \/Multiply, expected \/Normal\)\. Ghostscript flattens pages with transparency/,
    );
  });
});

describe('ToUnicode maps and the file identifier', () => {
  it('reads bfchar, both forms of bfrange, and multi-character targets', () => {
    const map = parseToUnicode(`/CIDInit /ProcSet findresource begin 12 dict begin begincmap
      2 beginbfchar <0001> <0020> <00E7> <20142014> endbfchar
      2 beginbfrange <0011> <0013> <0030> <00F7> <00F8> [<201C> <D840DC0B>] endbfrange
      endcmap`);
    assert.deepEqual([...map], [[1, ' '], [0xe7, '——'], [0x11, '0'], [0x12, '1'], [0x13, '2'], [0xf7, '“'], [0xf8, '𠀋']]);
  });

  it('writes what it reads', () => {
    const map = new Map([[1, ' '], [0x52, '工'], [0xe7, '——'], [0x100, '𠀋']]);
    assert.deepEqual(parseToUnicode(writeToUnicode(map, 2)), map);
    assert.match(writeToUnicode(map, 2), /<0100> <D840DC0B>/);
  });

  it('turns Kangxi radicals back into the ideographs', () => {
    assert.equal(unifyRadicals('⽰⽅⽉（⺟）'), '示方月（母）');
    assert.equal(unifyRadicals('示方月'), '示方月');
  });

  it('replaces the /ID with a hash of the file, in place', () => {
    const a = Buffer.from('%PDF-1.3\ntrailer << /ID [<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>] >>\n%%EOF\n', 'latin1');
    const b = Buffer.from(a.toString('latin1').replace(/0123456789ABCDEF0123456789ABCDEF/g, 'FEDCBA9876543210FEDCBA9876543210'), 'latin1');
    const fa = Buffer.from(fixFileId(a));
    assert.equal(fa.length, a.length);
    assert.ok(fa.equals(Buffer.from(fixFileId(b))), 'the old /ID does not matter');
    assert.match(fa.toString('latin1'), /\/ID \[<([0-9A-F]{32})><\1>\]/);
    assert.doesNotMatch(fa.toString('latin1'), /0123456789ABCDEF/);
    assert.throws(() => fixFileId(Buffer.from('%PDF-1.3\ntrailer << >>')), /no \/ID in its trailer/);
  });

  // gs writes a string as (literal) when that is shorter than <hex>: now and then, for a random MD5.
  it('reads an /ID written as literal strings, with escapes and parentheses, and changes nothing before the trailer', () => {
    const head = '%PDF-1.3\n1 0 obj\n<< /ID [(not) (this)] >>\nendobj\nxref\n0 1\n0000000000 65535 f \n';
    const literal = Buffer.from(`${head}trailer\n<< /Size 1 /ID [ (\\222@x\\)(a)b\\\\) (\\222@x\\)(a)b\\\\) ] >>\nstartxref\n9\n%%EOF\n`, 'latin1');
    const fixed = Buffer.from(fixFileId(literal)).toString('latin1');
    assert.ok(fixed.startsWith(head), 'the bytes before the trailer moved');
    assert.match(fixed.slice(head.length), /^trailer\n<< \/Size 1 \/ID \[<([0-9A-F]{32})><\1>\] >>\nstartxref\n9\n%%EOF\n$/);
    const hex = Buffer.from(`${head}trailer\n<< /Size 1 /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n9\n%%EOF\n`, 'latin1');
    assert.equal(Buffer.from(fixFileId(hex)).toString('latin1'), fixed, 'the old /ID, and its form, do not matter');
    assert.throws(() => fixFileId(Buffer.from('%PDF-1.3\ntrailer << /ID [(open) >>')), /no \/ID in its trailer/);
  });
});
