// Step 4: every output side by side, as the HTML Chrome prints it, and one of them large. Each
// change reloads them; what would stop a print (text that does not fit, characters a font lacks …)
// is listed with a link to the field that causes it. Chrome runs only for the export.

import { request, store, projectPath } from './api.js';
import { Preview, previewUrl, fieldFor } from './frames.js';
import { h, fill, learnOutputs, outputName } from './ui.js';

const THUMB = 168;

export function previewView(main, { go }) {
  const thumbs = h('div.thumbs');
  const large = h('div.large');
  const title = h('h2.large-title');
  const open = h('div.large-actions');
  const warnings = h('div.warnings');
  let outputs = [];
  let groupTitles = {};
  let chosen = 'briefing';
  const previews = new Map();
  let big;
  const found = new Map();

  fill(main, h('div.preview-step',
    h('section.panel.thumbs-panel', h('div.panel-head', h('h2', '全部成品'), h('span.hint', '点击查看大图')), thumbs),
    h('section.panel.large-panel', h('div.panel-head', title, open), warnings, large),
  ));

  const renderWarnings = () => {
    const p = store.project;
    const items = [];
    for (const x of p.problems.filter((x) => !x.todo)) {
      items.push({ text: x.message, where: x.figure ? { step: 'figures', focus: `${x.figure}:${x.key ?? 'label'}` } : { step: 'document', focus: `document:${x.key ?? 'title'}` }, kind: 'data' });
    }
    const todo = p.problems.filter((x) => x.todo).length;
    if (todo) items.push({ text: `还有 ${todo} 项待填写`, where: { step: p.problems.find((x) => x.todo)?.figure ? 'figures' : 'document' }, kind: 'todo' });
    for (const [name, problems] of found) {
      for (const problem of problems) {
        const field = fieldFor(problem.text, p);
        items.push({ text: `${outputName(name, p)}：${problem.message}`, where: field ? { step: field.step, focus: `${field.figure ?? 'document'}:${field.key}` } : undefined, kind: 'layout' });
      }
    }
    if (items.length === 0) return fill(warnings, h('div.all-good', '✓ 没有发现排版问题'));
    fill(warnings, h('ul.warning-list', items.map((w) => h(`li.warning.${w.kind}`,
      h('span.warning-text', w.text),
      w.where ? h('a.warning-link', { href: '#', onclick: (e) => { e.preventDefault(); go(w.where.step, { focus: w.where.focus }); } }, '去修改') : null,
    ))));
  };

  const showLarge = () => {
    const p = store.project;
    const output = outputs.find((o) => o.name === chosen) ?? outputs[0];
    if (!output) return;
    chosen = output.name;
    for (const [name, t] of previews) t.el.closest('.thumb')?.classList.toggle('current', name === chosen);
    fill(title, outputName(output.name, p));
    fill(open, h('a.button', { href: previewUrl(p.id, output.name, p.version), target: '_blank', rel: 'noopener' }, '在新窗口打开'));
    const width = Math.max(320, large.clientWidth - 24);
    big = new Preview(output, { width: Math.min(width, output.width) });
    fill(large, big.el);
    big.load(previewUrl(p.id, output.name, p.version)).then((problems) => {
      if (problems) found.set(output.name, problems);
      renderWarnings();
    });
  };

  const renderThumbs = () => {
    const p = store.project;
    previews.clear();
    const groups = {};
    for (const o of outputs) (groups[o.group] ??= []).push(o);
    fill(thumbs, Object.entries(groups).map(([group, list]) => h('div.thumb-group',
      h('h3', groupTitles[group] ?? group),
      h('div.thumb-row', list.map((o) => {
        const preview = new Preview(o, { width: THUMB, clip: o.multipage ? 1123 : o.autoHeight ? 1920 : undefined });
        previews.set(o.name, preview);
        preview.load(previewUrl(p.id, o.name, p.version)).then((problems) => {
          if (problems) found.set(o.name, problems);
          renderWarnings();
        });
        return h(`button.thumb${o.name === chosen ? '.current' : ''}`, { type: 'button', title: outputName(o.name, p), onclick: () => { chosen = o.name; showLarge(); } },
          preview.el, h('span.thumb-name', outputName(o.name, p)));
      })),
    )));
  };

  const load = async () => {
    const p = store.project;
    const { outputs: all, groups } = await request('GET', `${projectPath(p.id)}/outputs`);
    learnOutputs(all);
    groupTitles = Object.fromEntries(groups.map((g) => [g.name, g.title]));
    // The big posters and boards are the same design at other sizes: shown on request in the export.
    outputs = all.filter((o) => o.default);
    renderThumbs();
    showLarge();
  };
  load().catch((err) => fill(thumbs, h('p.upload-error', err.message)));

  let version = store.project.version;
  return store.on((p) => {
    if (!p || p.version === version) return;
    version = p.version;
    for (const [name, t] of previews) t.load(previewUrl(p.id, name, p.version));
    big?.load(previewUrl(p.id, chosen, p.version)).then((problems) => {
      if (problems) found.set(chosen, problems);
      renderWarnings();
    });
  });
}
