// Talking to the studio: every change carries the CSRF token the page was given and the version it
// was made on (If-Match). Changes of one tab go one after another, each on the version the last one
// returned; a change another tab made first comes back as a conflict (409), never overwritten.

const csrf = document.querySelector('meta[name="shushuo-csrf"]')?.content ?? '';

export class ApiError extends Error {
  constructor(status, body) {
    super(typeof body === 'object' && body?.message ? body.message : `请求失败（${status}）`);
    this.status = status;
    this.body = typeof body === 'object' ? body : { message: String(body) };
    this.code = this.body.error;
    this.detail = this.body.detail;
  }
}

export async function request(method, path, { body, form, version } = {}) {
  const headers = {};
  if (method !== 'GET') headers['x-shushuo-csrf'] = csrf;
  if (version !== undefined) headers['if-match'] = `"v${version}"`;
  let payload;
  if (form) payload = form;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, { error: 'offline', message: '连不上数说工作室：它可能已关闭。请重新启动它（npm run studio），您保存过的内容都在。' });
  }
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const projectPath = (id) => `/api/projects/${encodeURIComponent(id)}`;

/** The project open in this tab and everyone who shows part of it. */
export const store = {
  project: null,
  saving: 0,
  savedAt: null,
  error: null,
  listeners: new Set(),
  set(project) {
    this.project = project;
    this.savedAt = new Date();
    this.emit();
  },
  emit() {
    for (const fn of this.listeners) fn(this.project);
  },
  on(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  },
};

let chain = Promise.resolve();
/** Problems of saving go here (the page shows a banner). */
export const failures = new Set();

/**
 * Change the open project: `path` under the project, made on its current version. Changes queue in
 * order; the answer (the project at its new version) replaces the one shown.
 */
export function change(method, path, body) {
  const run = async () => {
    const project = store.project;
    if (!project) throw new ApiError(0, { message: '没有打开的项目。' });
    store.saving++;
    store.emit();
    try {
      const payload = body instanceof FormData ? { form: body } : { body };
      const view = await request(method, `${projectPath(project.id)}${path}`, { ...payload, version: project.version });
      store.error = null;
      store.set(view);
      return view;
    } catch (err) {
      store.error = err;
      for (const fn of failures) fn(err);
      throw err;
    } finally {
      store.saving--;
      store.emit();
    }
  };
  const p = chain.then(run, run);
  chain = p.catch(() => undefined);
  return p;
}

export async function load(id) {
  const view = await request('GET', projectPath(id));
  store.error = null;
  store.set(view);
  return view;
}
