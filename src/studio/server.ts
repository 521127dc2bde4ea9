// The studio's routes. Each is thin, as the CLI is: read the request, call the library (extract,
// checkData, verify, renderHtml, runJob), map errors to status codes — bad input 400, a foreign
// request or a missing CSRF token 403, no such project 404, a stale version 409, an upload too
// large 413, a file of the wrong type 415, data the CLI would refuse 422 (with the CLI's message),
// an export before sign-off 423.
//
//   GET    /                                          the page (with its CSRF token)
//   GET    /static/*, /templates/*, /fonts/*           the page's assets, the templates' styles, the role fonts
//   GET    /api/projects                              the projects, and what is remembered per office
//   POST   /api/projects                              a new project: a speech (.docx .pdf .txt .md) or a data file (.yaml), or {name, text} pasted
//   GET    /api/projects/:id                          the project as the page shows it (ETag: its version)
//   PATCH  /api/projects/:id/document                 change the masthead's fields
//   PATCH  /api/projects/:id/figures/:fig             change a figure (or leave it out)
//   POST   /api/projects/:id/figures                  a figure from words selected in the speech
//   PUT    /api/projects/:id/order                    the order of the figures
//   PUT    /api/projects/:id/signoff                  confirm figures (or take a confirmation back)
//   POST   /api/projects/:id/speech                   give a project made from a data file its speech
//   GET    /api/projects/:id/versions                 the last 50 versions
//   POST   /api/projects/:id/versions/:n/restore      make version n the newest again
//   GET    /api/projects/:id/outputs                  every output, with its page size
//   GET    /api/projects/:id/preview/:output          the output's HTML, as Chrome would print it
//   POST   /api/projects/:id/icc                      a CMYK ICC profile for the export
//   POST   /api/projects/:id/exports                  start an export (refused before sign-off)
//   GET    /api/projects/:id/exports                  the exports so far
//   GET    /api/projects/:id/exports/:n/events        an export's progress (server-sent events)
//   GET    /api/projects/:id/exports/:n/files/:file   one file of an export
//   GET    /api/projects/:id/exports/:n/zip           all files of an export as a ZIP
//
// Every change names the version it was made on (If-Match: "v12"); the answer is the project at its
// new version (ETag: "v13").

import { createReadStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { extname, basename } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import { DataError, readYaml } from '../data/load.js';
import { draftYaml, extractFigures, findSections, fragmentProblem, TODO, type ExtractedSection } from '../data/extract.js';
import { DocumentError, readDocument } from '../data/documents.js';
import { decodeText, MAX_SPEECH_BYTES } from '../data/text.js';
import { FIGURE_KINDS } from '../data/types.js';
import type { RoleFace } from '../fonts/fonts.js';
import { checkIcc } from '../jobs/options.js';
import { sha256, writeAtomic } from '../output/write.js';
import { escapeXml } from '../charts/svg.js';
import { OutputNameError } from '../view/outputs.js';
import { buildView, type View } from '../view/views.js';
import { UserError, messageOf } from '../errors.js';
import type { SpeechData } from '../data/types.js';
import { analyse, locate, type Analysis } from './analysis.js';
import { previewFontCss, registerAssets } from './assets.js';
import { ExportRefused, Exporter } from './exports.js';
import { Guard, setSecurityHeaders } from './guard.js';
import { outputGroups, PREVIEW_CSP, previewHtml, previewOutputs } from './preview.js';
import { BadProjectName, figureHash as figureHashOf, ProjectNotFound, ProjectStore, SPEECH_TEXT, VersionConflict, type ExportChoice, type ProjectState, type RawData, type RawFigure } from './projects.js';

/** Uploads: a speech, a data file or an ICC profile. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface StudioServerOptions {
  /** The projects folder */
  dir: string;
  templatesDir: string;
  fonts: RoleFace[];
  /** Chrome for exports; found when absent */
  browser?: string;
  log: (line: string) => void;
  /** Today's date as YYYY-MM-DD (a new project's date of issue); the clock when absent */
  today?: () => string;
}

export interface StudioServer {
  app: FastifyInstance;
  guard: Guard;
  store: ProjectStore;
}

