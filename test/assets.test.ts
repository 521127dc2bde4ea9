// A page reaches nothing but its own files. Chrome's host resolver knows one name, the asset server on
// loopback, and the server answers only for the templates, the role fonts and the page being rendered.
// Real Chrome, a real local server that must see no request.
import assert from 'node:assert/strict';
import { request, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AssetServer, HOST } from '../src/chrome/assets.js';
import { findBrowser } from '../src/chrome/browser.js';
import { Renderer } from '../src/chrome/render.js';
import { fontFaceCss, resolveFonts, roleFontFiles } from '../src/fonts/fonts.js';
import { TEMPLATES_DIR } from '../src/index.js';

/** GET (or another method) from the asset server, as any local program could. */
function ask(port: number, path: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; cache: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? HOST } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, cache: res.headers['cache-control'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the asset server', () => {
  let assets: AssetServer;
  before(async () => {
    assets = await AssetServer.start({ templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(resolveFonts()), fontCss: '@font-face { font-family: x; }' });
  });
  after(() => assets.close());

  it('listens on loopback only, and serves templates, fonts and the page being rendered', async () => {
    assert.match(assets.chromeArgs.join(' '), new RegExp(`^--host-resolver-rules=MAP ${HOST} 127\\.0\\.0\\.1:${assets.port}, MAP \\* ~NOTFOUND$`));
    const css = await ask(assets.port, '/templates/styles/base.css');
    assert.equal(css.status, 200);
    assert.equal(css.cache, 'no-cache', 'a template may change while a browser lives');
    const fonts = await ask(assets.port, '/fonts/roles.css');
    assert.equal(fonts.status, 200);
    assert.match(fonts.cache!, /max-age=31536000, immutable/, 'Chrome keeps the fonts');
    const woff = await ask(assets.port, '/fonts/@fontsource/noto-sans-sc/files/noto-sans-sc-100-400-normal.woff2', { method: 'HEAD' });
    assert.equal(woff.status, 200);
    const page = assets.addPage('card-x', '<p>hello</p>');
    const path = new URL(page.url).pathname;
    assert.equal((await ask(assets.port, path)).body, '<p>hello</p>');
    page.remove();
    assert.equal((await ask(assets.port, path)).status, 404, 'a page is served only while it renders');
  });

  it('refuses every other path, host and method', async () => {
    for (const path of ['/templates/../package.json', '/templates/%2e%2e/package.json', '/templates/briefing.hbs', '/fonts/@fontsource/noto-sans-sc/../../../package.json', '/etc/passwd', '/', '/page/x/briefing.html', '/fonts/role/body.ttf/..']) {
      assert.equal((await ask(assets.port, path)).status, 404, path);
    }
    assert.equal((await ask(assets.port, '/templates/styles/base.css', { host: `127.0.0.1:${assets.port}` })).status, 403, 'another host name');
    assert.equal((await ask(assets.port, '/templates/styles/base.css', { method: 'POST' })).status, 405);
  });
});

describe('a page reaches nothing outside its own files', { timeout: 120_000 }, () => {
  let local: Server;
  const hits: string[] = [];
  let renderer: Renderer;
  const lines: string[] = [];
  before(async () => {
    local = createServer((req, res) => {
      hits.push(`${req.method} ${req.headers.host}${req.url}`);
      res.end('leaked');
    });
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    const fonts = resolveFonts();
    renderer = await Renderer.launch({ browserPath: (await findBrowser()).path, templatesDir: TEMPLATES_DIR, fontFiles: roleFontFiles(fonts), fontCss: fontFaceCss(fonts), log: (l) => lines.push(l), timeout: 30_000 });
  });
  after(async () => {
    await renderer?.close();
    local?.close();
  });

  it('every outside request fails: other hosts, addresses, loopback ports, file:// — by element, CSS, fetch and WebSocket', async () => {
    const port = (local.address() as AddressInfo).port;
    const outside = [`http://127.0.0.1:${port}/img`, `http://localhost:${port}/img`, `http://[::1]:${port}/img`, 'http://example.com/img.png', 'https://example.com/img.png'];
    const html = `<!doctype html><html><head><link rel="icon" href="data:,">
<link rel="stylesheet" href="http://127.0.0.1:${port}/style.css">
<style>@import url("/fonts/roles.css"); @import url("http://localhost:${port}/import.css"); body { font-family: 'role-body'; background: url("http://127.0.0.1:${port}/bg.png"); }</style>
</head><body><p>outside</p>
${outside.map((u) => `<img src="${u}">`).join('\n')}
<img src="file:///etc/passwd">
<script>
  Promise.allSettled([
    fetch('http://127.0.0.1:${port}/fetch'),
    fetch('http://localhost:${port}/fetch'),
    new Promise((done) => { const ws = new WebSocket('ws://127.0.0.1:${port}/ws'); ws.onerror = ws.onclose = done; setTimeout(done, 2000); }),
  ]).then(() => setTimeout(() => { window.shushuoDone = { problems: [] }; }, 200));
</script></body></html>`;
    // Chrome loads it and prints it (the outside requests are logged, not fatal); the local server saw nothing.
    const pdf = await renderer.pdf({ name: 'outside', html, width: 400, height: 400 }, { outline: false });
    assert.ok(pdf.byteLength > 0);
    assert.deepEqual(hits, [], `the local server was reached:\n${hits.join('\n')}`);
    const failed = lines.filter((l) => /\[outside\] request/.test(l)).join('\n');
    for (const u of [`127.0.0.1:${port}/img`, `localhost:${port}/img`, 'example.com/img.png', `127.0.0.1:${port}/fetch`, `127.0.0.1:${port}/style.css`]) {
      assert.match(failed, new RegExp(u.replace(/[.[\]]/g, '\\$&')), `${u} is logged as failed:\n${failed}`);
    }
    // The same page once more, now in a warm tab (its document swapped in place): still nothing gets out.
    await renderer.pdf({ name: 'outside', html, width: 400, height: 400 }, { outline: false });
    assert.deepEqual(hits, []);
  });

  it('text that Chrome draws in a system font fails the page, naming the font and the text; role fonts pass, in HTML and SVG', async () => {
    const page = (body: string) => `<!doctype html><html lang="zh-CN"><head><link rel="icon" href="data:,"><style>@import url("/fonts/roles.css"); body { font-family: 'role-body'; }</style></head>
<body>${body}<script>window.shushuoDone = { problems: [] };</script></body></html>`;
    const fine = `<p>数说乡村振兴</p><svg width="200" height="40"><text x="0" y="30" font-family="role-heading" font-weight="700">六成 42.5%</text></svg>`;
    const pdf = await renderer.pdf({ name: 'fonts-fine', html: page(fine), width: 400, height: 400 }, { outline: false });
    assert.ok(pdf.byteLength > 0);
    for (const [name, stray, family] of [
      ['fonts-html', `<p style="font-family: 'DejaVu Sans'">Fallback text</p>`, 'DejaVu Sans'],
      ['fonts-svg', `<svg width="200" height="40"><text x="0" y="30" font-family="DejaVu Serif">SVG label</text></svg>`, 'DejaVu Serif'],
    ]) {
      await assert.rejects(renderer.pdf({ name: name!, html: page(fine + stray), width: 400, height: 400 }, { outline: false }), (err: Error) => {
        assert.match(err.message, new RegExp(`^${name}: expected only the role fonts .*received a system font: "${family}" drew part of "(Fallback text|SVG label)"`));
        return true;
      });
    }
  });
});
