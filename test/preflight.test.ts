// Preflight tests: bad PDFs are built here at run time (pdf-lib, sharp, Ghostscript), the
// real ones come from rendering the default data in Chrome. Where poppler or Ghostscript
// can say the same thing (pdffonts, pdfimages -list, txtwrite sizes), the test asks them too.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BlendMode, PDFDict, PDFDocument, PDFName, PDFPage, PDFString, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { findBrowser } from '../src/chrome/browser.js';
import { formatPreflight, pageTransparency, preflight, type PreflightReport } from '../src/print/preflight.js';

const OUT = 'test/__output__/preflight';
const DATA = 'data/luoyang-2018-02-08.yaml';
const A4: [number, number] = [595.28, 841.89];
const MM = 72 / 25.4;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

/** Save a PDF under test/__output__/preflight, so a failing case can be opened by hand. */
async function save(doc: PDFDocument, name: string, useObjectStreams = false): Promise<string> {
  const file = join(OUT, name);
  writeFileSync(file, await doc.save({ useObjectStreams }));
  return file;
}

const ICC = '/usr/share/color/icc/ghostscript/default_cmyk.icc';

/** Ghostscript to CMYK PDF/X-3, with the output intent set by a pdfmark file (as in Ghostscript's PDFX_def.ps). */
function ghostscriptPdfx(input: string, output: string): void {
  const def = join(OUT, 'pdfx-def.ps');
  writeFileSync(
    def,
    [
      '%!',
      '[ /GTS_PDFXVersion (PDF/X-3:2002) /Title (preflight test) /Trapped /False /DOCINFO pdfmark',
      '[/_objdef {icc_PDFX} /type /stream /OBJ pdfmark',
      '[{icc_PDFX} << /N 4 >> /PUT pdfmark',
      `[{icc_PDFX} (${ICC}) (r) file /PUT pdfmark`,
      '[/_objdef {OutputIntent_PDFX} /type /dict /OBJ pdfmark',
      '[{OutputIntent_PDFX} << /Type /OutputIntent /S /GTS_PDFX /OutputCondition (SWOP) /OutputConditionIdentifier (CGATS TR001) /RegistryName (http://www.color.org) /DestOutputProfile {icc_PDFX} >> /PUT pdfmark',
      '[{Catalog} << /OutputIntents [ {OutputIntent_PDFX} ] >> /PUT pdfmark',
    ].join('\n'),
  );
  execFileSync('gs', [
    '-q', '-dPDFX', '-dBATCH', '-dNOPAUSE', '-dSAFER', `--permit-file-read=${ICC}`, '-sDEVICE=pdfwrite', '-dPDFSETTINGS=/prepress',
    '-sColorConversionStrategy=CMYK', '-sProcessColorModel=DeviceCMYK', `-sOutputICCProfile=${ICC}`, `-sOutputFile=${output}`, def, input,
  ]);
}

/** A flat-colour PNG, with an alpha channel if asked. */
function png(width: number, height: number, alpha = false): Promise<Buffer> {
  const background = alpha ? { r: 200, g: 20, b: 30, alpha: 0.5 } : { r: 200, g: 20, b: 30 };
  return sharp({ create: { width, height, channels: alpha ? 4 : 3, background } }).png().toBuffer();
}

/** Add a hand-written content stream to a page, with resources set by the caller. */
function addContent(doc: PDFDocument, page: PDFPage, content: string): void {
  page.node.addContentStream(doc.context.register(doc.context.stream(content)));
}

/** A Form XObject with its own resources and matrix. */
function addForm(doc: PDFDocument, page: PDFPage, name: string, content: string, resources: Record<string, unknown>, matrix = [1, 0, 0, 1, 0, 0]) {
  const form = doc.context.stream(content, { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 1000, 1000], Matrix: matrix, Resources: resources as never });
  page.node.setXObject(PDFName.of(name), doc.context.register(form));
}

/** A minimal Type 3 font: one glyph, a filled square, for the letter a; 1000 glyph units make an em. */
function type3Font(doc: PDFDocument, unit = 0.001) {
  const square = doc.context.register(doc.context.stream('750 0 0 0 750 750 d1 0 0 750 750 re f'));
  return doc.context.register(
    doc.context.obj({
      Type: 'Font',
      Subtype: 'Type3',
      Name: 'Squares',
      FontBBox: [0, 0, 750, 750],
      FontMatrix: [unit, 0, 0, unit, 0, 0],
      CharProcs: { a: square },
      Encoding: { Type: 'Encoding', Differences: [97, 'a'] },
      FirstChar: 97,
      LastChar: 97,
      Widths: [750],
      Resources: {},
    }),
  );
}

