// Who may render. On the loopback address the service is this computer's; on any other it refuses to
// start without API tokens, read from a file, one per line:
//   # name   token
//   xinhua   3f1c…(at least 16 characters)
// Every request then needs `Authorization: Bearer <token>` (GET /health excepted, for supervisors);
// the token's name goes into the audit log.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usageError, UsageError } from '../errors.js';

export interface Tokens {
  /** The name of the token the header carries, or undefined */
  check(header: string | undefined): string | undefined;
  names: string[];
}

const MIN_TOKEN = 16;

export function readTokens(file: string): Tokens {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError({ field: `--tokens ${file}`, expected: 'a file of API tokens, one "name token" per line', received: `a path that cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` });
  }
  const entries: { name: string; hash: Buffer }[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const clean = line.replace(/#.*$/, '').trim();
    if (!clean) continue;
    const [name, token, ...rest] = clean.split(/\s+/);
    if (!token || rest.length > 0 || token.length < MIN_TOKEN) {
      throw new UsageError(`--tokens ${file}:${i + 1}: expected "name token" with a token of at least ${MIN_TOKEN} characters, received ${token ? (rest.length > 0 ? 'more than two words' : `a token of ${token.length} characters`) : 'a name alone'}`);
    }
    entries.push({ name: name!, hash: digest(token) });
  }
  if (entries.length === 0) throw usageError({ field: `--tokens ${file}`, expected: 'at least one "name token" line', received: 'none' });
  return {
    names: entries.map((e) => e.name),
    check(header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
      if (!m) return undefined;
      const given = digest(m[1]!);
      // Compare every entry, in constant time each, so timing says nothing about which is close.
      let found: string | undefined;
      for (const e of entries) if (timingSafeEqual(e.hash, given)) found ??= e.name;
      return found;
    },
  };
}

const digest = (token: string) => createHash('sha256').update(token).digest();

/** Loopback addresses: this computer only. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
