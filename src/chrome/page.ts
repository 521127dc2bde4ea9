// A page: load a document into a tab, wait until it says it is done, and check it is fit to print.
// A tab is kept warm between documents (the renderer process, its memory cache of fonts and parsed
// style sheets), so the next document only navigates; its checks run in one round trip to the page.

import type { CDPSession, Page } from 'puppeteer-core';
import type { ServedPage } from './assets.js';
import { ORIGIN } from './assets.js';
import type { Chrome } from './chrome.js';
import { RenderError } from './errors.js';

export interface Viewport {
  width: number;
  height: number;
  deviceScaleFactor: number;
}

export interface LoadOptions {
  /** Per role family, the characters its face has: a page that draws another in that role fails */
  coverage?: Record<string, string>;
  /** Time to wait for the page to load and say it is done, ms */
  timeout: number;
  /** The page's console and failed requests; nothing is said once the browser is gone */
  log: (line: string) => void;
  /** The page will be captured: its two frames (see drawn) are waited for while its fonts are checked */
  capture?: boolean;
}

/** What the page of the job in hand reports, while it is loaded. */
interface Current {
  name: string;
  failures: string[];
  crashed: (err: Error) => void;
  log: (line: string) => void;
}

/** A tab over its own CDP session, kept for document after document. */
export class WarmPage {
  #current: Current | undefined;
  #viewport: Viewport | undefined;
  /** Two frames of the loaded document, asked for once it was done (see drawn) */
  #frames: Promise<unknown> | undefined;
  /** Documents loaded in it */
  uses = 0;
  /** It crashed, or a job left it in a state no other should inherit */
  broken = false;

