// What a figure's fragment of the speech says, against what the figure claims: the number as
// formatNumber writes it, the unit right after it, and the qualifier next to it. Pure; used when a
// data file is read and when extract chooses a fragment.

import { formatNumber } from '../format.js';
import type { Figure, Qualifier } from './types.js';

const BEFORE_NUMBER: Qualifier[] = ['仅有', '超过', '近', '约'];

export interface FragmentMismatch {
  field: 'fragment' | 'qualifier' | 'unit';
  message: string;
}

export function fragmentMismatches(f: Pick<Figure, 'value' | 'unit' | 'qualifier' | 'fragment'>): FragmentMismatch[] {
  const digits = formatNumber(f.value);
  const runs = [...f.fragment.matchAll(/\d+(?:\.\d+)?/g)];
  const hit = runs.find((m) => m[0] === digits);
  if (!hit) return [{ field: 'fragment', message: `expected the words of the speech that state ${digits}, received "${f.fragment}" (no ${digits} in it)` }];
  const found: FragmentMismatch[] = [];
  const before = f.fragment.slice(0, hit.index).replace(/\s+$/, '');
  const after = f.fragment.slice(hit.index! + hit[0].length).replace(/^\s+/, '');
  const afterUnit = after.startsWith(f.unit) ? after.slice(f.unit.length).trimStart() : after;
  const stated = BEFORE_NUMBER.find((q) => before.endsWith(q) || (q === '约' && before.endsWith('约有')))
    ?? (afterUnit.startsWith('左右') ? '左右' : undefined);
  // 仅有 78%、71%: the qualifier stated before a list applies to every number in it.
  const listed = !stated && /仅有\s*[\d.%]+[、，]\s*$/.test(before) ? '仅有' : undefined;
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