/** A bad request, in the page's words. */
class BadRequest extends Error {
  constructor(message: string, readonly status = 400, readonly code = 'bad-request') {
    super(message);
  }
}

const DOCUMENT_FIELDS = ['title', 'subtitle', 'masthead', 'office', 'officeCode', 'issue', 'issued', 'speaker', 'meeting', 'speechTitle', 'speechDate', 'sourceNote', 'distribution', 'docNumber', 'copyTo', 'keywords'] as const;
const FIGURE_FIELDS = ['label', 'value', 'unit', 'qualifier', 'kind', 'section', 'fragment'] as const;
/** Fields as the versions list names them. */
const FIELD_NAMES: Record<string, string> = {
  label: '标签', value: '数值', unit: '单位', qualifier: '限定词', kind: '类型', section: '所在部分', fragment: '原文',
  title: '简报标题', subtitle: '副标题', masthead: '报头', office: '发文机关', officeCode: '机关代字', issue: '期号', issued: '印发日期',
  speaker: '讲话人', meeting: '会议名称', speechTitle: '讲话标题', speechDate: '讲话日期', sourceNote: '整理说明', distribution: '发送范围',
  docNumber: '发文字号', copyTo: '抄送', keywords: '关键词',
};
const named = (keys: string[]) => keys.map((k) => FIELD_NAMES[k] ?? k).join('、');

