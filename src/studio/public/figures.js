// Step 2: the figures. On the left the speech, every figure marked in its sentence, and the card of
// the figure being edited; on the right the table: use it or not, label, value, unit, qualifier,
// kind, section, the chart it gets, and ✓/✗ from verify. Each edit is saved as it is made, and the
// server's checks (the CLI's messages) come back next to the cell. Clicking a figure shows its words
// in the speech; selecting words in the speech adds a figure from them; rows can be dragged.

import { change, store } from './api.js';
import { Preview, previewUrl } from './frames.js';
import { h, fill, debounce, KINDS, QUALIFIERS, FIGURE_FIELD_NAMES } from './ui.js';

const COLUMNS = ['label', 'value', 'unit', 'qualifier', 'kind', 'section'];

export function figuresView(main, { focus, go }) {
  const speechPane = h('div.speech', { tabIndex: -1 });
  const addButton = h('button.add-figure', { type: 'button', hidden: true }, '＋ 添加为数据');
  const addError = h('div.add-error', { role: 'alert', hidden: true });
  const cardBox = h('div.card-preview');
  const cardTitle = h('div.card-title', '卡片预览');
  const tableBody = h('div.table-wrap');
  const summary = h('div.figures-summary');
  let selected = focus?.split(':')[0];
  let rows = new Map();
  let shape = '';
  let card;

  fill(main, h('div.figures-step',
    h('section.panel.left',
      h('div.panel-head', h('h2', '讲话原文'), h('span.hint', '黄色是找到的数据；选中一段文字可添加为数据')),
      speechPane, addButton, addError,
      h('div.card-box', cardTitle, cardBox),
    ),
    h('section.panel.right',
      h('div.panel-head', h('h2', '数据'), summary),
      tableBody,
    ),
  ));

  // --- the speech -----------------------------------------------------------------------

  const renderSpeech = (p) => {
    if (!p.speech) {
      fill(speechPane, h('p.empty', '这个项目来自数据文件，没有讲话稿，所以不能对照原文核对。'), uploadSpeech());
      return;
    }
    const text = p.speech.text;
    // Cut points: every start and end of a fragment and of its number.
    const marks = p.figures.filter((f) => f.place).map((f) => ({ f, ...f.place }));
    const cuts = new Set([0, text.length]);
    for (const m of marks) {
      cuts.add(m.start).add(m.end);
      if (m.number) cuts.add(m.number[0]).add(m.number[1]);
    }
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) cuts.add(i).add(i + 1);
    const points = [...cuts].sort((a, b) => a - b);
    const paras = [];
    let para = [];
    for (let i = 0; i < points.length - 1; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const piece = text.slice(a, b);
      if (piece === '\n') {
        paras.push(para);
        para = [];
        continue;
      }
      const over = marks.filter((m) => m.start <= a && b <= m.end);
      if (over.length === 0) {
        para.push(h('span', { dataset: { start: a } }, piece));
        continue;
      }
      const inNumber = over.some((m) => m.number && m.number[0] <= a && b <= m.number[1]);
      const ids = over.map((m) => m.f.id);
      const excluded = over.every((m) => !m.f.included);
      const bad = over.some((m) => m.f.check && !m.f.check.ok);
      para.push(h(`mark.frag${inNumber ? '.num' : ''}${excluded ? '.off' : ''}${bad ? '.bad' : ''}`, {
        dataset: { start: a, figs: ids.join(' ') },
        title: over.map((m) => `${m.f.fields.label}：${m.f.printed ?? m.f.fields.value}`).join('\n'),
        onclick: () => select(ids.includes(selected) ? ids[(ids.indexOf(selected) + 1) % ids.length] : ids[0], { scrollTable: true }),
      }, piece));
    }
    if (para.length) paras.push(para);
    fill(speechPane, paras.map((children) => h('p', children)));
    highlightSelected();
  };

  const uploadSpeech = () => {
    const input = h('input', { type: 'file', accept: '.docx,.pdf,.txt,.md', hidden: true });
    const note = h('div.upload-error', { role: 'alert' });
    input.addEventListener('change', async () => {
      const form = new FormData();
      form.append('file', input.files[0], input.files[0].name);
      try {
        await change('POST', '/speech', form);
      } catch (err) {
        fill(note, h('strong', err.message), err.detail ? h('div.detail', err.detail) : null);
      }
    });
    return h('div.add-speech', h('label.button', input, '上传讲话稿，对照原文核对'), note);
  };

  const highlightSelected = () => {
    for (const m of speechPane.querySelectorAll('mark.selected')) m.classList.remove('selected');
    if (!selected) return;
    for (const m of speechPane.querySelectorAll('mark.frag')) if (m.dataset.figs.split(' ').includes(selected)) m.classList.add('selected');
  };

  // Selecting words in the speech: a button to add them as a figure.
  const offsetOf = (node, offset) => {
    const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    const start = el?.closest('[data-start]');
    return start ? Number(start.dataset.start) + (node.nodeType === Node.TEXT_NODE ? offset : 0) : undefined;
  };
  let selection;
  const onSelect = () => {
    const sel = window.getSelection();
    if (!sel || sel.isCollapsed || !speechPane.contains(sel.anchorNode) || !speechPane.contains(sel.focusNode)) {
      selection = undefined;
      addButton.hidden = true;
      return;
    }
    const range = sel.getRangeAt(0);
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (start === undefined || end === undefined || end <= start) return;
    selection = { start, end };
    const text = store.project.speech.text.slice(start, end).trim();
    addButton.textContent = `＋ 把“${text.length > 24 ? `${text.slice(0, 24)}…` : text}”添加为数据`;
    addButton.hidden = false;
    addError.hidden = true;
  };
  document.addEventListener('selectionchange', onSelect);
  addButton.addEventListener('mousedown', (e) => e.preventDefault());
  addButton.addEventListener('click', async () => {
    if (!selection) return;
    try {
      const before = new Set(store.project.figures.map((f) => f.id));
      const view = await change('POST', '/figures', selection);
      const added = view.figures.find((f) => !before.has(f.id));
      window.getSelection()?.removeAllRanges();
      addButton.hidden = true;
      if (added) select(added.id, { scrollTable: true });
    } catch (err) {
      if (err.status !== 409) {
        addError.textContent = err.message;
        addError.hidden = false;
      }
    }
  });

  // --- the table ------------------------------------------------------------------------

  /** Cells typed in and not yet saved (figure id, field): a reply to an earlier change must not put their old value back. */
  const edited = new Map();
  const save = (id, key, value, input) => change('PATCH', `/figures/${encodeURIComponent(id)}`, { [key]: value }).then(() => {
    // Saved: the cell shows the server's answer again (the value as it was stored).
    if (input && input.value === value && edited.delete(`${id}\0${key}`) && store.project) patchRows(store.project);
  }, () => undefined);

  const cellInput = (f, key, p) => {
    let input;
    if (key === 'kind') {
      input = h('select', h('option', { value: '' }, '自动'), Object.entries(KINDS).map(([k, v]) => h('option', { value: k }, v)));
    } else if (key === 'qualifier') {
      input = h('select', h('option', { value: '' }, '无'), QUALIFIERS.map((q) => h('option', { value: q }, q)));
    } else if (key === 'section') {
      input = h('select', h('option', { value: '' }, '（不属于某部分）'), p.sections.map((s) => h('option', { value: s.id }, `${'　'.repeat(s.depth)}${s.label}`)));
    } else {
      input = h('input', { type: 'text', spellcheck: false, autocomplete: 'off' });
    }
    input.name = key;
    input.dataset.field = key;
    input.setAttribute('aria-label', FIGURE_FIELD_NAMES[key]);
    input.value = f.fields[key];
    // An unknown value (a qualifier the list lacks) is kept as an option, so it shows and the check can say why.
    if (input.tagName === 'SELECT' && input.value !== f.fields[key]) {
      input.append(h('option', { value: f.fields[key] }, f.fields[key]));
      input.value = f.fields[key];
    }
    const saveLater = debounce(() => save(f.id, key, input.value, input), 500);
    input.addEventListener('input', () => {
      edited.set(`${f.id}\0${key}`, input);
      if (input.tagName === 'SELECT') saveLater.now();
      else saveLater();
    });
    input.addEventListener('change', () => saveLater.now());
    input.addEventListener('focus', () => select(f.id));
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); saveLater.now(); } });
    return input;
  };

  const buildRows = (p) => {
    rows = new Map();
    const table = h('table.figures-table',
      h('thead', h('tr',
        h('th.c-drag', { title: '拖动可调整顺序' }, ''),
        h('th.c-use', '采用'),
        h('th.c-label', '标签'),
        h('th.c-value', '数值'),
        h('th.c-unit', '单位'),
        h('th.c-qualifier', '限定词'),
        h('th.c-kind', '类型'),
        h('th.c-section', '所在部分'),
        h('th.c-chart', '图表'),
        h('th.c-check', { title: '与讲话原文核对的结果' }, '核对'),
      )),
    );
    for (const f of p.figures) {
      const use = h('input', { type: 'checkbox', checked: f.included, title: '采用这个数据（不采用的不会印出）', 'aria-label': '采用' });
      use.addEventListener('change', () => save(f.id, 'included', use.checked));
      const inputs = Object.fromEntries([...COLUMNS, 'fragment'].map((k) => [k, cellInput(f, k, p)]));
      const notes = h('div.row-notes');
      const chart = h('td.c-chart');
      const check = h('td.c-check');
      const printed = h('span.printed');
      const reason = h('div.check-reason');
      const handle = h('td.c-drag', { title: '拖动可调整顺序' }, h('span.drag-handle', '≡'));
      const main1 = h('tr.row-main',
        handle, h('td.c-use', use),
        ...COLUMNS.map((k) => h(`td.c-${k}`, inputs[k])),
        chart, check,
      );
      const main2 = h('tr.row-detail',
        h('td'), h('td'),
        h('td.c-fragment', { colSpan: 6 }, h('div.fragment-line', h('span.fragment-label', '原文：'), inputs.fragment, h('span.printed-label', '印为'), printed), notes, reason),
        h('td', { colSpan: 2 }),
      );
      const body = h('tbody.fig', { dataset: { fig: f.id } }, main1, main2);
      body.addEventListener('click', (e) => { if (!e.target.closest('input, select')) select(f.id); });
      // Drag by the handle to reorder.
      handle.addEventListener('mousedown', () => { body.draggable = true; });
      body.addEventListener('dragstart', (e) => {
        e.dataTransfer.setData('text/plain', f.id);
        e.dataTransfer.effectAllowed = 'move';
        body.classList.add('dragging');
      });
      body.addEventListener('dragend', () => { body.draggable = false; body.classList.remove('dragging'); });
      body.addEventListener('dragover', (e) => { e.preventDefault(); body.classList.add('drop-target'); });
      body.addEventListener('dragleave', () => body.classList.remove('drop-target'));
      body.addEventListener('drop', (e) => {
        e.preventDefault();
        body.classList.remove('drop-target');
        const moved = e.dataTransfer.getData('text/plain');
        if (!moved || moved === f.id) return;
        const ids = store.project.figures.map((x) => x.id).filter((x) => x !== moved);
        ids.splice(ids.indexOf(f.id) + (e.offsetY > body.offsetHeight / 2 ? 1 : 0), 0, moved);
        change('PUT', '/order', { ids }).catch(() => undefined);
      });
      rows.set(f.id, { body, use, inputs, notes, chart, check, printed, reason });
      table.append(body);
    }
    fill(tableBody, table);
  };

  /** Put the server's answer into the rows without touching what a person is typing. */
  const patchRows = (p) => {
    const live = p.figures.filter((f) => f.included);
    const bad = live.filter((f) => f.check && !f.check.ok).length;
    const problemCount = p.problems.filter((x) => x.figure && !x.todo).length;
    const todo = p.problems.filter((x) => x.figure && x.todo).length;
    fill(summary,
      h('span', `共 ${p.figures.length} 个，采用 ${live.length} 个`),
      bad ? h('span.pill.bad', `✗ ${bad} 个与原文不符`) : p.speech ? h('span.pill.ok', '✓ 均与原文相符') : null,
      problemCount ? h('span.pill.bad', `${problemCount} 处要改`) : null,
      todo ? h('span.pill.todo', `${todo} 处待填写`) : null,
    );
    for (const f of p.figures) {
      const row = rows.get(f.id);
      if (!row) continue;
      row.body.classList.toggle('excluded', !f.included);
      row.body.classList.toggle('selected', f.id === selected);
      row.use.checked = f.included;
      // Each problem in the CLI's words, under the row, named by its column; the cell is marked.
      const mine = p.problems.filter((x) => x.figure === f.id);
      for (const [key, input] of Object.entries(row.inputs)) {
        if (document.activeElement !== input && edited.get(`${f.id}\0${key}`) !== input && input.value !== f.fields[key]) {
          if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === f.fields[key])) input.append(h('option', { value: f.fields[key] }, f.fields[key]));
          input.value = f.fields[key];
        }
        const here = mine.filter((x) => x.key === key);
        input.classList.toggle('bad', here.some((x) => !x.todo));
        input.classList.toggle('todo', here.some((x) => x.todo));
        input.title = here.map((x) => x.line).join('\n');
      }
      fill(row.notes, mine.map((x) => h(`div.${x.todo ? 'todo-note' : 'bad-note'}`, { dataset: { field: x.key ?? '' }, title: x.line },
        h('span.note-field', `${FIGURE_FIELD_NAMES[x.key] ?? x.field}：`), x.todo ? '待填写' : x.message)));
      fill(row.chart, f.included ? (f.chart ?? '—') : '');
      fill(row.printed, f.printed ?? '—');
      if (!p.speech) fill(row.check, h('span.check-none', { title: '没有讲话稿，无法核对' }, '—'));
      else if (!f.check) fill(row.check, h('span.check-none', { title: '数据有误，改正后再与原文核对' }, '—'));
      else if (f.check.ok) fill(row.check, h('span.check-ok', { title: `与讲话原文第 ${f.check.line} 段相符` }, '✓'));
      else fill(row.check, h('span.check-bad', { title: f.check?.problems.join('\n') ?? '' }, '✗'));
      fill(row.reason, f.check && !f.check.ok ? f.check.problems.map((x) => h('div.bad-note', `与原文不符：${x}`)) : []);
    }
  };

  const select = (id, { scrollTable = false } = {}) => {
    if (!id) return;
    const changed = selected !== id;
    selected = id;
    for (const [fid, row] of rows) row.body.classList.toggle('selected', fid === id);
    highlightSelected();
    const mark = [...speechPane.querySelectorAll('mark.frag')].find((m) => m.dataset.figs.split(' ').includes(id));
    if (mark && changed) {
      const paneRect = speechPane.getBoundingClientRect();
      const r = mark.getBoundingClientRect();
      speechPane.scrollTop += r.top - paneRect.top - paneRect.height / 3;
      mark.classList.remove('flash');
      void mark.offsetWidth;
      mark.classList.add('flash');
    }
    if (scrollTable) rows.get(id)?.body.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    if (changed) showCard();
  };

  // The card of the selected figure: what its edits do to a printed piece, at once.
  const showCard = () => {
    const p = store.project;
    const f = p.figures.find((x) => x.id === selected);
    if (!f || !f.included) {
      card = undefined;
      fill(cardTitle, '卡片预览');
      fill(cardBox, h('p.empty', f ? '这个数据未采用，不会印出。' : '点击一个数据，这里显示它的卡片。'));
      return;
    }
    // A screen image of 1080 px is 1080 / 72 inches: 1440 CSS px, as Chrome lays the card out.
    const output = { name: `card-${f.id}-square`, width: 1440, height: 1440 };
    card = new Preview(output, { width: Math.min(240, cardBox.clientWidth || 240) });
    fill(cardTitle, `卡片预览：${f.fields.label}`);
    fill(cardBox, card.el);
    card.load(previewUrl(p.id, output.name, p.version));
  };

  const render = (p) => {
    const key = JSON.stringify(p.figures.map((f) => f.id));
    if (key !== shape) {
      shape = key;
      buildRows(p);
    }
    patchRows(p);
    renderSpeech(p);
  };

  const p = store.project;
  render(p);
  if (!selected) selected = p.figures.find((f) => f.included)?.id;
  showCard();
  if (focus) {
    const [fid, key] = focus.split(':');
    select(fid, { scrollTable: true });
    const input = rows.get(fid)?.inputs[key];
    if (input) setTimeout(() => input.focus(), 50);
  } else if (selected) {
    select(selected);
  }

  const off = store.on((view) => {
    if (!view) return;
    render(view);
    if (card && selected) {
      const f = view.figures.find((x) => x.id === selected);
      if (f?.included) {
        fill(cardTitle, `卡片预览：${f.fields.label}`, view.ready.valid ? null : h('span.stale', '（数据有误，显示的是上一个正确的版本）'));
        card.load(previewUrl(view.id, `card-${f.id}-square`, view.version));
      } else {
        showCard();
      }
    }
  });
  void go;
  return () => {
    off();
    document.removeEventListener('selectionchange', onSelect);
  };
}
