// Where the service's files live: a folder every machine sees (a shared mount), one folder per
// request, one folder per output inside it, each written as a transaction (src/output/transaction.ts:
// staging folder, rename, manifest last), so no reader ever sees half a file; render.json is written
// last, atomically, when every output is there (or the request failed).
//
//   <store>/renders/<id>/<output>/manifest.json, <output>.pdf, <output>.png …
//   <store>/renders/<id>/render.json      the result: status, files, failures, times
//   <store>/audit.jsonl                   one line per request: token, data hash, outputs, result, times

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import yazl from 'yazl';
import { readManifest } from '../output/transaction.js';
import { writeAtomic, type ManifestEntry } from '../output/write.js';

export interface FileInfo {
  file: string;
  output: string;
  bytes: number;
  sha256: string;
}

/** render.json: what a finished request left. */
export interface RenderRecord {
  id: string;
  status: 'done' | 'failed';
  outputs: string[];
  files: FileInfo[];
  failed: { output: string; reason: string }[];
  /** Why the request failed: queue-timeout, render-timeout, invalid-data, output-failed, chrome */
  reason?: string;
  message?: string;
  token?: string;
  dataHash: string;
  submitted: string;
  started?: string;
  finished: string;
  queueSeconds?: number;
  renderSeconds?: number;
}

const ID = /^[0-9a-f]{32}$/;

export class FileStore {
  constructor(readonly root: string) {
    mkdirSync(join(root, 'renders'), { recursive: true });
  }

  static validId(id: string): boolean {
    return ID.test(id);
  }

  dir(id: string): string {
    if (!ID.test(id)) throw new Error(`not a render id: ${id}`);
    return join(this.root, 'renders', id);
  }

  /** The folder one output of a request commits into. */
  partDir(id: string, output: string): string {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(output)) throw new Error(`not an output name: ${output}`);
    return join(this.dir(id), output);
  }

  /** The files an output's transaction committed. */
  partFiles(id: string, output: string): FileInfo[] {
    return readManifest(this.partDir(id, output)).map((e: ManifestEntry) => ({ file: e.file, output, bytes: e.bytes, sha256: e.sha256 }));
  }

  record(id: string): RenderRecord | undefined {
    if (!ID.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir(id), 'render.json'), 'utf8')) as RenderRecord;
    } catch {
      return undefined;
    }
  }

  writeRecord(record: RenderRecord): void {
    mkdirSync(this.dir(record.id), { recursive: true });
    writeAtomic(join(this.dir(record.id), 'render.json'), `${JSON.stringify(record, null, 2)}\n`);
  }

  /** A file of a finished request by its name, if render.json lists it. */
  file(id: string, name: string): { path: string; info: FileInfo } | undefined {
    const record = this.record(id);
    const info = record?.files.find((f) => f.file === name);
    if (!info) return undefined;
    const path = join(this.partDir(id, info.output), info.file);
    return existsSync(path) ? { path, info } : undefined;
  }

  /** Every file of a finished request, and render.json, as a ZIP stream. */
  zip(id: string): Readable | undefined {
    const record = this.record(id);
    if (!record) return undefined;
    const zip = new yazl.ZipFile();
    for (const f of record.files) {
      const path = join(this.partDir(id, f.output), f.file);
      if (existsSync(path)) zip.addFile(path, f.file, { compress: !/\.(png|jpe?g|webp|pdf)$/i.test(f.file) });
    }
    zip.addFile(join(this.dir(id), 'render.json'), 'render.json');
    zip.end();
    return zip.outputStream as Readable;
  }

  /** One JSON line per request, appended (O_APPEND: lines from several machines do not interleave). */
  audit(line: Record<string, unknown>): void {
    appendFileSync(join(this.root, 'audit.jsonl'), `${JSON.stringify(line)}\n`);
  }
}
