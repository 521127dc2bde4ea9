// The studio's page: a step bar over six steps, each a view of the open project. The address says
// where a person is (#/p/<project>/<step>), so a reload comes back to the same place; everything
// else is on the server, saved with each change.

import { change, failures, load, projectPath, request, store } from './api.js';
import { h, fill, when } from './ui.js';
import { startView } from './start.js';
import { figuresView } from './figures.js';
import { documentView } from './document.js';
import { previewView } from './preview.js';
import { signoffView } from './signoff.js';
import { exportView } from './export.js';

export const STEPS = [
  { key: 'start', label: '开始', view: startView },
  { key: 'figures', label: '核对数据', view: figuresView },
  { key: 'document', label: '文稿信息', view: documentView },
  { key: 'preview', label: '预览', view: previewView },
  { key: 'signoff', label: '审校', view: signoffView },
  { key: 'export', label: '导出', view: exportView },
];

const main = document.getElementById('main');
const stepsNav = document.getElementById('steps');
const banner = document.getElementById('banner');
const saveState = document.getElementById('save-state');
const projectName = document.getElementById('project-name');

let current = { step: undefined, id: undefined, cleanup: undefined };

/** #/p/<id>/<step>?focus=<figure>:<field> */
export function route() {
  const m = /^#\/p\/([^/?]+)\/([a-z]+)(?:\?(.*))?$/.exec(location.hash);
  if (!m) return { step: 'start' };
  const params = new URLSearchParams(m[3] ?? '');
  return { id: decodeURIComponent(m[1]), step: STEPS.some((s) => s.key === m[2]) ? m[2] : 'figures', focus: params.get('focus') ?? undefined };
}

export function go(step, { id = store.project?.id, focus } = {}) {
  const hash = step === 'start' ? '#/' : `#/p/${encodeURIComponent(id)}/${step}${focus ? `?focus=${encodeURIComponent(focus)}` : ''}`;
  if (location.hash === hash) show();
  else location.hash = hash;
}

async function show() {
  const r = route();
  current.cleanup?.();
  current = { step: r.step, id: r.id, cleanup: undefined };
  hideBanner();
  if (r.id && store.project?.id !== r.id) {
    fill(main, h('p.loading', '正在打开项目…'));
    try {
      await load(r.id);
    } catch (err) {
      fill(main, h('div.page-error', h('h2', '打不开这个项目'), h('p', err.message), h('p', h('a', { href: '#/' }, '回到项目列表'))));
      return;
    }
  }
  if (!r.id) store.project = null;
  const step = STEPS.find((s) => s.key === r.step);
  document.body.dataset.step = r.step;
  renderSteps();
  fill(main);
  current.cleanup = step.view(main, { focus: r.focus, go }) ?? undefined;
}

/** The step bar: each step with what still needs doing there. */
function renderSteps() {
  const p = store.project;
  const r = route();
  fill(projectName, p ? p.name : '');
  projectName.title = p ? `项目文件夹：${p.dataFile.replace(/\/data\.yaml$/, '')}` : '';
  const status = p ? stepStatus(p) : {};
  fill(stepsNav, STEPS.map((s, i) => {
    const disabled = !p && s.key !== 'start';
    const st = status[s.key];
    return h(`a.step${r.step === s.key ? '.current' : ''}${disabled ? '.disabled' : ''}${st?.done ? '.done' : ''}${st?.locked ? '.locked' : ''}`, {
      href: disabled ? undefined : s.key === 'start' ? '#/' : `#/p/${encodeURIComponent(p.id)}/${s.key}`,
      dataset: { step: s.key },
      title: st?.note ?? '',
    }, h('span.step-no', st?.done ? '✓' : String(i + 1)), h('span.step-label', s.label), st?.badge ? h('span.step-badge', st.badge) : null);
  }));
}

