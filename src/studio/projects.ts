// The studio's projects, one folder each under the projects folder (default projects/):
//
//   projects/<name>/
//     project.json        the project as the studio edits it: every figure (left-out ones too), the
//                         document, the sign-off, and its version number
//     data.yaml           the data file, in the CLI's schema: what `shushuo render --data` reads
//     speech.docx|pdf|txt the speech as it was uploaded, and speech.txt, its text (what verify reads)
//     versions/000042.json the last 50 versions of project.json
//     exports/001/        each export: the files, manifest.json (with the sign-off) and index.html
//   projects/.offices.json what repeats per office (its 代字, the last issue number …)
//
// Every change is a new version, written as a transaction: the version's snapshot first, then
// data.yaml, then project.json, each to a temporary file renamed over the old one. project.json is the
// commit: a crash before it leaves the last version whole, and the next read rolls forward to the
// snapshot that was written. A change names the version it was made on; a change made on an older
// one is refused (VersionConflict, 409), never written over the newer. All of this is synchronous, so
// within the one studio process no two changes of a project interleave.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { stringify } from 'yaml';
import { readYaml } from '../data/load.js';
import { writeAtomic } from '../output/write.js';
import { SCHEMA_FILE } from '../paths.js';

export const PROJECT_FILE = 'project.json';
export const DATA_FILE = 'data.yaml';
export const SPEECH_TEXT = 'speech.txt';
export const VERSIONS_DIR = 'versions';
export const EXPORTS_DIR = 'exports';
const OFFICES_FILE = '.offices.json';
/** Versions kept per project. */
export const KEEP_VERSIONS = 50;

/** A figure as the data file holds it, with its value as written (40, "六成", "1,812"). */
export interface RawFigure {
  id: string;
  value?: number | string;
  unit?: string;
  qualifier?: string;
  qualifierAt?: string;
  kind?: string;
  trend?: string;
  from?: number | string;
  label?: string;
  section?: string;
  fragment?: string;
  icon?: string;
  [key: string]: unknown;
}

export interface RawSection {
  id: string;
  number?: string;
  title?: string;
  role?: string;
  itemsName?: string;
  sections?: RawSection[];
  [key: string]: unknown;
}

/** The data as the data file holds it, before validation: it may be unfinished (待填写) or wrong. */
export interface RawData {
  document: Record<string, unknown>;
  sections?: RawSection[];
  figures: RawFigure[];
  derived?: unknown[];
  [key: string]: unknown;
}

export interface Confirmation {
  /** Who confirmed it */
  by: string;
  at: string;
  /** The figure's hash when confirmed: a changed figure is no longer confirmed */
  hash: string;
}

export interface ProjectState {
  format: 1;
  version: number;
  /** The name people gave it (the folder's name is made safe from it) */
  name: string;
  created: string;
  updated: string;
  /** What the last change did, for the list of versions */
  note: string;
  /** The speech: the uploaded file in the folder, its original name, and how it was read */
  speech?: { file?: string; original: string; kind: 'docx' | 'pdf' | 'text' | 'paste' };
  /** Every figure, those left out of data.yaml too (their ids are in `excluded`), in order */
  data: RawData;
  excluded: string[];
  signoff: { reviewer?: string; figures: Record<string, Confirmation> };
  /** data.yaml as this version wrote it: a different file on disk was edited outside the studio */
  dataSha256?: string;
}

/** What an export renders, and how (kept in the project's export.json, the last choice). */
export interface ExportChoice {
  only: string[];
  bleedMm: number;
  marks: boolean;
  cmyk: boolean;
  icc?: string;
}

/** Someone changed the project since this version: the change is refused. */
export class VersionConflict extends Error {
  constructor(readonly current: number, readonly expected: number) {
    super(`expected version ${expected}, the project is at version ${current}`);
    this.name = 'VersionConflict';
  }
}

/** A project name or id that does not name a project folder. */
export class ProjectNotFound extends Error {
  constructor(readonly id: string) {
    super(`no project ${JSON.stringify(id)}`);
    this.name = 'ProjectNotFound';
  }
}

