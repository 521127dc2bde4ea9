// Chart tests: snapshots of every case, and checks on the markup and the
// geometry that would catch a wrong chart even when a snapshot was accepted.
// Run: node --import tsx --test test/charts.test.ts (UPDATE_SNAPSHOTS=1 to rewrite).
// A missing snapshot is written, except under CI, where it fails the test.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chartCases,
  fixtures,
  fourPartSections,
  longTitleSections,
  luoyangSections,
  sixPartSections,
  unnumberedSections,
  type ChartCase,
} from '../src/charts/cases.js';
import { bigNumber, changeArrow, coverageBars, fromTo, ring, stackedBar, structureDiagram, unitChart } from '../src/charts/index.js';
import { ASCENT, DEFAULT_PALETTE, DESCENT, textWidth, wrapText } from '../src/charts/svg.js';
import type { DerivedFigure, Figure, Section } from '../src/data/types.js';
import { formatDerived, formatFigure, formatFrom } from '../src/data/format.js';

const SNAPSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');
const rendered = new Map(chartCases.map((c) => [c.name, c.render()]));
const svgOf = (name: string) => {
  const svg = rendered.get(name);
  assert.ok(svg, `no case named ${name}`);
  return svg;
};

// ---------------------------------------------------------------------------
// A little SVG reading, enough for our own output.

type Attrs = Record<string, string>;

function parseAttrs(s: string): Attrs {
  const out: Attrs = {};
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

const unescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

function elements(svg: string, name: string): Attrs[] {
  return [...svg.matchAll(new RegExp(`<${name}\\b([^>]*?)/?>`, 'g'))].map((m) => parseAttrs(m[1]!));
}

function root(svg: string): Attrs {
  const m = /^<svg\b([^>]*)>/.exec(svg);
  assert.ok(m, 'output starts with <svg>');
  return parseAttrs(m[1]!);
}

function viewBox(svg: string) {
  const [x, y, w, h] = root(svg).viewBox!.split(' ').map(Number);
  return { x: x!, y: y!, w: w!, h: h! };
}

interface TextLine {
  content: string;
  box: { x0: number; y0: number; x1: number; y1: number };
  attrs: Attrs;
  spans: { text: string; size: number; family: string; weight: string }[];
}

/** Every <text>, with its box estimated from its runs, anchor and font sizes. */
function textLines(svg: string): TextLine[] {
  return [...svg.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>/g)].map((m) => {
    const attrs = parseAttrs(m[1]!);
    const inner = m[2]!;
    const base = { size: Number(attrs['font-size']), family: attrs['font-family'] ?? '', weight: attrs['font-weight'] ?? '' };
    const spans = inner.includes('<tspan')
      ? [...inner.matchAll(/<tspan\b([^>]*)>([^<]*)<\/tspan>/g)].map((t) => {
          const a = parseAttrs(t[1]!);
          return {
            text: unescape(t[2]!),
            size: a['font-size'] ? Number(a['font-size']) : base.size,
            family: a['font-family'] ?? base.family,
            weight: a['font-weight'] ?? base.weight,
          };
        })
      : [{ text: unescape(inner), ...base }];
    const width = spans.reduce((s, t) => s + textWidth(t.text, t.size), 0);
    const size = Math.max(...spans.map((t) => t.size));
    const x = Number(attrs.x);
    const y = Number(attrs.y);
    const anchor = attrs['text-anchor'] ?? 'start';
    const x0 = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
    return { content: spans.map((t) => t.text).join(''), attrs, spans, box: { x0, y0: y - ASCENT * size, x1: x0 + width, y1: y + DESCENT * size } };
  });
}

/** All text nodes, title and desc included. */
function textNodes(svg: string): string[] {
  return svg
    .split(/<[^>]+>/)
    .map(unescape)
    .filter((t) => t.trim() !== '');
}

/** Numbers to 3 decimals, one element a line (never inside a <text>, where a newline would print a space). */
function normalise(svg: string): string {
  return svg.replace(/-?\d+\.\d+/g, (m) => String(Math.round(Number(m) * 1000) / 1000)).replace(/>(?=<(?!\/?tspan|\/text))/g, '>\n') + '\n';
}

const printed = (f: Figure | DerivedFigure) => ('op' in f ? formatDerived(f) : formatFigure(f).text);
/** What a figure may print: the figure, and the old value of a from-to figure. */
const printable = (f: Figure | DerivedFigure) => [printed(f), ...('op' in f || f.from === undefined ? [] : [formatFrom(f)])];

/** Every label inside the viewBox and clear of every other label; no transform moves a text. */
function checkLabels(svg: string) {
  const vb = viewBox(svg);
  assert.doesNotMatch(svg, /<text[^>]*transform/);
  for (const g of svg.matchAll(/<g\b[^>]*transform[^>]*>([\s\S]*?)<\/g>/g)) assert.doesNotMatch(g[1]!, /<text/);
  const lines = textLines(svg);
  assert.ok(lines.length > 0);
  const eps = 0.01;
  for (const l of lines) {
    const b = l.box;
    assert.ok(b.x0 >= -eps && b.y0 >= -eps && b.x1 <= vb.w + eps && b.y1 <= vb.h + eps, `"${l.content}" at ${JSON.stringify(b)} runs out of 0 0 ${vb.w} ${vb.h}`);
  }
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i]!.box;
      const b = lines[j]!.box;
      const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > eps && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > eps;
      assert.ok(!overlap, `"${lines[i]!.content}" overlaps "${lines[j]!.content}"`);
    }
  }
}

// ---------------------------------------------------------------------------

describe('chart snapshots', () => {
  mkdirSync(SNAPSHOTS, { recursive: true });
  for (const c of chartCases) {
    it(c.name, () => {
      const file = join(SNAPSHOTS, `${c.name}.svg`);
      const changed = join(SNAPSHOTS, `${c.name}-changed.svg`);
      const actual = normalise(svgOf(c.name));
      if (!existsSync(file) && process.env.CI) {
        writeFileSync(changed, actual);
        assert.fail(`${c.name}: test/snapshots/${c.name}.svg is missing; under CI a missing snapshot fails (see ${c.name}-changed.svg; run the tests without CI to write it)`);
      }
      if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
        writeFileSync(file, actual);
        rmSync(changed, { force: true });
        return;
      }
      const expected = readFileSync(file, 'utf8');
      if (actual === expected) {
        rmSync(changed, { force: true });
        return;
      }
      writeFileSync(changed, actual);
      assert.fail(`${c.name}: output differs from test/snapshots/${c.name}.svg; see ${c.name}-changed.svg (UPDATE_SNAPSHOTS=1 to accept)`);
    });
  }
});

