// The official-document layout (GB/T 9704-2012) measured in the PDF Chrome prints.
// Text positions come from pdfjs-dist (baseline, size and font of every run), rules from the
// drawing operators (filled and stroked rectangles, through the CTM that Chrome starts with a y flip),
// and the two things the standard defines by their ink, the top of the red mark and the dash of the
// page number, from a 300 dpi raster. Every measurement goes to measurements.txt beside the PDF.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { loadData } from '../src/data/load.js';
import { resolveFonts, type Role } from '../src/fonts/fonts.js';
import { formatDate, formatDerived } from '../src/data/format.js';
import { pdffonts } from './poppler.js';
import { SPEECHES } from './speeches.js';
import { multiply, type Matrix } from '../src/print/preflight.js';

const DATA = 'data/luoyang-2018-02-08.yaml';
const OUT = 'test/__output__/gongwen';
const PDF = join(OUT, 'briefing-gongwen.pdf');
/** The same data with the two optional fields the layout can show, so the full closing block is measured too */
const FULL_DATA = join(OUT, 'with-copy-to.yaml');
const FULL_OUT = join(OUT, 'with-copy-to');
const FULL_PDF = join(FULL_OUT, 'briefing-gongwen.pdf');
/** A speech with only the required fields: no issue number (so no 发文字号), no speaker, no sections */
const MINIMAL_OUT = join(OUT, 'minimal');
const data = loadData(DATA);

// GB/T 9704-2012, in mm
const STD = {
  top: 37,
  binding: 28,
  blockWidth: 156,
  blockHeight: 225,
  lines: 22,
  chars: 28,
  markBelowTop: 35,
  ruleBelowNumber: 4,
  pageNumberBelow: 7,
  thickRule: 0.35,
  thinRule: 0.25,
};
const PITCH = STD.blockHeight / STD.lines; // 10.227 mm
const CELL = STD.blockWidth / STD.chars; // 5.571 mm
const PT = 25.4 / 72;
const MM = 1; // tolerance
const RED = '#c8161d';

// ---------------------------------------------------------------------------------------------
// Reading the PDF

interface Run {
  page: number;
  /** the text, Kangxi radicals read as the hanzi they stand for (see radicalsToHanzi) */
  str: string;
  /** the text as the PDF's ToUnicode maps it */
  raw: string;
  /** left edge, mm from the left of the page */
  x: number;
  /** right edge */
  x1: number;
  /** baseline, mm from the top of the page */
  y: number;
  /** font size in pt */
  size: number;
  /** BaseFont without the subset tag, e.g. FandolFang-Regular */
  font: string;
  /** the font's ascent and descent (em, descent negative): Chrome centres ascent+descent in the line box */
  ascent: number;
  descent: number;
}

interface Rect {
  page: number;
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
}

interface PageInfo {
  width: number;
  height: number;
  runs: Run[];
  rects: Rect[];
  colors: Set<string>;
  alphas: number[];
  images: number;
}

