// Previews: an output's page, as the HTML Chrome prints, in a frame scaled down to fit. A new version
// loads in a second frame behind the one shown and takes its place once its fonts are in and its fit
// script has run (window.shushuoDone), so the view never flashes blank. Then the same light checks
// the renderer makes (src/chrome/render.ts layoutProblems) run in the frame: text that does not fit
// its box, boxes that overlap, content wider than the page.

import { h } from './ui.js';
import { projectPath } from './api.js';

export const previewUrl = (id, output, version) => `${projectPath(id)}/preview/${encodeURIComponent(output)}?v=${version}`;

/** A scaled preview of one output. `width`: the width it is shown at; `clip`: the most of its height shown (thumbnails). */
export class Preview {
  constructor(output, { width, clip, onReady, title } = {}) {
    this.output = output;
    this.width = width;
    this.clip = clip;
    this.onReady = onReady;
    this.token = 0;
    this.frame = undefined;
    this.el = h('div.preview', { dataset: { output: output.name }, title: title ?? '' });
    this.el.style.width = `${width}px`;
    this.size(output.height);
  }

  get scale() {
    return this.width / this.output.width;
  }

  size(height) {
    const shown = this.clip ? Math.min(height, this.clip) : height;
    this.el.style.height = `${Math.round(shown * this.scale)}px`;
  }

  /** Load a version; resolves with the checks' problems once it is shown (or undefined when a newer load came first). */
  load(url) {
    const token = ++this.token;
    const frame = h('iframe.preview-frame.loading', { src: url, tabIndex: -1, title: this.output.name, loading: this.clip ? 'lazy' : 'eager' });
    frame.style.width = `${this.output.width}px`;
    frame.style.height = `${this.output.height}px`;
    frame.style.transform = `scale(${this.scale})`;
    this.el.append(frame);
    return new Promise((resolve) => {
      frame.addEventListener('load', async () => {
        const win = frame.contentWindow;
        const done = await waitDone(win);
        if (token !== this.token) {
          frame.remove();
          return resolve(undefined);
        }
        let height = this.output.height;
        // A briefing flows as one long page on screen: set it on a sheet with the print margins' look.
        if (this.output.multipage) win.document.body.style.margin = '22mm auto 24mm';
        if (this.output.autoHeight || this.output.multipage) {
          height = Math.max(this.output.height, win.document.documentElement.scrollHeight);
          frame.style.height = `${height}px`;
        }
        this.size(height);
        frame.classList.remove('loading');
        this.frame?.remove();
        this.frame = frame;
        const problems = [...(done?.problems ?? []).map((message) => ({ message })), ...checkPage(win)];
        this.problems = problems;
        this.el.classList.toggle('has-problems', problems.length > 0);
        this.onReady?.(problems);
        resolve(problems);
      }, { once: true });
    });
  }

  /** The frame's document, once one is shown. */
  get document() {
    return this.frame?.contentDocument;
  }
}

/** Wait (at most 10 s) for the page to say its fonts are in and its headlines fit. */
function waitDone(win) {
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = () => {
      let done;
      try {
        done = win.shushuoDone;
      } catch {
        return resolve(undefined);
      }
      if (done || Date.now() - started > 10_000) return resolve(done ?? { problems: ['页面没有在 10 秒内排好版（字体可能没有载入）'] });
      setTimeout(poll, 25);
    };
    poll();
  });
}

/** What the renderer would refuse: text that does not fit, boxes that overlap, content wider than the page. */
export function checkPage(win) {
  const doc = win.document;
  const problems = [];
  const text = (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();
  for (const el of doc.querySelectorAll('[data-fit]')) {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      const min = el.getAttribute('data-fit-min');
      problems.push({ text: text(el), message: `“${text(el).slice(0, 30)}”放不下${min ? `，缩到 ${Math.round(Number(min) * 100)}% 也不行` : ''}：请缩短这段文字` });
    }
  }
  const boxes = [...doc.querySelectorAll('[data-box]')].map((el) => ({ el, r: el.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const hh = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 0.5 && hh > 0.5) problems.push({ text: text(a.el), message: `“${text(a.el).slice(0, 20)}”与“${text(b.el).slice(0, 20)}”重叠：请缩短文字` });
    }
  }
  if (doc.documentElement.scrollWidth > win.innerWidth + 1) problems.push({ message: '内容比页面宽：有文字或图表超出了页面' });
  return problems;
}

/** The field of the data a piece of the page shows: the longest field value its text contains. */
export function fieldFor(text, project) {
  if (!text || !project) return undefined;
  const candidates = [];
  for (const [key, value] of Object.entries(project.document ?? {})) {
    if (typeof value === 'string' && value.length >= 2) candidates.push({ value, step: 'document', key });
  }
  for (const f of project.figures) {
    if (!f.included) continue;
    for (const key of ['label', 'fragment']) if (f.fields[key].length >= 2) candidates.push({ value: f.fields[key], step: 'figures', figure: f.id, key });
  }
  candidates.sort((a, b) => b.value.length - a.value.length);
  return candidates.find((c) => text.includes(c.value) || c.value.startsWith(text.replace(/…$/, '')));
}