describe('every chart', () => {
  const each = (title: string, check: (svg: string, c: ChartCase) => void) =>
    it(title, () => {
      for (const c of chartCases) {
        try {
          check(svgOf(c.name), c);
        } catch (e) {
          (e as Error).message = `${c.name}: ${(e as Error).message}`;
          throw e;
        }
      }
    });

  each('is an accessible SVG: xmlns, viewBox, size, role, title and desc first', (svg) => {
    const a = root(svg);
    assert.equal(a.xmlns, 'http://www.w3.org/2000/svg');
    const vb = viewBox(svg);
    assert.equal(vb.x, 0);
    assert.equal(vb.y, 0);
    assert.ok(vb.w > 0 && vb.h > 0);
    assert.equal(Number(a.width), vb.w);
    assert.equal(Number(a.height), vb.h);
    assert.equal(a.role, 'img');
    const id = /^(.+)-title /.exec(a['aria-labelledby'] ?? '')?.[1];
    assert.ok(id, 'aria-labelledby names the title');
    assert.equal(a['aria-labelledby'], `${id}-title ${id}-desc`);
    const m = /^<svg\b[^>]*><title id="([^"]+)">([^<]+)<\/title><desc id="([^"]+)">([^<]+)<\/desc>/.exec(svg);
    assert.ok(m, 'title then desc come first, both non-empty');
    assert.equal(m[1], `${id}-title`);
    assert.equal(m[3], `${id}-desc`);
    assert.ok(svg.endsWith('</svg>'));
  });

  each('describes its figures in words, as printed', (svg, c) => {
    const desc = /<desc[^>]*>([^<]*)<\/desc>/.exec(svg)![1]!;
    for (const f of c.figures) assert.ok(unescape(desc).includes(printed(f)), `desc lacks ${printed(f)}`);
  });

  each('has no NaN, undefined, null or Infinity', (svg) => {
    assert.doesNotMatch(svg, /NaN|undefined|null|Infinity/);
  });

  each('is print-safe: opaque colours, no opacity, filters, gradients or masks', (svg) => {
    assert.doesNotMatch(svg, /opacity|rgba|hsla|filter|gradient|<pattern|<mask|<image|transparent/i);
    for (const m of svg.matchAll(/(?:fill|stroke)="([^"]*)"/g)) assert.match(m[1]!, /^(?:#[0-9a-f]{6}|none)$/i, `colour ${m[1]}`);
  });

  each('uses the two font roles (heading, number) and weights 400, 700, 900 only', (svg) => {
    for (const line of textLines(svg)) {
      for (const s of line.spans) {
        assert.ok(["'role-heading'", "'role-number'"].includes(s.family), `font-family ${s.family}`);
        assert.ok(['400', '700', '900'].includes(s.weight), `font-weight ${s.weight} of "${s.text}"`);
        assert.ok(s.size >= 10, `font-size ${s.size} of "${s.text}" is too small to print`);
      }
    }
    for (const m of svg.matchAll(/font-weight="([^"]*)"/g)) assert.ok(['400', '700', '900'].includes(m[1]!));
  });

  each('keeps every label inside the viewBox and clear of every other label', (svg) => checkLabels(svg));

  each('prints digits only as parts of the formatted figures or of the input text', (svg, c) => {
    const sources = [...c.figures.flatMap((f) => [...printable(f), f.label]), ...(c.texts ?? [])];
    const allowed = new Set(sources.flatMap((s) => s.match(/\d+(?:\.\d+)?/g) ?? []));
    for (const node of textNodes(svg)) {
      for (const run of node.match(/\d+(?:\.\d+)?/g) ?? []) assert.ok(allowed.has(run), `"${run}" in "${node}" is not a formatted value of the inputs`);
    }
  });

  each('keeps the qualifiers: a number is never printed without its 近/约/仅有/左右', (svg, c) => {
    const lines = [...textLines(svg).map((l) => l.content), unescape(/<desc[^>]*>([^<]*)/.exec(svg)![1]!)];
    for (const f of c.figures) {
      const bare = `${formatFigure(f).number}${f.unit}`;
      lines.forEach((line, i) => {
        if (!line.includes(bare)) return;
        assert.ok(line.includes(formatFigure(f).text), `"${line}" prints ${bare} without its qualifier (${formatFigure(f).text})`);
        if ('op' in f) {
          // The mark follows on the same line, or starts the next one (ring centre).
          const mark = formatDerived(f).slice(formatFigure(f).text.length);
          const next = lines[i + 1] ?? '';
          assert.ok(line.includes(formatDerived(f)) || (line.endsWith(formatFigure(f).text) && next.startsWith(mark)), `"${line}" prints a derived value without its mark`);
        }
      });
    }
  });

  it('uses ids that are unique across all charts, so they can share a page', () => {
    const ids = [...rendered.values()].flatMap((svg) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!));
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    for (const svg of rendered.values()) {
      for (const m of svg.matchAll(/href="#([^"]+)"/g)) assert.ok(ids.includes(m[1]!), `href to missing #${m[1]}`);
    }
  });

  it('is pure: the same input gives the same output', () => {
    for (const c of chartCases) assert.equal(c.render(), svgOf(c.name), c.name);
  });
});

