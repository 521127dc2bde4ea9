// Page 1 of a PDF as pixels, for the gallery's thumbnails, through poppler's pdftoppm.
//
// pdftoppm is started by one long-lived shell, not by node: node's own fork of itself, some 250 MB,
// took 13 ms of CPU a thumbnail (a batch makes one a row), where the shell's fork takes well under one.
// The shell reads three lines a request (the size, the PDF, the file for its pixels) and answers with pdftoppm's
// exit status, one request at a time; it ends when node does, as its input closes.

import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawImage } from './image.js';

const LOOP = 'while IFS= read -r size && IFS= read -r pdf && IFS= read -r out; do pdftoppm -scale-to "$size" -f 1 -l 1 "$pdf" > "$out" 2>/dev/null; echo $?; done';

interface Pending {
  done: (status: string | undefined) => void;
}

interface Shell {
  child: ChildProcess;
  pending: Pending[];
}

let shell: Shell | undefined;
let count = 0;

/** The shell, started on first use (and again should it have died). */
function started(): Shell {
  if (shell && shell.child.exitCode === null && !shell.child.killed) return shell;
  const child = spawn('sh', ['-c', LOOP], { stdio: ['pipe', 'pipe', 'ignore'] });
  const own: Shell = { child, pending: [] };
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) own.pending.shift()?.done(line);
    if (own.pending.length === 0) waiting(own, false);
  });
  const fail = () => {
    for (const p of own.pending.splice(0)) p.done(undefined);
    if (shell === own) shell = undefined;
  };
  child.on('error', fail).on('close', fail);
  child.stdin!.on('error', fail);
  // Idle, it does not keep node running (see waiting): the shell ends when node's end closes its input.
  child.unref();
  waiting(own, false);
  shell = own;
  return own;
}

/** Keep node running while an answer is awaited, and only then. */
function waiting(own: Shell, yes: boolean): void {
  for (const stream of [own.child.stdin, own.child.stdout] as unknown as ({ ref?: () => void; unref?: () => void } | null)[]) {
    if (yes) stream?.ref?.();
    else stream?.unref?.();
  }
}

/** Page 1 of `pdf`, at most `size` px on its longer side; undefined where poppler is missing or the file is not a PDF. */
export async function firstPageImage(pdf: string, size: number): Promise<RawImage | undefined> {
  // A name with a line break cannot go through the shell's lines: it has no thumbnail.
  if (/[\n\r]/.test(pdf)) return undefined;
  const out = join(tmpdir(), `shushuo-page1-${process.pid}-${++count}.ppm`);
  try {
    const own = started();
    const status = await new Promise<string | undefined>((done) => {
      own.pending.push({ done });
      waiting(own, true);
      own.child.stdin!.write(`${Math.round(size)}\n${pdf}\n${out}\n`);
    });
    return status === '0' ? fromPpm(await readFile(out)) : undefined;
  } catch {
    return undefined;
  } finally {
    await rm(out, { force: true });
  }
}

/** The pixels of a binary PPM (P6, 8 bits), as pdftoppm writes it: a header of four words, then RGB bytes. */
export function fromPpm(ppm: Buffer): RawImage | undefined {
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 32).toString('latin1'));
  if (!header) return undefined;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const data = ppm.subarray(header[0].length);
  return data.length === width * height * 3 ? { data, width, height } : undefined;
}