export function createStudioServer(options: StudioServerOptions): StudioServer {
  const store = new ProjectStore(options.dir);
  store.sweep();
  const guard = new Guard();
  const exporter = new Exporter(store, { templatesDir: options.templatesDir, browser: options.browser, log: options.log });
  const fontCss = previewFontCss(options.fonts);
  const today = options.today ?? (() => localDate(new Date()));
  /** The last preview data of each project that had one: shown while the data has a problem. */
  const lastGood = new Map<string, { version: number; data: SpeechData; view: View }>();

  const app = Fastify({ logger: false, bodyLimit: MAX_UPLOAD_BYTES + 1024 * 1024, trustProxy: false });
  app.addHook('onRequest', guard.hook);
  app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 8, fieldSize: 64 * 1024 } });
  registerAssets(app, { templatesDir: options.templatesDir, fonts: options.fonts, csrf: guard.csrf });
  app.setErrorHandler((err, _req, reply) => sendError(reply, err, options.log));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not-found', message: '没有这个页面。' }));

  const view = (id: string, state: ProjectState): Analysis => {
    const analysis = analyse(store, id, state, options.fonts);
    if (analysis.data) {
      try {
        lastGood.set(id, { version: state.version, data: analysis.data, view: buildView(analysis.data) });
      } catch { /* an unfinished date: the last good view stays */ }
    }
    return analysis;
  };
  const answer = (reply: FastifyReply, id: string, state: ProjectState, status = 200) => {
    const { view: v } = view(id, state);
    return reply.code(status).header('etag', `"v${state.version}"`).header('cache-control', 'no-store').send({ ...v, exportOptions: readExportChoice(store, id) });
  };
  const param = (req: FastifyRequest, name: string) => String((req.params as Record<string, string>)[name] ?? '');
  const projectId = (req: FastifyRequest) => {
    const id = param(req, 'id');
    store.dir(id); // BadProjectName for anything that could leave the folder
    if (!store.exists(id)) throw new ProjectNotFound(id);
    return id;
  };
  /** The version a change was made on: If-Match: "v12". */
  const expected = (req: FastifyRequest): number => {
    const m = /^(?:W\/)?"v(\d+)"$/.exec(String(req.headers['if-match'] ?? ''));
    if (!m) throw new BadRequest('缺少版本号（If-Match）：请刷新页面后再试。', 428, 'version-required');
    return Number(m[1]);
  };
  const body = (req: FastifyRequest): Record<string, unknown> => {
    const b = req.body;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw new BadRequest('请求的内容不是一个对象。');
    return b as Record<string, unknown>;
  };

  // --- projects ----------------------------------------------------------------------------

  app.get('/api/projects', async () => ({ projects: store.list(), offices: store.offices(), lastOffice: store.lastOffice() ?? null, groups: outputGroups() }));

  app.post('/api/projects', async (req, reply) => {
    let created: ProjectState & { id: string };
    if (req.isMultipart()) {
      const { name, filename, bytes } = await upload(req);
      created = isDataFile(filename)
        ? dataProject(store, name, filename, bytes)
        : await speechProject(store, name, { original: filename, bytes, today: today() });
    } else {
      const b = body(req);
      const text = typeof b.text === 'string' ? b.text : '';
      if (text.trim() === '') throw new BadRequest('请粘贴讲话的文字。');
      if (Buffer.byteLength(text) > MAX_SPEECH_BYTES) throw new BadRequest(`粘贴的文字超过 ${MAX_SPEECH_BYTES / 1024 / 1024} MB。`, 413, 'too-large');
      created = await speechProject(store, typeof b.name === 'string' ? b.name : '', { original: '粘贴的文字', text, today: today() });
    }
    return answer(reply, created.id, created, 201);
  });

  app.get('/api/projects/:id', async (req, reply) => {
    const id = projectId(req);
    const state = store.read(id);
    return answer(reply, id, state);
  });

  app.patch('/api/projects/:id/document', async (req, reply) => {
    const id = projectId(req);
    const changes = body(req);
    for (const key of Object.keys(changes)) if (!(DOCUMENT_FIELDS as readonly string[]).includes(key)) throw new BadRequest(`文稿信息没有“${key}”这一项。`);
    const state = store.update(id, expected(req), (s) => {
      const doc = s.data.document ?? (s.data.document = {});
      for (const [key, value] of Object.entries(changes)) setDocumentField(doc, key, value);
      return `修改文稿信息：${named(Object.keys(changes))}`;
    });
    store.rememberOffice(state.data.document);
    return answer(reply, id, state);
  });

  app.patch('/api/projects/:id/figures/:fig', async (req, reply) => {
    const id = projectId(req);
    const fig = param(req, 'fig');
    const changes = body(req);
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'included' ? typeof value !== 'boolean' : !(FIGURE_FIELDS as readonly string[]).includes(key) || typeof value !== 'string') {
        throw new BadRequest(`数据没有“${key}”这一项，或它的值不对。`);
      }
    }
    const state = store.update(id, expected(req), (s) => {
      const figure = s.data.figures.find((f) => f.id === fig);
      if (!figure) throw new ProjectNotFound(`${id}/${fig}`);
      const edits = Object.keys(changes).filter((k) => k !== 'included');
      for (const key of edits) setFigureField(figure, key, changes[key] as string);
      if (typeof changes.included === 'boolean') {
        s.excluded = s.excluded.filter((x) => x !== fig);
        if (!changes.included) s.excluded.push(fig);
      }
      // A figure that changes after it was signed off must be confirmed again.
      if (edits.length > 0) delete s.signoff.figures[fig];
      const what = typeof changes.included === 'boolean' ? (changes.included ? '采用' : '不采用') : `修改${named(edits)}`;
      return `${what}：${figure.label ?? fig}`;
    });
    return answer(reply, id, state);
  });

  app.post('/api/projects/:id/figures', async (req, reply) => {
    const id = projectId(req);
    const b = body(req);
    const current = store.read(id);
    if (!current.speech) throw new BadRequest('这个项目没有讲话稿，不能从讲话中选取数据。');
    const speech = readFileSync(store.file(id, SPEECH_TEXT), 'utf8');
    const start = Number(b.start);
    const end = Number(b.end);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > speech.length || end <= start) throw new BadRequest('选中的位置不对：请在讲话中重新选择。');
    if (end - start > 200) throw new BadRequest('选中的文字太长：请只选包含数字的那一句话（最多 200 字）。', 422, 'selection-too-long');
    const figure = figureFromSelection(speech, start, end, current);
    const state = store.update(id, expected(req), (s) => {
      // In the speech's order: after the last figure that stands before the selection.
      const at = s.data.figures.reduce((n, f, i) => ((locate(speech, f.fragment ?? '')?.start ?? -1) <= start ? i + 1 : n), 0);
      s.data.figures.splice(at, 0, figure);
      return `从讲话中添加数据：${figure.fragment}`;
    });
    reply.header('x-shushuo-added', figure.id);
    return answer(reply, id, state, 201);
  });

  app.put('/api/projects/:id/order', async (req, reply) => {
    const id = projectId(req);
    const ids = body(req).ids;
    if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string')) throw new BadRequest('顺序应是数据编号的列表。');
    const state = store.update(id, expected(req), (s) => {
      const have = s.data.figures.map((f) => f.id);
      if (ids.length !== have.length || new Set(ids).size !== ids.length || !ids.every((x) => have.includes(x))) throw new BadRequest('顺序里的数据与项目里的不一致：请刷新页面。', 409, 'conflict');
      s.data.figures = ids.map((x) => s.data.figures.find((f) => f.id === x)!);
      return '调整数据顺序';
    });
    return answer(reply, id, state);
  });

  app.put('/api/projects/:id/signoff', async (req, reply) => {
    const id = projectId(req);
    const b = body(req);
    const reviewer = typeof b.reviewer === 'string' ? b.reviewer.trim() : '';
    const confirm = b.confirm === 'all' ? 'all' : Array.isArray(b.confirm) ? b.confirm.map(String) : [];
    const unconfirm = Array.isArray(b.unconfirm) ? b.unconfirm.map(String) : [];
    if ((confirm === 'all' || confirm.length > 0) && reviewer === '') throw new BadRequest('请先填写审校人的姓名。', 422, 'reviewer-required');
    if ([...reviewer].length > 30) throw new BadRequest('审校人姓名最多 30 个字。', 422, 'reviewer-too-long');
    const state = store.update(id, expected(req), (s) => {
      const live = s.data.figures.filter((f) => !s.excluded.includes(f.id));
      const ids = confirm === 'all' ? live.map((f) => f.id) : confirm;
      for (const fid of ids) {
        const f = live.find((x) => x.id === fid);
        if (!f) throw new BadRequest(`没有要确认的数据“${fid}”。`);
        s.signoff.figures[fid] = { by: reviewer, at: new Date().toISOString(), hash: figureHashOf(f) };
      }
      for (const fid of unconfirm) delete s.signoff.figures[fid];
      if (reviewer) s.signoff.reviewer = reviewer;
      return ids.length > 0 ? `审校确认 ${ids.length} 个数据（${reviewer}）` : `撤销确认 ${unconfirm.length} 个数据`;
    });
    return answer(reply, id, state);
  });

  app.post('/api/projects/:id/speech', async (req, reply) => {
    const id = projectId(req);
    const version = expected(req);
    const { filename, bytes } = await upload(req);
    const doc = await readDocument(bytes, filename);
    const stored = `speech${extname(filename).toLowerCase()}`;
    const state = store.update(id, version, (s) => {
      writeAtomic(store.file(id, stored), bytes);
      writeAtomic(store.file(id, SPEECH_TEXT), doc.text);
      s.speech = { file: stored, original: filename, kind: doc.kind };
      return `添加讲话稿：${filename}`;
    });
    return answer(reply, id, state);
  });

  app.get('/api/projects/:id/versions', async (req) => ({ versions: store.versions(projectId(req)) }));

  app.post('/api/projects/:id/versions/:n/restore', async (req, reply) => {
    const id = projectId(req);
    const state = store.restore(id, expected(req), Number(param(req, 'n')));
    return answer(reply, id, state);
  });

  // --- preview -----------------------------------------------------------------------------

  app.get('/api/projects/:id/outputs', async (req) => {
    const id = projectId(req);
    const state = store.read(id);
    return { outputs: previewOutputs(state.data.figures.filter((f) => !state.excluded.includes(f.id)).map((f) => f.id)), groups: outputGroups() };
  });

  app.get('/api/projects/:id/preview/:output', async (req, reply) => {
    const id = projectId(req);
    const state = store.read(id);
    let good = lastGood.get(id);
    if (!good || good.version !== state.version) {
      view(id, state);
      good = lastGood.get(id);
    }
    setSecurityHeaders(reply, PREVIEW_CSP);
    reply.header('cache-control', 'no-store');
    if (!good) {
      return reply.code(422).type('text/html; charset=utf-8').send(notice('数据还不完整，暂时无法预览。请先在“数据”和“文稿信息”两步里改正标红的项目。'));
    }
    const html = previewHtml(options.templatesDir, good.data, good.view, param(req, 'output'), fontCss);
    if (html === undefined) return reply.code(404).type('text/html; charset=utf-8').send(notice('没有这个成品。'));
    reply.header('x-shushuo-preview-version', String(good.version));
    if (good.version !== state.version) reply.header('x-shushuo-preview-stale', '1');
    return reply.type('text/html; charset=utf-8').send(html);
  });

  // --- exports -----------------------------------------------------------------------------

  app.post('/api/projects/:id/icc', async (req, reply) => {
    const id = projectId(req);
    const { filename, bytes } = await upload(req);
    const name = `icc/profile-${sha256(bytes).slice(0, 12)}.icc`;
    const file = store.file(id, name);
    writeAtomic(file, bytes);
    try {
      checkIcc(file, filename);
    } catch (err) {
      rmSync(file, { force: true });
      throw err;
    }
    return reply.code(201).send({ icc: name, original: filename });
  });

  app.post('/api/projects/:id/exports', async (req, reply) => {
    const id = projectId(req);
    const version = expected(req);
    const state = store.read(id);
    if (state.version !== version) throw new VersionConflict(state.version, version);
    const b = body(req);
    const choice: ExportChoice = {
      only: Array.isArray(b.only) ? b.only.map(String) : [],
      bleedMm: typeof b.bleedMm === 'number' ? b.bleedMm : Number(b.bleedMm ?? 0),
      marks: b.marks === true,
      cmyk: b.cmyk === true,
      ...(typeof b.icc === 'string' && b.icc !== '' ? { icc: b.icc } : {}),
    };
    if (choice.icc !== undefined && !/^icc\/profile-[0-9a-f]{12}\.icc$/.test(choice.icc)) throw new BadRequest('ICC 配置文件不对：请重新上传。');
    const job = exporter.start(id, state, choice);
    writeAtomic(store.file(id, 'export.json'), `${JSON.stringify(choice, null, 2)}\n`);
    return reply.code(202).send({ export: job.id, events: `/api/projects/${encodeURIComponent(id)}/exports/${job.id}/events` });
  });

  app.get('/api/projects/:id/exports', async (req) => ({ exports: exporter.list(projectId(req)) }));

  app.get('/api/projects/:id/exports/:n/events', async (req, reply) => {
    const id = projectId(req);
    const job = exporter.job(id, param(req, 'n'));
    reply.header('cache-control', 'no-store').header('x-accel-buffering', 'no');
    if (job) return reply.type('text/event-stream; charset=utf-8').send(job.stream());
    const done = exporter.list(id).find((e) => e.id === param(req, 'n'));
    if (!done) throw new ProjectNotFound(`${id}/exports/${param(req, 'n')}`);
    const end = { type: 'end', ok: true, files: done.files, failed: [], seconds: 0 };
    return reply.type('text/event-stream; charset=utf-8').send(`event: end\ndata: ${JSON.stringify(end)}\n\n`);
  });

  app.get('/api/projects/:id/exports/:n/files/*', async (req, reply) => {
    const id = projectId(req);
    const name = param(req, '*');
    const file = exporter.exportFile(id, param(req, 'n'), name);
    if (!file || !existsSync(file)) throw new ProjectNotFound(`${id}/exports/${param(req, 'n')}/${name}`);
    return reply
      .header('content-disposition', attachment(basename(name)))
      .header('cache-control', 'no-store')
      .type(name.endsWith('.pdf') ? 'application/pdf' : name.endsWith('.json') ? 'application/json' : name.endsWith('.png') ? 'image/png' : name.endsWith('.jpg') ? 'image/jpeg' : name.endsWith('.webp') ? 'image/webp' : 'application/octet-stream')
      .send(createReadStream(file));
  });

  app.get('/api/projects/:id/exports/:n/zip', async (req, reply) => {
    const id = projectId(req);
    const zip = exporter.zip(id, param(req, 'n'));
    if (!zip) throw new ProjectNotFound(`${id}/exports/${param(req, 'n')}`);
    const state = store.read(id);
    return reply.header('content-disposition', attachment(`${state.name}-导出${param(req, 'n')}.zip`)).header('cache-control', 'no-store').type('application/zip').send(zip);
  });

  return { app, guard, store };
}