describe('ring', () => {
  const arcEnd = (d: string) => {
    const m = /^M([-\d.e]+),([-\d.e]+)A([-\d.e]+),([-\d.e]+),0,([01]),1,([-\d.e]+),([-\d.e]+)/.exec(d);
    assert.ok(m, `value path starts with an outer arc: ${d}`);
    const [, mx, my, r, , large, ex, ey] = m.map(Number) as number[];
    return { start: { x: mx!, y: my!, r: r! }, large: large!, angle: (Math.atan2(ex!, -ey!) + 2 * Math.PI) % (2 * Math.PI) };
  };
  for (const [name, figure] of [
    ['ring-low-income', fixtures.lowIncomeShare],
    ['ring-no-income', fixtures.noIncomeShare],
    ['ring-qualifier', fixtures.sitesSubstandard],
    ['ring-derived', fixtures.sitesOther],
    ['ring-chinese-numeral', fixtures.secretariesBoth],
  ] as const) {
    it(`${name}: the arc starts at 12 o'clock and ends at value/100 of the circle`, () => {
      const value = elements(svgOf(name), 'path').find((p) => p.class === 'value');
      assert.ok(value);
      const { start, large, angle } = arcEnd(value.d!);
      assert.ok(Math.abs(start.x) < 1e-3 && Math.abs(start.y + start.r) < 1e-3, 'starts at the top');
      assert.ok(Math.abs(angle - (2 * Math.PI * figure.value) / 100) < 1e-3, `ends at ${angle}`);
      assert.equal(large, figure.value > 50 ? 1 : 0);
    });
  }
  it('0% draws no arc, 100% draws the whole circle', () => {
    assert.equal(elements(svgOf('ring-zero'), 'path').filter((p) => p.class === 'value').length, 0);
    const full = elements(svgOf('ring-full'), 'path');
    assert.equal(full.find((p) => p.class === 'value')?.d, full.find((p) => p.class === 'track')?.d);
  });
  it('prints a share as the speech writes it: 超过六成 in the centre, never 60%', () => {
    const lines = textLines(svgOf('ring-chinese-numeral'));
    const figure = lines.find((l) => l.attrs.class === 'figure')!;
    assert.deepEqual(figure.spans.map((s) => s.text), ['超过', '六成']);
    assert.ok(!svgOf('ring-chinese-numeral').includes('60'));
  });
  it('refuses a share over 100% and a figure that is not a share of a whole', () => {
    assert.throws(() => ring({ ...fixtures.lowIncomeShare, value: 120 }, { id: 'x' }), {
      message: 'ring: figure "low-income-share": expected a value from 0 to 100, received 120 (use bigNumber for values over 100%)',
    });
    // 147% is a growth rate: a percentage, but not a share of a whole.
    assert.throws(() => ring(fixtures.partyFundsGrowth, { id: 'x' }), {
      message: 'ring: figure "party-funds-growth": expected a share of a whole (percent: true), received 147% (use bigNumber for counts, amounts and rates)',
    });
    assert.throws(() => ring(fixtures.villageSites, { id: 'x' }), /expected a share of a whole \(percent: true\), received 1812个/);
    assert.throws(() => ring({ ...fixtures.lowIncomeShare, value: -1 }, { id: 'x' }), /received -1/);
  });
});

describe('coverageBars', () => {
  it('fills each track in proportion to the value', () => {
    for (const [name, values] of [
      ['coverage-bars', [78, 71]],
      ['coverage-bars-narrow-edges', [0, 100, 71]],
    ] as const) {
      const svg = svgOf(name);
      const tracks = elements(svg, 'rect').filter((r) => r.class === 'bar-track');
      const bars = elements(svg, 'rect').filter((r) => r.class === 'bar-value');
      assert.equal(tracks.length, values.length);
      assert.equal(bars.length, values.length);
      values.forEach((v, i) => {
        const t = tracks[i]!;
        const b = bars[i]!;
        assert.equal(b.x, t.x);
        assert.ok(Math.abs(Number(b.width) / Number(t.width) - v / 100) < 1e-4, `${name} row ${i}: ${b.width}/${t.width}`);
      });
    }
  });
  it('labels full coverage once, in words, and the gaps as derived', () => {
    const svg = svgOf('coverage-bars');
    assert.equal(textNodes(svg).filter((t) => t === '全覆盖').length, 1);
    const lines = textLines(svg).map((l) => l.content);
    assert.ok(lines.includes('非公企业未覆盖 22%（推算）'), lines.join(' | '));
    assert.ok(lines.includes('仅有78%'));
  });
  it('refuses a row that is not a percentage', () => {
    assert.throws(() => coverageBars([{ figure: fixtures.villageSites }], { id: 'x' }), {
      message: 'coverageBars: rows[0].figure "village-sites-built": expected a percentage from 0 to 100, received 1812个 (not a share of a whole)',
    });
    assert.throws(() => coverageBars([{ figure: fixtures.revenueGrowth }], { id: 'x' }), /received 18\.5% \(not a share of a whole\)/);
    assert.doesNotThrow(() => coverageBars([{ figure: fixtures.secretariesBoth }], { id: 'x' }));
    assert.throws(() => coverageBars([], { id: 'x' }), /expected at least one row/);
  });
});

