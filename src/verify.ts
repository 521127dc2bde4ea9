// Every printed number must trace back to the speech. For each figure: its fragment stands in the
// source text, word for word (spaces aside), and the data's number, unit and qualifier are the ones
// the fragment states. The second half is the data file's own rule (src/data/load.ts), checked
// when the data is read.

import type { SpeechData } from './data/types.js';
import { formatFigure } from './format.js';

export interface FigureCheck {
  id: string;
  /** The figure as printed, e.g. 近40% */
  text: string;
  ok: boolean;
  /** Line of the source where the fragment stands */
  line?: number;
  problems: string[];
}

/** Spaces inside Chinese text carry no meaning (1812 个 = 1812个); compare without them. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

/** Check every figure of already-parsed data against the speech's text. */
export function verifyFigures(data: SpeechData, source: string, sourceName: string): FigureCheck[] {
  const lines = source.split('\n').map(squeeze);
  return data.figures.map((f) => {
    const problems: string[] = [];
    const fragment = squeeze(f.fragment);
    const at = lines.findIndex((l) => l.includes(fragment));
    if (at < 0) {
      const digits = String(f.value);
      const near = lines.flatMap((l, i) => (l.includes(digits) ? [`line ${i + 1}: “…${context(l, digits)}…”`] : [])).slice(0, 2);
      problems.push(`fragment: expected “${f.fragment}” in ${sourceName}, received no such words${near.length ? `; ${digits} stands at ${near.join(', ')}` : `; ${digits} is nowhere in it`}`);
    }
    return { id: f.id, text: formatFigure(f).text, ok: problems.length === 0, ...(at >= 0 ? { line: at + 1 } : {}), problems };
  });
}

function context(line: string, digits: string): string {
  const i = line.indexOf(digits);
  return line.slice(Math.max(0, i - 12), i + digits.length + 8);
}

/** The report: one line per figure, ✓ or what differs, then a verdict. */
export function formatVerify(checks: FigureCheck[], sourceName: string): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines = checks.map((c) =>
    c.ok
      ? `✓ ${c.id.padEnd(width)}  ${c.text}  (${sourceName}:${c.line})`
      : `✗ ${c.id.padEnd(width)}  ${c.text}\n${c.problems.map((p) => `    ${p}`).join('\n')}`,
  );
  const bad = checks.filter((c) => !c.ok).length;
  lines.push(bad === 0 ? `✓ all ${checks.length} figures verified against ${sourceName}` : `✗ ${bad} of ${checks.length} figures do not verify against ${sourceName}`);
  return lines.join('\n');
}