/** pdfjs gives device RGB colours as three bytes */
const hex = (rgb: unknown[]) => `#${Array.from(rgb.length === 1 ? (rgb[0] as ArrayLike<number>) : (rgb as number[])).slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

async function readPdf(file: string): Promise<PageInfo[]> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), disableFontFace: true, isEvalSupported: false, verbosity: 0 }).promise;
  const pages: PageInfo[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [x0, y0, x1, y1] = page.view as [number, number, number, number];
    const heightPt = y1 - y0;
    const info: PageInfo = { width: (x1 - x0) * PT, height: heightPt * PT, runs: [], rects: [], colors: new Set(), alphas: [], images: 0 };

    // Drawing operators: track the CTM through save/restore, collect filled rectangles with their colour.
    const ops = await page.getOperatorList();
    let ctm: Matrix = [1, 0, 0, 1, 0, 0];
    let fill = '#000000';
    let stroke = '#000000';
    let lineWidth = 1;
    const stack: { ctm: Matrix; fill: string; stroke: string; lineWidth: number }[] = [];
    let pending: { x: number; y: number; w: number; h: number }[] = [];
    ops.fnArray.forEach((fn, i) => {
      const args = ops.argsArray[i] as unknown[];
      if (fn === OPS.save) stack.push({ ctm, fill, stroke, lineWidth });
      else if (fn === OPS.restore) ({ ctm, fill, stroke, lineWidth } = stack.pop() ?? { ctm, fill, stroke, lineWidth });
      else if (fn === OPS.setLineWidth) lineWidth = Number(args[0]);
      else if (fn === OPS.transform) ctm = multiply(args as unknown as Matrix, ctm);
      else if (fn === OPS.setFillRGBColor) info.colors.add((fill = hex(args)));
      else if (fn === OPS.setStrokeRGBColor) info.colors.add((stroke = hex(args)));
      else if (fn === OPS.setGState) {
        for (const [key, value] of args[0] as [string, unknown][]) if (key === 'ca' || key === 'CA') info.alphas.push(Number(value));
      } else if (fn === OPS.paintImageXObject || fn === OPS.paintInlineImageXObject || fn === OPS.paintImageMaskXObject) info.images++;
      else if (fn === OPS.constructPath) {
        const [subOps, coords] = args as [number[], number[]];
        pending = [];
        let at = 0;
        for (const op of subOps) {
          if (op === OPS.rectangle) {
            const [rx, ry, rw, rh] = coords.slice(at, at + 4) as [number, number, number, number];
            const [ax, ay] = apply(ctm, rx, ry);
            const [bx, by] = apply(ctm, rx + rw, ry + rh);
            pending.push({ x: Math.min(ax, bx), y: Math.min(ay, by), w: Math.abs(bx - ax), h: Math.abs(by - ay) });
            at += 4;
          } else if (op === OPS.moveTo || op === OPS.lineTo) at += 2;
          else if (op === OPS.curveTo) at += 6;
          else if (op === OPS.curveTo2 || op === OPS.curveTo3) at += 4;
        }
      } else if (fn === OPS.fill || fn === OPS.eoFill) {
        for (const r of pending) info.rects.push({ page: n, x: r.x * PT, y: (heightPt - r.y - r.h) * PT, w: r.w * PT, h: r.h * PT, color: fill });
        pending = [];
      } else if (fn === OPS.stroke) {
        // A stroked rectangle (Chrome's uniform borders) covers half the line width either side of its path.
        const half = (lineWidth * Math.hypot(ctm[0], ctm[1])) / 2;
        for (const r of pending) info.rects.push({ page: n, x: (r.x - half) * PT, y: (heightPt - r.y - r.h - half) * PT, w: (r.w + 2 * half) * PT, h: (r.h + 2 * half) * PT, color: stroke });
        pending = [];
      } else if (fn === OPS.endPath) pending = [];
    });

    // Text runs with their fonts' BaseFont, which the operator list has loaded into commonObjs.
    const text = await page.getTextContent({ disableNormalization: true });
    for (const item of text.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const [a, b, , , e, f] = item.transform as unknown as Matrix;
      const size = Math.hypot(a, b);
      const style = text.styles[item.fontName]!;
      const font = (page.commonObjs.get(item.fontName) as { name: string }).name.replace(/^[A-Z]{6}\+/, '');
      info.runs.push({
        page: n,
        str: radicalsToHanzi(item.str),
        raw: item.str,
        x: e * PT,
        x1: (e + item.width) * PT,
        y: (heightPt - f) * PT,
        size,
        font,
        ascent: style.ascent,
        descent: style.descent,
      });
    }
    pages.push(info);
  }
  await doc.destroy();
  return pages;
}

/**
 * A face that maps Kangxi radicals (⼀ U+2F00 …) to the glyphs of the hanzi makes Chrome's ToUnicode name
 * the radical. Positions are measured on the hanzi; the test 'copied text is hanzi' checks the raw text.
 */
const radicalsToHanzi = (s: string) => s.replace(/[\u2e80-\u2fdf]/gu, (c) => c.normalize('NFKC'));

/** The line box a run sits in: Chrome centres the font's ascent+descent in a line of the given height. */
function lineTop(run: Run, lineHeight = PITCH): number {
  const centre = run.y - ((run.ascent + run.descent) / 2) * run.size * PT;
  return centre - lineHeight / 2;
}

/** The ideographic em box of a CJK run (0.88 em above the baseline, 0.12 em below). */
const emBottom = (run: Run) => run.y + 0.12 * run.size * PT;

interface Line {
  page: number;
  y: number;
  x: number;
  x1: number;
  text: string;
  runs: Run[];
}

/** Runs on one baseline make a line. */
function linesOf(runs: Run[]): Line[] {
  const lines: Line[] = [];
  for (const run of [...runs].sort((p, q) => p.page - q.page || p.y - q.y || p.x - q.x)) {
    const line = lines.find((l) => l.page === run.page && Math.abs(l.y - run.y) < 0.5);
    if (line) {
      line.runs.push(run);
      line.x = Math.min(line.x, run.x);
      line.x1 = Math.max(line.x1, run.x1);
    } else lines.push({ page: run.page, y: run.y, x: run.x, x1: run.x1, text: '', runs: [run] });
  }
  for (const l of lines) l.text = l.runs.sort((p, q) => p.x - q.x).map((r) => r.str).join('');
  return lines;
}

/** A page region as RGB pixels, from pdftoppm at 300 dpi. */
function raster(file: string, page: number, box: { x: number; y: number; w: number; h: number }): { w: number; h: number; px: Buffer; dpmm: number } {
  const dpi = 300;
  const dpmm = dpi / 25.4;
  const args = ['-r', String(dpi), '-f', String(page), '-l', String(page), '-x', String(Math.round(box.x * dpmm)), '-y', String(Math.round(box.y * dpmm)), '-W', String(Math.round(box.w * dpmm)), '-H', String(Math.round(box.h * dpmm)), '-singlefile', file];
  const ppm = execFileSync('pdftoppm', args, { maxBuffer: 1 << 28 });
  // P6 header: magic, width, height, maxval, each followed by whitespace
  const header = ppm.subarray(0, 40).toString('latin1').match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/)!;
  return { w: Number(header[1]), h: Number(header[2]), px: ppm.subarray(header[0].length), dpmm };
}

/** Rows (mm from the top of the page) that hold pixels matching `ink`, and the columns they span. */
function inkExtent(file: string, page: number, box: { x: number; y: number; w: number; h: number }, ink: (r: number, g: number, b: number) => boolean) {
  const { w, h, px, dpmm } = raster(file, page, box);
  let top = Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let right = -Infinity;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 3;
      if (!ink(px[at]!, px[at + 1]!, px[at + 2]!)) continue;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y + 1);
      left = Math.min(left, x);
      right = Math.max(right, x + 1);
    }
  }
  return { top: box.y + top / dpmm, bottom: box.y + bottom / dpmm, left: box.x + left / dpmm, right: box.x + right / dpmm };
}
const isRed = (r: number, g: number, b: number) => r > 150 && g < 110 && b < 110;
const isDark = (r: number, g: number, b: number) => r + g + b < 300;


/** Every measurement, written to measurements.txt beside the PDF */
const measured: string[] = [];
const near = (actual: number, expected: number, what: string, tolerance = MM) => {
  measured.push(`${what}: ${actual.toFixed(2)} (standard ${expected.toFixed(2)} ± ${tolerance})`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: measured ${actual.toFixed(2)} mm, expected ${expected.toFixed(2)} ± ${tolerance} mm`);
};