/** pdfimages -list: x-ppi and y-ppi of each image, the way poppler computes them. */
function pdfimagesPpi(file: string): [number, number][] {
  const rows = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return rows.map((row) => {
    const cols = row.trim().split(/\s+/);
    return [Number(cols[12]), Number(cols[13])];
  });
}

/** The font sizes Ghostscript's txtwrite reports, in pt. */
function ghostscriptTextSizes(file: string): number[] {
  const xml = execFileSync('gs', ['-q', '-dBATCH', '-dNOPAUSE', '-dSAFER', '-sDEVICE=txtwrite', '-dTextFormat=0', '-sOutputFile=-', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return [...xml.matchAll(/size="([\d.]+)"/g)].map((m) => Number(m[1]));
}

const has = (list: string[], pattern: RegExp) => list.some((line) => pattern.test(line));
const show = (report: PreflightReport) => `\n${formatPreflight(report)}`;

describe('preflight: fonts', () => {
  it('a Type 3 font inside a form is an error that names the font, the form and the page', async () => {
    const doc = await PDFDocument.create();
    doc.addPage(A4);
    const page = doc.addPage(A4);
    addForm(doc, page, 'Fm0', 'BT /T3 12 Tf 10 10 Td (a) Tj ET', { Font: { T3: type3Font(doc, 0.0005) } }, [1.5, 0, 0, 1.5, 0, 0]);
    addContent(doc, page, 'q 0.5 0 0 0.5 100 100 cm /Fm0 Do Q');
    const file = await save(doc, 'type3.pdf');
    assert.match(execFileSync('pdffonts', [file], { encoding: 'utf8' }), /\[none\]\s+Type 3\s+Custom\s+yes/, 'poppler sees a Type 3 font too');

    const report = await preflight(file);
    assert.deepEqual(report.fonts.map((f) => [f.name, f.type, f.pages]), [['Squares', 'Type 3', [2]]]);
    assert.equal(report.errors.length, 1, show(report));
    assert.deepEqual(report.warnings, ['page 2: text prints at 4.5 pt; expected at least 5 pt (八号)'], show(report));
    assert.match(report.errors[0]!, /^page 2, XObject \/Fm0 → Font \/T3 \(Squares\): Type 3 font; expected an embedded TrueType or CFF font, received Type 3/);
    // 12 pt × FontMatrix (an em of 1000 units is 0.5 text units) × form matrix 1.5 × cm 0.5 = 4.5 pt as printed
    assert.ok(Math.abs(report.smallestTextPt! - 4.5) < 0.001, `smallest text ${report.smallestTextPt}`);
    assert.match(formatPreflight(report), /✗ 1 error, 1 warning$/);
  });

  it('a standard font that is not embedded is an error', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.drawText('Print me', { x: 72, y: 700, size: 4, font: await doc.embedFont('Helvetica') });
    const report = await preflight(await save(doc, 'helvetica.pdf'));
    assert.ok(has(report.errors, /^page 1, Font \/Helvetica-\d+ \(Helvetica\): font not embedded; expected every font embedded, received a Type 1 font without a font file$/), show(report));
    assert.equal(report.smallestTextPt, 4);
    assert.ok(has(report.warnings, /^page 1: text prints at 4 pt; expected at least 5 pt \(八号\)$/), show(report));
  });
});

describe('preflight: image resolution', () => {
  async function imageAt(pixels: number, name: string) {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.drawImage(await doc.embedPng(await png(pixels, pixels)), { x: 100, y: 100, width: 72, height: 72 });
    const file = await save(doc, name);
    return { file, report: await preflight(file) };
  }

  it('72 px across 1 inch is 72 ppi: an error that names the page and the image', async () => {
    const { file, report } = await imageAt(72, 'image-72ppi.pdf');
    assert.equal(report.images.length, 1);
    const [image] = report.images;
    assert.deepEqual([image!.width, image!.height, image!.colourSpace], [72, 72, 'DeviceRGB']);
    assert.ok(Math.abs(image!.ppiX - 72) < 0.01 && Math.abs(image!.ppiY - 72) < 0.01);
    assert.deepEqual(pdfimagesPpi(file), [[72, 72]], 'poppler agrees');
    assert.equal(report.errors.length, 1, show(report));
    assert.match(report.errors[0]!, /^page 1, XObject \/Image-\d+: 72×72 px placed at 25\.4×25\.4 mm is 72 ppi; expected at least 150 ppi/);
  });

  it('200 ppi is a warning only, 300 ppi is clean', async () => {
    const at200 = (await imageAt(200, 'image-200ppi.pdf')).report;
    assert.deepEqual(at200.errors, [], show(at200));
    assert.equal(at200.warnings.length, 1, show(at200));
    assert.match(at200.warnings[0]!, /is 200 ppi; 300 ppi or more prints sharp/);
    const at300 = (await imageAt(300, 'image-300ppi.pdf')).report;
    assert.deepEqual([at300.errors, at300.warnings], [[], []], show(at300));
    assert.match(formatPreflight(at300), /✓ passes \(0 errors, 0 warnings\)$/);
  });

  it('the limits are options', async () => {
    const { file } = await imageAt(72, 'image-72ppi.pdf');
    const report = await preflight(file, { minPpi: 60, warnPpi: 100 });
    assert.deepEqual(report.errors, []);
    assert.match(report.warnings[0]!, /is 72 ppi; 100 ppi or more prints sharp/);
    await assert.rejects(preflight(file, { minPpi: -1 }), /preflight options: minPpi: expected a positive number, received -1/);
  });

  it('follows the CTM into nested forms with their /Matrix', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    const image = await doc.embedPng(await png(300, 150));
    // Inner form draws the image at 36×36 units; its matrix doubles that; the page halves it
    // again and the outer form turns it by 90°: 36×36 pt, so 600 ppi across and 300 down.
    const imageRef = image.ref;
    const inner = doc.context.register(
      doc.context.stream('q 36 0 0 36 0 0 cm /Im0 Do Q', { Type: 'XObject', Subtype: 'Form', BBox: [0, 0, 100, 100], Matrix: [2, 0, 0, 2, 0, 0], Resources: { XObject: { Im0: imageRef } } }),
    );
    addForm(doc, page, 'Outer', '/Inner Do', { XObject: { Inner: inner } }, [0, 1, -1, 0, 0, 0]);
    addContent(doc, page, 'q 0.5 0 0 0.5 300 300 cm /Outer Do Q');
    const file = await save(doc, 'image-in-forms.pdf', true);
    assert.match(readFileSync(file, 'latin1'), /\/ObjStm/, 'the objects are in compressed object streams');
    const report = await preflight(file);
    assert.equal(report.images.length, 1, show(report));
    const [placed] = report.images;
    assert.equal(placed!.where, 'XObject /Outer → XObject /Inner → XObject /Im0');
    assert.ok(Math.abs(placed!.ppiX - 600) < 0.01 && Math.abs(placed!.ppiY - 300) < 0.01, `ppi ${placed!.ppiX}×${placed!.ppiY}`);
    assert.deepEqual(pdfimagesPpi(file), [[600, 300]], 'poppler agrees');
    assert.deepEqual(report.errors, [], show(report));
  });

  it('an inline image is placed, and the parser finds its way past binary data that contains EI', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    // 4×4 grey = 16 bytes of data, with a fake end and a fake colour operator inside.
    const data = Buffer.from('A EI 1 0 0 rg AA', 'latin1');
    assert.equal(data.length, 16);
    const head = 'q 72 0 0 72 100 100 cm BI /W 4 /H 4 /BPC 8 /CS /G ID ';
    const tail = ' EI Q 0 0 0 1 k 10 10 50 50 re f';
    const content = Buffer.concat([Buffer.from(head, 'latin1'), data, Buffer.from(tail, 'latin1')]);
    page.node.addContentStream(doc.context.register(doc.context.stream(content)));
    const report = await preflight(await save(doc, 'inline-image.pdf'));
    assert.deepEqual(report.images.map((i) => [i.where, i.width, i.height, i.colourSpace, Math.round(i.ppiX)]), [['inline image 1', 4, 4, 'DeviceGray', 4]]);
    assert.ok(has(report.errors, /^page 1, inline image 1: 4×4 px placed at 25\.4×25\.4 mm is 4 ppi/), show(report));
    assert.deepEqual(report.colourSpaces, ['DeviceGray', 'DeviceCMYK'], 'no rg from inside the data, and the k after EI is read');
  });
});

