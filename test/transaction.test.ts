// The output folder is a transaction: a run that fails or is killed never changes a file the manifest
// vouches for, two runs never mix their files in one folder, and a re-run keeps what is up to date.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { render, TEMPLATES_DIR } from '../src/index.js';
import { sha256 } from '../src/output/write.js';
import { begin, FolderBusy, MANIFEST, readManifest, recover } from '../src/output/transaction.js';
import { SPEECHES } from './speeches.js';

const OUT = 'test/__output__/transaction';
const CARD = 'card-villages-square';

/** Every file the manifest names is there with its hash; nothing is left staged; no lock. */
function consistent(out: string): void {
  const entries = readManifest(out);
  assert.ok(entries.length > 0, `${out} has a manifest`);
  for (const e of entries) {
    assert.ok(existsSync(join(out, e.file)), `${e.file} is in the manifest but not in the folder`);
    assert.equal(sha256(readFileSync(join(out, e.file))), e.sha256, `${e.file} is not the file the manifest vouches for`);
  }
  assert.deepEqual(readdirSync(out).filter((n) => n.startsWith('.shushuo')), [], 'staging folders or a lock left behind');
}

const hashes = (out: string) => Object.fromEntries(readManifest(out).map((e) => [e.file, e.sha256]));

describe('the output folder is a transaction', { timeout: 300_000 }, () => {
  it('a second run into a folder another is writing is refused at once, naming the other; with a wait it follows', async () => {
    const out = join(OUT, 'concurrent');
    rmSync(out, { recursive: true, force: true });
    const first = render({ data: SPEECHES.minimal, out, only: ['briefing'] });
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(render({ data: SPEECHES.luoyang, out, only: ['card'] }), (err: Error) => {
      assert.ok(err instanceof FolderBusy, String(err));
      assert.match(err.message, new RegExp(`${out}: expected a folder no other run is writing, received one that shushuo \\(pid ${process.pid}, started .*\\) is writing`));
      return true;
    });
    const second = render({ data: SPEECHES.minimal, out, only: [CARD], waitMs: 120_000 });
    await Promise.all([first, second]);
    consistent(out);
    assert.deepEqual(readManifest(out).map((e) => e.output).sort(), ['briefing', CARD]);
  });

  it('a run whose output fails changes no file the manifest vouches for; the outputs that rendered are committed', async () => {
    const out = join(OUT, 'failing');
    rmSync(out, { recursive: true, force: true });
    await render({ data: SPEECHES.minimal, out, only: ['briefing', CARD] });
    const before = hashes(out);
    // The briefing's template throws now; the card still renders, with other data.
    const templates = join(OUT, 'broken-templates');
    rmSync(templates, { recursive: true, force: true });
    cpSync(TEMPLATES_DIR, templates, { recursive: true });
    writeFileSync(join(templates, 'briefing.hbs'), `${readFileSync(join(templates, 'briefing.hbs'), 'utf8')}{{no-such-field}}`);
    const changed = join(OUT, 'changed.yaml');
    writeFileSync(changed, readFileSync(SPEECHES.minimal, 'utf8').replace('title: 数说乡村振兴', 'title: 数说乡村振兴（改）'));
    await assert.rejects(render({ data: changed, out, only: ['briefing', CARD], templatesDir: templates }), /1 output failed \(the other files were written\):\n {2}briefing: /);
    consistent(out);
    const after = hashes(out);
    assert.equal(after['briefing.pdf'], before['briefing.pdf'], 'the good briefing of the last run is kept');
    assert.notEqual(after[`${CARD}.png`], before[`${CARD}.png`], 'the card that rendered is committed');
  });

  it('a re-run with nothing changed rewrites nothing; a changed figure re-renders only the outputs that show it', async () => {
    const out = join(OUT, 'rerun');
    rmSync(out, { recursive: true, force: true });
    const all = ['briefing', 'card-villages-square', 'card-share-square'];
    await render({ data: SPEECHES.minimal, out, only: all });
    const mtimes = () => Object.fromEntries(readdirSync(out).filter((f) => /\.(pdf|png)$/.test(f)).map((f) => [f, statSync(join(out, f)).mtimeMs]));
    const before = mtimes();
    const again = await render({ data: SPEECHES.minimal, out, only: all });
    assert.deepEqual(again.files, [], 'nothing written');
    assert.deepEqual(again.kept.sort(), [...all].sort());
    assert.deepEqual(mtimes(), before, 'no file touched');
    const changed = join(OUT, 'one-figure-changed.yaml');
    writeFileSync(changed, readFileSync(SPEECHES.minimal, 'utf8').replace('value: 12', 'value: 13').replace('建成示范村12个', '建成示范村13个'));
    const third = await render({ data: changed, out, only: all });
    assert.deepEqual(third.files.map((f) => f.output).sort(), ['briefing', 'card-villages-square']);
    assert.deepEqual(third.kept, ['card-share-square']);
    consistent(out);
  });

  it('SIGKILL of node mid-render leaves the folder as its manifest says; the next run cleans up what it left', async () => {
    const out = join(OUT, 'killed');
    rmSync(out, { recursive: true, force: true });
    await render({ data: SPEECHES.minimal, out, only: [CARD] });
    const before = hashes(out);
    // Every card and the briefing: some 30 outputs, so the run is far from its commit when the first is staged.
    const child = spawn('node', ['bin/shushuo.js', 'render', '--data', SPEECHES.luoyang, '--out', out, '--only', 'briefing,card'], { stdio: 'ignore' });
    // Kill it once it has rendered something: a file is in its staging folder.
    const staged = () => {
      try {
        return readdirSync(out).some((n) => n.startsWith('.shushuo-staging-') && readdirSync(join(out, n)).some((f) => /\.(pdf|png)$/.test(f)));
      } catch {
        return false; // the folder came or went while being read
      }
    };
    for (let i = 0; i < 1200 && !staged(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(staged(), 'the run staged a file');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    assert.deepEqual(hashes(out), before, 'the manifest is the one of the run before');
    for (const [file, sha] of Object.entries(before)) assert.equal(sha256(readFileSync(join(out, file))), sha, `${file} changed`);
    assert.ok(readdirSync(out).some((n) => n.startsWith('.shushuo')), 'the killed run left its lock or staging folder');
    await render({ data: SPEECHES.minimal, out, only: [CARD] });
    consistent(out);
  });

  it('a commit interrupted after its journal is finished by the next run; one interrupted before it is rolled back', async () => {
    const out = join(OUT, 'journal');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'a.txt'), 'old a');
    writeFileSync(join(out, MANIFEST), JSON.stringify({ files: [{ file: 'a.txt', bytes: 5, sha256: sha256('old a') }] }));
    // A dead process (pid 2^22 + 1 is above Linux's pid limit) left a journal and one of two files still staged.
    const dead = 4194305;
    const staged = join(out, `.shushuo-staging-${dead}-abc`);
    mkdirSync(staged);
    writeFileSync(join(out, 'a.txt'), 'new a');
    writeFileSync(join(staged, 'b.txt'), 'new b');
    const manifest = { files: [{ file: 'a.txt', bytes: 5, sha256: sha256('new a') }, { file: 'b.txt', bytes: 5, sha256: sha256('new b') }] };
    writeFileSync(join(staged, 'COMMIT.json'), JSON.stringify({ files: ['a.txt', 'b.txt'], manifest: JSON.stringify(manifest) }));
    const unjournaled = join(out, `.shushuo-staging-${dead}-def`);
    mkdirSync(unjournaled);
    writeFileSync(join(unjournaled, 'c.txt'), 'half');
    recover(out);
    consistent(out);
    assert.deepEqual(readManifest(out).map((e) => e.file), ['a.txt', 'b.txt']);
    assert.equal(existsSync(join(out, 'c.txt')), false);
  });

  it('a lock whose process is dead is taken over', async () => {
    const out = join(OUT, 'stale-lock');
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, '.shushuo.lock'), JSON.stringify({ pid: 4194305, host: (await import('node:os')).hostname(), started: '2026-01-01T00:00:00Z', command: 'render' }));
    const tx = await begin(out);
    writeFileSync(join(tx.staging, 'x.txt'), 'x');
    tx.commit([{ file: 'x.txt', bytes: 1, sha256: sha256('x') }], {});
    tx.close();
    consistent(out);
  });

  it('a full disk fails the run with a message that says so, and the files the manifest vouches for stay', async (t) => {
    // A small tmpfs stands for the full disk; where it cannot be mounted (not root, a container), skip.
    const disk = join(tmpdir(), `shushuo-full-disk-${process.pid}`);
    mkdirSync(disk, { recursive: true });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', disk], { encoding: 'utf8' });
    if (mounted.status !== 0) {
      rmSync(disk, { recursive: true, force: true });
      t.skip(`cannot mount a small tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()})`);
      return;
    }
    try {
      const out = join(disk, 'out');
      await render({ data: SPEECHES.minimal, out, only: [CARD] });
      const before = hashes(out);
      // Fill the disk to the last byte.
      const chunk = Buffer.alloc(64 * 1024, 1);
      let n = 0;
      try {
        for (;;) writeFileSync(join(disk, `filler-${n++}`), chunk);
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      await assert.rejects(render({ data: SPEECHES.minimal, out, only: [CARD], force: true }), (err: Error) => {
        assert.match(err.message, /no space left|disk is full|ENOSPC/i);
        assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace');
        return true;
      });
      assert.deepEqual(hashes(out), before, 'the files of the last good run are untouched');
      for (let i = 0; i < n; i++) rmSync(join(disk, `filler-${i}`), { force: true });
      await render({ data: SPEECHES.minimal, out, only: [CARD], force: true });
      consistent(out);
    } finally {
      spawnSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });
});
