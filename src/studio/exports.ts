// Exports: the outputs a person chose, rendered by the one job API (runJob) with exactly what
// render() gives it — the data as validate() reads data.yaml, the outputs as --only selects them, a
// Session whose fonts are cut to the same text — so the files are byte for byte the CLI's:
//   npx shushuo render --data projects/<id>/data.yaml --only <the same names> [--bleed …] [--marks] [--cmyk]
// Each export commits into its own folder, exports/NNN/, with the sign-off in manifest.json. Progress
// goes to the page as server-sent events, one per output, from runJob's onOutput. One export runs at
// a time (one browser); others wait their turn.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import { validate, VerifyError } from '../index.js';
import { formatVerify, verifyFigures } from '../data/verify.js';
import { MAX_SPEECH_BYTES, readTextFile } from '../data/text.js';
import { formatFigure } from '../data/format.js';
import type { SpeechData } from '../data/types.js';
import { resolveFonts } from '../fonts/fonts.js';
import { drawnText } from '../fonts/subset.js';
import { checkBleed, checkIcc } from '../jobs/options.js';
import { runJob, Session, type JobResult, type OutputEvent } from '../jobs/run.js';
import { MANIFEST } from '../output/transaction.js';
import type { ManifestEntry } from '../output/write.js';
import { selectOutputs } from '../view/outputs.js';
import { buildView } from '../view/views.js';
import { UserError, messageOf } from '../errors.js';
import { displayPath } from './analysis.js';
import { DATA_FILE, EXPORTS_DIR, figureHash, includedFigures, SPEECH_TEXT, type ExportChoice, type ProjectState, type ProjectStore } from './projects.js';

export type ExportEvent =
  | { type: 'start'; export: string; outputs: string[]; total: number }
  | { type: 'log'; line: string }
  | { type: 'output'; name: string; status: OutputEvent['status']; seconds: number; files: { file: string; bytes: number }[]; reason?: string; done: number; total: number }
  | { type: 'end'; ok: boolean; files: { file: string; bytes: number }[]; failed: { output: string; reason: string }[]; seconds: number; message?: string };

/** An export as the studio follows it: its events so far, and who is listening. */
export class ExportJob {
  readonly events: ExportEvent[] = [];
  private readonly listeners = new Set<(e: ExportEvent) => void>();
  finished = false;

  constructor(readonly project: string, readonly id: string, readonly folder: string) {}

  emit(e: ExportEvent): void {
    this.events.push(e);
    if (e.type === 'end') this.finished = true;
    for (const listen of this.listeners) listen(e);
  }

  /** The events as a text/event-stream: those so far, then each as it comes, until the end. */
  stream(): Readable {
    const out = new PassThrough();
    const send = (e: ExportEvent) => {
      out.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (e.type === 'end') {
        this.listeners.delete(send);
        out.end();
      }
    };
    for (const e of this.events) send(e);
    if (!this.finished) {
      this.listeners.add(send);
      out.on('close', () => this.listeners.delete(send));
    }
    return out;
  }
}

/** The export was refused before it began: not signed off, figures that do not verify … */
export class ExportRefused extends UserError {
  constructor(readonly status: number, readonly code: string, message: string, readonly detail?: string) {
    super(message);
    this.name = 'ExportRefused';
  }
}

export interface ExportSettings {
  templatesDir: string;
  browser?: string;
  log: (line: string) => void;
}