describe('preflight: transparency', () => {
  it('a 50% opaque rectangle, an image with alpha and a blend mode are errors that name page and resource', async () => {
    const doc = await PDFDocument.create();
    doc.addPage(A4);
    const page = doc.addPage(A4);
    page.drawRectangle({ x: 50, y: 50, width: 100, height: 100, color: rgb(1, 0, 0), opacity: 0.5 });
    page.drawImage(await doc.embedPng(await png(300, 300, true)), { x: 200, y: 200, width: 72, height: 72 });
    const third = doc.addPage(A4);
    third.drawRectangle({ x: 50, y: 50, width: 100, height: 100, color: rgb(0, 0, 1), blendMode: BlendMode.Multiply });
    const report = await preflight(await save(doc, 'transparency.pdf'));
    assert.equal(report.transparency.length, 3, show(report));
    assert.ok(has(report.transparency, /^page 2, ExtGState \/GS-\d+: fill opacity ca 0\.5, expected 1$/), show(report));
    assert.ok(has(report.transparency, /^page 2, XObject \/Image-\d+: image with a soft mask \(\/SMask/), show(report));
    assert.ok(has(report.transparency, /^page 3, ExtGState \/GS-\d+: blend mode \/Multiply, expected \/Normal$/), show(report));
    assert.equal(report.errors.filter((e) => e.startsWith('transparency in use: ')).length, 3);
    assert.match(formatPreflight(report), /Ghostscript flattens a page with transparency/);
  });

  it('what Chrome writes on opaque pages is not transparency: CA 1, ca 1, BM /Normal, a page group', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.node.set(PDFName.of('Group'), doc.context.obj({ Type: 'Group', S: 'Transparency', CS: 'DeviceRGB' }));
    page.node.setExtGState(PDFName.of('G3'), doc.context.obj({ CA: 1, ca: 1, BM: 'Normal', SMask: 'None' }));
    addContent(doc, page, '/G3 gs 0.78 0.09 0.11 rg 0 0 100 100 re f');
    const report = await preflight(await save(doc, 'chrome-like.pdf'));
    assert.deepEqual([report.errors, report.warnings, report.transparency], [[], [], []], show(report));
    assert.equal(report.pages[0]!.transparencyGroup, true);
    assert.ok(has(report.info, /^page 1: page-level transparency group/), show(report));
  });

  it('a form group is info for preflight; pageTransparency, which Ghostscript uses, lists it with what lies inside the form', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    const resources = { ExtGState: { G1: { ca: 0.5 } } };
    const form = doc.context.stream('/G1 gs 0 0 10 10 re f', { Subtype: 'Form', BBox: [0, 0, 100, 100], Group: { S: 'Transparency' }, Resources: resources as never });
    page.node.setXObject(PDFName.of('Fm0'), doc.context.register(form));
    addContent(doc, page, '/Fm0 Do');
    const loaded = await PDFDocument.load(await doc.save());
    assert.deepEqual(pageTransparency(loaded.getPage(0).node), [
      'XObject /Fm0 → ExtGState /G1: fill opacity ca 0.5, expected 1',
      'XObject /Fm0: form with a transparency group',
    ]);
    const report = await preflight(await save(doc, 'form-group.pdf'));
    assert.deepEqual(report.transparency, ['page 1, XObject /Fm0 → ExtGState /G1: fill opacity ca 0.5, expected 1'], show(report));
    assert.deepEqual(report.info, ['page 1, XObject /Fm0: form with a transparency group: a blending space, not transparency in use'], show(report));
  });
});