// ---------------------------------------------------------------------------------------------

describe('the gongwen layout (GB/T 9704-2012) in the rendered PDF', { timeout: 300_000 }, () => {
  let pages: PageInfo[];
  let full: PageInfo[];
  let minimal: PageInfo[];
  const faces = resolveFonts();
  /** BaseFont prefix of a role's face: Noto Sans SC → NotoSansSC */
  const faceOf = (role: Role) => faces.find((f) => f.role === role)!.source.family.replace(/\s+/g, '');
  const isBody = (r: Run) => r.font.startsWith(faceOf('body'));
  const all = () => pages.flatMap((p) => p.runs);
  /** Lines of the text block with some body text in them (headings and page numbers are not) */
  const bodyLines = () => linesOf(all().filter((r) => r.y > STD.top && r.y < STD.top + STD.blockHeight + 1)).filter((l) => l.runs.some(isBody));
  /** Text block edges of a page: binding inside, so odd pages start at 28 mm and even pages at 26 mm */
  const blockLeft = (page: number) => (page % 2 === 1 ? STD.binding : 210 - STD.binding - STD.blockWidth);

  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const render = (dataFile: string, out: string) => {
      const run = spawnSync('node', ['bin/shushuo.js', 'render', '--data', dataFile, '--out', out, '--only', 'briefing-gongwen'], { encoding: 'utf8', timeout: 200_000 });
      assert.equal(run.status, 0, `render of ${dataFile} failed:\n${run.stderr}`);
    };
    render(DATA, OUT);
    const yaml = readFileSync(DATA, 'utf8');
    const withCopyTo = yaml.replace(/^(\s+)distribution: (.*)$/m, '$1distribution: $2\n$1docNumber: 洛办〔2018〕10号\n$1copyTo: 省委办公厅');
    assert.notEqual(withCopyTo, yaml, `${DATA} has no document.distribution line to add the optional fields after`);
    writeFileSync(FULL_DATA, withCopyTo);
    render(FULL_DATA, FULL_OUT);
    render(SPEECHES.minimal, MINIMAL_OUT);
    pages = await readPdf(PDF);
    full = await readPdf(FULL_PDF);
    minimal = await readPdf(join(MINIMAL_OUT, 'briefing-gongwen.pdf'));
  });

  after(() => writeFileSync(join(OUT, 'measurements.txt'), `${measured.join('\n')}\n`));

  it('nothing overflows the text block: Chrome printed the pages at full size, body text at 16 pt', () => {
    // Chrome scales a whole page down when anything is wider than the page area; every size would shrink.
    const sizes = new Set(all().filter(isBody).filter((r) => r.size > 15).map((r) => r.size.toFixed(2)));
    assert.deepEqual([...sizes], ['16.00'], 'body text sizes (pt)');
  });

  it('A4 pages, fonts embedded as CID TrueType, none Type 3', () => {
    for (const p of pages) {
      near(p.width, 210, 'page width', 0.5);
      near(p.height, 297, 'page height', 0.5);
    }
    const fonts = pdffonts(PDF);
    assert.ok(fonts.length > 0);
    for (const f of fonts) {
      assert.notEqual(f.type, 'Type 3', `${f.name} is Type 3`);
      assert.equal(f.type, 'CID TrueType', `${f.name} is ${f.type}`);
      assert.equal(f.emb, 'yes', `${f.name} is not embedded`);
    }
  });

  it('only black #000000 and the official red, opaque, no images', () => {
    for (const [i, p] of [...pages, ...full].entries()) {
      const others = [...p.colors].filter((c) => c !== '#000000' && c !== RED);
      assert.deepEqual(others, [], `page ${i + 1} has other colours`);
      assert.ok(p.alphas.every((a) => a === 1), `page ${i + 1} has transparency: ${p.alphas.join(', ')}`);
      assert.equal(p.images, 0, `page ${i + 1} has images`);
    }
  });

  it('text block: left edge at 28 mm on odd pages and 26 mm on even pages, 156 mm wide', () => {
    const inBlock = (r: { y: number }) => r.y > STD.top && r.y < STD.top + STD.blockHeight + 0.5;
    const body = bodyLines();
    for (let n = 1; n <= pages.length; n++) {
      const runs = pages[n - 1]!.runs.filter(inBlock);
      // Tables and the closing block reach the edges with their rules.
      const rules = pages[n - 1]!.rects.filter((r) => r.color === '#000000' && inBlock(r));
      if (runs.length + rules.length === 0) continue;
      near(Math.min(...runs.map((r) => r.x), ...rules.map((r) => r.x)), blockLeft(n), `page ${n}: left edge of the text block`);
      const right = Math.max(...runs.map((r) => r.x1), ...rules.map((r) => r.x + r.w));
      // A 16 pt character is 0.07 mm wider than its 156/28 mm cell, so the last one of a line overhangs a little.
      assert.ok(right <= blockLeft(n) + STD.blockWidth + 0.3, `page ${n}: text beyond the right edge of the text block (${right.toFixed(2)} mm)`);
      // Justified body text fills the lines to the right edge.
      if (body.filter((l) => l.page === n).length >= 5 || rules.length > 0) near(right, blockLeft(n) + STD.blockWidth, `page ${n}: right edge of the text block`);
    }
  });

  it('a continuation page starts its first line at the top of the text block, 37 mm', () => {
    const first = bodyLines().find((l) => l.page === 2)!;
    near(lineTop(first.runs[0]!), STD.top, 'top of the first line of page 2');
  });

  it('22 lines to a full page, 10.23 mm apart; nothing below the text block', () => {
    let fullPages = 0;
    let worst = 0;
    for (let n = 2; n <= pages.length; n++) {
      const own = linesOf(pages[n - 1]!.runs.filter((r) => r.y < STD.top + STD.blockHeight + 1));
      assert.ok(own.length <= STD.lines, `page ${n} has ${own.length} lines`);
      for (const l of own) assert.ok(emBottom(l.runs[0]!) <= STD.top + STD.blockHeight + 0.3, `page ${n}: "${l.text}" reaches below the text block`);
      const body = own.filter((l) => l.runs.every(isBody));
      for (let i = 1; i < body.length; i++) {
        const gap = body[i]!.y - body[i - 1]!.y;
        const lines = Math.round(gap / PITCH);
        // Chrome puts each baseline on a whole CSS pixel (0.26 mm)
        worst = Math.max(worst, Math.abs(gap - lines * PITCH));
        assert.ok(Math.abs(gap - lines * PITCH) <= 0.3, `page ${n}: "${body[i]!.text.slice(0, 12)}" is ${gap.toFixed(2)} mm below the line before, expected ${lines} × ${PITCH.toFixed(2)} mm`);
      }
      if (own.length === STD.lines) {
        fullPages++;
        near(own.at(-1)!.y - own[0]!.y, (STD.lines - 1) * PITCH, `page ${n}: 21 line pitches`);
      }
    }
    measured.push(`baselines off the 10.23 mm grid by at most ${worst.toFixed(2)} mm (Chrome puts baselines on whole CSS pixels)`);
    assert.ok(fullPages >= 1, 'no page is full');
  });

  it('28 characters to a full line, 156/28 mm apart', () => {
    // Lines of full-width characters only that reach the right edge of the text block: their characters
    // and the indent fill 28 cells. The one exception is 避头尾: when the 28th character would be an
    // opening mark at the end of a line, or the next character a closing mark at the start of one, or
    // a number that may not be split, that character moves on and justification spreads the 27 left.
    const cjk = /^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]+$/u; // no digits, Latin or ·
    const lines = bodyLines().sort((p, q) => p.page - q.page || p.y - q.y).map((l) => ({ ...l, text: l.text.replace(/\s+/g, '') }));
    const full = lines
      .map((l, i) => ({ l, next: lines[i + 1]?.text ?? '', cells: [...l.text].length + Math.round((l.x - blockLeft(l.page)) / CELL) }))
      .filter(({ l }) => cjk.test(l.text) && Math.abs(l.x1 - (blockLeft(l.page) + STD.blockWidth)) < 1);
    const explained = (next: string) => /^[（“‘《〔【]/u.test(next) || /^.[，。、；：！？）”’》〕】·]/u.test(next) || /^[\d·]/u.test(next);
    const exact = full.filter((c) => c.cells === STD.chars);
    const short = full.filter((c) => c.cells !== STD.chars);
    measured.push(`full lines of hanzi: ${full.length}; ${exact.length} hold 28 characters, ${short.length} hold 27 because of 避头尾`);
    assert.ok(exact.length >= 5, `only ${exact.length} lines hold 28 characters`);
    // A figure (9轮次；) is not split: its number, unit and the closing mark after it move on together.
    const figureRun = (next: string) => /^[\d.,]+/.test(next) ? ([.../^[\d.,]+[^\d\s，。、；：！？]{0,3}[，。、；：！？]?/u.exec(next)![0]].length) : 1;
    for (const c of short) {
      const room = /^\d/.test(c.next) ? figureRun(c.next) : 1;
      assert.ok(c.cells >= STD.chars - room && c.cells < STD.chars && explained(c.next), `p${c.l.page} "${c.l.text}" holds ${c.cells} characters; the next line starts "${c.next.slice(0, 3)}"`);
    }
    for (const { l } of exact) near((l.x1 - l.x) / [...l.text].length, CELL, `character pitch in "${l.text.slice(0, 8)}…"`, 0.05);
  });

  it('red issuing-body mark: top 35 mm below the text block, centred, characters at most 15 mm wide and 22 mm high', () => {
    const mark = inkExtent(PDF, 1, { x: 20, y: STD.top, w: 170, h: 60 }, isRed);
    near(mark.top, STD.top + STD.markBelowTop, 'top of the red mark');
    near((mark.left + mark.right) / 2, STD.binding + STD.blockWidth / 2, 'centre of the red mark');
    assert.ok(mark.bottom - mark.top <= 22, `the mark is ${(mark.bottom - mark.top).toFixed(1)} mm high`);
    const chars = [...data.document.office].length;
    assert.ok((mark.right - mark.left) / chars <= 15.5, `the mark's characters are ${((mark.right - mark.left) / chars).toFixed(1)} mm wide`);
    const runs = pages[0]!.runs.filter((r) => r.size > 30);
    assert.equal(runs.map((r) => r.str).join(''), data.document.office);
    for (const r of runs) assert.ok(r.font.startsWith(faceOf('title')), `the mark is set in ${r.font}`);
  });

  it('document number two lines below the mark, the red rule 4 mm below it, 156 mm wide with a star', () => {
    const mark = inkExtent(PDF, 1, { x: 20, y: STD.top, w: 170, h: 60 }, isRed);
    const number = pages[0]!.runs.find((r) => r.str.includes('〔'))!;
    assert.equal(number.str.trim(), '〔2018〕10号');
    assert.ok(isBody(number), `the document number is set in ${number.font}`);
    near(number.size, 16, 'document number size (pt)', 0.1);
    near(lineTop(number) - mark.bottom, 2 * PITCH, 'from the foot of the mark to the document number line');
    const red = pages[0]!.rects.filter((r) => r.color === RED && r.w > 20);
    assert.ok(red.length >= 1, 'no red rule among the filled rectangles');
    const left = Math.min(...red.map((r) => r.x));
    const right = Math.max(...red.map((r) => r.x + r.w));
    near(left, STD.binding, 'left end of the red rule');
    near(right - left, STD.blockWidth, 'width of the red rule');
    const centre = red[0]!.y + red[0]!.h / 2;
    near(centre - emBottom(number), STD.ruleBelowNumber, 'red rule below the document number');
    // The star sits in the gap between the two halves of the rule
    const star = inkExtent(PDF, 1, { x: 90, y: centre - 3, w: 30, h: 2.4 }, isRed);
    near((star.left + star.right) / 2, STD.binding + STD.blockWidth / 2, 'centre of the star');
  });

  it('the data\'s own document number when it has one', () => {
    const number = full[0]!.runs.find((r) => r.str.includes('〔'))!;
    assert.equal(number.str.trim(), '洛办〔2018〕10号');
  });

  it('title in 二号 (22 pt) 小标宋, centred, two lines below the red rule', () => {
    const title = pages[0]!.runs.filter((r) => data.document.title.includes(r.str.trim()) && r.size > 20);
    assert.ok(title.length > 0, 'no title run');
    for (const r of title) {
      near(r.size, 22, `title "${r.str}" size (pt)`, 0.1);
      assert.ok(r.font.startsWith(faceOf('title')) && /Black|Heavy|Bold/.test(r.font), `title "${r.str}" is set in ${r.font}`);
    }
    const x0 = Math.min(...title.map((r) => r.x));
    const x1 = Math.max(...title.map((r) => r.x1));
    near((x0 + x1) / 2, STD.binding + STD.blockWidth / 2, 'centre of the title');
    const rule = pages[0]!.rects.find((r) => r.color === RED && r.w > 20);
    assert.ok(rule, 'no red rule among the filled rectangles');
    near(lineTop(title[0]!) - (rule.y + rule.h / 2), 2 * PITCH, 'from the red rule to the title line');
  });

  it('headings: 一、 in the 黑体 face, （一） in the 楷体 face, body text in the 仿宋 face', () => {
    const runs = all();
    for (const p of data.sections.filter((s) => s.number)) {
      const heading = linesOf(runs).find((l) => l.text.startsWith(`${p.number}${p.title.slice(0, 4)}`));
      assert.ok(heading, `no heading ${p.number}${p.title}`);
      for (const r of heading.runs) assert.ok(r.font.startsWith(faceOf('heading')), `"${r.str}" of the heading ${p.number} is set in ${r.font}`);
      near(heading.x, blockLeft(heading.page) + 2 * CELL, `heading ${p.number} indented two characters`);
      const first = p.sections[0]!;
      const sub = linesOf(runs).find((l) => l.text.startsWith(`（一）${first.title.slice(0, 4)}`));
      assert.ok(sub, `no subheading （一）${first.title}`);
      const marker = sub.runs.filter((r) => r.x < sub.x + 3 * CELL);
      for (const r of marker) assert.ok(r.font.startsWith(faceOf('subheading')), `"${r.str}" of （一）${first.title} is set in ${r.font}`);
    }
    const bodyShare = runs.filter(isBody).length / runs.length;
    assert.ok(bodyShare > 0.6, `only ${(bodyShare * 100).toFixed(0)}% of the runs are in the body face`);
  });

  it('附件说明, 署名, 成文日期 and 附注 where the standard puts them', () => {
    const lines = linesOf(all()).filter((l) => l.runs.every((r) => Math.abs(r.size - 16) < 0.1));
    const at = (text: string) => {
      const i = lines.findIndex((l) => l.text === text);
      assert.ok(i >= 0, `no line "${text}"`);
      return { line: lines[i]!, before: lines[i - 1]! };
    };
    const left = (l: Line) => blockLeft(l.page);
    const annex = at('附件：1.数据一览表');
    near(annex.line.x, left(annex.line) + 2 * CELL, '附件 two characters in');
    near(annex.line.y - annex.before.y, 2 * PITCH, '附件说明 one empty line below the body', 0.3);
    const second = at('2.数据来源').line;
    near(second.x, left(second) + 5 * CELL, 'second attachment name under the first');
    const office = at(data.document.office);
    near(office.line.y - office.before.y, 2 * PITCH, '署名 one empty line below', 0.3);
    near(office.line.x1, left(office.line) + STD.blockWidth - 2 * CELL, '署名 two characters in from the right', 0.3);
    const date = at(formatDate(data.document.issued));
    assert.equal(date.before, office.line, 'the date is the line after the office');
    near(date.line.x, office.line.x + 2 * CELL, '成文日期 two characters right of the office');
    const note = at(`（此件${data.document.distribution}）`);
    assert.equal(note.before, date.line, '附注 is the line after the date');
    near(note.line.x, left(note.line) + 2 * CELL, '附注 two characters in');
  });

  it('page numbers "— N —" in 四号 (14 pt), 7 mm below the text block, outside, one character in', () => {
    for (const [i, p] of pages.entries()) {
      const n = i + 1;
      const run = p.runs.find((r) => r.y > STD.top + STD.blockHeight && /—\s*\d+\s*—/.test(r.str));
      assert.ok(run, `page ${n} has no page number`);
      assert.equal(run.str.replace(/\s+/g, ' ').trim(), `— ${n} —`);
      near(run.size, 14, `page ${n} number size (pt)`, 0.1);
      assert.ok(run.font.startsWith(faceOf('number')) && /Regular/.test(run.font), `page ${n} number is set in ${run.font}`);
      const oneChar = 14 * PT;
      if (n % 2 === 1) near(run.x1, blockLeft(n) + STD.blockWidth - oneChar, `page ${n} number right end`);
      else near(run.x, blockLeft(n) + oneChar, `page ${n} number left end`);
      // The dash (一字线) of the number, read from the ink of its first character
      const dash = inkExtent(PDF, n, { x: run.x, y: run.y - 14 * PT, w: 14 * PT * 0.9, h: 14 * PT * 1.2 }, isDark);
      near((dash.top + dash.bottom) / 2 - (STD.top + STD.blockHeight), STD.pageNumberBelow, `page ${n} dash below the text block`);
    }
  });

  it('版记 on the last page: rules as wide as the text block, 0.35 mm first and last, 0.25 mm between, the last on the foot of the text block', () => {
    const check = (doc: PageInfo[], expected: number[], what: string, office = data.document.office, issued = data.document.issued) => {
      const last = doc.at(-1)!;
      const n = doc.length;
      const rules = last.rects.filter((r) => r.color === '#000000' && r.w > 100).sort((p, q) => p.y - q.y);
      assert.deepEqual(rules.map((r) => Number(r.h.toFixed(2))), expected, `${what}: rule thicknesses (mm) from the top`);
      for (const r of rules) {
        near(r.x, blockLeft(n), `${what}: rule left end`);
        near(r.w, STD.blockWidth, `${what}: rule width`);
      }
      near(rules.at(-1)!.y + rules.at(-1)!.h, STD.top + STD.blockHeight, `${what}: last rule on the foot of the text block`);
      const imprint = linesOf(last.runs).find((l) => l.text.includes('印发'))!;
      assert.ok(imprint.text.startsWith(office) && imprint.text.endsWith(`${formatDate(issued)}印发`), imprint.text);
      for (const r of imprint.runs) {
        near(r.size, 14, `${what}: 印发 line size (pt)`, 0.1);
        assert.ok(isBody(r), `${what}: 印发 line is set in ${r.font}`);
      }
      near(imprint.x, blockLeft(n) + 14 * PT, `${what}: 印发机关 one character in`);
      near(imprint.x1, blockLeft(n) + STD.blockWidth - 14 * PT, `${what}: 印发日期 one character in from the right`);
      const text = last.runs.filter((r) => isBody(r) && r.size > 15 && r.y < rules[0]!.y);
      assert.ok(text.length > 0, `${what}: the 版记 stands alone on page ${n}`);
      return last;
    };
    check(pages, [STD.thickRule, STD.thickRule], 'without 抄送');
    const min = loadData(SPEECHES.minimal).document;
    check(minimal, [STD.thickRule, STD.thickRule], 'a speech with only the required fields', min.office, min.issued);
    const last = check(full, [STD.thickRule, STD.thinRule, STD.thickRule], 'with 抄送');
    const copy = linesOf(last.runs).find((l) => l.text.startsWith('抄送'))!;
    assert.equal(copy.text, '抄送：省委办公厅。');
    near(copy.x, blockLeft(full.length) + 14 * PT, '抄送 one character in');
  });

  it('copied text is hanzi, not Kangxi radicals', () => {
    // A face whose cmap maps ⼀ ⽉ ⽇ … to the glyphs of 一 月 日 makes Chrome's ToUnicode name the radical,
    // and the text no longer searches (scripts/otf2ttf.py drops those code points).
    const radicals = [...new Set(all().flatMap((r) => [...r.raw].filter((c) => /[\u2e80-\u2fdf]/u.test(c))))];
    assert.deepEqual(radicals, [], 'radicals in the text layer');
  });

  it('the text: dates without padding, derived values marked （推算）, the distribution as a note', () => {
    const text = pages.map((p) => linesOf(p.runs).map((l) => l.text).join('\n')).join('\n');
    assert.ok(text.includes(formatDate(data.document.issued)), 'the date of issue');
    assert.doesNotMatch(text, /年0\d月|月0\d日/);
    for (const d of data.derived) assert.ok(text.replace(/\s+/g, '').includes(formatDerived(d)), `${d.label} ${formatDerived(d)}`);
    assert.ok(text.includes(`（此件${data.document.distribution}）`));
  });
});
