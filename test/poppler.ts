// What poppler-utils says about a PDF, as the tests read it.
import { execFileSync } from 'node:child_process';

export function pdfinfo(file: string): Record<string, string> {
  const out = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

export function pdffonts(file: string): { name: string; type: string; emb: string }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    // name type [encoding…] emb sub uni object-id gen
    const n = cols.length;
    return { name: cols[0]!, type: l.includes('Type 3') ? 'Type 3' : cols.slice(1, n - 6).join(' '), emb: cols[n - 5]! };
  });
}

/** The text in reading order, as pdftotext -raw gives it. */
export const pdftext = (file: string) => execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' });
