// What a figure's fragment of the speech says, against what the figure claims: the number as
// formatNumber writes it, the unit right after it, and the qualifier next to it. Pure; used when a
// data file is read, by verify, and when extract chooses a fragment.

import { formatNumber } from '../format.js';
import type { Figure, Qualifier } from './types.js';

const BEFORE_NUMBER: Qualifier[] = ['仅有', '超过', '近', '约'];

/** A number as a speech writes it: 1812, 1,812 (ASCII commas between groups of three digits only), 12.5. */
const NUMBER = /\d{1,3}(?:,\d{3})+(?!\d|,\d)(?:\.\d+)?|\d+(?:\.\d+)?/g;

export interface NumberRun {
  index: number;
  /** As written: 1,812 */
  text: string;
  /** Without thousands separators, as formatNumber writes it: 1812 */
  digits: string;
}

/** The numbers of a text, in order. */
export function numbersIn(text: string): NumberRun[] {
  return [...text.matchAll(NUMBER)].map((m) => ({ index: m.index!, text: m[0], digits: m[0].replace(/,/g, '') }));
}

export interface FragmentMismatch {
  field: 'fragment' | 'qualifier' | 'unit';
  message: string;
}

export function fragmentMismatches(f: Pick<Figure, 'value' | 'unit' | 'qualifier' | 'fragment'>): FragmentMismatch[] {
  const digits = formatNumber(f.value);
  const hit = numbersIn(f.fragment).find((n) => n.digits === digits);
  if (!hit) return [{ field: 'fragment', message: `expected the words of the speech that state ${digits}, received "${f.fragment}" (no ${digits} in it)` }];
  const found: FragmentMismatch[] = [];
  const before = f.fragment.slice(0, hit.index).replace(/\s+$/, '');
  const after = f.fragment.slice(hit.index + hit.text.length).replace(/^\s+/, '');
  const afterUnit = after.startsWith(f.unit) ? after.slice(f.unit.length).trimStart() : after;
  const stated = BEFORE_NUMBER.find((q) => before.endsWith(q) || (q === '约' && before.endsWith('约有')))
    ?? (afterUnit.startsWith('左右') ? '左右' : undefined);
  const listed = !stated && inQualifiedList(before, f.unit) ? '仅有' : undefined;
  const inFragment = stated ?? listed;
  if (inFragment && f.qualifier !== inFragment) {
    found.push({ field: 'qualifier', message: `expected ${inFragment}, as the speech says ("${f.fragment}"), received ${f.qualifier ?? 'nothing'}` });
  } else if (!inFragment && f.qualifier) {
    found.push({ field: 'qualifier', message: `expected no qualifier, since the fragment "${f.fragment}" does not say ${f.qualifier} next to ${digits}, received ${f.qualifier}` });
  }
  if (!after.startsWith(f.unit)) {
    found.push({ field: 'unit', message: `expected the unit the fragment gives after ${digits} ("${after.slice(0, 4)}…"), received "${f.unit}"` });
  }
  return found;
}

/**
 * 仅有 78%、71% / 仅有 50%、40%、30% / 仅有 50%、40%和30%: the qualifier stated before a list applies
 * to every number in it. `before` is the fragment up to the number; 和 or 及 joins only a third or later item.
 */
function inQualifiedList(before: string, unit: string): boolean {
  const item = String.raw`\d[\d.,]*\s*(?:%|％|${unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})?`;
  const items = String.raw`仅有\s*(?:${item}\s*[、，]\s*)+`;
  return new RegExp(`${items}$`).test(before) || new RegExp(String.raw`${items}${item}\s*[和及]$`).test(before);
}