export class Exporter {
  private readonly jobs = new Map<string, ExportJob>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: ProjectStore, private readonly settings: ExportSettings) {}

  job(project: string, id: string): ExportJob | undefined {
    return this.jobs.get(`${project}/${id}`);
  }

  /**
   * Check what an export needs — every figure signed off as it is now, the data complete and valid
   * (as validate() reads it), every figure found in the speech, known outputs, sane print options —
   * then start it. Throws ExportRefused, DataError, OutputNameError or a UsageError before anything
   * is written.
   */
  start(id: string, state: ProjectState, choice: ExportChoice): ExportJob {
    const figures = includedFigures(state);
    const unsigned = figures.filter((f) => state.signoff.figures[f.id]?.hash !== figureHash(f));
    if (figures.length === 0) throw new ExportRefused(422, 'no-figures', '没有要导出的数据：请至少采用一个数据。');
    if (unsigned.length > 0) {
      throw new ExportRefused(423, 'not-signed-off', `导出已锁定：还有 ${unsigned.length} 个数据未经审校确认（${unsigned.map((f) => f.label ?? f.id).slice(0, 5).join('、')}${unsigned.length > 5 ? '等' : ''}）。请先在“审校”一步逐一确认。`);
    }
    checkBleed(choice.bleedMm, 'bleed');
    if (choice.icc !== undefined) {
      if (!choice.cmyk) throw new ExportRefused(422, 'icc-without-cmyk', 'ICC 配置文件只用于 CMYK PDF/X-3：请同时勾选 CMYK。');
      checkIcc(this.store.file(id, choice.icc), 'icc');
    }
    if (!Array.isArray(choice.only) || choice.only.length === 0) throw new ExportRefused(422, 'no-outputs', '请至少选择一种要导出的成品。');
    selectOutputs(choice.only); // unknown names, before the data is read

    // What render() does, in its order: fonts, the data as validate() reads it, the speech, the outputs.
    const fonts = resolveFonts();
    const dataFile = displayPath(this.store.file(id, DATA_FILE));
    const data = validate(dataFile, fonts);
    if (state.speech) {
      const speech = displayPath(this.store.file(id, SPEECH_TEXT));
      const checks = verifyFigures(data, readTextFile(speech, { maxBytes: MAX_SPEECH_BYTES, what: 'the speech as text' }).text, speech);
      const report = formatVerify(checks, speech);
      if (checks.some((c) => !c.ok)) throw new VerifyError(report);
    }
    const outputs = selectOutputs(choice.only, undefined, data.figures.map((f) => f.id));
    const view = buildView(data);

    const exportId = nextExport(this.store.file(id, EXPORTS_DIR));
    const folder = join(this.store.file(id, EXPORTS_DIR), exportId);
    const job = new ExportJob(id, exportId, folder);
    this.jobs.set(`${id}/${exportId}`, job);
    job.emit({ type: 'start', export: exportId, outputs: outputs.map((o) => o.name), total: outputs.length });

    const dataText = readFileSync(this.store.file(id, DATA_FILE));
    const manifest = {
      generator: 'shushuo studio',
      data: data.file,
      fonts: Object.fromEntries(fonts.map((f) => [f.role, `${f.source.family}${f.origin === 'default' ? '' : ` (${f.origin})`}`])),
      project: { id, name: state.name, version: state.version },
      signoff: signoffRecord(state, data, createHash('sha256').update(dataText).digest('hex')),
    };
    const run = async () => {
      const started = performance.now();
      const log = (line: string) => {
        this.settings.log(`[${id} ${exportId}] ${line}`);
        job.emit({ type: 'log', line });
      };
      const session = new Session({ fonts, browser: this.settings.browser, templatesDir: this.settings.templatesDir, text: drawnText(this.settings.templatesDir, [view], outputs), log, debug: (line) => this.settings.log(`[${id} ${exportId}] ${line}`) });
      let done = 0;
      let result: JobResult | undefined;
      try {
        result = await runJob(session, {
          data,
          view,
          outputs,
          out: folder,
          print: { bleedMm: choice.bleedMm, marks: choice.marks, cmyk: choice.cmyk, icc: choice.icc === undefined ? undefined : this.store.file(id, choice.icc) },
          manifest,
          gallery: view.doc.fullTitle,
        }, (e) => {
          done++;
          job.emit({ type: 'output', name: e.name, status: e.status, seconds: e.seconds, files: e.files.map(fileOf), ...(e.reason ? { reason: e.reason } : {}), done, total: outputs.length });
        });
      } catch (err) {
        job.emit({ type: 'end', ok: false, files: [], failed: [], seconds: (performance.now() - started) / 1000, message: messageOf(err) });
        return;
      } finally {
        await session.close();
      }
      if (result.failed.length === 0 && !result.stopped) this.store.rememberOffice(state.data.document, { issue: true });
      job.emit({
        type: 'end',
        ok: result.failed.length === 0 && !result.stopped,
        files: result.manifest.map(fileOf),
        failed: result.failed,
        seconds: (performance.now() - started) / 1000,
        ...(result.stopped ? { message: result.stopped.message } : {}),
      });
    };
    this.queue = this.queue.then(run, run);
    return job;
  }

  /** The exports of a project, newest first, from their manifests. */
  list(id: string): { id: string; created: string; files: { file: string; bytes: number }[]; reviewer?: string; running: boolean }[] {
    const dir = this.store.file(id, EXPORTS_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => /^\d{3,}$/.test(name))
      .sort()
      .reverse()
      .map((name) => {
        const job = this.job(id, name);
        const manifest = readManifest(join(dir, name));
        return {
          id: name,
          created: statSync(join(dir, name)).mtime.toISOString(),
          files: (manifest?.files ?? []).map(fileOf),
          ...(manifest?.signoff?.reviewer ? { reviewer: manifest.signoff.reviewer } : {}),
          running: Boolean(job && !job.finished),
        };
      });
  }

  /** A file of an export, if its manifest lists it (or the manifest itself): nothing else can be asked for. */
  exportFile(id: string, exportId: string, file: string): string | undefined {
    if (!/^\d{3,}$/.test(exportId)) return undefined;
    const folder = join(this.store.file(id, EXPORTS_DIR), exportId);
    if (file === MANIFEST) return existsSync(join(folder, MANIFEST)) ? join(folder, MANIFEST) : undefined;
    const manifest = readManifest(folder);
    return manifest?.files.some((f) => f.file === file) ? join(folder, file) : undefined;
  }

  /** All files of an export (the manifest's, the manifest, the gallery and its thumbnails) as a ZIP stream. */
  zip(id: string, exportId: string): Readable | undefined {
    if (!/^\d{3,}$/.test(exportId)) return undefined;
    const folder = join(this.store.file(id, EXPORTS_DIR), exportId);
    const manifest = readManifest(folder);
    if (!manifest) return undefined;
    const zip = new yazl.ZipFile();
    const names = [...manifest.files.map((f) => f.file), MANIFEST];
    if (existsSync(join(folder, 'index.html'))) names.push('index.html');
    const thumbs = join(folder, 'thumbs');
    if (existsSync(thumbs)) for (const t of readdirSync(thumbs).sort()) names.push(`thumbs/${t}`);
    for (const name of names) {
      const file = join(folder, name);
      if (existsSync(file)) zip.addFile(file, name, { compress: !/\.(png|jpe?g|webp|pdf)$/i.test(name) });
    }
    zip.end();
    return zip.outputStream as Readable;
  }
}