describe('preflight: page boxes', () => {
  it('a TrimBox larger than the MediaBox is an error', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.setTrimBox(-10, -10, A4[0] + 20, A4[1] + 20); // x, y, width, height
    const report = await preflight(await save(doc, 'trimbox-too-big.pdf'));
    assert.equal(report.errors.length, 1, show(report));
    assert.match(report.errors[0]!, /^page 1: TrimBox 615\.28×861\.89 pt \(217\.1×304\.1 mm\) at -10,-10 lies outside the BleedBox 595\.28×841\.89 pt \(210\.0×297\.0 mm\) \(not set, so the CropBox\); expected the TrimBox inside the BleedBox$/);
  });

  it('a TrimBox inside the MediaBox but outside the BleedBox is an error', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([A4[0] + 17, A4[1] + 17]);
    page.setBleedBox(8.5, 8.5, A4[0], A4[1]);
    page.setTrimBox(4, 4, A4[0], A4[1]);
    const report = await preflight(await save(doc, 'trimbox-outside-bleed.pdf'));
    assert.equal(report.errors.length, 1, show(report));
    assert.match(report.errors[0]!, /^page 1: TrimBox 595\.28×841\.89 pt \(210\.0×297\.0 mm\) at 4,4 lies outside the BleedBox 595\.28×841\.89 pt \(210\.0×297\.0 mm\) at 8\.5,8\.5; expected the TrimBox inside the BleedBox$/);
  });

  it('a BleedBox outside the MediaBox is an error', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.setBleedBox(-8.5, -8.5, A4[0] + 17, A4[1] + 17); // x, y, width, height
    page.setTrimBox(0, 0, A4[0], A4[1]);
    const report = await preflight(await save(doc, 'bleedbox-outside.pdf'));
    assert.equal(report.errors.length, 1, show(report));
    assert.match(report.errors[0]!, /^page 1: BleedBox 612\.28×858\.89 pt \(216\.0×303\.0 mm\) at -8\.5,-8\.5 lies outside the MediaBox 595\.28×841\.89 pt \(210\.0×297\.0 mm\); expected the BleedBox inside the MediaBox$/);
  });

  it('an A4 page with 3 mm bleed: boxes in pt and mm, identical pages on one line', async () => {
    const doc = await PDFDocument.create();
    const bleed = 3 * MM;
    for (let i = 0; i < 3; i++) {
      const page = doc.addPage([A4[0] + 2 * bleed, A4[1] + 2 * bleed]);
      page.setBleedBox(0, 0, A4[0] + 2 * bleed, A4[1] + 2 * bleed);
      page.setTrimBox(bleed, bleed, A4[0], A4[1]);
    }
    doc.addPage([1190.55, 1683.78]);
    const report = await preflight(await save(doc, 'a4-bleed.pdf'));
    assert.deepEqual(report.errors, [], show(report));
    const trim = report.pages[0]!.boxes.TrimBox;
    assert.ok(Math.abs((trim[2] - trim[0]) / MM - 210) < 0.01 && Math.abs((trim[3] - trim[1]) / MM - 297) < 0.01);
    const text = formatPreflight(report);
    assert.match(text, /^ {2}pages 1–3: MediaBox 612\.29×858\.9 pt \(216\.0×303\.0 mm\); TrimBox 595\.28×841\.89 pt \(210\.0×297\.0 mm\) at 8\.5,8\.5; CropBox, BleedBox, ArtBox = MediaBox; not set: CropBox, ArtBox$/m);
    assert.match(text, /^ {2}page 4: MediaBox 1190\.55×1683\.78 pt \(420\.0×594\.0 mm\);/m);
  });
});

