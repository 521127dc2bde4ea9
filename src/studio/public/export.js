// Step 6: the export. Choose the outputs by group (as render --only) or one by one, and the print
// options; the studio renders them in Chrome as the CLI does, and the progress comes in as
// server-sent events. Locked until every figure is signed off.

import { change, request, store, projectPath } from './api.js';
import { h, fill, bytes, when, learnOutputs, outputName } from './ui.js';

export function exportView(main, { go }) {
  const lock = h('div.export-lock');
  const groups = h('div.group-choices');
  const more = h('div.output-choices');
  const bleed = h('input#bleed', { type: 'number', min: 0, max: 20, step: 0.5, value: 0 });
  const marks = h('input#marks', { type: 'checkbox' });
  const cmyk = h('input#cmyk', { type: 'checkbox' });
  const iccFile = h('input#icc', { type: 'file', accept: '.icc,.icm' });
  const iccNote = h('span.icc-note');
  const start = h('button.primary.big#start-export', { type: 'button' }, '开始导出');
  const note = h('div.upload-error', { role: 'alert' });
  const progress = h('section.panel.export-progress', { hidden: true });
  const history = h('div.export-history');
  let outputs = [];
  // The groups the templates declare, with their names and hints: { name, title, hint }
  let groupList = [];
  let icc;
  const chosen = new Set();

  fill(main, h('div.export-step',
    h('section.panel.export-form',
      h('div.panel-head', h('h2', '导出'), h('span.hint', '与命令行 shushuo render 生成的文件完全相同')),
      lock,
      h('h3', '要导出的成品'),
      groups,
      h('details.more-outputs', h('summary', '逐个选择（含 A1、A0 海报和大展板）'), more),
      h('h3', '印刷选项'),
      h('div.print-options',
        h('label.option', h('span', '出血'), bleed, h('span', '毫米'), h('span.option-hint', '印刷厂通常要求 3 毫米；只发微信可填 0')),
        h('label.option', marks, h('span', '裁切标记'), h('span.option-hint', '在出血外加裁切线')),
        h('label.option', cmyk, h('span', 'CMYK（PDF/X-3）'), h('span.option-hint', '交印刷厂时用')),
        h('div.option.icc-option', h('span', 'ICC 配置文件'), h('label.button.file-button', iccFile, '选择文件…'), iccNote, h('span.option-hint', '印刷厂指定的 CMYK 配置文件（.icc）；不选则用通用配置')),
      ),
      h('div.export-actions', start), note,
    ),
    h('div.export-side',
      progress,
      h('section.panel', h('div.panel-head', h('h2', '导出记录')), history),
    ),
  ));

  const renderChoices = () => {
    const p = store.project;
    const byGroup = {};
    for (const o of outputs) (byGroup[o.group] ??= []).push(o);
    fill(groups, groupList.map(({ name: group, title: label, hint }) => {
      // As --only takes a group: its default outputs, or all of them when none is a default.
      const all = byGroup[group] ?? [];
      const members = all.some((o) => o.default) ? all.filter((o) => o.default) : all;
      const box = h('input', { type: 'checkbox', name: 'group', value: group, checked: members.length > 0 && members.every((o) => chosen.has(o.name)) });
      box.indeterminate = !box.checked && members.some((o) => chosen.has(o.name));
      box.addEventListener('change', () => {
        for (const o of members) (box.checked ? chosen.add(o.name) : chosen.delete(o.name));
        renderChoices();
      });
      return h('label.group-choice', box, h('span.group-name', label), h('span.group-hint', `${hint}${members.some((o) => o.figure) ? `（${members.length} 张）` : ''}`));
    }));
    fill(more, outputs.map((o) => {
      const box = h('input', { type: 'checkbox', name: 'output', value: o.name, checked: chosen.has(o.name) });
      box.addEventListener('change', () => {
        box.checked ? chosen.add(o.name) : chosen.delete(o.name);
        renderChoices();
      });
      return h('label.output-choice', box, outputName(o.name, p), h('span.output-files', [o.pdf ? 'PDF' : '', o.png ? 'PNG' : ''].filter(Boolean).join(' + ')));
    }));
  };

  const renderLock = (p) => {
    const r = p.ready;
    const reasons = [];
    if (r.unconfirmed.length) reasons.push(['signoff', `还有 ${r.unconfirmed.length} 个数据未经审校确认`, '去审校']);
    if (r.problems) reasons.push(['figures', `数据有 ${r.problems} 处错误`, '去改正']);
    if (r.todo) reasons.push([p.problems.find((x) => x.todo && x.figure) ? 'figures' : 'document', `还有 ${r.todo} 项待填写`, '去填写']);
    if (r.unverified.length) reasons.push(['figures', `${r.unverified.length} 个数据与讲话原文不符`, '去核对']);
    start.disabled = !r.exportable;
    if (r.exportable) return fill(lock, h('div.unlocked', h('span.check-ok', '✓'), ' 全部数据已审校确认，可以导出。'));
    fill(lock, h('div.locked', h('strong', '导出已锁定：'), h('ul', reasons.map(([step, text, action]) => h('li', text, '　', h('a', { href: '#', onclick: (e) => { e.preventDefault(); go(step); } }, action))))));
  };

  const renderHistory = async () => {
    const p = store.project;
    const { exports } = await request('GET', `${projectPath(p.id)}/exports`);
    if (exports.length === 0) return fill(history, h('p.empty', '还没有导出过。'));
    fill(history, exports.map((e) => h('div.export-record',
      h('div.export-head', h('strong', `第 ${Number(e.id)} 次导出`), ` · ${when(e.created)}${e.reviewer ? ` · 审校：${e.reviewer}` : ''}${e.running ? ' · 进行中' : ''}`),
      e.files.length ? h('a.button.zip', { href: `${projectPath(p.id)}/exports/${e.id}/zip`, download: '' }, `全部下载（ZIP，${e.files.length} 个文件）`) : null,
      h('ul.file-list', e.files.filter((f) => !/\.(jpg|webp)$/.test(f.file)).map((f) => h('li', h('a', { href: `${projectPath(p.id)}/exports/${e.id}/files/${encodeURIComponent(f.file)}`, download: '' }, f.file), h('span.size', bytes(f.bytes))))),
    )));
  };

  const follow = (exportId, total, names) => {
    const bar = h('progress#export-bar', { max: total, value: 0 });
    const label = h('span.progress-label', `0 / ${total}`);
    const items = new Map(names.map((n) => [n, h('li.pending', { dataset: { output: n } }, h('span.o-name', outputName(n, store.project)), h('span.o-status', '等待'))]));
    const log = h('div.export-log');
    const result = h('div.export-result');
    progress.hidden = false;
    fill(progress, h('div.panel-head', h('h2', '导出进度')), h('div.progress-head', h('strong', '正在导出…'), label), bar, h('ul.output-status', [...items.values()]), log, result);
    const source = new EventSource(`${projectPath(store.project.id)}/exports/${exportId}/events`);
    source.addEventListener('log', (e) => {
      const { line } = JSON.parse(e.data);
      log.append(h('div', line));
      log.scrollTop = log.scrollHeight;
    });
    source.addEventListener('output', (e) => {
      const o = JSON.parse(e.data);
      bar.value = o.done;
      fill(label, `${o.done} / ${o.total}`);
      const li = items.get(o.name);
      if (li) {
        li.className = o.status;
        fill(li.querySelector('.o-status'), o.status === 'failed' ? `失败：${o.reason}` : o.status === 'kept' ? '未变，沿用' : `完成 ${o.seconds.toFixed(1)} 秒`);
      }
    });
    source.addEventListener('end', (e) => {
      source.close();
      const end = JSON.parse(e.data);
      start.disabled = !store.project.ready.exportable;
      progress.querySelector('.progress-head strong').textContent = end.ok ? '导出完成' : '导出未全部完成';
      const zip = `${projectPath(store.project.id)}/exports/${exportId}/zip`;
      fill(result,
        end.ok ? h('div.unlocked', h('span.check-ok', '✓'), ` ${end.files.length} 个文件，用时 ${end.seconds.toFixed(1)} 秒。`) : h('div.locked', end.message ?? `${end.failed.length} 个成品失败：${end.failed.map((f) => `${f.output}：${f.reason}`).join('；')}`),
        end.files.length ? h('a.button.primary.zip#download-zip', { href: zip, download: '' }, '全部下载（ZIP）') : null,
      );
      renderHistory().catch(() => undefined);
    });
    source.onerror = () => { /* the browser reconnects; the stream replays what happened */ };
  };

  start.addEventListener('click', async () => {
    fill(note);
    const only = [...chosen];
    if (only.length === 0) return fill(note, '请至少选择一种成品。');
    start.disabled = true;
    try {
      const p = store.project;
      const res = await request('POST', `${projectPath(p.id)}/exports`, {
        body: { only, bleedMm: Number(bleed.value || 0), marks: marks.checked, cmyk: cmyk.checked, ...(icc && cmyk.checked ? { icc } : {}) },
        version: p.version,
      });
      follow(res.export, only.length, outputs.filter((o) => chosen.has(o.name)).map((o) => o.name));
    } catch (err) {
      start.disabled = !store.project.ready.exportable;
      fill(note, h('strong', err.message), err.detail ? h('pre.detail', err.detail) : null);
    }
  });

  iccFile.addEventListener('change', async () => {
    const form = new FormData();
    form.append('file', iccFile.files[0], iccFile.files[0].name);
    try {
      const res = await request('POST', `${projectPath(store.project.id)}/icc`, { form });
      icc = res.icc;
      fill(iccNote, `✓ ${res.original}`);
      cmyk.checked = true;
    } catch (err) {
      icc = undefined;
      fill(iccNote, h('span.bad-note', `${err.message} ${err.detail ?? ''}`));
    }
  });

  const p = store.project;
  const last = p.exportOptions;
  if (last) {
    bleed.value = String(last.bleedMm);
    marks.checked = last.marks;
    cmyk.checked = last.cmyk;
    if (last.icc) { icc = last.icc; fill(iccNote, '✓ 上次的配置文件'); }
  }
  request('GET', `${projectPath(p.id)}/outputs`).then(({ outputs: all, groups: declared }) => {
    outputs = learnOutputs(all);
    groupList = declared;
    // The first export: the documents (the briefings), as the person most often needs them.
    for (const name of last?.only ?? all.filter((o) => o.multipage && o.default).map((o) => o.name)) if (all.some((o) => o.name === name)) chosen.add(name);
    renderChoices();
  });
  renderLock(p);
  renderHistory().catch(() => undefined);
  void change;
  return store.on((view) => view && renderLock(view));
}
