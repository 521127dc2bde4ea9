// npm run bench:batch: what rendering pages at once over the one browser buys a batch.
// Runs the example sheet (3 rows, poster-a3 + wechat-square each) with 1, 2 and 3 pages at
// once, alternating, in one run, and prints the times and ratios.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batch } from '../src/jobs/batch.js';
import { TEMPLATES_DIR } from '../src/index.js';

const ROUNDS = Number(process.argv[2] ?? 2);
const AT_ONCE = [1, 2, 3];
const out = mkdtempSync(join(tmpdir(), 'shushuo-bench-batch-'));
const quiet = { write: () => true, isTTY: false };

async function run(atOnce: number): Promise<number> {
  const result = await batch({
    data: 'examples/batch/counties.csv', base: 'examples/batch/county-base.yaml', template: 'poster-a3,wechat-square',
    out: join(out, String(atOnce)), templatesDir: TEMPLATES_DIR, atOnce, stream: quiet,
  });
  if (result.rows.some((r) => r.status !== 'rendered')) throw new Error(`bench: expected every row rendered, received\n${result.summary}`);
  return result.seconds;
}

try {
  await run(2); // warm the file cache and the converted fonts
  const times = new Map<number, number[]>(AT_ONCE.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) for (const n of AT_ONCE) times.get(n)!.push(await run(n));
  const best = (n: number) => Math.min(...times.get(n)!);
  console.log(`batch of examples/batch/counties.csv (3 rows × poster-a3 + wechat-square), best of ${ROUNDS} rounds each`);
  for (const n of AT_ONCE) console.log(`  ${n} page${n === 1 ? ' ' : 's'} at once: ${best(n).toFixed(2)} s`);
  for (const n of AT_ONCE.slice(1)) console.log(`  ratio (1 at once / ${n} at once): ${(best(1) / best(n)).toFixed(2)}×`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