describe('stackedBar', () => {
  for (const [name, order] of [
    ['stacked-bar-sites', [40, 2, 58]],
    ['stacked-bar-narrow', [1, 2, 3, 94]],
    ['stacked-bar-crowded', [94, 1, 2, 3]],
  ] as const) {
    it(`${name}: segments follow each other and fill exactly the width of the bar`, () => {
      const svg = svgOf(name);
      const segs = elements(svg, 'rect').filter((r) => r.class === 'segment').map((r) => ({ x: Number(r.x), w: Number(r.width) }));
      assert.equal(segs.length, order.length);
      const vb = viewBox(svg);
      const total = order.reduce((a, b) => a + b, 0);
      const full = vb.w - 2 * segs[0]!.x;
      let x = segs[0]!.x;
      segs.forEach((s, i) => {
        assert.ok(Math.abs(s.x - x) < 2e-3, `segment ${i} starts where the last ended`);
        assert.ok(Math.abs(s.w / full - order[i]! / total) < 1e-4, `segment ${i} width`);
        x += s.w;
      });
      assert.ok(Math.abs(x - (vb.w - segs[0]!.x)) < 2e-3, 'segments sum to the full width');
    });
  }
  it('labels every segment, narrow ones outside with a leader', () => {
    const svg = svgOf('stacked-bar-narrow');
    const lines = textLines(svg).map((l) => l.content);
    for (const f of [fixtures.tinyA, fixtures.tinyB, fixtures.tinyC]) assert.ok(lines.includes(`${f.label} ${printed(f)}`), `${f.label}: ${lines.join(' | ')}`);
    assert.ok(lines.includes(printed(fixtures.tinyRest)));
    assert.equal(elements(svg, 'polyline').filter((p) => p.class === 'leader').length, 3);
  });
  it('refuses shares that do not add up to the whole', () => {
    assert.throws(() => stackedBar([{ figure: fixtures.sitesSubstandard }, { figure: fixtures.sitesMissing }], { id: 'x' }), {
      message: 'stackedBar: segments add up to 42%, expected 100% (add a complement DerivedFigure for the rest)',
    });
    assert.throws(() => stackedBar([{ figure: fixtures.sitesSubstandard }, { figure: fixtures.villageSites }], { id: 'x' }), {
      message: 'stackedBar: segments[1] "village-sites-built": expected a percentage like segments[0], received 1812个',
    });
  });
  it('adds up shares whatever their unit: 超过六成 and 40% make a whole', () => {
    const rest: DerivedFigure = { id: 'rest', op: 'complement', from: ['secretaries-both'], label: '其余村', value: 40, unit: '%', qualifier: '不到', percent: true };
    const svg = stackedBar([{ figure: fixtures.secretariesBoth }, { figure: rest }], { id: 'x' });
    const segs = elements(svg, 'rect').filter((r) => r.class === 'segment');
    assert.ok(Math.abs(Number(segs[0]!.width) / (Number(segs[0]!.width) + Number(segs[1]!.width)) - 0.6) < 1e-4);
    assert.ok(textLines(svg).some((l) => l.content === '超过六成'));
  });
});

describe('unitChart', () => {
  for (const [name, figure] of [
    ['unit-chart-pilots', fixtures.collectivePilots],
    ['unit-chart-rounds', fixtures.inspectionRounds],
    ['unit-chart-villages', fixtures.factionalVillages],
    ['unit-chart-one', fixtures.one],
    ['unit-chart-dots', fixtures.congressTasks],
  ] as const) {
    it(`${name}: draws exactly ${figure.value} icons, all inside the chart and apart`, () => {
      const svg = svgOf(name);
      const icons = elements(svg, 'use').filter((u) => u.class === 'icon');
      assert.equal(icons.length, figure.value);
      const vb = viewBox(svg);
      const cells = new Set<string>();
      for (const u of icons) {
        const [x, y, w, h] = [u.x, u.y, u.width, u.height].map(Number) as [number, number, number, number];
        assert.ok(x >= 0 && y >= 0 && x + w <= vb.w && y + h <= vb.h);
        cells.add(`${x},${y}`);
      }
      assert.equal(cells.size, icons.length, 'no two icons in the same place');
    });
  }
  it('lays many icons in rows of tens', () => {
    const icons = elements(svgOf('unit-chart-pilots'), 'use');
    const perRow = icons.filter((u) => u.y === icons[0]!.y).length;
    assert.equal(perRow % 10, 0);
  });
  it('refuses fractions, negatives and more than 2000 icons', () => {
    assert.throws(() => unitChart({ ...fixtures.one, value: 2.5 }, { id: 'x' }), {
      message: 'unitChart: figure "edge-one": expected a whole number of units, received 2.5 (one icon stands for one unit; use bigNumber for fractions)',
    });
    assert.throws(() => unitChart({ ...fixtures.one, value: -3 }, { id: 'x' }), /received -3/);
    assert.throws(() => unitChart(fixtures.villagesCounted, { id: 'x' }), /expected at most 2000 icons, received 2719/);
  });
});

describe('bigNumber', () => {
  it('styles the parts: qualifier small, number large serif 900 red, unit medium', () => {
    const line = textLines(svgOf('big-number-qualifier')).find((l) => l.attrs.class === 'figure')!;
    assert.deepEqual(line.spans.map((s) => s.text), ['约', '50', '个村']);
    const [q, n, u] = line.spans as [TextLine['spans'][0], TextLine['spans'][0], TextLine['spans'][0]];
    assert.ok(q.size < u.size && u.size < n.size);
    assert.equal(n.family, "'role-number'");
    assert.equal(n.weight, '900');
  });
  it('marks a derived figure and keeps a suffix qualifier', () => {
    assert.equal(textLines(svgOf('big-number-derived')).find((l) => l.attrs.class === 'figure')!.content, '约58%（推算）');
    assert.equal(textLines(svgOf('big-number-pay-suffix')).find((l) => l.attrs.class === 'figure')!.content, '1900元左右');
  });
  it('wraps a long label without losing a character', () => {
    const lines = textLines(svgOf('big-number-long-label')).filter((l) => l.attrs.class === 'label');
    assert.ok(lines.length > 1);
    assert.equal(lines.map((l) => l.content).join(''), fixtures.longLabel.label);
  });
  it('keeps a fixed height', () => {
    assert.equal(viewBox(svgOf('big-number-sites')).h, 170);
    assert.throws(() => bigNumber(fixtures.longLabel, { id: 'x', width: 200, height: 60 }), /options\.height: 60 is too small/);
  });
  it('keeps a qualifier between number and unit, or after the unit, in its place', () => {
    const figure = (name: string) => textLines(svgOf(name)).find((l) => l.attrs.class === 'figure')!;
    assert.deepEqual(figure('big-number-between').spans.map((s) => s.text), ['300', '余', '家']);
    assert.deepEqual(figure('big-number-after').spans.map((s) => s.text), ['12', '家', '左右']);
    // 余 is styled like a qualifier before the number: small, ink, sans.
    const [n, q] = figure('big-number-between').spans as [TextLine['spans'][0], TextLine['spans'][0]];
    assert.ok(q.size < n.size);
    assert.equal(q.family, "'role-heading'");
  });
  it('styles the 第 of a rank like a qualifier', () => {
    const svg = bigNumber({ ...fixtures.one, kind: 'rank', value: 3, unit: '位', label: '全省综合考评排名' }, { id: 'x' });
    const line = textLines(svg).find((l) => l.attrs.class === 'figure')!;
    assert.deepEqual(line.spans.map((s) => s.text), ['第', '3', '位']);
    assert.equal(line.spans[0]!.family, "'role-heading'");
  });
  it('puts a tag in a box above the number, within a fixed height', () => {
    for (const [name, tag] of [
      ['big-number-between', '约数'],
      ['big-number-after', '约数'],
      ['big-number-target', '目标'],
    ] as const) {
      const svg = svgOf(name);
      const lines = textLines(svg);
      const t = lines.find((l) => l.attrs.class === 'tag')!;
      const f = lines.find((l) => l.attrs.class === 'figure')!;
      assert.equal(t.content, tag);
      assert.ok(t.box.y1 < f.box.y0, `${name}: tag above the number`);
      const box = elements(svg, 'rect').find((r) => r.class === 'tag-box')!;
      assert.ok(Number(box.x) <= t.box.x0 && t.box.x1 <= Number(box.x) + Number(box.width) && Number(box.y) <= t.box.y0 && t.box.y1 <= Number(box.y) + Number(box.height));
    }
    assert.equal(viewBox(svgOf('big-number-target')).h, 170);
    assert.throws(() => bigNumber(fixtures.incomeTarget, { id: 'x', width: 300, height: 90, tag: '目标' }), /options\.height: 90 is too small for the label ".*" and the tag "目标"/);
  });
});