// --- uploads and new projects ----------------------------------------------------------------

/** The one file of a multipart upload, and the name field before it; 413 past the limit. */
async function upload(req: FastifyRequest): Promise<{ name: string; filename: string; bytes: Buffer }> {
  if (!req.isMultipart()) throw new BadRequest('请选择一个文件。');
  const part = await req.file();
  if (!part) throw new BadRequest('请选择一个文件。');
  const bytes = await part.toBuffer();
  const field = part.fields.name;
  const name = field && !Array.isArray(field) && field.type === 'field' ? String(field.value ?? '') : '';
  const filename = basename(String(part.filename ?? '').replace(/\\/g, '/')) || 'file';
  return { name, filename, bytes };
}

const isDataFile = (filename: string) => /\.(ya?ml|json)$/i.test(filename);

/** A project from a speech: its text read, extract's draft as the data (as `shushuo extract` writes it), the office remembered filled in. */
async function speechProject(store: ProjectStore, name: string, source: { original: string; bytes?: Buffer; text?: string; today: string }): Promise<ProjectState & { id: string }> {
  let text: string;
  let kind: NonNullable<ProjectState['speech']>['kind'];
  const files: Record<string, Uint8Array | string> = {};
  if (source.bytes) {
    const doc = await readDocument(source.bytes, source.original);
    text = doc.text;
    kind = doc.kind;
    files[`speech${extname(source.original).toLowerCase()}`] = source.bytes;
  } else {
    text = `${(source.text ?? '').replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/[ \t\u3000]+$/, '')).filter((l) => l.trim() !== '').join('\n')}\n`;
    kind = 'paste';
  }
  files[SPEECH_TEXT] = text;
  const { raw } = readYaml(draftYaml(text, { source: source.original }), 'draft.yaml');
  const data = raw as RawData;
  if (!Array.isArray(data.figures)) data.figures = [];
  const doc = data.document;
  // What a person would otherwise type each week: the date of issue, and the office used last.
  if (doc.issued === TODO) doc.issued = source.today;
  const office = store.lastOffice();
  if (office && (doc.office === TODO || doc.office === undefined)) {
    doc.office = office.office;
    if (office.officeCode) doc.officeCode = office.officeCode;
    if (office.lastIssue !== undefined) doc.issue = office.lastIssue + 1;
    for (const key of ['masthead', 'distribution', 'copyTo', 'sourceNote'] as const) if (office[key] && doc[key] === undefined) doc[key] = office[key];
  }
  const speechTitle = typeof doc.speechTitle === 'string' && doc.speechTitle !== TODO ? doc.speechTitle : '';
  const title = name.trim() || speechTitle || basename(source.original, extname(source.original));
  const original = source.bytes ? `speech${extname(source.original).toLowerCase()}` : undefined;
  return store.create(title, data, { speech: { ...(original ? { file: original } : {}), original: source.original, kind }, files });
}