const fileOf = (e: ManifestEntry) => ({ file: e.file, bytes: e.bytes });

function readManifest(folder: string): { files: ManifestEntry[]; signoff?: { reviewer?: string } } | undefined {
  try {
    return JSON.parse(readFileSync(join(folder, MANIFEST), 'utf8')) as { files: ManifestEntry[]; signoff?: { reviewer?: string } };
  } catch {
    return undefined;
  }
}

/** The next export's folder name: 001, 002 … */
function nextExport(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const last = readdirSync(dir).filter((n) => /^\d{3,}$/.test(n)).map(Number).reduce((a, b) => Math.max(a, b), 0);
  return String(last + 1).padStart(3, '0');
}

/** The sign-off as the manifest records it: who confirmed each figure as it prints, when, and the data it was. */
function signoffRecord(state: ProjectState, data: SpeechData, dataSha256: string) {
  const figures = data.figures.map((f) => {
    const c = state.signoff.figures[f.id]!;
    return { figure: f.id, label: f.label, printed: formatFigure(f).text, fragment: f.fragment, by: c.by, at: c.at };
  });
  const last = figures.map((f) => f.at).sort().pop();
  return { reviewer: state.signoff.reviewer ?? figures[0]?.by, at: last, data: { file: DATA_FILE, sha256: dataSha256 }, figures };
}