describe('preflight: PDF/X', () => {
  it('a file that says PDF/X without an output intent or a TrimBox fails', async () => {
    const doc = await PDFDocument.create();
    doc.addPage(A4);
    doc.addPage(A4).setTrimBox(0, 0, A4[0], A4[1]);
    const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
    info.set(PDFName.of('GTS_PDFXVersion'), PDFString.of('PDF/X-3:2002'));
    const report = await preflight(await save(doc, 'pdfx-claim.pdf'));
    assert.equal(report.pdfx, 'PDF/X-3:2002');
    assert.deepEqual(report.outputIntents, []);
    assert.deepEqual(report.errors, [
      'the file says PDF/X-3:2002 but has no GTS_PDFX output intent; expected /OutputIntents in the catalog',
      'page 1: PDF/X-3:2002 requires a TrimBox or ArtBox; the page has neither',
    ], show(report));
  });
});

describe('preflight: content streams', () => {
  it('strings with nested parentheses, escapes and comments do not leak operators', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.node.setFontDictionary(PDFName.of('T3'), type3Font(doc));
    // Each string holds text that looks like colour operators; none of them may count.
    const content = [
      'BT /T3 10 Tf 2 0 0 2 50 50 Tm',
      '(a (1 0 0 rg) \\) 0 g \\\\) Tj % a comment: 1 0 0 RG (',
      '[(a) -250 <0061> (0.5 G)] TJ',
      '0 -20 TD (a) \' 1 1 (1 0 0 0 K) " ET',
      '0 0 0 1 k 0 0 10 10 re f',
    ].join('\n');
    addContent(doc, page, content);
    const report = await preflight(await save(doc, 'strings.pdf'));
    assert.deepEqual(report.colourSpaces, ['DeviceCMYK'], show(report));
    assert.equal(report.smallestTextPt, 20, '10 pt × Tm scale 2');
  });

  it('a file that is not a PDF is refused with its name', async () => {
    await assert.rejects(preflight(new TextEncoder().encode('hello')), /^UnreadablePdf: \(bytes\): not a readable PDF \(/);
  });
});