/** A project from a data file someone already has: its data as it is, no speech (one can be added). */
function dataProject(store: ProjectStore, name: string, filename: string, bytes: Buffer): ProjectState & { id: string } {
  const decoded = decodeText(bytes);
  if (!decoded || decoded.text.includes('\u0000')) throw new BadRequest('这个文件不是文本格式的数据文件（.yaml）。', 415, 'unsupported-type');
  const { raw } = readYaml(decoded.text, filename);
  const data = raw as RawData | null;
  if (!data || typeof data !== 'object' || Array.isArray(data) || !data.document || typeof data.document !== 'object' || !Array.isArray(data.figures)) {
    throw new BadRequest('这不是数说的数据文件：它应有 document（文稿信息）和 figures（数据）两部分。', 422, 'not-data');
  }
  data.figures = data.figures.filter((f) => f && typeof f === 'object');
  for (const [i, f] of data.figures.entries()) if (typeof f.id !== 'string') f.id = `fig-${i + 1}`;
  const title = name.trim() || (typeof data.document.title === 'string' && data.document.title !== TODO ? data.document.title : basename(filename, extname(filename)));
  return store.create(title, data);
}

/** A figure from the words a person selected in the speech: extract reads them; the selection is its fragment. */
function figureFromSelection(speech: string, start: number, end: number, state: ProjectState): RawFigure {
  const selected = speech.slice(start, end);
  if (selected.includes('\n')) throw new BadRequest('请只在一段之内选择文字。', 422, 'selection-lines');
  const fragment = selected.trim();
  const [found] = extractFigures(fragment, []);
  if (!found) throw new BadRequest(`选中的“${fragment}”里没有找到带单位的数字（如 40%、300余家、12个）。`, 422, 'no-number');
  const draft = { ...found, fragment };
  const useSelection = [...fragment].length <= 60 && fragmentProblem(draft) === undefined;
  const ids = new Set(state.data.figures.map((f) => f.id));
  let n = state.data.figures.length + 1;
  while (ids.has(`fig-${n}`)) n++;
  const sections = new Set(flatIds(state.data.sections ?? []));
  const section = sectionAt(findSections(speech), start);
  return {
    id: `fig-${n}`,
    value: found.written ?? found.value,
    ...(found.unit ? { unit: found.unit } : {}),
    ...(found.qualifier ? { qualifier: found.qualifier } : {}),
    ...(found.qualifierAt ? { qualifierAt: found.qualifierAt } : {}),
    kind: found.kind,
    ...(found.trend ? { trend: found.trend } : {}),
    ...(found.from !== undefined ? { from: found.fromWritten ?? found.from } : {}),
    label: found.label,
    ...(section && sections.has(section) ? { section } : {}),
    fragment: useSelection ? fragment : found.fragment,
  };
}