export class BadProjectName extends Error {
  constructor(readonly id: string) {
    super(`expected a project name of letters, digits, - and _, received ${JSON.stringify(id)}`);
    this.name = 'BadProjectName';
  }
}

const ID = /^[\p{L}\p{N}][\p{L}\p{N}_-]{0,79}$/u;
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/** A folder name for a project's name: letters and digits of any script, - and _; nothing that can leave the folder. */
export function folderName(name: string): string {
  const clean = name.normalize('NFC').replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/-{2,}/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  const short = [...clean].slice(0, 40).join('').replace(/[-_]+$/, '');
  return short === '' || RESERVED.test(short) ? `项目${short ? `-${short}` : ''}` : short;
}

/** Whether an id from a URL can name a project folder (it is one folder name, nothing more). */
export function validId(id: string): boolean {
  return typeof id === 'string' && id === id.normalize('NFC') && ID.test(id) && !RESERVED.test(id);
}

/** The hash a sign-off holds for a figure: of every field, in a fixed order. */
export function figureHash(figure: RawFigure): string {
  const sorted = Object.fromEntries(Object.entries(figure).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

const now = () => new Date().toISOString();

export interface OfficeMemory {
  officeCode?: string;
  masthead?: string;
  distribution?: string;
  copyTo?: string;
  sourceNote?: string;
  /** The last issue number exported */
  lastIssue?: number;
  used: string;
}

export class ProjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  /** The folder of a project; throws BadProjectName for an id that could leave the projects folder. */
  dir(id: string): string {
    if (!validId(id)) throw new BadProjectName(id);
    const dir = resolve(this.root, id);
    if (!dir.startsWith(this.root + sep) || relative(this.root, dir).includes(sep)) throw new BadProjectName(id);
    return dir;
  }

  /** Every project, newest change first. */
  list(): { id: string; name: string; updated: string; version: number; figures: number; speech?: string }[] {
    const out = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory() || !validId(entry.name)) continue;
      try {
        const state = this.read(entry.name);
        out.push({ id: entry.name, name: state.name, updated: state.updated, version: state.version, figures: state.data.figures.length - state.excluded.length, ...(state.speech ? { speech: state.speech.original } : {}) });
      } catch { /* not a project folder */ }
    }
    return out.sort((a, b) => b.updated.localeCompare(a.updated));
  }

  exists(id: string): boolean {
    return validId(id) && existsSync(join(this.dir(id), PROJECT_FILE));
  }

  /**
   * A new project: its folder (named after `name`, made unique), the speech's files, version 1.
   * `files` are written into the folder first (the uploaded speech, speech.txt).
   */
  create(name: string, data: RawData, options: { speech?: ProjectState['speech']; files?: Record<string, Uint8Array | string>; excluded?: string[] } = {}): ProjectState & { id: string } {
    const base = folderName(name);
    let id = base;
    for (let n = 2; existsSync(resolve(this.root, id)); n++) id = `${base}-${n}`;
    const dir = this.dir(id);
    // Built in a temporary folder and renamed into place: a half-made project is never listed.
    const temp = join(this.root, `.new-${randomUUID()}`);
    mkdirSync(join(temp, VERSIONS_DIR), { recursive: true });
    try {
      for (const [file, content] of Object.entries(options.files ?? {})) writeAtomic(join(temp, file), content);
      const state: ProjectState = {
        format: 1,
        version: 1,
        name: name.trim() || id,
        created: now(),
        updated: now(),
        note: '新建项目',
        ...(options.speech ? { speech: options.speech } : {}),
        data,
        excluded: options.excluded ?? [],
        signoff: { figures: {} },
      };
      this.commit(temp, state, id);
      renameSync(temp, dir);
      return { ...this.read(id), id };
    } catch (err) {
      rmSync(temp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * The project as last committed. A commit that a crash cut short (a newer snapshot than
   * project.json) is rolled forward; a data.yaml edited outside the studio is read in as a new version.
   */
  read(id: string): ProjectState {
    const dir = this.dir(id);
    let state: ProjectState;
    try {
      state = JSON.parse(readFileSync(join(dir, PROJECT_FILE), 'utf8')) as ProjectState;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ProjectNotFound(id);
      throw err;
    }
    const next = join(dir, VERSIONS_DIR, versionFile(state.version + 1));
    if (existsSync(next)) {
      try {
        const ahead = JSON.parse(readFileSync(next, 'utf8')) as ProjectState;
        this.commit(dir, ahead, id);
        return ahead;
      } catch { /* a snapshot cut short: the commit had not begun */ }
    }
    return this.importEdited(dir, id, state);
  }

  /** data.yaml changed outside the studio (a person edited it): its document, sections and figures become a new version. */
  private importEdited(dir: string, id: string, state: ProjectState): ProjectState {
    let text: string;
    try {
      text = readFileSync(join(dir, DATA_FILE), 'utf8');
    } catch {
      return state;
    }
    if (!state.dataSha256 || sha256(text) === state.dataSha256 || text === this.yaml(state, id)) return state;
    let raw: unknown;
    try {
      raw = readYaml(text, DATA_FILE).raw;
    } catch {
      return state; // not readable: left as it is, the studio's version stands until the next change
    }
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return state;
    const edited = raw as RawData;
    const figures = Array.isArray(edited.figures) ? edited.figures.filter((f) => f && typeof f === 'object') : [];
    const kept = state.data.figures.filter((f) => state.excluded.includes(f.id) && !figures.some((g) => g.id === f.id));
    const next: ProjectState = {
      ...structuredClone(state),
      data: { ...edited, figures: [...figures, ...kept] },
      excluded: kept.map((f) => f.id),
      version: state.version + 1,
      updated: now(),
      note: 'data.yaml 在工作室外被修改，已读入',
    };
    this.commit(dir, next, id);
    return next;
  }

  /**
   * Change a project: `change` edits a copy of the state made at `expected` and returns what it did
   * (the note of the version). Throws VersionConflict when the project is no longer at `expected`.
   */
  update(id: string, expected: number, change: (state: ProjectState) => string): ProjectState {
    const state = this.read(id);
    if (state.version !== expected) throw new VersionConflict(state.version, expected);
    const next = structuredClone(state);
    const note = change(next);
    next.version = state.version + 1;
    next.updated = now();
    next.note = note;
    this.commit(this.dir(id), next, id);
    return next;
  }

  /** The versions kept, newest first. */
  versions(id: string): { version: number; updated: string; note: string }[] {
    const dir = join(this.dir(id), VERSIONS_DIR);
    return readdirSync(dir)
      .filter((f) => /^\d{6}\.json$/.test(f))
      .sort()
      .reverse()
      .flatMap((f) => {
        try {
          const s = JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProjectState;
          return [{ version: s.version, updated: s.updated, note: s.note }];
        } catch {
          return [];
        }
      });
  }

  /** Make an earlier version the newest again (a new version, so the restore can be undone too). */
  restore(id: string, expected: number, version: number): ProjectState {
    const file = join(this.dir(id), VERSIONS_DIR, versionFile(version));
    if (!Number.isInteger(version) || !existsSync(file)) throw new ProjectNotFound(`${id}@${version}`);
    const old = JSON.parse(readFileSync(file, 'utf8')) as ProjectState;
    return this.update(id, expected, (s) => {
      s.data = old.data;
      s.excluded = old.excluded;
      s.signoff = old.signoff;
      s.name = old.name;
      return `恢复到第 ${version} 版`;
    });
  }

  /** Write a version: the snapshot, data.yaml, then project.json (the commit), and drop the oldest snapshots. */
  private commit(dir: string, state: ProjectState, id: string): void {
    const yaml = this.yaml(state, id);
    state.dataSha256 = sha256(yaml);
    const json = `${JSON.stringify(state, null, 2)}\n`;
    writeAtomic(join(dir, VERSIONS_DIR, versionFile(state.version)), json);
    writeAtomic(join(dir, DATA_FILE), yaml);
    writeAtomic(join(dir, PROJECT_FILE), json);
    const snapshots = readdirSync(join(dir, VERSIONS_DIR)).filter((f) => /^\d{6}\.json$/.test(f)).sort();
    for (const old of snapshots.slice(0, Math.max(0, snapshots.length - KEEP_VERSIONS))) rmSync(join(dir, VERSIONS_DIR, old), { force: true });
  }

  /** data.yaml of a state, with the schema named relative to the project's folder. */
  yaml(state: Pick<ProjectState, 'data' | 'excluded' | 'name'>, id: string): string {
    return dataYaml(state, id, relative(resolve(this.root, id), SCHEMA_FILE).split(sep).join('/'));
  }

  /** A file of the project, by a name the studio chose (never one from a request). */
  file(id: string, name: string): string {
    return join(this.dir(id), name);
  }

  // --- what repeats per office -------------------------------------------------------------

  offices(): Record<string, OfficeMemory> {
    try {
      return JSON.parse(readFileSync(join(this.root, OFFICES_FILE), 'utf8')) as Record<string, OfficeMemory>;
    } catch {
      return {};
    }
  }

  /** The office used last, and what it repeats: a new project starts from it. */
  lastOffice(): ({ office: string } & OfficeMemory) | undefined {
    const all = Object.entries(this.offices()).sort(([, a], [, b]) => b.used.localeCompare(a.used));
    return all[0] ? { office: all[0][0], ...all[0][1] } : undefined;
  }

  /** Remember an office's fields; `issue` (an export's issue number) raises its last issue. */
  rememberOffice(document: Record<string, unknown>, options: { issue?: boolean } = {}): void {
    const office = typeof document.office === 'string' ? document.office.trim() : '';
    if (!office || office.includes('待填写')) return;
    const all = this.offices();
    const known: OfficeMemory = all[office] ?? { used: now() };
    for (const key of ['officeCode', 'masthead', 'distribution', 'copyTo', 'sourceNote'] as const) {
      const v = document[key];
      if (typeof v === 'string' && v.trim() && !v.includes('待填写')) known[key] = v.trim();
    }
    if (options.issue && typeof document.issue === 'number' && Number.isInteger(document.issue)) known.lastIssue = Math.max(known.lastIssue ?? 0, document.issue);
    known.used = now();
    all[office] = known;
    writeAtomic(join(this.root, OFFICES_FILE), `${JSON.stringify(all, null, 2)}\n`);
  }

  /** Folders of the projects folder itself are not projects: the store's own temporary ones. */
  sweep(): void {
    for (const entry of readdirSync(this.root)) {
      if (!entry.startsWith('.new-')) continue;
      const path = join(this.root, entry);
      if (Date.now() - statSync(path).mtimeMs > 60 * 60 * 1000) rmSync(path, { recursive: true, force: true });
    }
  }
}


export const versionFile = (version: number) => `${String(version).padStart(6, '0')}.json`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The figures data.yaml holds: those not left out, in order. */
export function includedFigures(state: Pick<ProjectState, 'data' | 'excluded'>): RawFigure[] {
  return state.data.figures.filter((f) => !state.excluded.includes(f.id));
}

/**
 * data.yaml for a state: the data in the CLI's schema with the left-out figures dropped, after a
 * comment that says where it comes from. `shushuo render --data projects/<id>/data.yaml` reads it.
 */
export function dataYaml(state: Pick<ProjectState, 'data' | 'excluded' | 'name'>, id: string, schema = '../../schema/shushuo-data.schema.json'): string {
  const { figures: _all, ...rest } = state.data;
  const data: Record<string, unknown> = {};
  // The order of a data file: document, sections, figures, derived; anything else after.
  data.document = rest.document;
  if (rest.sections !== undefined) data.sections = rest.sections;
  data.figures = includedFigures(state);
  for (const [key, value] of Object.entries(rest)) if (!(key in data) && value !== undefined) data[key] = value;
  const header = [
    `# yaml-language-server: $schema=${schema}`,
    `# Written by shushuo studio for the project ${JSON.stringify(state.name)} (folder ${id}).`,
    '# Edit it in the studio (npm run studio); a change made here is read in there as a new version.',
    '# Render it as the studio does: npx shushuo render --data THIS_FILE --out output',
    '',
  ].join('\n');
  return `${header}${stringify(data, { lineWidth: 0, indent: 2 })}`;
}