describe('changeArrow', () => {
  const arrow = (svg: string) => {
    const p = elements(svg, 'path').find((e) => e.class?.startsWith('arrow'))!;
    const pts = p.d!.replace(/[MZ]/g, '').split('L').map((q) => q.split(',').map(Number) as [number, number]);
    const ys = pts.map(([, y]) => y);
    // The tip is the first point; up when it is the highest point.
    return { tipY: pts[0]![1], top: Math.min(...ys), bottom: Math.max(...ys), fill: p.fill, cls: p.class };
  };
  for (const [name, way] of [
    ['change-growth', 'up'],
    ['change-decline', 'down'],
    ['change-points', 'up'],
    ['change-multiple', 'up'],
    ['change-147-percent', 'up'],
  ] as const) {
    it(`${name}: the arrow points ${way}, in ${way === 'up' ? 'red' : 'the grey-green'}, and the figure stands beside it`, () => {
      const svg = svgOf(name);
      const a = arrow(svg);
      assert.equal(a.tipY, way === 'up' ? a.top : a.bottom);
      assert.equal(a.cls, `arrow arrow-${way}`);
      assert.equal(a.fill, way === 'up' ? DEFAULT_PALETTE.red : DEFAULT_PALETTE.down);
      const figure = textLines(svg).find((l) => l.attrs.class === 'figure')!;
      const path = elements(svg, 'path').find((e) => e.class?.startsWith('arrow'))!;
      const xs = path.d!.replace(/[MZ]/g, '').split('L').map((q) => Number(q.split(',')[0]));
      assert.ok(Math.max(...xs) < figure.box.x0, 'the arrow is left of the figure');
      assert.ok(a.top >= figure.box.y0 && a.bottom <= figure.box.y1, 'the arrow is within the figure line');
      const label = textLines(svg).filter((l) => l.attrs.class === 'label');
      assert.ok(label.every((l) => l.box.y0 > figure.box.y1), 'the label is below');
    });
  }
  it('never looks like a share of a whole: no ring, no track, no arc', () => {
    for (const name of ['change-growth', 'change-decline', 'change-points', 'change-multiple']) {
      const svg = svgOf(name);
      assert.doesNotMatch(svg, /class="(?:track|value|bar-track)"/);
      for (const p of elements(svg, 'path')) assert.doesNotMatch(p.d!, /[Aa]/);
      assert.ok(!svg.includes(DEFAULT_PALETTE.track));
    }
  });
  it('prints the figure as written: 翻一番, 1.6个百分点', () => {
    assert.equal(textLines(svgOf('change-multiple')).find((l) => l.attrs.class === 'figure')!.content, '翻一番');
    assert.equal(textLines(svgOf('change-points')).find((l) => l.attrs.class === 'figure')!.content, '1.6个百分点');
  });
  it('keeps a fixed height, and says when it cannot', () => {
    assert.equal(viewBox(svgOf('change-decline')).h, 170);
    assert.throws(() => changeArrow(fixtures.revenueGrowth, { id: 'x', width: 200, height: 50 }), {
      message: 'changeArrow: options.height: 50 is too small for the label "一般公共预算收入同比增长" (leave it out to size the chart to its content)',
    });
  });
  it('refuses other kinds, and a change with no direction', () => {
    assert.throws(() => changeArrow(fixtures.villageSites, { id: 'x' }), {
      message: 'changeArrow: figure "village-sites-built": expected kind "growth", "points" or "multiple", received "count" (use bigNumber, ring or fromTo)',
    });
    assert.throws(() => changeArrow({ ...fixtures.revenueGrowth, trend: undefined }, { id: 'x' }), /expected trend "up" or "down" for a growth figure, received none/);
    assert.throws(() => changeArrow({ ...fixtures.revenueGrowth, value: -3 }, { id: 'x' }), /expected a value of 0 or more for trend "up", received -3/);
    assert.throws(() => changeArrow({ ...fixtures.incomeDoubled, trend: 'down' }, { id: 'x' }), /expected a multiple to point up/);
    // A negative rate with no trend is a decline.
    assert.match(changeArrow({ ...fixtures.revenueGrowth, trend: undefined, value: -3 }, { id: 'x' }), /class="arrow arrow-down"/);
  });
});

