// The studio's server as a browser, or an attacker, meets it over HTTP: what it refuses (a wrong file
// type, too large an upload, a broken .docx, a stale version, a name that leaves the projects folder,
// a foreign Host or Origin, a change without the CSRF token) and how it keeps what it accepts
// (versions, restore, a commit cut short, data.yaml edited by hand, the office remembered).
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer from 'puppeteer-core';
import { LAUNCH_ARGS } from '../src/chrome/render.js';
import { findBrowser } from '../src/chrome/browser.js';
import { joinLayoutLines, readDocument } from '../src/data/documents.js';
import { resolveFonts } from '../src/fonts/fonts.js';
import { startStudio, type Studio } from '../src/studio/index.js';
import { PUBLIC_DIR } from '../src/studio/assets.js';
import { folderName, KEEP_VERSIONS } from '../src/studio/projects.js';
import { makeDocx, zip } from './fixtures/studio/docx.js';

const ROOT = resolve('test/__output__/studio-api');
const DIR = join(ROOT, 'projects');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

/** One HTTP request with every header under the test's control (fetch would set Host and Origin itself). */
function send(url: string, method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  const u = new URL(path, url);
  return new Promise((resolveAnswer, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: { host: u.host, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A multipart/form-data body with one file (and a name field). */
function form(filename: string, bytes: Buffer, name = ''): { body: Buffer; headers: Record<string, string> } {
  const boundary = '----shushuo-test-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n${name}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('shushuo studio: the server', { timeout: 60_000 }, () => {
  let studio: Studio;
  let csrf: string;
  const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
  const change = (method: string, path: string, body: unknown, version?: number, extra: Record<string, string> = {}) => {
    const { body: text, ...type } = json(body);
    return send(studio.url, method, path, { body: text, headers: { ...type, 'x-shushuo-csrf': csrf, ...(version !== undefined ? { 'if-match': `"v${version}"` } : {}), ...extra } });
  };
  const upload = (filename: string, bytes: Buffer, name = '') => {
    const f = form(filename, bytes, name);
    return send(studio.url, 'POST', '/api/projects', { body: f.body, headers: { ...f.headers, 'x-shushuo-csrf': csrf } });
  };
  const project = (id: string) => `/api/projects/${encodeURIComponent(id)}`;

  before(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(ROOT, { recursive: true });
    studio = await startStudio({ port: 0, dir: DIR, log: () => undefined, today: () => '2024-03-20' });
    const page = await send(studio.url, 'GET', '/');
    assert.equal(page.status, 200);
    csrf = /name="shushuo-csrf" content="([^"]+)"/.exec(page.text)![1]!;
  });
  after(async () => {
    await studio?.close();
  });

  it('binds 127.0.0.1, and takes the next port when the first is in use', async () => {
    assert.match(studio.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = Number(new URL(studio.url).port);
    const next = await startStudio({ port, dir: DIR, log: () => undefined });
    try {
      assert.equal(Number(new URL(next.url).port), port + 1);
    } finally {
      await next.close();
    }
  });

  it('sends a Content-Security-Policy that keeps the page on its own origin', async () => {
    const page = await send(studio.url, 'GET', '/');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'self'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    // The page names nothing outside the studio: no CDN, no web font from the network.
    for (const file of readdirSync(PUBLIC_DIR)) {
      assert.doesNotMatch(readFileSync(join(PUBLIC_DIR, file), 'utf8'), /https?:\/\/(?!www\.w3\.org\/2000\/svg)/, `${file} loads something from outside`);
    }
    const fonts = await send(studio.url, 'GET', '/static/fonts.css');
    assert.match(fonts.text, /font-family: 'role-heading'/);
    assert.match(fonts.text, /url\(\/fonts\/role\/body\.ttf\)|url\(\/fonts\/@fontsource\/noto-serif-sc\//);
    const face = /url\((\/fonts\/@fontsource\/noto-sans-sc\/files\/[^)]+\.woff2)\)/.exec(fonts.text)![1]!;
    const font = await send(studio.url, 'GET', face);
    assert.equal(font.status, 200);
    assert.equal(font.headers['content-type'], 'font/woff2');
  });

  it('draws every character of its own page with its own fonts (no tofu without CJK system fonts)', () => {
    const heading = resolveFonts().find((f) => f.role === 'heading')!;
    const body = resolveFonts().find((f) => f.role === 'body')!;
    for (const file of readdirSync(PUBLIC_DIR).filter((f) => /\.(js|html)$/.test(f))) {
      const text = readFileSync(join(PUBLIC_DIR, file), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      const missing = [...new Set(text)].filter((c) => c.codePointAt(0)! > 0x7f && !/\s/.test(c) && !heading.covers(c.codePointAt(0)!));
      assert.deepEqual(missing, [], `${file}: characters Noto Sans SC (the page's font) lacks`);
    }
    // The speech is shown in 仿宋 (role-body): the figures' words of the fixture are in it.
    assert.ok([...'全县非公企业党组织覆盖率近40%'].every((c) => body.covers(c.codePointAt(0)!)));
  });

  it('refuses a request whose Host is not the studio (DNS rebinding)', async () => {
    const port = new URL(studio.url).port;
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, 'localhost']) {
      const res = await send(studio.url, 'GET', '/api/projects', { headers: { host } });
      assert.equal(res.status, 403, host);
      assert.equal(res.json().error, 'foreign-host');
    }
    const page = await send(studio.url, 'GET', '/', { headers: { host: `attacker.example:${port}` } });
    assert.equal(page.status, 403);
    assert.doesNotMatch(page.text, new RegExp(csrf), 'the token never goes to a foreign host');
    assert.equal((await send(studio.url, 'GET', '/api/projects', { headers: { host: `localhost:${port}` } })).status, 200);
  });

  it('refuses a change from a foreign Origin, even with the token', async () => {
    const res = await upload('a.txt', Buffer.from('x'));
    void res;
    const f = form('speech.txt', Buffer.from('同志们：今年覆盖率达到40%。'));
    const foreign = await send(studio.url, 'POST', '/api/projects', { body: f.body, headers: { ...f.headers, 'x-shushuo-csrf': csrf, origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json().error, 'foreign-origin');
    const cross = await send(studio.url, 'POST', '/api/projects', { body: f.body, headers: { ...f.headers, 'x-shushuo-csrf': csrf, 'sec-fetch-site': 'cross-site' } });
    assert.equal(cross.status, 403);
    const read = await send(studio.url, 'GET', '/api/projects', { headers: { origin: 'http://evil.example' } });
    assert.equal(read.status, 403);
    const own = await send(studio.url, 'POST', '/api/projects', { body: f.body, headers: { ...f.headers, 'x-shushuo-csrf': csrf, origin: studio.url.replace(/\/$/, '') } });
    assert.equal(own.status, 201);
  });

  it('refuses a change without the CSRF token, or with a wrong one', async () => {
    const f = form('speech.txt', Buffer.from('同志们：今年覆盖率达到40%。'));
    const before = readdirSync(DIR).length;
    for (const token of [undefined, 'guess', `${csrf}x`]) {
      const res = await send(studio.url, 'POST', '/api/projects', { body: f.body, headers: { ...f.headers, ...(token ? { 'x-shushuo-csrf': token } : {}) } });
      assert.equal(res.status, 403, `token ${token}`);
      assert.equal(res.json().error, 'csrf');
      assert.match(res.json().message, /刷新页面/);
    }
    assert.equal(readdirSync(DIR).length, before, 'nothing was created');
  });

  it('creates a project from a .docx: the speech, its text, data.yaml as extract drafts it', async () => {
    const res = await upload('讲话稿.docx', makeDocx());
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.etag, '"v1"');
    const v = res.json();
    const dir = join(DIR, v.id);
    for (const file of ['project.json', 'data.yaml', 'speech.docx', 'speech.txt', 'versions/000001.json']) assert.ok(existsSync(join(dir, file)), file);
    assert.equal(JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')).speech.original, '讲话稿.docx', 'the Chinese file name survives the upload');
    assert.deepEqual(v.figures.map((f: any) => f.printed), ['近40%', '约45%', '300余家', '12家左右', '超过六成', '60名']);
    assert.ok(v.figures.every((f: any) => f.check.ok && f.place), 'every figure is found in the speech');
    assert.equal(v.document.issued, '2024-03-20', 'the date of issue is today');
    assert.deepEqual(v.problems.map((p: any) => `${p.field} ${p.todo ? 'todo' : ''}`), ['document.title todo', 'document.office todo']);
  });

  it('refuses a wrong file type, judged by content and not by name', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const cases: [string, Buffer, number, string, RegExp][] = [
      ['photo.png', png, 415, 'unknown-type', /不支持这种文件/],
      ['speech.txt', Buffer.concat([png, Buffer.alloc(64)]), 415, 'not-text', /不是文本/],
      ['speech.docx', Buffer.from('同志们：这是一份改了扩展名的文本。'), 415, 'type-mismatch', /扩展名不符/],
      ['speech.pdf', makeDocx(), 415, 'type-mismatch', /扩展名不符/],
      ['speech.docx', zip({ 'xl/workbook.xml': '<workbook/>' }), 415, 'not-docx', /不是 Word 文档/],
      ['old.docx', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]), 415, 'legacy-office', /旧版 Word/],
    ];
    for (const [name, bytes, status, code, message] of cases) {
      const res = await upload(name, bytes);
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.equal(res.json().error, code, name);
      assert.match(res.json().message, message, name);
      assert.ok(res.json().detail.startsWith(`${name}: expected`), `${name}: the reader's own message follows: ${res.json().detail}`);
    }
  });

  it('refuses an upload over 20 MB', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x41);
    const res = await upload('speech.txt', big);
    assert.equal(res.status, 413);
    assert.equal(res.json().error, 'too-large');
    assert.match(res.json().message, /最多 20 MB/);
  });

  it('says a broken .docx is broken', async () => {
    const docx = makeDocx();
    const res = await upload('speech.docx', docx.subarray(0, Math.floor(docx.length / 2)));
    assert.equal(res.status, 422);
    assert.equal(res.json().error, 'broken-docx');
    assert.match(res.json().message, /Word 文件已损坏.*另存为 \.docx/);
    assert.match(res.json().detail, /^speech\.docx: expected a Word document \(\.docx\), received a damaged one/);
    const bad = await upload('speech.docx', zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document><w:body><w:p' }));
    assert.equal(bad.status, 422);
    assert.equal(bad.json().error, 'broken-docx');
  });

  it('keeps project names inside the projects folder', async () => {
    for (const name of ['../../escaped', '..', '/etc/passwd', 'a/../../b', 'C:\\Windows', '.hidden', 'con']) {
      const f = folderName(name);
      assert.ok(!f.includes('/') && !f.includes('\\') && !f.startsWith('.') && f !== '..' && f.toLowerCase() !== 'con', `${name} → ${f}`);
    }
    assert.equal(folderName('数说 第10期：基层党建'), '数说-第10期-基层党建');
    const res = await upload('speech.txt', Buffer.from('同志们：今年覆盖率达到40%。'), '../../escaped');
    assert.equal(res.status, 201);
    assert.equal(res.json().id, 'escaped');
    assert.ok(existsSync(join(DIR, 'escaped', 'project.json')));
    assert.ok(!existsSync(join(ROOT, '..', 'escaped')) && !existsSync(join(ROOT, 'escaped')));
    for (const path of ['..%2F..%2Fescaped', '%2e%2e', '..', 'a%2F..%2F..%2Fx', '.hidden', '%00']) {
      const get = await send(studio.url, 'GET', `/api/projects/${path}`);
      assert.ok(get.status === 400 || get.status === 404, `${path}: ${get.status}`);
      assert.notEqual(get.status, 200);
    }
    const traversal = await send(studio.url, 'GET', '/api/projects/escaped/exports/001/files/..%2F..%2Fproject.json');
    assert.equal(traversal.status, 404);
    for (const path of ['/static/..%2F..%2Fserver.ts', '/templates/..%2Fpackage.json', '/fonts/@fontsource/noto-sans-sc/..%2F..%2F..%2Fpackage.json', '/fonts/role/..%2F..%2Fpackage.json']) {
      assert.equal((await send(studio.url, 'GET', path)).status, 404, path);
    }
  });

  it('saves every change as a version, and refuses a change made on an older one (409)', async () => {
    const created = (await upload('speech.docx', makeDocx(), '冲突测试')).json();
    const id = created.id;
    const first = await change('PATCH', `${project(id)}/figures/fig-1/`.replace(/\/$/, ''), { label: '第一个标签页的修改' }, 1);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.etag, '"v2"');
    // The second tab still shows version 1.
    const second = await change('PATCH', `${project(id)}/figures/fig-1`, { label: '第二个标签页的修改' }, 1);
    assert.equal(second.status, 409);
    assert.equal(second.json().error, 'conflict');
    assert.equal(second.json().current, 2);
    assert.match(second.json().message, /没有保存/);
    const now = (await send(studio.url, 'GET', project(id))).json();
    assert.equal(now.figures[0].fields.label, '第一个标签页的修改', 'the first change stands');
    assert.match(readFileSync(join(DIR, id, 'data.yaml'), 'utf8'), /label: 第一个标签页的修改/);
    // Every change names its version.
    const bare = await change('PATCH', `${project(id)}/figures/fig-1`, { label: 'x' });
    assert.equal(bare.status, 428);
  });

  it('validates each edit with the CLI’s rules and messages, and saves it', async () => {
    const id = (await upload('speech.docx', makeDocx(), '校验测试')).json().id;
    const res = await change('PATCH', `${project(id)}/figures/fig-3`, { value: '300家' }, 1);
    assert.equal(res.status, 200);
    const v = res.json();
    const problem = v.problems.find((p: any) => p.figure === 'fig-3' && p.key === 'value');
    assert.equal(problem.message, 'expected a number, or one as the speech writes it (六成, 两千, 3.5万, 1,812), received "300家" (write 300 and set unit: "家")');
    assert.match(problem.line, new RegExp(`^test/__output__/studio-api/projects/${id}/data\\.yaml:\\d+ figures\\[2\\]\\.value: expected a number`));
    assert.equal(v.ready.valid, false);
    // Left out, a figure leaves data.yaml; its field problems go with it.
    const out = (await change('PATCH', `${project(id)}/figures/fig-3`, { included: false }, 2)).json();
    assert.ok(!out.problems.some((p: any) => p.figure === 'fig-3'));
    assert.doesNotMatch(readFileSync(join(DIR, id, 'data.yaml'), 'utf8'), /id: fig-3/);
    assert.equal(out.figures.find((f: any) => f.id === 'fig-3').fields.value, '300家', 'kept in the project');
  });

  it('names a character the fonts lack, at its field, as the CLI does; reorders the figures', async () => {
    const v = (await upload('speech.docx', makeDocx(), '缺字与顺序')).json();
    const res = (await change('PATCH', `${project(v.id)}/figures/fig-2`, { label: '规上企业𠮷' }, v.version)).json();
    const glyph = res.problems.find((p: any) => p.figure === 'fig-2' && p.key === 'label');
    assert.match(glyph.message, /^the character "𠮷" \(U\+20BB7\) is not in /);
    assert.match(glyph.line, /data\.yaml:\d+ figures\[1\]\.label: the character "𠮷"/);
    const ids = ['fig-6', 'fig-1', 'fig-2', 'fig-3', 'fig-4', 'fig-5'];
    const moved = (await change('PUT', `${project(v.id)}/order`, { ids }, res.version)).json();
    assert.deepEqual(moved.figures.map((f: any) => f.id), ids);
    assert.match(readFileSync(join(DIR, v.id, 'data.yaml'), 'utf8'), /figures:\n  - id: fig-6\n/);
    const wrong = await change('PUT', `${project(v.id)}/order`, { ids: ids.slice(1) }, moved.version);
    assert.equal(wrong.status, 409);
  });

  it('keeps the last 50 versions, restores one, and rolls a commit cut short forward', async () => {
    const id = (await upload('speech.docx', makeDocx(), '版本测试')).json().id;
    let version = 1;
    for (let i = 0; i < KEEP_VERSIONS + 5; i++) {
      const res = await change('PATCH', `${project(id)}/document`, { title: `标题${i}` }, version);
      assert.equal(res.status, 200);
      version = res.json().version;
    }
    const versions = (await send(studio.url, 'GET', `${project(id)}/versions`)).json().versions;
    assert.equal(versions.length, KEEP_VERSIONS);
    assert.equal(versions[0].version, version);
    const restored = (await change('POST', `${project(id)}/versions/${version - 3}/restore`, {}, version)).json();
    assert.equal(restored.version, version + 1);
    assert.equal(restored.document.title, `标题${KEEP_VERSIONS + 5 - 4}`);
    // A crash after the snapshot, before project.json: the next read finishes the commit.
    const dir = join(DIR, id);
    const ahead = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
    ahead.version += 1;
    ahead.data.document.title = '快照已写、提交未完成';
    writeFileSync(join(dir, 'versions', `${String(ahead.version).padStart(6, '0')}.json`), JSON.stringify(ahead));
    const read = (await send(studio.url, 'GET', project(id))).json();
    assert.equal(read.version, ahead.version);
    assert.equal(read.document.title, '快照已写、提交未完成');
    assert.match(readFileSync(join(dir, 'data.yaml'), 'utf8'), /title: 快照已写、提交未完成/);
  });

  it('reads in data.yaml edited by hand as a new version', async () => {
    const id = (await upload('speech.docx', makeDocx(), '外部修改')).json().id;
    const file = join(DIR, id, 'data.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('label: 非公企业党组织覆盖率', 'label: 手工改的标签'));
    const v = (await send(studio.url, 'GET', project(id))).json();
    assert.equal(v.version, 2);
    assert.equal(v.figures[0].fields.label, '手工改的标签');
    assert.match(v.note, /工作室外被修改/);
  });

  it('remembers an office: a new project gets its name, 代字 and the next issue', async () => {
    const id = (await upload('speech.docx', makeDocx(), '机关一')).json().id;
    await change('PATCH', `${project(id)}/document`, { office: '中共示例县委组织部', officeCode: '示组', issue: '7' }, 1);
    // The issue counts once a briefing is exported; here the memory is set as an export would.
    const { ProjectStore } = await import('../src/studio/projects.js');
    new ProjectStore(DIR).rememberOffice({ office: '中共示例县委组织部', issue: 7 }, { issue: true });
    const next = (await upload('speech.docx', makeDocx(), '机关二')).json();
    assert.equal(next.document.office, '中共示例县委组织部');
    assert.equal(next.document.officeCode, '示组');
    assert.equal(next.document.issue, 8);
    const list = (await send(studio.url, 'GET', '/api/projects')).json();
    assert.equal(list.offices['中共示例县委组织部'].lastIssue, 7);
  });

  it('adds a figure from words selected in the speech', async () => {
    const v = (await upload('speech.txt', Buffer.from('同志们：\n一、工作回顾\n全县发展党员1200名，培训干部3.5万人次。\n'), '选取测试')).json();
    const text: string = v.speech.text;
    const start = text.indexOf('培训干部');
    const res = await change('POST', `${project(v.id)}/figures`, { start, end: start + '培训干部3.5万人次'.length }, v.version);
    assert.equal(res.status, 201, res.text);
    const added = res.json().figures.find((f: any) => f.id === res.headers['x-shushuo-added']);
    assert.equal(added.fields.fragment, '培训干部3.5万人次');
    assert.equal(added.printed, '3.5万人次');
    assert.equal(added.check.ok, true);
    const none = await change('POST', `${project(v.id)}/figures`, { start: 0, end: 4 }, res.json().version);
    assert.equal(none.status, 422);
    assert.match(none.json().message, /没有找到带单位的数字/);
  });

  it('refuses to export before every figure is signed off (423)', async () => {
    const v = (await upload('speech.docx', makeDocx(), '导出锁定')).json();
    const res = await change('POST', `${project(v.id)}/exports`, { only: ['briefing'], bleedMm: 0, marks: false, cmyk: false }, v.version);
    assert.equal(res.status, 423);
    assert.equal(res.json().error, 'not-signed-off');
    assert.match(res.json().message, /导出已锁定：还有 6 个数据未经审校确认/);
    assert.ok(!existsSync(join(DIR, v.id, 'exports')), 'nothing written');
    // Signing off needs a name; an edit after sign-off takes the confirmation back.
    const nameless = await change('PUT', `${project(v.id)}/signoff`, { reviewer: ' ', confirm: 'all' }, v.version);
    assert.equal(nameless.status, 422);
    const signed = (await change('PUT', `${project(v.id)}/signoff`, { reviewer: '王审校', confirm: 'all' }, v.version)).json();
    assert.deepEqual(signed.ready.unconfirmed, []);
    const edited = (await change('PATCH', `${project(v.id)}/figures/fig-2`, { label: '规上企业党组织覆盖' }, signed.version)).json();
    assert.deepEqual(edited.ready.unconfirmed, ['fig-2']);
    // Signed off, the data must still be complete: the CLI's message comes back.
    const again = (await change('PUT', `${project(v.id)}/signoff`, { reviewer: '王审校', confirm: ['fig-2'] }, edited.version)).json();
    const unfinished = await change('POST', `${project(v.id)}/exports`, { only: ['briefing'], bleedMm: 0, marks: false, cmyk: false }, again.version);
    assert.equal(unfinished.status, 422);
    assert.equal(unfinished.json().error, 'invalid-data');
    assert.match(unfinished.json().detail, /document\.title: expected your text, received the placeholder 待填写/);
  });

  it('reads a text PDF with pdftotext -layout, a paragraph per line', async () => {
    assert.equal(
      joinLayoutLines('        在全县会议上的讲话\n\n    同志们：\n        一年来，全县非公企业党组织覆盖率近40%，规模以上企业中建立党\n    组织的约占45%。\n\f                 — 1 —\n        二、今年任务\n'),
      '在全县会议上的讲话\n同志们：\n一年来，全县非公企业党组织覆盖率近40%，规模以上企业中建立党组织的约占45%。\n二、今年任务\n',
    );
    // A real PDF with Chinese text, printed by Chrome with the studio's fonts.
    const browser = await puppeteer.launch({ executablePath: (await findBrowser()).path, pipe: true, headless: true, args: LAUNCH_ARGS });
    let pdf: Uint8Array;
    try {
      const page = await browser.newPage();
      await page.goto(`${studio.url}static/notice.css`);
      await page.setContent(`<link rel="stylesheet" href="${studio.url}static/fonts.css"><body style="font-family: role-heading; font-size: 14pt; width: 150mm">${['在全县非公经济组织党建工作推进会上的讲话', '同志们：', '一年来，全县非公企业党组织覆盖率近40%，规模以上企业中建立党组织的约占45%。全县共有非公企业300余家，新建党群服务中心12家左右。'].map((p) => `<p>${p}</p>`).join('')}</body>`, { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      pdf = await page.pdf({ format: 'A4' });
    } finally {
      await browser.close();
    }
    const doc = await readDocument(pdf, 'speech.pdf');
    assert.equal(doc.kind, 'pdf');
    assert.match(doc.text, /全县非公企业党组织覆盖率近40%，规模以上企业中建立党组织的约占45%。全县共有非公企业300余家/);
    const res = await upload('讲话.pdf', Buffer.from(pdf), 'PDF 项目');
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json().figures.map((f: any) => f.printed), ['近40%', '约45%', '300余家', '12家左右']);
  });
});