  private constructor(
    readonly page: Page,
    readonly cdp: CDPSession,
  ) {
    page.on('error', (err) => {
      this.broken = true;
      this.#current?.crashed(new RenderError(`${this.#current.name}: the page crashed in Chrome (${err.message.replace(/!$/, '')}: its renderer process died, e.g. out of memory)`, { cause: err }));
    });
    page.on('console', (msg) => this.#current?.log(`  [${this.#current.name} console.${msg.type()}] ${msg.text()}`));
    page.on('pageerror', (err) => this.#current?.failures.push(`script error: ${(err as Error).message}`));
    page.on('requestfailed', (req) => {
      const c = this.#current;
      if (!c) return;
      const why = req.failure()?.errorText ?? 'failed';
      c.log(`  [${c.name}] request ${why}: ${req.url()}`);
      if (req.url().startsWith(`${ORIGIN}/`)) c.failures.push(`missing asset ${req.url().slice(ORIGIN.length)}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) this.#current?.failures.push(`${res.status()} for ${res.url().replace(ORIGIN, '')}`);
    });
  }

  static async open(chrome: Chrome): Promise<WarmPage> {
    const page = await chrome.newPage();
    try {
      const cdp = await page.createCDPSession();
      // For checkFonts, on for the tab's life: enabling the CSS agent took 25 ms of each card.
      await Promise.all([cdp.send('DOM.enable'), cdp.send('CSS.enable')]);
      return new WarmPage(page, cdp);
    } catch (err) {
      await page.close().catch(() => undefined);
      throw err;
    }
  }

  get viewport(): Viewport | undefined {
    return this.#viewport;
  }

  /**
   * The page's size in CSS px and its scale. Set on the session that captures: the metrics override
   * must be on the session that captures, or the capture comes out at scale 1.
   */
  async setViewport(viewport: Viewport): Promise<void> {
    const v = this.#viewport;
    if (v && v.width === viewport.width && v.height === viewport.height && v.deviceScaleFactor === viewport.deviceScaleFactor) return;
    this.#frames = undefined; // frames at the old size do not count
    await this.cdp.send('Emulation.setDeviceMetricsOverride', { ...viewport, mobile: false });
    this.#viewport = { ...viewport };
  }

  /** Start reporting for a job; `crashed` is called should the page's renderer die. */
  begin(name: string, log: (line: string) => void, crashed: (err: Error) => void): void {
    this.#current = { name, failures: [], crashed, log };
  }

  end(): void {
    this.#current = undefined;
  }

  /**
   * Load the document and wait until its fonts are ready and it has said it is done; then check it:
   * failed requests and script errors, the fit contract (layoutProblems), every character in its
   * role's face (uncoveredChars) and which fonts Chrome really drew with (checkFonts).
   *
   * A fresh tab navigates to the document (`serve` gives its address). A warm tab swaps its document
   * in place (document.open/write): no navigation, and the style sheets and fonts stay decoded, which
   * took a card from some 330 ms to 90 ms on a loaded machine. The globals a page's scripts set are
   * removed first, so nothing of the document before is left.
   */
  async load(html: string, serve: () => ServedPage, options: LoadOptions): Promise<void> {
    const c = this.#current;
    if (!c) throw new Error('WarmPage.load: begin() first');
    if (this.uses === 0) {
      // The window's own globals, before any document of ours has added to them.
      this.#globals = await this.page.evaluate(() => Object.keys(window));
      await this.page.goto(serve().url, { waitUntil: 'load', timeout: options.timeout });
    } else {
      await this.page.evaluate(SWAP, { html, keep: this.#globals, viewport: this.#viewport! });
    }
    this.uses++;
    const ready = await this.page.evaluate(READY_AND_CHECKED, { coverage: options.coverage ?? null, timeout: options.timeout });
    if (ready.late) throw new RenderError(`${c.name}: the page did not say it was done within ${options.timeout / 1000} s`);
    const problems = [...c.failures, ...ready.problems];
    if (problems.length > 0) throw new RenderError(`${c.name}: the page is not fit to print:\n  ${problems.join('\n  ')}`);
    // The frames go by while the fonts are checked (the WeChat cover's pipeline took 107–113 ms, not
    // 125–133): the font probes are drawn far off the page, so a frame with or without them holds the
    // same pixels (every default output came out byte-identical to before).
    if (options.capture) {
      this.#frames = this.page.evaluate(TWO_FRAMES);
      this.#frames.catch(() => undefined);
    }
    await checkFonts(this.page, this.cdp, c.name);
  }

  /**
   * Resolves once the page has drawn two frames since its document was done, or since now when none
   * were asked for at its load (or its size changed since).
   */
  async drawn(): Promise<void> {
    const frames = this.#frames ?? this.page.evaluate(TWO_FRAMES);
    this.#frames = undefined;
    await frames;
  }

  /** The window's own globals of a blank tab: what any document's scripts add is removed before the next. */
  #globals: string[] = [];

  async close(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
    await this.page.close().catch(() => undefined);
  }
}

/**
 * Runs in the page: resolves after two animation frames (or a second, should frames not come).
 * Capture what the page looks like once it has drawn its last change: a capture right after the
 * page said it was done sometimes held the frame before (the A3 poster's ring chart off by up to
 * 11 levels on 28 edge pixels, in 3 of 9 runs); after two animation frames, never (0 of 17).
 */
const TWO_FRAMES = 'new Promise((done) => { requestAnimationFrame(() => requestAnimationFrame(() => done(undefined))); setTimeout(done, 1000); })';

/** Runs in the page: replace the document with `html`, after removing what the last one's scripts set on the window. */
const SWAP = new Function(`return async ({ html, keep, viewport }) => {
  // A new size reaches the page a moment after it is set: lay nothing out before it has.
  const end = Date.now() + 2000;
  while ((innerWidth !== viewport.width || innerHeight !== viewport.height || devicePixelRatio !== viewport.deviceScaleFactor) && Date.now() < end) {
    await new Promise((done) => setTimeout(done, 5));
  }
  const own = new Set(keep);
  for (const key of Object.keys(window)) if (!own.has(key)) try { delete window[key]; } catch (e) { window[key] = undefined; }
  document.open();
  document.write(html);
  document.close();
};`)() as (arg: { html: string; keep: string[]; viewport: Viewport }) => Promise<void>;

/**
 * Runs in the page, in one round trip: wait for the fonts and the page's own done signal
 * (window.shushuoDone, see templates/partials/ready.hbs), then run every check that reads the page.
 */
const READY_AND_CHECKED = new Function(`return async ({ coverage, timeout }) => {
  const end = Date.now() + timeout;
  while (!window.shushuoDone || document.readyState !== 'complete') {
    if (Date.now() > end) return { problems: [], late: true };
    await new Promise((done) => setTimeout(done, 5));
  }
  await document.fonts.ready;
  const problems = [...(window.shushuoDone.problems || []), ...(${layoutProblems.toString()})(), ...(${uncoveredChars.toString()})(coverage)];
  if (problems.length === 0) (${addFontProbes.toString()})();
  return { problems };
};`)() as (arg: { coverage: Record<string, string> | null; timeout: number }) => Promise<{ problems: string[]; late?: boolean }>;

/**
 * Runs in the page: boxes marked data-fit whose text overflows them (after headlines marked
 * data-fit-min have shrunk as far as they may), boxes marked data-box that overlap another,
 * and content wider than the page.
 */
function layoutProblems(): string[] {
  // No named inner functions here: the page has no __name helper that the TypeScript loader adds to them.
  const problems: string[] = [];
  const label = new Map<Element, string>();
  for (const el of Array.from(document.querySelectorAll('[data-fit], [data-box]'))) {
    label.set(el, `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> "${(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40)}"`);
  }
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('[data-fit]'))) {
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      const min = el.getAttribute('data-fit-min');
      const shrunk = min ? ` even at ${Math.round(Number(min) * 100)}% of its size (shorten the text)` : '';
      problems.push(`${label.get(el)} does not fit${shrunk}: needs ${el.scrollWidth}×${el.scrollHeight} px, has ${el.clientWidth}×${el.clientHeight} px`);
    }
  }
  const boxes = Array.from(document.querySelectorAll('[data-box]')).map((el) => ({ el, r: el.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 0.5 && h > 0.5) problems.push(`${label.get(a.el)} overlaps ${label.get(b.el)} by ${w.toFixed(1)}×${h.toFixed(1)} px`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    const wide = Array.from(document.querySelectorAll<HTMLElement>('body *')).find((el) => el.getBoundingClientRect().right > window.innerWidth + 1);
    const what = wide ? `<${wide.tagName.toLowerCase()} class="${wide.getAttribute('class') ?? ''}">` : 'something';
    problems.push(`the content is ${document.documentElement.scrollWidth} px wide, the page ${window.innerWidth} px (first too wide: ${what})`);
  }
  return problems;
}

/** Marks the probes addFontProbes puts into the page (its own copy of the name: it runs in the page), which checkFonts takes out. */
const PROBE = 'data-shushuo-font-probe';

/**
 * Runs in the page, after the layout checks: for each font setting its text is drawn with (family
 * list, weight, style, stretch, language), one element out of sight holding every character drawn
 * with it. Chrome picks a fallback font by these alone, so the fonts it uses for the probes are the
 * fonts it used for the page: checkFonts asks about a few probes, not about every text node.
 */
function addFontProbes(): void {
  const probes = new Map<string, { style: CSSStyleDeclaration; lang: string; chars: Set<string> }>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.nodeValue ?? '';
    if (!el || !text.trim() || el.closest('script, style, title, desc')) continue;
    const style = getComputedStyle(el);
    const lang = (el.closest('[lang]') as HTMLElement | null)?.lang ?? '';
    const key = [style.fontFamily, style.fontWeight, style.fontStyle, style.fontStretch, lang].join('|');
    let probe = probes.get(key);
    if (!probe) probes.set(key, (probe = { style, lang, chars: new Set() }));
    // text-transform draws other characters than the node holds: both cases are asked about.
    for (const c of text + text.toUpperCase() + text.toLowerCase()) if (!/\s/.test(c)) probe.chars.add(c);
  }
  for (const { style, lang, chars } of probes.values()) {
    const span = document.createElement('span');
    span.setAttribute('data-shushuo-font-probe', '');
    if (lang) span.lang = lang;
    span.style.cssText = 'position:absolute;left:-100000px;top:0;white-space:pre;text-transform:none';
    span.style.fontFamily = style.fontFamily;
    span.style.fontWeight = style.fontWeight;
    span.style.fontStyle = style.fontStyle;
    span.style.fontStretch = style.fontStretch;
    span.textContent = [...chars].join('');
    document.body.appendChild(span);
  }
  // Laid out now: Chrome names the fonts of a node only from its layout, and an unlaid probe names none.
  void document.body.offsetWidth;
}

/**
 * Runs in the page: each character of a text node that the face of its element's role lacks.
 * Without a system font that has one, Chrome draws the face's empty box (tofu) and still names
 * the role's font, so checkFonts cannot see it.
 */
function uncoveredChars(coverage: Record<string, string> | null): string[] {
  const problems: string[] = [];
  if (!coverage) return problems;
  const seen = new Set<string>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('script, style')) continue;
    const family = getComputedStyle(el).fontFamily.split(',')[0]!.trim().replace(/^["']|["']$/g, '');
    const has = coverage[family];
    if (has === undefined) continue; // not a role: checkFonts names it
    for (const c of node.nodeValue ?? '') {
      if (/[\s\p{Cf}]/u.test(c) || has.includes(c) || seen.has(family + c)) continue;
      seen.add(family + c);
      const code = c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 30);
      problems.push(`"${c}" (U+${code}) in <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> "${text}" is not in the face of ${family}: the face lacks it, or the text of the run (src/fonts/subset.ts drawnText) misses it`);
    }
  }
  return problems;
}

/**
 * Ask Chrome which fonts really drew the page's text: a silent fallback to a system font fails the
 * render. It asks about the probes addFontProbes left (a few, not the hundreds of text nodes of a
 * briefing: asking each took 30 ms of a card and more of the briefing), then takes them out. Only when
 * a probe names a system font are the text nodes asked one by one, to say which text it drew.
 * Only the asset server serves fonts to the page (every other host is unreachable), so a web font is one of the roles.
 */
async function checkFonts(page: Page, cdp: CDPSession, name: string): Promise<void> {
  let stray = false;
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: `[${PROBE}]` });
    const answers = await Promise.all(nodeIds.map((nodeId) => cdp.send('CSS.getPlatformFontsForNode', { nodeId })));
    stray = answers.some(({ fonts }) => fonts.some((f) => !f.isCustomFont));
  } finally {
    await page.evaluate(`document.querySelectorAll('[${PROBE}]').forEach((el) => el.remove())`);
  }
  if (stray) await eachTextNode(cdp, name);
}

/** Which text each system font drew, asked node by node; fails naming them. */
async function eachTextNode(cdp: CDPSession, name: string): Promise<void> {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: false });
  type DomNode = { nodeId: number; nodeType: number; nodeName: string; nodeValue: string; children?: DomNode[] };
  const withText: { nodeId: number; text: string }[] = [];
  const walk = (node: DomNode) => {
    if (['SCRIPT', 'STYLE', 'HEAD', 'TITLE', 'DESC'].includes(node.nodeName.toUpperCase())) return;
    const text = (node.children ?? []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join('').trim();
    if (text) withText.push({ nodeId: node.nodeId, text });
    for (const child of node.children ?? []) walk(child);
  };
  walk(root as DomNode);
  const strays = new Map<string, string>();
  const answers = await Promise.all(withText.map(({ nodeId }) => cdp.send('CSS.getPlatformFontsForNode', { nodeId })));
  for (const [i, { fonts }] of answers.entries()) {
    const { text } = withText[i]!;
    for (const f of fonts) {
      if (!f.isCustomFont && !strays.has(f.familyName)) strays.set(f.familyName, text.slice(0, 30));
    }
  }
  const list = [...strays].map(([family, text]) => `"${family}" drew part of "${text}"`).join('; ');
  throw new RenderError(`${name}: expected only the role fonts (role-title, role-body, role-heading, role-subheading, role-number), received a system font: ${list || 'one the probes of its font settings found, though no text node names it'}. A character is missing from the role's face, or a style names a font that is not a role.`);
}
