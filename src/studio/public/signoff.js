// Step 5: 审校. Every figure that will print, with its sentence of the speech and the value as it
// will print; a reviewer types their name and confirms each one, or all at once. A figure changed
// after it was confirmed must be confirmed again (the server keeps a hash of each). The export stays
// locked until every figure is confirmed.

import { change, store } from './api.js';
import { h, fill, when } from './ui.js';

export function signoffView(main, { go }) {
  const reviewer = h('input#reviewer', { type: 'text', maxLength: 30, placeholder: '审校人姓名', autocomplete: 'name' });
  const allButton = h('button.primary#confirm-all', { type: 'button' }, '全部确认');
  const progress = h('div.signoff-progress');
  const list = h('div.signoff-list');
  const note = h('div.upload-error', { role: 'alert' });

  const confirm = async (body) => {
    fill(note);
    if (!reviewer.value.trim() && (body.confirm === 'all' || body.confirm?.length)) {
      fill(note, '请先填写审校人的姓名。');
      reviewer.focus();
      return;
    }
    try {
      await change('PUT', '/signoff', { reviewer: reviewer.value.trim(), ...body });
    } catch (err) {
      if (err.status !== 409) fill(note, err.message);
    }
  };
  allButton.addEventListener('click', () => confirm({ confirm: 'all' }));

  fill(main, h('div.signoff-step',
    h('section.panel',
      h('div.panel-head', h('h2', '审校'), h('span.hint', '逐条对照讲话原文，确认每个数据印出来的样子无误')),
      h('div.signoff-bar', h('label', { htmlFor: 'reviewer' }, '审校人'), reviewer, allButton, progress),
      note,
      list,
    ),
  ));

  const sentence = (f, text) => {
    if (!f.place) return h('span.no-place', '在讲话原文中找不到这句话');
    const [a, b] = f.place.sentence;
    const parts = [];
    const cut = [a, f.place.start, ...(f.place.number ?? []), f.place.end, b].filter((x, i, all) => x >= a && x <= b && (i === 0 || x >= all[i - 1]));
    for (let i = 0; i < cut.length - 1; i++) {
      const piece = text.slice(cut[i], cut[i + 1]);
      if (!piece) continue;
      const inFrag = cut[i] >= f.place.start && cut[i + 1] <= f.place.end;
      const inNum = f.place.number && cut[i] >= f.place.number[0] && cut[i + 1] <= f.place.number[1];
      parts.push(inNum ? h('mark.num', piece) : inFrag ? h('mark', piece) : piece);
    }
    return h('span.sentence', parts);
  };

  const render = (p) => {
    if (document.activeElement !== reviewer && !reviewer.value) reviewer.value = p.signoff.reviewer ?? '';
    const live = p.figures.filter((f) => f.included);
    const done = live.filter((f) => f.confirmed).length;
    fill(progress, h(`span.pill.${done === live.length ? 'ok' : 'todo'}`, `已确认 ${done} / ${live.length}`),
      done === live.length && live.length > 0 ? h('a.button.go-export', { href: '#', onclick: (e) => { e.preventDefault(); go('export'); } }, '去导出 →') : null);
    fill(list, live.map((f, i) => {
      const bad = f.check && !f.check.ok;
      const problems = p.problems.filter((x) => x.figure === f.id);
      const status = f.confirmed
        ? h('div.confirmed', h('span.check-ok', '✓'), ` ${f.confirmed.by} 已确认 · ${when(f.confirmed.at)} `, h('button.link', { type: 'button', onclick: () => confirm({ unconfirm: [f.id] }) }, '撤销'))
        : bad || problems.length
          ? h('div.cannot', bad ? '与讲话原文不符，' : '数据有误，', h('a', { href: '#', onclick: (e) => { e.preventDefault(); go('figures', { focus: `${f.id}:${bad ? 'fragment' : problems[0].key ?? 'label'}` }); } }, '先去改正'))
          : h('button.confirm', { type: 'button', onclick: () => confirm({ confirm: [f.id] }) }, '确认无误');
      return h(`div.signoff-item${f.confirmed ? '.is-confirmed' : ''}`, { dataset: { fig: f.id } },
        h('div.signoff-no', String(i + 1)),
        h('div.signoff-value', h('div.printed-big', f.printed ?? f.fields.value), h('div.signoff-label', f.fields.label)),
        h('div.signoff-source',
          h('div.source-head', p.speech ? `讲话原文${f.check?.line ? `（第 ${f.check.line} 段）` : ''}` : '原文片段（无讲话稿）'),
          p.speech ? sentence(f, p.speech.text) : h('span.sentence', f.fields.fragment)),
        h('div.signoff-status', status),
      );
    }));
  };

  render(store.project);
  return store.on((p) => p && render(p));
}
