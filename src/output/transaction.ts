// The output folder as a transaction. A run takes the folder's lock, renders into a staging folder
// inside it, and commits: a journal first, then each file by rename, then manifest.json, so the
// manifest always vouches for the files that are there. A run that fails or is killed never changes
// a file the manifest vouches for; the next run finds what it left and rolls it forward (a journal
// was written: the commit had begun) or away (it had not).

import { hostname } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256, writeAtomic, type ManifestEntry } from './write.js';
import { UserError } from '../errors.js';

const LOCK = '.shushuo.lock';
const STAGING = '.shushuo-staging-';
const JOURNAL = 'COMMIT.json';
export const MANIFEST = 'manifest.json';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

/** Another run holds the folder: a user can wait for it (--wait) or pick another folder. */
export class FolderBusy extends UserError {
  readonly exitCode = 2;
  constructor(readonly out: string, readonly holder: LockInfo) {
    super(`${out}: expected a folder no other run is writing, received one that shushuo (pid ${holder.pid}, started ${holder.started}: ${holder.command}) is writing; wait for it to finish, run again with --wait, or choose another --out`);
    this.name = 'FolderBusy';
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Folders this process holds the lock of (two jobs of one studio or service must not share one either). */
const held = new Map<string, LockInfo>();

/** The folder's lock: created exclusively; a lock whose process is dead is taken over. */
function takeLock(out: string, command: string): () => void {
  const file = join(out, LOCK);
  const key = resolve(out);
  const mine: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  const here = held.get(key);
  if (here) throw new FolderBusy(out, here);
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      held.set(key, mine);
      return () => {
        if (held.get(key) !== mine) return;
        held.delete(key);
        // Only remove the lock if it is still ours.
        try {
          if ((JSON.parse(readFileSync(file, 'utf8')) as LockInfo).pid === process.pid) rmSync(file, { force: true });
        } catch { /* gone already */ }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: LockInfo | undefined;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch { /* half-written by a process that died, or removed meanwhile */ }
    // A lock of this process that it no longer holds was left by a job that crashed: stale.
    if (holder && holder.host === mine.host && alive(holder.pid) && holder.pid !== process.pid) throw new FolderBusy(out, holder);
    // Stale: move it aside atomically, so of two runs taking it over only one succeeds, then retry.
    try {
      renameSync(file, `${file}.stale-${process.pid}`);
      rmSync(`${file}.stale-${process.pid}`, { force: true });
    } catch { /* another run took it over first */ }
  }
}

/** Wait for the folder's lock, polling; give up after `timeoutMs`. */
async function waitForLock(out: string, command: string, timeoutMs: number, log: (line: string) => void): Promise<() => void> {
  const until = Date.now() + timeoutMs;
  let said = false;
  for (;;) {
    try {
      return takeLock(out, command);
    } catch (err) {
      if (!(err instanceof FolderBusy) || Date.now() > until) throw err;
      if (!said) log(`${out}: waiting for pid ${err.holder.pid} to finish writing it`);
      said = true;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** What a commit journal holds: the files to move in, and the manifest to write after them. */
interface Journal {
  files: string[];
  manifest: string;
}

/**
 * Finish or remove what earlier runs left in the folder: staging folders of processes that are gone
 * (rolled forward when their journal says the commit had begun, else removed) and temp files.
 */
export function recover(out: string, log: (line: string) => void = () => undefined): void {
  if (!existsSync(out)) return;
  for (const name of readdirSync(out)) {
    const path = join(out, name);
    if (name.startsWith(STAGING)) {
      const pid = Number(name.slice(STAGING.length).split('-')[0]);
      if (pid === process.pid || alive(pid)) continue;
      const journal = readJournal(path);
      if (journal) {
        applyJournal(out, path, journal);
        log(`${out}: finished the commit of a run that stopped (pid ${pid})`);
      } else {
        rmSync(path, { recursive: true, force: true });
        log(`${out}: removed the unfinished files of a run that stopped (pid ${pid})`);
      }
    } else if (/^\..+\.\d+\.tmp$/.test(name)) {
      const pid = Number(/\.(\d+)\.tmp$/.exec(name)![1]);
      if (!alive(pid)) rmSync(path, { force: true });
    }
  }
}

function readJournal(staging: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(join(staging, JOURNAL), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

/** Move the journal's files in (those not moved yet), write the manifest, remove the staging folder. */
function applyJournal(out: string, staging: string, journal: Journal): void {
  for (const file of journal.files) {
    const from = join(staging, file);
    if (existsSync(from)) renameSync(from, join(out, file));
  }
  writeAtomic(join(out, MANIFEST), journal.manifest);
  rmSync(staging, { recursive: true, force: true });
}

export interface Transaction {
  /** The folder the run writes its files into, before they are committed */
  readonly staging: string;
  readonly out: string;
  /**
   * Move the staged files in and write the manifest: the earlier entries of files this commit does not
   * replace (and that are still there, unchanged), then the new ones. Earlier files of the outputs
   * named in `replaced` that this commit does not write again are removed after the manifest.
   * Returns the manifest's entries.
   */
  commit(entries: ManifestEntry[], extra: Record<string, unknown>, replaced?: ReadonlySet<string>): ManifestEntry[];
  /** Drop the staged files and release the folder. Safe to call after commit. */
  close(): void;
}

export interface BeginOptions {
  /** Take the folder's lock (a batch takes it once for its folder; its rows then commit without) */
  lock?: boolean;
  /** Wait for another run's lock instead of failing at once (ms; 0: do not wait) */
  waitMs?: number;
  /** Named in the lock, for the message another run gets */
  command?: string;
  log?: (line: string) => void;
}

/** Take a folder's lock for a run that commits into folders under it (a batch); returns the release. */
export async function lockFolder(out: string, options: Pick<BeginOptions, 'waitMs' | 'command' | 'log'> = {}): Promise<() => void> {
  mkdirSync(out, { recursive: true });
  const command = options.command ?? process.argv.slice(2).join(' ');
  const release = options.waitMs ? await waitForLock(out, command, options.waitMs, options.log ?? (() => undefined)) : takeLock(out, command);
  try {
    recover(out, options.log);
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/** Begin writing into `out`: take its lock, clean up what earlier runs left, make a staging folder. */
export async function begin(out: string, options: BeginOptions = {}): Promise<Transaction> {
  const log = options.log ?? (() => undefined);
  const created = !existsSync(out);
  mkdirSync(out, { recursive: true });
  const command = options.command ?? process.argv.slice(2).join(' ');
  let release = () => undefined as void;
  if (options.lock !== false) {
    release = options.waitMs ? await waitForLock(out, command, options.waitMs, log) : takeLock(out, command);
  }
  let staging: string;
  try {
    recover(out, log);
    staging = join(out, `${STAGING}${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(staging);
  } catch (err) {
    release();
    throw err;
  }
  let done = false;
  return {
    staging,
    out,
    commit(entries, extra, replaced = new Set()) {
      const fresh = new Set(entries.map((e) => e.file));
      const earlier = readManifest(out).filter((e) => !fresh.has(e.file));
      const stale = earlier.filter((e) => e.output !== undefined && replaced.has(e.output));
      const kept = earlier.filter((e) => !stale.includes(e) && unchanged(out, e));
      const all = [...kept, ...entries].sort((a, b) => a.file.localeCompare(b.file));
      const journal: Journal = { files: entries.map((e) => e.file), manifest: `${JSON.stringify({ ...extra, files: all }, null, 2)}\n` };
      writeAtomic(join(staging, JOURNAL), JSON.stringify(journal));
      applyJournal(out, staging, journal);
      for (const e of stale) rmSync(join(out, e.file), { force: true });
      done = true;
      return all;
    },
    close() {
      if (!done) rmSync(staging, { recursive: true, force: true });
      done = true;
      // A folder this run made and left empty is not kept.
      if (created) {
        try {
          if (readdirSync(out).filter((n) => n !== LOCK).length === 0) {
            release();
            rmSync(out, { recursive: true, force: true });
            return;
          }
        } catch { /* gone */ }
      }
      release();
    },
  };
}

/** The entries of the folder's manifest, or none. */
export function readManifest(out: string): ManifestEntry[] {
  try {
    return (JSON.parse(readFileSync(join(out, MANIFEST), 'utf8')) as { files?: ManifestEntry[] }).files ?? [];
  } catch {
    return [];
  }
}

/** The file the entry names is there, with the size the entry gives (its hash is checked when it is kept). */
function unchanged(out: string, e: ManifestEntry): boolean {
  try {
    const file = join(out, e.file);
    return statSync(file).size === e.bytes && sha256(readFileSync(file)) === e.sha256;
  } catch {
    return false;
  }
}
