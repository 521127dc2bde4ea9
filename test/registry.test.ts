// Every output the templates declare (src/view/registry.ts), one table: a new template gets its tests
// from its front matter. For each output: its page or pixel size as the registry declares it, and, for
// those rendered here (every default output and the small ones on request; the big posters and boards
// would take minutes), the files: the PDF's page size, its fonts embedded and none Type 3, the PNG's
// pixels and DPI, its byte limit and extra formats, and every figure it shows with its qualifier in its
// text (pdftotext for a PDF, the page's text for a PNG). Then the front matter's own checks, and the
// README's list of outputs against the registry.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { render, TEMPLATES_DIR } from '../src/index.js';
import { loadData } from '../src/data/load.js';
import { formatFigure } from '../src/data/format.js';
import { cardOutputs, OUTPUTS, pixelSize } from '../src/view/outputs.js';
import { buildRegistry, loadRegistry, TemplateError, type OutputSpec } from '../src/view/registry.js';
import { renderHtml } from '../src/view/templates.js';
import { buildView } from '../src/view/views.js';
import { SPEECHES } from './speeches.js';
import { pdffonts, pdfinfo, pdftext } from './poppler.js';

const OUT = 'test/__output__/registry';
const DATA = SPEECHES.minimal;
const data = loadData(DATA);
const view = buildView(data);
const ALL = [...OUTPUTS, ...cardOutputs(data.figures.map((f) => f.id))];
/** Rendered here: the defaults, and what is on request but small (at most 12 MP, or a PDF only). */
const SMALL = (o: OutputSpec) => !o.png || (pixelSize(o.page, o.png.dpi).width * pixelSize(o.page, o.png.dpi).height) <= 12e6;
const RENDERED = ALL.filter((o) => o.default || SMALL(o));
const MM_TO_PT = 72 / 25.4;

/** The text a reader sees in a page's HTML: no head, scripts, styles, SVG titles, or tags; no spaces. */
const visibleText = (html: string) => html.replace(/<head>[\s\S]*?<\/head>/, '').replace(/<(script|style|title|desc)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, '');

/** The figures an output prints, as it declares (shows: all, highlights, or its own figure). */
function shown(o: OutputSpec) {
  if (o.shows === 'all') return data.figures;
  if (o.shows === 'highlights') return data.figures.filter((f) => view.highlights.some((h) => h.id === f.id));
  return data.figures.filter((f) => f.id === o.figure);
}

describe('every registered output', () => {
  before(async () => {
    rmSync(OUT, { recursive: true, force: true });
    await render({ data: DATA, out: OUT, only: RENDERED.map((o) => o.name), force: true });
  });

  it('renders the default outputs and at least one on request', () => {
    assert.ok(RENDERED.some((o) => !o.default), 'one output on request is rendered');
    assert.ok(OUTPUTS.some((o) => o.name === 'summary' && !o.default && o.group === 'summary'));
  });

  for (const o of ALL) {
    describe(o.name, () => {
      it(`is laid out at the registry's size (${o.page.widthMm.toFixed(1)}×${o.page.heightMm.toFixed(1)} mm)`, () => {
        const html = renderHtml(TEMPLATES_DIR, view, o, { ...o.page, bleedMm: 0 }, '');
        const size = /@page \{ size: ([\d.]+)mm ([\d.]+)mm; \}/.exec(html);
        assert.ok(size, 'the page names its size');
        assert.ok(Math.abs(Number(size[1]) - o.page.widthMm) < 0.01 && Math.abs(Number(size[2]) - o.page.heightMm) < 0.01, `${size[0]}`);
        assert.ok(!html.startsWith('---'), 'the front matter is not in the page');
        if (o.png) {
          const px = pixelSize(o.page, o.png.dpi);
          assert.ok(px.width > 0 && px.height > 0 && Math.abs((o.page.widthMm / 25.4) * o.png.dpi - px.width) <= 0.5);
        }
      });
      if (!RENDERED.includes(o)) return;

      if (o.pdf) {
        it(`${o.name}.pdf: its page size, its fonts embedded as TrueType, every figure it shows with its qualifier`, () => {
          const file = join(OUT, `${o.name}.pdf`);
          const info = pdfinfo(file);
          const [w, h] = /([\d.]+) x ([\d.]+) pts/.exec(info['Page size']!)!.slice(1).map(Number);
          assert.ok(Math.abs(w! - o.page.widthMm * MM_TO_PT) < 1 && Math.abs(h! - o.page.heightMm * MM_TO_PT) < 1, `${info['Page size']} for ${o.page.widthMm}×${o.page.heightMm} mm`);
          if (!o.multipage) assert.equal(info.Pages, '1', 'one page');
          const fonts = pdffonts(file);
          assert.ok(fonts.length > 0);
          for (const f of fonts) {
            assert.notEqual(f.type, 'Type 3', `${f.name} is Type 3`);
            assert.equal(f.emb, 'yes', `${f.name} is embedded`);
          }
          const text = pdftext(file).replace(/\s+/g, '');
          for (const f of shown(o)) assert.ok(text.includes(formatFigure(f).text), `${formatFigure(f).text} (${f.id}) is in the text`);
          if (o.outline) assert.equal(info.Pages !== undefined, true);
        });
      }
      if (o.png) {
        it(`${o.name}.png: its pixels and DPI, its size limit and extra formats, every figure it shows with its qualifier`, async () => {
          const file = join(OUT, `${o.name}.png`);
          const meta = await sharp(file).metadata();
          const px = pixelSize(o.page, o.png!.dpi);
          assert.equal(meta.width, px.width);
          if (o.autoHeight) assert.ok(meta.height! >= px.height, `${meta.height} px, at least ${px.height}`);
          else assert.equal(meta.height, px.height);
          assert.equal(Math.round(meta.density!), o.png!.dpi);
          if (o.maxBytes) assert.ok(statSync(file).size <= o.maxBytes.bytes, `at most ${o.maxBytes.label}`);
          const extras = readdirSync(OUT).filter((f) => f.startsWith(`${o.name}.`) && !/\.(png|pdf)$/.test(f)).map((f) => f.slice(o.name.length + 1));
          for (const ext of extras) assert.ok(o.alsoAs?.includes(ext as 'jpg'), `${o.name}.${ext} is one of its extra formats`);
          if (!o.pdf) {
            const text = visibleText(renderHtml(TEMPLATES_DIR, view, o, { ...o.page, bleedMm: 0 }, ''));
            for (const f of shown(o)) assert.ok(text.includes(formatFigure(f).text), `${formatFigure(f).text} (${f.id}) is in the page`);
          }
        });
      }
    });
  }
});

