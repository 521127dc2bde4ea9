// The data files every render test runs on: speeches of different shapes, not only the first one.
import { formatDate, formatDerived, formatFigure, formatFrom } from '../src/data/format.js';
import type { Section, SpeechData } from '../src/data/types.js';

export const SPEECHES = {
  /** The first speech: an unnumbered review with two 一是 runs, then 一、二、三 with （一） items */
  luoyang: 'data/luoyang-2018-02-08.yaml',
  /** Every text near its cap, six parts, every kind and qualifier */
  long: 'test/fixtures/data/long-texts.yaml',
  /** Only the required fields: no sections, speaker, issue, meeting */
  minimal: 'test/fixtures/data/minimal.yaml',
} as const;

const digitsOf = (s: string) => [...s.matchAll(/\d+(?:\.\d+)?/g)].map((m) => m[0]);

/** Every digit run an output of this data may show: its formatted figures, dates, issue, and the numbers of its own words. */
export function allowedNumbers(data: SpeechData, pages = 0): Set<string> {
  const allowed = new Set<string>();
  const add = (s: string | undefined) => { if (s) for (const d of digitsOf(s)) allowed.add(d); };
  data.figures.forEach((f) => { add(formatFigure(f).text); add(formatFrom(f)); add(f.label); add(f.fragment); });
  data.derived.forEach((d) => { add(formatDerived(d)); add(d.label); });
  const doc = data.document;
  [formatDate(doc.issued), formatDate(doc.speechDate), doc.issue === undefined ? '' : String(doc.issue), doc.title, doc.subtitle, doc.meeting, doc.speechTitle, doc.office, doc.docNumber, doc.copyTo].forEach(add);
  const walk = (s: Section) => { add(s.number); add(s.title); add(s.itemsName); s.sections.forEach(walk); };
  data.sections.forEach(walk);
  for (let p = 1; p <= pages; p++) allowed.add(String(p));
  return allowed;
}
