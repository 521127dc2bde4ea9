import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeAtomic } from '../src/output/write.js';

describe('writeAtomic', () => {
  it('replaces a file whole and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shushuo-write-'));
    const file = join(dir, 'poster.pdf');
    writeFileSync(file, 'old');
    writeAtomic(file, 'new content');
    assert.equal(readFileSync(file, 'utf8'), 'new content');
    assert.deepEqual(readdirSync(dir), ['poster.pdf']);
    rmSync(dir, { recursive: true });
  });

  it('keeps the old file when the write fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shushuo-write-'));
    const file = join(dir, 'poster.pdf');
    writeFileSync(file, 'good');
    // A directory where the temp file should go makes the write fail.
    const blocker = join(dir, `.poster.pdf.${process.pid}.tmp`);
    mkdirSync(blocker);
    assert.throws(() => writeAtomic(file, 'half'));
    assert.equal(readFileSync(file, 'utf8'), 'good');
    rmSync(dir, { recursive: true });
  });
});
