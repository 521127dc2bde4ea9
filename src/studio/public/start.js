// Step 1: the projects, and a new one from a speech (dropped or chosen: .docx .pdf .txt .md),
// from pasted text, or from a data file someone already has (.yaml).

import { request, store } from './api.js';
import { h, fill, when } from './ui.js';

const ACCEPT = '.docx,.pdf,.txt,.md,.yaml,.yml';

export function startView(main, { go }) {
  const error = h('div.upload-error', { role: 'alert' });
  const busy = h('div.upload-busy', { hidden: true }, h('span.spinner'), '正在读取讲话稿、找出其中的数据…');
  const name = h('input#project-name-input', { type: 'text', placeholder: '可不填：默认用讲话的标题', maxLength: 60 });
  const file = h('input#speech-file', { type: 'file', accept: ACCEPT, hidden: true });
  const list = h('div.project-list');

  const create = async (payload) => {
    fill(error);
    busy.hidden = false;
    try {
      const view = payload instanceof FormData
        ? await request('POST', '/api/projects', { form: payload })
        : await request('POST', '/api/projects', { body: payload });
      store.set(view);
      go('figures', { id: view.id });
    } catch (err) {
      fill(error, h('strong', err.message), err.detail ? h('div.detail', err.detail) : null);
    } finally {
      busy.hidden = true;
    }
  };
  const send = (f) => {
    if (!f) return;
    const form = new FormData();
    form.append('name', name.value.trim());
    form.append('file', f, f.name);
    create(form);
  };
  file.addEventListener('change', () => send(file.files[0]));

  const drop = h('label.dropzone', { htmlFor: 'speech-file', tabIndex: 0 },
    h('div.drop-icon', '⬆'),
    h('div.drop-title', '把讲话稿拖到这里，或点击选择文件'),
    h('div.drop-hint', '支持 Word 文档（.docx）、PDF、文本（.txt、.md），最大 20 MB；也可以打开已有的数据文件（.yaml）'),
  );
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); file.click(); } });
  for (const type of ['dragenter', 'dragover']) drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  for (const type of ['dragleave', 'drop']) drop.addEventListener(type, () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    send(e.dataTransfer.files[0]);
  });

  const pasted = h('textarea#paste-text', { rows: 8, placeholder: '把讲话全文粘贴到这里（每段一行）' });
  const pasteButton = h('button.primary#paste-create', { type: 'button', onclick: () => create({ name: name.value.trim(), text: pasted.value }) }, '用粘贴的文字新建项目');

  fill(main, h('div.start',
    h('section.panel.new-project',
      h('h2', '新建项目'),
      h('p.lead', '每周拿到讲话稿后：上传讲话稿 → 核对数据 → 填写文稿信息 → 预览 → 审校 → 导出印刷文件和微信图片。'),
      h('div.field', h('label', { htmlFor: 'project-name-input' }, '项目名称'), name),
      drop, file, busy, error,
      h('details.paste', h('summary', '或者：粘贴讲话的文字'), pasted, pasteButton),
    ),
    h('section.panel.projects', h('h2', '已有项目'), list),
  ));

  request('GET', '/api/projects').then(({ projects }) => {
    if (projects.length === 0) return fill(list, h('p.empty', '还没有项目。上传一份讲话稿，就会在这里出现。'));
    fill(list, projects.map((p) => h('a.project-card', { href: `#/p/${encodeURIComponent(p.id)}/figures` },
      h('div.project-title', p.name),
      h('div.project-meta', `${p.figures} 个数据 · 第 ${p.version} 版 · ${when(p.updated)}`),
      p.speech ? h('div.project-source', `讲话稿：${p.speech}`) : h('div.project-source', '来自数据文件'),
    )));
  }).catch((err) => fill(list, h('p.upload-error', err.message)));
}