// ---------------------------------------------------------------------------------------
// The real thing: Chrome's PDFs of the default data, and Ghostscript's CMYK PDF/X of them.

const browser = await findBrowser().then(
  (b) => b.path,
  () => undefined,
);

describe('preflight: what Chrome renders', { skip: browser ? false : 'no Chrome or Chromium found', timeout: 300_000 }, () => {
  const reports: Record<string, PreflightReport> = {};

  const render = (out: string, ...args: string[]) => {
    const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', DATA, '--out', out, ...args], { encoding: 'utf8', timeout: 140_000 });
    assert.equal(run.status, 0, `render failed:\n${run.stderr}`);
  };

  before(async () => {
    render(join(OUT, 'chrome'), '--only', 'briefing,poster-a2');
    render(join(OUT, 'chrome-bleed'), '--only', 'briefing', '--bleed', '3', '--marks');
    for (const name of ['briefing.pdf', 'poster-a2.pdf']) reports[name] = await preflight(join(OUT, 'chrome', name));
  });

  for (const [name, size, textRange] of [
    ['briefing.pdf', A4, [5, 12]],
    ['poster-a2.pdf', [1190.55, 1683.78], [5, 24]],
  ] as const) {
    it(`${name}: passes with no errors; MediaBox and TrimBox within 1.5 pt of the paper size`, () => {
      const report = reports[name]!;
      assert.deepEqual(report.errors, [], show(report));
      assert.match(formatPreflight(report), /✓ passes \(0 errors, \d+ warnings?\)$/);
      for (const page of report.pages) {
        for (const box of ['MediaBox', 'TrimBox'] as const) {
          const [x0, y0, x1, y1] = page.boxes[box];
          assert.ok(Math.abs(x1 - x0 - size[0]) <= 1.5 && Math.abs(y1 - y0 - size[1]) <= 1.5, `page ${page.page} ${box}: ${page.boxes[box]}`);
        }
      }
      if (report.pages.length > 1) assert.match(formatPreflight(report), new RegExp(`^ {2}pages 1–${report.pages.length}: MediaBox `, 'm'));
    });

    it(`${name}: fonts embedded, subset, CID TrueType; DeviceRGB; no transparency, no images`, () => {
      const report = reports[name]!;
      assert.ok(report.fonts.length > 0);
      for (const font of report.fonts) {
        assert.deepEqual([font.type, font.embedded, font.subset], ['CID TrueType', true, true], font.name);
      }
      const pdffonts = execFileSync('pdffonts', [join(OUT, 'chrome', name)], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      assert.equal(report.fonts.length, pdffonts.length, 'as many fonts as pdffonts lists');
      assert.ok(report.colourSpaces.includes('DeviceRGB'), report.colourSpaces.join(', '));
      assert.deepEqual([report.transparency, report.images], [[], []]);
    });

    it(`${name}: the smallest text is plausible and agrees with Ghostscript's txtwrite`, () => {
      const report = reports[name]!;
      const pt = report.smallestTextPt!;
      assert.ok(pt >= textRange[0] && pt <= textRange[1], `smallest text ${pt} pt`);
      const gs = Math.min(...ghostscriptTextSizes(join(OUT, 'chrome', name)));
      assert.ok(Math.abs(pt - gs) < 0.01, `preflight ${pt} pt, Ghostscript ${gs} pt`);
    });
  }

  const CFF_FONT = '/usr/share/fonts/opentype/urw-base35/P052-Italic.otf';
  it('Chrome turns a CFF .otf font into Type 3, and preflight names it', { skip: existsSync(CFF_FONT) ? false : `no ${CFF_FONT}` }, async () => {
    const html = join(OUT, 'cff.html');
    const pdf = join(OUT, 'chrome-cff.pdf');
    writeFileSync(html, `<!doctype html><meta charset="utf-8"><style>@font-face { font-family: CFF; src: url(file://${CFF_FONT}); } body { font: 12pt CFF }</style><p>Type 3 <span style="font-size: 4pt">tiny</span>`);
    execFileSync(browser!, ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, `file://${join(process.cwd(), html)}`], { stdio: 'ignore', timeout: 60_000 });
    const report = await preflight(pdf);
    assert.deepEqual(report.fonts.map((f) => f.type), ['Type 3'], show(report));
    assert.equal(report.errors.length, 1, show(report));
    assert.match(report.errors[0]!, /^page 1, Font \/F\d+: Type 3 font; expected an embedded TrueType or CFF font/);
    assert.ok(Math.abs(report.smallestTextPt! - 4) < 0.01, `the Type 3 FontMatrix is part of the size: ${report.smallestTextPt}`);
  });

  it('the briefing with 3 mm bleed and crop marks: TrimBox 210×297 mm inside a BleedBox about 3 mm larger, inside the MediaBox', async () => {
    const report = await preflight(join(OUT, 'chrome-bleed', 'briefing.pdf'));
    assert.deepEqual(report.errors, [], show(report));
    const mm = (r: number[]) => [(r[2]! - r[0]!) / MM, (r[3]! - r[1]!) / MM];
    for (const page of report.pages) {
      const [trimW, trimH] = mm(page.boxes.TrimBox);
      const [bleedW, bleedH] = mm(page.boxes.BleedBox);
      assert.ok(Math.abs(trimW! - 210) < 0.5 && Math.abs(trimH! - 297) < 0.5, `page ${page.page} TrimBox ${trimW}×${trimH} mm`);
      assert.ok(Math.abs(bleedW! - 216) < 0.5 && Math.abs(bleedH! - 303) < 0.5, `page ${page.page} BleedBox ${bleedW}×${bleedH} mm`);
      assert.deepEqual(page.setBoxes.filter((b) => b === 'TrimBox' || b === 'BleedBox'), ['BleedBox', 'TrimBox']);
    }
  });

  it('the briefing through Ghostscript to CMYK PDF/X-3 still passes, and the output intent is reported', async () => {
    const out = join(OUT, 'briefing-pdfx.pdf');
    ghostscriptPdfx(join(OUT, 'chrome', 'briefing.pdf'), out);
    const report = await preflight(out);
    assert.deepEqual(report.errors, [], show(report));
    assert.equal(report.pdfx, 'PDF/X-3:2002');
    assert.deepEqual(report.outputIntents.map((i) => [i.subtype, i.condition, i.profileComponents]), [['GTS_PDFX', 'CGATS TR001', 4]]);
    assert.ok(report.colourSpaces.includes('DeviceCMYK') && !report.colourSpaces.includes('DeviceRGB'), report.colourSpaces.join(', '));
    assert.equal(report.fonts.length, reports['briefing.pdf']!.fonts.length);
    assert.ok(report.fonts.every((f) => f.embedded && f.type === 'CID TrueType'));
    assert.ok(Math.abs(report.smallestTextPt! - reports['briefing.pdf']!.smallestTextPt!) < 0.01, 'the same smallest text as the RGB file');
    assert.match(formatPreflight(report), /PDF\/X: PDF\/X-3:2002; output intent: GTS_PDFX CGATS TR001, profile N=4/);
  });
});

describe('preflight: Ghostscript output', () => {
  it('transparency through Ghostscript PDF/X-3 comes back as flattened full-page images, and preflight says so', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage(A4);
    page.drawRectangle({ x: 50, y: 50, width: 100, height: 100, color: rgb(1, 0, 0), opacity: 0.5 });
    const input = await save(doc, 'to-flatten.pdf');
    const out = join(OUT, 'flattened-pdfx.pdf');
    ghostscriptPdfx(input, out);
    const report = await preflight(out);
    assert.deepEqual([report.errors, report.transparency], [[], []], show(report));
    assert.equal(report.images.length, 1);
    assert.equal(Math.round(report.images[0]!.ppiX), 300, 'Ghostscript flattens at 300 ppi (/prepress), which is not below 300');
    assert.deepEqual(report.warnings, ['page 1: the page is one image with no text: was it flattened (transparency through Ghostscript)?'], show(report));
  });
});