function flatIds(sections: { id: string; sections?: unknown[] }[]): string[] {
  return sections.flatMap((s) => [s.id, ...flatIds((s.sections ?? []) as { id: string }[])]);
}

/** The id of the deepest section whose heading stands at or before the offset. */
function sectionAt(sections: ExtractedSection[], offset: number): string | undefined {
  let level = sections;
  let id: string | undefined;
  for (;;) {
    const found = [...level].reverse().find((s) => s.offset <= offset);
    if (!found) return id;
    id = found.id;
    level = found.sections;
  }
}

// --- fields --------------------------------------------------------------------------------

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** A figure's field as typed: plain digits become a number; an empty field is removed (the CLI then says what it needs). */
function setFigureField(figure: RawFigure, key: string, typed: string): void {
  const value = typed.trim();
  if (key === 'qualifier' && value !== (figure.qualifier ?? '')) delete figure.qualifierAt;
  if (value === '') {
    delete figure[key];
    return;
  }
  if (key === 'kind' && !(FIGURE_KINDS as readonly string[]).includes(value)) throw new BadRequest(`没有“${value}”这种类型。`);
  figure[key] = key === 'value' && PLAIN_NUMBER.test(value) ? Number(value) : value;
}

function setDocumentField(doc: Record<string, unknown>, key: string, typed: unknown): void {
  if (key === 'keywords') {
    const words = Array.isArray(typed) ? typed.map(String) : String(typed ?? '').split(/[、,，;；\s]+/);
    const clean = words.map((w) => w.trim()).filter(Boolean);
    if (clean.length === 0) delete doc.keywords;
    else doc.keywords = clean;
    return;
  }
  if (typeof typed !== 'string' && typeof typed !== 'number') throw new BadRequest(`“${key}”的值应是文字。`);
  const value = String(typed).trim();
  if (value === '') delete doc[key];
  else doc[key] = key === 'issue' && /^\d+$/.test(value) ? Number(value) : value;
}

