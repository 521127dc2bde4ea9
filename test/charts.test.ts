// Chart tests: snapshots of every case, and checks on the markup and the
// geometry that would catch a wrong chart even when a snapshot was accepted.
// Run: node --import tsx --test test/charts.test.ts (UPDATE_SNAPSHOTS=1 to rewrite).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chartCases, fixtures, structureFixture, type ChartCase } from '../src/charts/cases.js';
import { bigNumber, coverageBars, ring, stackedBar, structureDiagram, unitChart } from '../src/charts/index.js';
import { ASCENT, DESCENT, textWidth, wrapText } from '../src/charts/svg.js';
import type { DerivedFigure, Figure } from '../src/data/types.js';
import { formatDerived, formatFigure } from '../src/format.js';

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

// ---------------------------------------------------------------------------

describe('chart snapshots', () => {
  mkdirSync(SNAPSHOTS, { recursive: true });
  for (const c of chartCases) {
    it(c.name, () => {
      const file = join(SNAPSHOTS, `${c.name}.svg`);
      const changed = join(SNAPSHOTS, `${c.name}-changed.svg`);
      const actual = normalise(svgOf(c.name));
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

  each('keeps every label inside the viewBox and clear of every other label', (svg) => {
    const vb = viewBox(svg);
    // Text positions are absolute: no transform may move a text.
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
  });

  each('prints digits only as parts of the formatted figures or of the input text', (svg, c) => {
    const sources = [...c.figures.flatMap((f) => [printed(f), f.label]), ...(c.texts ?? [])];
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
  it('refuses a share over 100% or a unit other than %', () => {
    assert.throws(() => ring({ ...fixtures.lowIncomeShare, value: 120 }, { id: 'x' }), {
      message: 'ring: figure "low-income-share": expected a value from 0 to 100, received 120 (use bigNumber for values over 100%)',
    });
    assert.throws(() => ring(fixtures.partyFundsGrowth, { id: 'x' }), /expected a value from 0 to 100, received 147/);
    assert.throws(() => ring(fixtures.villageSites, { id: 'x' }), /expected unit "%", received "个"/);
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
    assert.throws(() => coverageBars([{ figure: fixtures.villageSites }], { id: 'x' }), /rows\[0\]\.figure "village-sites-built": expected a percentage from 0 to 100, received 1812个/);
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
    assert.throws(() => stackedBar([{ figure: fixtures.sitesSubstandard }, { figure: fixtures.villageSites }], { id: 'x' }), /segments\[1\] "village-sites-built": expected unit "%"/);
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
});

describe('structureDiagram', () => {
  const svg = svgOf('structure');
  const body = svg.replace(/^[\s\S]*<\/desc>/, '');
  it('shows every title whole and numbers items with Chinese ordinals', () => {
    const text = textLines(body).map((l) => l.content).join('');
    const items = [
      ...structureFixture.review.achievements.map((it, i) => `${'一二三四五'[i]}是${it.title}`),
      ...structureFixture.review.problems.map((it, i) => `${'一二三四五'[i]}是${it.title}`),
      ...structureFixture.parts.flatMap((p) => p.items.map((it, i) => `（${'一二三四五'[i]}）${it.title}`)),
    ];
    for (const item of items) assert.ok(text.includes(item), `missing ${item}`);
    for (const p of structureFixture.parts) assert.ok(text.includes(p.title), `missing ${p.title}`);
    assert.ok(text.includes('第一部分') && text.includes('第三部分'));
  });
  it('has no Arabic digits except those in the input titles', () => {
    const nodes = textNodes(body).join('');
    assert.deepEqual(nodes.match(/\d+/g), ['2017']);
    assert.ok(structureFixture.review.title.includes('2017'));
  });
  it('draws connectors as orthogonal lines', () => {
    const lines = elements(svg, 'polyline');
    assert.ok(lines.length > 20);
    for (const l of lines) {
      const pts = l.points!.split(' ').map((p) => p.split(',').map(Number) as [number, number]);
      for (let i = 1; i < pts.length; i++) {
        const [ax, ay] = pts[i - 1]!;
        const [bx, by] = pts[i]!;
        assert.ok(ax === bx || ay === by, `diagonal segment ${l.points}`);
      }
    }
  });
  it('keeps boxes apart', () => {
    const boxes = elements(svg, 'rect')
      .filter((r) => r.class === 'item' || r.class === 'branch' || r.class === 'root')
      .map((r) => ({ x0: Number(r.x), y0: Number(r.y), x1: Number(r.x) + Number(r.width), y1: Number(r.y) + Number(r.height) }));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        assert.ok(Math.min(a.x1, b.x1) <= Math.max(a.x0, b.x0) || Math.min(a.y1, b.y1) <= Math.max(a.y0, b.y0), `boxes ${i} and ${j} overlap`);
      }
  });
  it('refuses a width too narrow for its columns', () => {
    assert.throws(() => structureDiagram(structureFixture, { id: 'x', width: 400 }), /options\.width: 400 is too narrow for 5 lists \(need at least \d+\)/);
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