describe('the front matter', () => {
  const output = 'outputs:\n  - { name: flyer, page: { width: 210mm, height: 297mm }, formats: [pdf], group: flyer }\n';
  const build = (source: string) => buildRegistry([{ file: 'templates/flyer.hbs', source: `---\n${source}---\n<html></html>` }]);
  const fails = (source: string, message: string) => assert.throws(() => build(source), (err: unknown) => {
    assert.ok(err instanceof TemplateError, String(err));
    assert.equal(err.message, message);
    return true;
  });

  it('declares an output in a few lines', () => {
    const r = build(output);
    assert.deepEqual(r.outputs.map((o) => [o.name, o.group, o.pdf, Boolean(o.png), o.default, o.shows]), [['flyer', 'flyer', true, false, false, 'all']]);
    assert.deepEqual(r.groups.map((g) => [g.name, g.describe]), [['flyer', 'flyer']]);
  });

  it('names the file, the line, the field, what was expected and what was received', () => {
    fails(output.replace('[pdf]', '[pdf, tiff]'), 'templates/flyer.hbs:3 outputs[0].formats: expected a list of pdf, png, each once, e.g. [pdf, png], received a list (["pdf","tiff"])');
    fails(output.replace('[pdf]', '[png]'), 'templates/flyer.hbs:3 outputs[0].dpi: expected the PNG\'s resolution, a whole number of dots per inch from 36 to 1200 (300 for print, 72 for screens), received nothing');
    fails(output.replace('210mm', '21cm'), 'templates/flyer.hbs:3 outputs[0].page.width: expected a size such as 297mm or 900px (px: pixels of the PNG, at its dpi), received "21cm"');
    fails(output.replace('210mm', '900px'), 'templates/flyer.hbs:3 outputs[0].page.width: expected a size in mm (px needs png in formats and its dpi), received "900px"');
    fails(output.replace('group: flyer', 'group: Flyer'), 'templates/flyer.hbs:3 outputs[0].group: expected the group --only takes for it, of lower-case letters, digits and - (e.g. poster), received "Flyer"');
    fails(output.replace('group: flyer', 'group: flyer, default: yes'), 'templates/flyer.hbs:3 outputs[0].default: expected true or false, received "yes"');
    fails(output.replace('group: flyer', 'group: flyer, colour: cmyk'), 'templates/flyer.hbs:3 outputs[0].colour: expected one of name, title, page, formats, dpi, group, default, layout, shows, outline, autoHeight, alsoAs, maxBytes, multipage, received "colour"');
    fails(`order: 1\n${output}`.replace('group: flyer', 'group: flyer, maxBytes: 5'), 'templates/flyer.hbs:4 outputs[0].maxBytes: expected maxBytes only with png in formats, received 5');
    fails('order: 1\n', 'templates/flyer.hbs:2 outputs: expected a list of the outputs this template renders (name, page, formats, group …), received nothing');
    assert.throws(() => buildRegistry([{ file: 'templates/flyer.hbs', source: '<html></html>' }]), /^TemplateError: templates\/flyer.hbs:1 \(front matter\): expected YAML front matter between two lines of --- at the top, declaring the outputs, received a template that starts with "<html><\/html>" \(see docs\/templates.md\)$/);
  });

  it('refuses an output name two templates declare', () => {
    const source = `---\n${output}---\n`;
    assert.throws(() => buildRegistry([{ file: 'a.hbs', source }, { file: 'b.hbs', source }]), /b\.hbs:3 outputs\[\]\.name: expected a name no other output has, received "flyer", which a\.hbs declares too/);
  });

  it('is read again when a template changes, and kept while none does', () => {
    assert.equal(loadRegistry(TEMPLATES_DIR), loadRegistry(TEMPLATES_DIR));
  });
});

describe('README', () => {
  const readme = readFileSync('README.md', 'utf8');
  it('names every output the templates declare: the defaults in the table of npm start, the others on request', () => {
    const table = readme.slice(readme.indexOf('## What `npm start` writes'), readme.indexOf('On request (`--only`)'));
    const onRequest = readme.slice(readme.indexOf('On request (`--only`)'), readme.indexOf('\n\n', readme.indexOf('On request (`--only`)')));
    for (const o of OUTPUTS) {
      if (o.default) assert.ok(table.includes(`\`output/${o.name}.`), `${o.name} is in the table of what npm start writes`);
      else assert.ok(onRequest.includes(`\`${o.name}\``), `${o.name} is among the outputs on request`);
    }
    for (const m of table.matchAll(/`output\/([a-z0-9-]+)\.(pdf|png)`/g)) {
      assert.ok(OUTPUTS.some((o) => o.name === m[1] && o.default), `${m[1]} in the README is a default output of the registry`);
    }
    assert.ok(existsSync('docs/templates.md'), 'docs/templates.md says how to add one');
  });
});
