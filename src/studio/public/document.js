// Step 3: the masthead and the speech's particulars, with the briefing's first page beside them.
// What repeats per office (its 代字, the next issue number …) is filled in when the office is chosen.

import { change, request, store } from './api.js';
import { Preview, previewUrl } from './frames.js';
import { h, fill, debounce, DOCUMENT_FIELDS } from './ui.js';

export function documentView(main, { focus }) {
  const form = h('form.document-form', { onsubmit: (e) => e.preventDefault() });
  const offices = h('datalist#offices');
  const side = h('div.document-preview');
  const inputs = new Map();
  let memory = {};
  /** Fields typed in and not yet saved: a reply to an earlier change must not put their old value back. */
  const edited = new Set();

  const save = (changes) => change('PATCH', '/document', changes).then(() => {
    // Saved: the fields show the server's answer again (the value as it was stored).
    for (const [key, value] of Object.entries(changes)) if (inputs.get(key)?.input.value === String(value)) edited.delete(key);
    if (store.project) render(store.project);
  }, () => undefined);

  for (const field of DOCUMENT_FIELDS) {
    const input = h('input', {
      id: `doc-${field.key}`,
      name: field.key,
      type: field.type === 'date' ? 'date' : field.type === 'number' ? 'number' : 'text',
      placeholder: field.hint ?? '',
      autocomplete: 'off',
      ...(field.type === 'number' ? { min: 1, step: 1 } : {}),
      ...(field.list ? { list: field.list } : {}),
    });
    const note = h('div.cell-note');
    const saveLater = debounce(() => save({ [field.key]: input.value }), 600);
    input.addEventListener('input', () => {
      edited.add(field.key);
      saveLater();
    });
    input.addEventListener('change', () => {
      const changes = { [field.key]: input.value };
      // A known office: its 代字 and the next issue, where they are still empty.
      if (field.key === 'office' && memory[input.value]) {
        const m = memory[input.value];
        const doc = store.project.document;
        for (const key of ['officeCode', 'masthead', 'distribution', 'copyTo', 'sourceNote']) if (m[key] && !doc[key]) changes[key] = m[key];
        if (m.lastIssue !== undefined && (doc.issue === undefined || doc.issue === '')) changes.issue = String(m.lastIssue + 1);
        for (const [key, value] of Object.entries(changes)) {
          if (!inputs.get(key) || key === 'office') continue;
          inputs.get(key).input.value = value;
          edited.add(key);
        }
      }
      saveLater.cancel();
      save(changes);
    });
    inputs.set(field.key, { input, note, field });
    form.append(h(`div.field${field.wide ? '.wide' : ''}`,
      h('label', { htmlFor: input.id }, field.label, field.required ? h('span.required', { title: '必填' }, '＊') : null),
      input,
      h('div.field-hint', field.key === 'issue' ? h('span#issue-memory') : null),
      note,
    ));
  }

  fill(main, h('div.document-step',
    h('section.panel.form-panel',
      h('div.panel-head', h('h2', '文稿信息'), h('span.hint', '印在报头和落款处；带＊的必须填写')),
      form, offices,
    ),
    h('section.panel.side-panel', h('div.panel-head', h('h2', '工作通报预览'), h('span.hint', '修改后即时更新')), side),
  ));

  const render = (p) => {
    for (const [key, { input, note }] of inputs) {
      const raw = p.document[key];
      const value = Array.isArray(raw) ? raw.join('、') : raw === undefined ? '' : String(raw);
      if (document.activeElement !== input && !edited.has(key) && input.value !== value) input.value = value;
      const mine = p.problems.filter((x) => !x.figure && x.key === key);
      input.classList.toggle('bad', mine.some((x) => !x.todo));
      input.classList.toggle('todo', mine.some((x) => x.todo));
      input.title = mine.map((x) => x.line).join('\n');
      fill(note, mine.map((x) => h(`div.${x.todo ? 'todo-note' : 'bad-note'}`, x.todo ? '待填写' : x.message)));
    }
    const office = memory[p.document.office];
    const issueNote = form.querySelector('#issue-memory');
    if (issueNote) fill(issueNote, office?.lastIssue !== undefined ? `${p.document.office}上一期是第 ${office.lastIssue} 期` : '');
  };

  const briefing = { name: 'briefing', multipage: true, width: 793.7, height: 1122.52 };
  const preview = new Preview(briefing, { width: 480 });
  fill(side, preview.el);
  const refresh = (p) => preview.load(previewUrl(p.id, 'briefing', p.version));

  request('GET', '/api/projects').then(({ offices: known }) => {
    memory = known;
    fill(offices, Object.keys(known).map((o) => h('option', { value: o })));
    render(store.project);
  }).catch(() => undefined);

  render(store.project);
  refresh(store.project);
  if (focus) {
    const key = focus.split(':').pop();
    setTimeout(() => inputs.get(key)?.input.focus(), 50);
  }
  let version = store.project.version;
  return store.on((p) => {
    if (!p) return;
    render(p);
    if (p.version !== version) {
      version = p.version;
      refresh(p);
    }
  });
}