describe('fromTo', () => {
  const bars = (svg: string) => {
    const rects = elements(svg, 'rect');
    const from = rects.find((r) => r.class === 'bar-from')!;
    const to = rects.find((r) => r.class === 'bar-to')!;
    return { from: { x: Number(from.x), w: Number(from.width), y: Number(from.y), fill: from.fill }, to: { x: Number(to.x), w: Number(to.width), y: Number(to.y), fill: to.fill } };
  };
  it('draws both bars from zero on one scale: old in the track colour, new in red', () => {
    for (const [name, f] of [
      ['from-to-percent', fixtures.sitesStandard],
      ['from-to-count', fixtures.trainees],
    ] as const) {
      const { from, to } = bars(svgOf(name));
      assert.equal(from.x, to.x);
      assert.ok(Math.abs(from.w / to.w - f.from! / f.value) < 1e-4, `${name}: ${from.w}/${to.w}`);
      assert.ok(from.y < to.y, 'old above new');
      assert.equal(from.fill, DEFAULT_PALETTE.track);
      assert.equal(to.fill, DEFAULT_PALETTE.red);
    }
  });
  it('runs a share on a scale to 100', () => {
    const svg = svgOf('from-to-percent');
    const { to } = bars(svg);
    // The scale spans the chart less its padding.
    assert.ok(Math.abs(to.w / (viewBox(svg).w - 2 * to.x) - 0.75) < 1e-4);
  });
  it('labels the old value with formatFrom and the new one as printed', () => {
    for (const [name, f, old, now] of [
      ['from-to-percent', fixtures.sitesStandard, '40%', '75%'],
      ['from-to-count', fixtures.trainees, '1.2万人', '1.8万人'],
    ] as const) {
      const lines = textLines(svgOf(name));
      assert.equal(lines.find((l) => l.attrs.class?.includes('bar-from-value'))!.content, old);
      assert.equal(lines.find((l) => l.attrs.class?.includes('bar-to-value'))!.content, now);
      assert.equal(formatFrom(f), old);
      assert.equal(printed(f), now);
    }
  });
  it('joins the end of the old bar to the end of the new one with an arrow', () => {
    for (const name of ['from-to-percent', 'from-to-count']) {
      const svg = svgOf(name);
      const { from, to } = bars(svg);
      const line = elements(svg, 'polyline').find((p) => p.class === 'connector')!;
      const pts = line.points!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
      assert.ok(Math.abs(pts[0]![0] - (from.x + from.w)) < 1e-3, 'starts at the old end');
      assert.ok(Math.abs(pts[pts.length - 1]![0] - (to.x + to.w)) < 1e-3, 'ends at the new end');
      const head = elements(svg, 'path').find((p) => p.class === 'arrow-head')!;
      const tip = head.d!.replace(/[MZ]/g, '').split('L').map((q) => q.split(',').map(Number))[2]!;
      assert.ok(Math.abs(tip[0]! - (to.x + to.w)) < 1e-3 && tip[1]! <= to.y);
    }
  });
  it('shows a fall: the new bar shorter, the arrow running back to its end', () => {
    const svg = fromTo({ ...fixtures.sitesStandard, from: 96, value: 4.5, trend: 'down', label: '贫困发生率' }, { id: 'x', width: 360 });
    checkLabels(svg);
    const { from, to } = bars(svg);
    assert.ok(Math.abs(to.w / from.w - 4.5 / 96) < 1e-4);
    const pts = elements(svg, 'polyline')[0]!.points!.split(' ').map((p) => p.split(',').map(Number));
    assert.ok(pts.at(-1)![0]! < pts[0]![0]!);
    assert.match(unescape(/<desc[^>]*>([^<]*)/.exec(svg)![1]!), /由96%下降到4\.5%/);
  });
  it('refuses other kinds, a missing old value, and shares over 100', () => {
    assert.throws(() => fromTo(fixtures.revenueGrowth, { id: 'x' }), {
      message: 'fromTo: figure "revenue-growth": expected kind "from-to", received "growth" (use changeArrow for rates, bigNumber for single values)',
    });
    assert.throws(() => fromTo({ ...fixtures.sitesStandard, from: undefined }, { id: 'x' }), /expected figure\.from, the old value, as a number of 0 or more, received undefined/);
    assert.throws(() => fromTo({ ...fixtures.sitesStandard, value: 120 }, { id: 'x' }), /expected shares from 0 to 100, received 40 → 120/);
    assert.throws(() => fromTo({ ...fixtures.sitesStandard, trend: 'down' }, { id: 'x' }), /expected trend "down" to match the values, received 40 → 75/);
  });
});

// ---------------------------------------------------------------------------
// Structure diagrams

const structureCases: [name: string, sections: Section[]][] = [
  ['structure', luoyangSections],
  ['structure-narrow', luoyangSections],
  ['structure-luoyang-320', luoyangSections],
  ['structure-four-parts', fourPartSections],
  ['structure-four-parts-480', fourPartSections],
  ['structure-six-parts', sixPartSections],
  ['structure-six-parts-wide', sixPartSections],
  ['structure-unnumbered', unnumberedSections],
  ['structure-long-title', longTitleSections],
  ['structure-long-title-320', longTitleSections],
];

const layoutOf = (svg: string) => /<g class="layout-(\w+)">/.exec(svg)?.[1];
const text = (s: Section) => `${s.number ?? ''}${s.title}`;
const rects = (svg: string, ...classes: string[]) =>
  elements(svg, 'rect')
    .filter((r) => classes.includes(r.class!))
    .map((r) => ({ cls: r.class!, x0: Number(r.x), y0: Number(r.y), x1: Number(r.x) + Number(r.width), y1: Number(r.y) + Number(r.height) }));