function readExportChoice(store: ProjectStore, id: string): ExportChoice | undefined {
  try {
    return JSON.parse(readFileSync(store.file(id, 'export.json'), 'utf8')) as ExportChoice;
  } catch {
    return undefined;
  }
}

// --- answers -------------------------------------------------------------------------------

/** Content-Disposition for a download, with the name in UTF-8 (RFC 6266) and a plain fallback. */
function attachment(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const localDate = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function notice(message: string): string {
  const safe = escapeXml(message);
  return `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><link rel="stylesheet" href="/static/fonts.css"><link rel="stylesheet" href="/static/notice.css"><body><p class="notice">${safe}</p></body></html>`;
}

/** Chinese for why a speech file was refused; the reader's own message follows as the detail. */
const DOCUMENT_MESSAGES: Record<DocumentError['reason'], [number, string]> = {
  'too-large': [413, `文件太大：最多 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB。`],
  empty: [422, '文件是空的。'],
  'unknown-type': [415, `不支持这种文件：请上传 Word 文档（.docx）、PDF、文本（.txt、.md）或数据文件（.yaml）。`],
  'type-mismatch': [415, '文件的内容与它的扩展名不符（例如改了扩展名的文件）。'],
  'legacy-office': [415, '这是旧版 Word（.doc）或 WPS 文件，或设有密码：请在 Word 或 WPS 中去掉密码，另存为 .docx 后再上传。'],
  'broken-docx': [422, '这个 Word 文件已损坏，读不出来：请在 Word 或 WPS 中打开它，另存为 .docx 后再上传。'],
  'not-docx': [415, '这个文件不是 Word 文档（.docx）：它是另一种压缩文件（例如 Excel）。'],
  'broken-pdf': [422, '这个 PDF 已损坏，读不出来。'],
  'no-text': [422, '文件里没有可读的文字（可能是扫描件或图片）：请上传 Word 文档，或先做文字识别。'],
  'not-text': [415, '这个文件不是文本：请上传 Word 文档（.docx）、PDF 或文本文件。'],
  'no-pdftotext': [500, '读取 PDF 需要 poppler 的 pdftotext：请运行 npm run setup。'],
};

export function sendError(reply: FastifyReply, err: unknown, log: (line: string) => void): FastifyReply {
  const e = err as Error & { code?: string; statusCode?: number };
  const json = (status: number, error: string, message: string, extra: Record<string, unknown> = {}) => reply.code(status).header('cache-control', 'no-store').send({ error, message, ...extra });
  if (e instanceof VersionConflict) {
    return json(409, 'conflict', `这个项目已在别处（另一个窗口或标签页）修改过，现在是第 ${e.current} 版。您的这次修改没有保存，以免覆盖别人的修改。请载入最新版本后再改。`, { current: e.current });
  }
  if (e instanceof BadProjectName) return json(400, 'bad-project', '项目名称不对：项目只能在项目文件夹之内。');
  if (e instanceof ProjectNotFound) return json(404, 'not-found', '没有找到这个项目或文件。');
  if (e instanceof BadRequest) return json(e.status, e.code, e.message);
  if (e instanceof ExportRefused) return json(e.status, e.code, e.message, e.detail ? { detail: e.detail } : {});
  if (e instanceof DocumentError) {
    const [status, message] = DOCUMENT_MESSAGES[e.reason];
    return json(status, e.reason, message, { detail: e.report() });
  }
  if (e instanceof DataError) return json(422, 'invalid-data', '数据有误，还不能导出：请改正标红的项目。', { detail: e.report(), problems: e.problems.map((p) => ({ field: p.field, message: p.message, line: p.line })) });
  if (e instanceof OutputNameError) return json(422, 'unknown-output', '没有这种成品。', { detail: e.message });
  if (e instanceof UserError) {
    const first = e.message.split('\n')[0]!;
    const what = e.name === 'VerifyError' ? '有数据与讲话原文对不上，不能导出：请在“数据”一步查看标 ✗ 的数据。' : '设置有误，不能导出。';
    return json(422, e.name === 'VerifyError' ? 'unverified' : 'invalid-option', `${what}`, { detail: e.report?.() ?? first });
  }
  if (e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || e.statusCode === 413) {
    return json(413, 'too-large', `文件太大：最多 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB。`);
  }
  if (e.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return json(415, 'unsupported-type', '请求的类型不对。');
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return json(e.statusCode, 'bad-request', `请求有误：${messageOf(e)}`);
  log(`studio: ${e.stack ?? messageOf(e)}`);
  return json(500, 'internal', `工作室内部出错：${messageOf(e)}。您之前保存的内容不受影响。`);
}
