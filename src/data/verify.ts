// Every printed number must trace back to the speech. For each figure: its fragment stands in the
// source text, word for word (spaces aside), and the data's number, unit and qualifier are the ones
// the fragment states. The second half is the data file's own rule (src/data/fragment.ts); verify
// reports it per figure, so data read with { fragmentRule: false } gets one complete report.

import { fragmentMismatches, numbersIn, type FragmentMismatch } from './fragment.js';
import type { SpeechData } from './types.js';
import { formatFigure, formatNumber } from './format.js';

export interface FigureCheck {
  id: string;
  /** The figure as printed, e.g. 近40% */
  text: string;
  ok: boolean;
  /** Line of the source where the fragment stands */
  line?: number;
  /** Every difference: the field that differs (fragment: the words are not in the speech) and what was expected and received */
  differences: FragmentMismatch[];
  /** The same, each as `field: expected …, received …` */
  problems: string[];
}

/** Spaces inside Chinese text carry no meaning (1812 个 = 1812个); compare without them. */
const squeeze = (s: string) => s.replace(/\s+/g, '');

/** Check every figure of already-parsed data against the speech's text. */
export function verifyFigures(data: SpeechData, source: string, sourceName: string): FigureCheck[] {
  const lines = source.split('\n').map(squeeze);
  return data.figures.map((f) => {
    const differences: FragmentMismatch[] = [];
    const fragment = squeeze(f.fragment);
    const at = lines.findIndex((l) => l.includes(fragment));
    if (at < 0) {
      const digits = formatNumber(f.value);
      const near = lines.flatMap((l, i) => {
        const n = numbersIn(l).find((x) => x.digits === digits);
        return n ? [`line ${i + 1}: “…${l.slice(Math.max(0, n.index - 12), n.index + n.text.length + 8)}…”`] : [];
      }).slice(0, 2);
      differences.push({ field: 'fragment', message: `expected “${f.fragment}” in ${sourceName}, received no such words${near.length ? `; ${digits} stands at ${near.join(', ')}` : `; ${digits} is nowhere in it`}` });
    }
    differences.push(...fragmentMismatches(f));
    const problems = differences.map((d) => `${d.field}: ${d.message}`);
    return { id: f.id, text: formatFigure(f).text, ok: differences.length === 0, ...(at >= 0 ? { line: at + 1 } : {}), differences, problems };
  });
}

/** The report: one line per figure, ✓ or what differs (with the line of its fragment, if found), then a verdict. */
export function formatVerify(checks: FigureCheck[], sourceName: string): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines = checks.map((c) =>
    c.ok
      ? `✓ ${c.id.padEnd(width)}  ${c.text}  (${sourceName}:${c.line})`
      : `✗ ${c.id.padEnd(width)}  ${c.text}${c.line ? `  (${sourceName}:${c.line})` : ''}\n${c.problems.map((p) => `    ${p}`).join('\n')}`,
  );
  const bad = checks.filter((c) => !c.ok).length;
  lines.push(bad === 0 ? `✓ all ${checks.length} figures verified against ${sourceName}` : `✗ ${bad} of ${checks.length} figures do not verify against ${sourceName}`);
  return lines.join('\n');
}