/** The checks every structure diagram must pass, whatever its input and width. */
function checkStructure(svg: string, sections: Section[]) {
  checkLabels(svg);
  const body = svg.replace(/^[\s\S]*<\/desc>/, '');
  const lines = textLines(body);
  const all = lines.map((l) => l.content).join('');
  // Every heading, caption and item shown whole (wrapped lines read on), numbers as the speech has them.
  for (const s of sections) {
    assert.ok(all.includes(text(s)), `missing heading ${text(s)}`);
    const kids = s.sections;
    const grouped = kids.length > 0 && kids.every((k) => k.sections.length > 0);
    for (const k of kids) {
      assert.ok(all.includes(text(k)), `missing ${text(k)}`);
      if (grouped) for (const g of k.sections) assert.ok(all.includes(text(g)), `missing ${text(g)}`);
      else for (const g of k.sections) assert.ok(!all.includes(text(g)) || sections.some((o) => text(o).includes(text(g))), `draws a deeper level: ${text(g)}`);
    }
  }
  // Numbers in red and bold, the rest in ink.
  const numbers = new Set(sections.flatMap(function walk(s: Section): string[] { return [s.number?.trim() ?? '', ...s.sections.flatMap(walk)]; }).filter(Boolean));
  for (const l of lines.filter((l) => l.attrs.class === 'item-label' || l.attrs.class === 'heading')) {
    const reds = svgSpans(body, l).filter((sp) => sp.fill === DEFAULT_PALETTE.red).map((sp) => sp.text);
    for (const r of reds) assert.ok([...numbers].some((n) => n.includes(r) || r.includes(n)), `"${r}" in red is not a number of the speech`);
  }
  assert.doesNotMatch(all, /第[一二三四五六七八九十]+部分/);
  // Connectors orthogonal.
  for (const l of elements(svg, 'polyline')) {
    const pts = l.points!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
    for (let i = 1; i < pts.length; i++) assert.ok(pts[i - 1]![0] === pts[i]![0] || pts[i - 1]![1] === pts[i]![1], `diagonal segment ${l.points}`);
  }
  // Boxes apart, inside the chart; every text inside its box.
  const vb = viewBox(svg);
  const boxes = rects(svg, 'item', 'branch', 'root');
  for (const b of boxes) assert.ok(b.x0 >= 0 && b.y0 >= 0 && b.x1 <= vb.w + 1e-3 && b.y1 <= vb.h + 1e-3, `box ${JSON.stringify(b)} outside ${vb.w}×${vb.h}`);
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      assert.ok(Math.min(a.x1, b.x1) <= Math.max(a.x0, b.x0) + 1e-3 || Math.min(a.y1, b.y1) <= Math.max(a.y0, b.y0) + 1e-3, `${a.cls} ${i} and ${b.cls} ${j} overlap`);
    }
  const within = (t: TextLine, cls: string) => rects(svg, cls).some((b) => t.box.x0 >= b.x0 - 1e-3 && t.box.x1 <= b.x1 + 1e-3 && t.box.y0 >= b.y0 - 1e-3 && t.box.y1 <= b.y1 + 1e-3);
  for (const t of lines) {
    if (t.attrs.class === 'item-label') assert.ok(within(t, 'item'), `"${t.content}" runs out of its box`);
    if (t.attrs.class === 'heading') assert.ok(within(t, 'branch'), `"${t.content}" runs out of its heading box`);
    if (t.attrs.class === 'root-label') assert.ok(within(t, 'root'), `"${t.content}" runs out of the root box`);
  }
}

/** The spans of one text line, with their fill. */
function svgSpans(svg: string, line: TextLine): { text: string; fill: string }[] {
  const m = [...svg.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>/g)].find((t) => parseAttrs(t[1]!).x === line.attrs.x && parseAttrs(t[1]!).y === line.attrs.y);
  assert.ok(m);
  const fill = parseAttrs(m[1]!).fill!;
  if (!m[2]!.includes('<tspan')) return [{ text: unescape(m[2]!), fill }];
  return [...m[2]!.matchAll(/<tspan\b([^>]*)>([^<]*)<\/tspan>/g)].map((t) => ({ text: unescape(t[2]!), fill: parseAttrs(t[1]!).fill ?? fill }));
}