function stepStatus(p) {
  const live = p.figures.filter((f) => f.included);
  const figureProblems = p.problems.filter((x) => x.figure).length + live.filter((f) => f.check && !f.check.ok).length;
  const docProblems = p.problems.filter((x) => !x.figure).length;
  const unconfirmed = p.ready.unconfirmed.length;
  return {
    start: { done: true },
    figures: { done: figureProblems === 0 && live.length > 0, badge: figureProblems || '', note: figureProblems ? `${figureProblems} 处要改` : `${live.length} 个数据` },
    document: { done: docProblems === 0, badge: docProblems || '', note: docProblems ? `${docProblems} 项要填或要改` : '已填好' },
    preview: { done: false },
    signoff: { done: unconfirmed === 0 && live.length > 0, badge: unconfirmed || '', note: unconfirmed ? `还有 ${unconfirmed} 个数据未确认` : '已全部确认' },
    export: { locked: !p.ready.exportable, note: p.ready.exportable ? '可以导出' : '审校完成后才能导出' },
  };
}

function renderSave() {
  const p = store.project;
  if (!p) return fill(saveState);
  if (store.saving > 0) return fill(saveState, h('span.saving', '正在保存…'));
  if (store.error && store.error.status !== 409) return fill(saveState, h('span.save-failed', '保存失败'));
  fill(saveState, h('button.saved#versions-button', { type: 'button', title: `第 ${p.version} 版：${p.note}（点击查看历史版本）`, onclick: showVersions }, `已保存 · 第 ${p.version} 版 · ${when(p.updated)}`));
}

/** The last 50 versions, each with what changed; any can be made the newest again. */
async function showVersions() {
  const p = store.project;
  const list = h('ol.version-list');
  const dialog = h('dialog.versions', h('div.panel-head', h('h2', '历史版本'), h('span.hint', '每次修改都自动保存为一个版本，保留最近 50 个')), list,
    h('div.dialog-actions', h('button', { type: 'button', onclick: () => dialog.close() }, '关闭')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  try {
    const { versions } = await request('GET', `${projectPath(p.id)}/versions`);
    fill(list, versions.map((v) => h('li.version', { dataset: { version: v.version } },
      h('span.version-no', `第 ${v.version} 版`), h('span.version-when', when(v.updated)), h('span.version-note', v.note),
      v.version === store.project.version ? h('span.version-current', '当前') : h('button', { type: 'button', onclick: async () => {
        try {
          await change('POST', `/versions/${v.version}/restore`, {});
          dialog.close();
          show();
        } catch { /* the banner says why */ }
      } }, '恢复到此版本'))));
  } catch (err) {
    fill(list, h('li.upload-error', err.message));
  }
}

export function showBanner(kind, message, ...actions) {
  banner.hidden = false;
  banner.className = `banner ${kind}`;
  fill(banner, h('span.banner-text', message), ...actions, h('button.banner-close', { type: 'button', title: '关闭', onclick: hideBanner }, '×'));
}

export function hideBanner() {
  banner.hidden = true;
}

// A change another tab made first, a page too old for the studio, the studio gone: say so plainly.
failures.add((err) => {
  if (err.status === 409) {
    showBanner('conflict', err.message, h('button.primary', { type: 'button', onclick: async () => { await load(store.project.id); hideBanner(); show(); } }, '载入最新版本'));
  } else if (err.code === 'csrf') {
    showBanner('error', err.message, h('button.primary', { type: 'button', onclick: () => location.reload() }, '刷新页面'));
  } else if (err.status === 0 || err.status >= 500) {
    showBanner('error', err.message);
  }
});

let lastVersion;
store.on((p) => {
  renderSave();
  if (p && p.version !== lastVersion) {
    lastVersion = p.version;
    renderSteps();
  }
});

// Another tab may have changed the project while this one was in the background.
document.addEventListener('visibilitychange', async () => {
  if (document.visibilityState !== 'visible' || !store.project || store.saving) return;
  try {
    const fresh = await request('GET', `/api/projects/${encodeURIComponent(store.project.id)}`);
    if (fresh.version !== store.project.version) {
      showBanner('conflict', `这个项目已在别处修改过（现在是第 ${fresh.version} 版）。`, h('button.primary', { type: 'button', onclick: () => { store.set(fresh); hideBanner(); show(); } }, '载入最新版本'));
    }
  } catch { /* shown when a change fails */ }
});

window.addEventListener('hashchange', show);
show();