describe('structureDiagram', () => {
  for (const [name, sections] of structureCases) it(`${name}: shows every section whole, boxes apart, numbers red`, () => checkStructure(svgOf(name), sections));

  it('shows the Luoyang speech as today: review groups side by side, headings numbered as the speech numbers them', () => {
    for (const name of ['structure', 'structure-narrow']) {
      const svg = svgOf(name);
      assert.equal(layoutOf(svg), 'horizontal', `${name} at ${viewBox(svg).w}`);
      const lines = textLines(svg);
      assert.deepEqual(lines.filter((l) => l.attrs.class === 'caption').map((l) => l.content), ['主要成绩', '存在问题', '认识', '重点任务', '保障措施']);
      const headings = lines.filter((l) => l.attrs.class === 'heading').map((l) => l.content).join('');
      assert.equal(headings, luoyangSections.map(text).join(''));
      // The two review lists stand side by side, under the review's heading.
      const [a, b] = lines.filter((l) => l.attrs.class === 'caption');
      assert.ok(a!.box.y0 === b!.box.y0 && a!.box.x1 < b!.box.x0);
    }
    assert.equal(viewBox(svgOf('structure-narrow')).w, 760);
  });
  it('keeps the horizontal tree where the lists fit, and turns vertical where they do not', () => {
    assert.equal(layoutOf(svgOf('structure-four-parts')), 'horizontal');
    assert.equal(layoutOf(svgOf('structure-six-parts-wide')), 'horizontal');
    assert.equal(layoutOf(svgOf('structure-unnumbered')), 'horizontal');
    assert.equal(layoutOf(svgOf('structure-six-parts')), 'vertical');
    assert.equal(layoutOf(svgOf('structure-four-parts-480')), 'vertical');
    assert.equal(layoutOf(svgOf('structure-luoyang-320')), 'vertical');
    assert.equal(layoutOf(svgOf('structure-long-title-320')), 'vertical');
  });
  it('vertical: the root on top, one row per section joined by a spine on the left', () => {
    const svg = svgOf('structure-six-parts');
    const [root] = rects(svg, 'root');
    const branches = rects(svg, 'branch');
    assert.equal(branches.length, sixPartSections.length);
    for (let i = 1; i < branches.length; i++) assert.ok(branches[i]!.y0 >= branches[i - 1]!.y1, 'rows top to bottom');
    assert.ok(branches.every((b) => b.x0 === branches[0]!.x0 && b.y0 > root!.y1));
    const spine = elements(svg, 'polyline').map((p) => p.points!.split(' ').map((q) => q.split(',').map(Number) as [number, number])).find((p) => p[0]![1] === root!.y1)!;
    assert.ok(spine[0]![0] > root!.x0 && spine[0]![0] < branches[0]!.x0, 'the spine hangs from the root, left of the rows');
    assert.ok(Math.abs(spine[1]![1] - (branches.at(-1)!.y0 + branches.at(-1)!.y1) / 2) < 1e-3, 'down to the last row');
    // Items are to the right of their heading, within its row.
    for (const it of rects(svg, 'item')) {
      const row = branches.find((b) => it.y0 >= b.y0 - 1e-3 && it.y1 <= b.y1 + 1e-3);
      assert.ok(row && it.x0 > row.x1, `item at ${it.x0},${it.y0} outside its row`);
    }
  });
  it('draws a part with no items as its heading alone, and names deeper levels only in the desc', () => {
    const four = svgOf('structure-four-parts');
    assert.equal(rects(four, 'branch').length, 4);
    const unnumbered = svgOf('structure-unnumbered');
    const desc = unescape(/<desc[^>]*>([^<]*)/.exec(unnumbered)![1]!);
    assert.ok(desc.includes('坚持从严要求（其下：1.严格督导检查；2.严格考核问责）'), desc);
    assert.ok(!textLines(unnumbered).some((l) => l.content.includes('严格督导检查')));
    // No itemsName: no caption.
    assert.deepEqual(textLines(unnumbered).filter((l) => l.attrs.class === 'caption').map((l) => l.content), ['主要做法']);
  });
  it('fits any number of sections and any title length at any width from 320', () => {
    const long = '坚持以人民为中心的发展思想，着力解决好人民群众最关心最直接最现实的利益问题，不断增强人民群众获得感幸福感安全感';
    const make = (n: number, kids: number, title: (i: number) => string): Section[] =>
      Array.from({ length: n }, (_, i) => ({
        id: `g${i}`,
        number: i % 3 === 2 ? undefined : `${'一二三四五六七八九十'[i % 10]}、`,
        title: title(i),
        itemsName: i % 2 ? '重点任务' : undefined,
        sections: Array.from({ length: (i * 7) % (kids + 1) }, (_, j) => ({ id: `g${i}-${j}`, number: `（${'一二三四五六七八九十'[j % 10]}）`, title: j % 2 ? long : '压实责任', sections: [] })),
      }));
    const trees = [
      make(1, 3, () => '总体要求'),
      make(2, 0, () => long),
      make(4, 5, (i) => (i === 1 ? long + long : '切实加强组织领导')),
      make(7, 4, (i) => `加强第${'一二三四五六七'[i]}方面工作`),
      make(12, 6, (i) => (i % 4 ? '扎实推进重点任务' : long)),
      luoyangSections,
    ];
    for (const sections of trees) {
      for (const width of [320, 333, 400, 560, 760, 1000, 1400]) {
        const svg = structureDiagram(sections, { id: 'g', width });
        try {
          assert.equal(viewBox(svg).w, width);
          checkStructure(svg, sections);
        } catch (e) {
          (e as Error).message = `${sections.length} sections at ${width}: ${(e as Error).message}`;
          throw e;
        }
      }
    }
  });
  it('refuses a width under 320, an empty speech, and a malformed tree', () => {
    assert.throws(() => structureDiagram(luoyangSections, { id: 'x', width: 300 }), { message: 'structureDiagram: options.width: expected at least 320, received 300' });
    assert.throws(() => structureDiagram([], { id: 'x' }), {
      message: 'structureDiagram: sections: expected at least one section, received none (leave the diagram out when the speech has no parts)',
    });
    assert.throws(() => structureDiagram([{ id: 'a', title: '总体要求' } as Section], { id: 'x' }), /sections\[0\]\.sections: expected an array of sections, received undefined/);
    assert.throws(() => structureDiagram([{ id: 'a', title: '', sections: [] }], { id: 'x' }), /sections\[0\] "a": expected a title or a number, received neither/);
  });
  it('has no Arabic digits except those in the input titles', () => {
    const nodes = textNodes(svgOf('structure').replace(/^[\s\S]*<\/desc>/, '')).join('');
    assert.deepEqual(nodes.match(/\d+/g), ['2017']);
  });
});

describe('options', () => {
  it('require an id usable in XML', () => {
    assert.throws(() => ring(fixtures.lowIncomeShare, { id: '1 bad' }), /ring: options\.id: expected an XML id such as "fig-1", received "1 bad"/);
    assert.throws(() => bigNumber(fixtures.villageSites, {} as { id: string }), /bigNumber: options\.id: expected an XML id/);
  });
  it('refuse translucent colours', () => {
    assert.throws(() => ring(fixtures.lowIncomeShare, { id: 'x', palette: { red: 'rgba(200,0,0,0.5)' } }), /palette\.red: expected an opaque colour/);
    assert.throws(() => ring(fixtures.lowIncomeShare, { id: 'x', palette: { track: '#ece6df80' } }), /palette\.track: expected an opaque colour/);
  });
  it('take colours and fonts from the options', () => {
    const svg = ring(fixtures.lowIncomeShare, { id: 'x', palette: { red: '#8b0000' }, serif: "'Source Han Serif SC'" });
    assert.match(svg, /fill="#8b0000"/);
    assert.doesNotMatch(svg, /#c8161d/);
    assert.match(svg, /font-family="'Source Han Serif SC'"/);
  });
});

describe('wrapText', () => {
  it('keeps lines within the width and loses nothing', () => {
    const text = fixtures.longLabel.label;
    for (const w of [60, 120, 200, 333]) {
      const lines = wrapText(text, w, 15);
      for (const l of lines) assert.ok(textWidth(l, 15) <= w + 1e-9, `"${l}" wider than ${w}`);
      assert.equal(lines.join(''), text);
    }
  });
  it('keeps numbers whole, keeps closing punctuation off the line start, prefers breaks at punctuation', () => {
    assert.deepEqual(wrapText('村集体经济年均收入5万元以下的村', 184, 15), ['村集体经济年均收入', '5万元以下的村']);
    for (const l of wrapText('抓好基层党建，是深入学习贯彻党的十九大精神的必然要求', 100, 14)) assert.doesNotMatch(l, /^[，。、）》”]/);
    assert.deepEqual(wrapText('抓好基层党建，是深入学习', 120, 14), ['抓好基层党建，', '是深入学习']);
    assert.deepEqual(wrapText('（二）抓好基层党建', 60, 14, 3)[0], '（二）抓');
    assert.deepEqual(wrapText('（二）抓好基层党建', 60, 14)[0], '（二）');
  });
});
