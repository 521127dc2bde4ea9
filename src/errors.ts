// Errors people can act on. Every problem a user can fix — the data, a sheet, a font file, an
// argument, the config file, the browser setting, a PDF given to preflight — is a UserError: it says
// where (file:line field), what was expected, what was received, and a hint, and it carries the exit
// code the command line returns. Anything else is an internal failure: the CLI says "rendering
// failed" and shows its cause only with --debug.
//
//   data/x.yaml:83 figures[3].value: expected a number, received "1812个" (write 1812 and set unit: "个")

/**
 * Characters that have no place in a document's text: C0 controls other than tab and line breaks, DEL,
 * C1 controls, and the bidi overrides that make text read differently from how it is stored.
 */
export const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

/** A character shown as its escape, so a terminal does not act on it: \u0007 */
export function escapeChar(c: string): string {
  return `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Where a problem is. Each part is optional: an argument has a field only, a font file a file only. */
export interface Place {
  file?: string;
  /** 1-based; 0 or absent: the file as a whole */
  line?: number;
  /** figures[3].value, --bleed, bleed (in a config file), column G … */
  field?: string;
}

export interface UserErrorOptions {
  /** 2 (default): bad input, nothing written. 1: the run could not be done (no browser, a PDF fails preflight). 130: stopped (Ctrl-C). */
  exitCode?: 1 | 2 | 130;
  /** The first problem's place, for programs (the service, the studio); the message already names it */
  place?: Place;
  /** A line printed before the message, e.g. "invalid data, nothing written:" */
  heading?: string;
  cause?: unknown;
}

/** A problem the user can fix. The message is safe to print: control characters are shown escaped. */
export class UserError extends Error {
  readonly exitCode: 1 | 2 | 130;
  readonly place: Place | undefined;
  readonly heading: string | undefined;

  constructor(message: string, options: UserErrorOptions = {}) {
    super(safeText(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 2;
    this.place = options.place;
    this.heading = options.heading;
  }

  /** What a person reads: the heading, then the message (the CLI prints this; the service returns it). */
  report(): string {
    return this.heading ? `${this.heading}\n${this.message}` : this.message;
  }
}

/** A command-line argument or option that makes no sense. */
export class UsageError extends UserError {
  constructor(message: string, options: UserErrorOptions = {}) {
    super(message, options);
    this.name = 'UsageError';
  }
}

export interface Problem extends Place {
  expected: string;
  received: string;
  hint?: string;
}

/** file:line field */
export function placeText(place: Place): string {
  const file = place.file ? (place.line ? `${place.file}:${place.line}` : place.file) : '';
  return [file, place.field].filter(Boolean).join(' ');
}

/** "file:line field: expected …, received … (hint)" */
export function problemText(p: Problem): string {
  const at = placeText(p);
  return `${at ? `${at}: ` : ''}expected ${p.expected}, received ${p.received}${p.hint ? ` (${p.hint})` : ''}`;
}

/** A UserError for one problem, with its place kept. */
export function userError(p: Problem, options: Omit<UserErrorOptions, 'place'> = {}): UserError {
  return new UserError(problemText(p), { ...options, place: { file: p.file, line: p.line, field: p.field } });
}

/** The same, as a UsageError (an argument or option). */
export function usageError(p: Problem, options: Omit<UserErrorOptions, 'place'> = {}): UsageError {
  return new UsageError(problemText(p), { ...options, place: { file: p.file, line: p.line, field: p.field } });
}

/** User text in quotes, with line breaks and control characters shown escaped: "a\nb\u0007". */
export function quote(text: string): string {
  const named: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  let out = '';
  for (const c of text) out += named[c] ?? (CONTROL.test(c) ? escapeChar(c) : c);
  return `"${out}"`;
}

/**
 * Text a terminal shows as it is: control characters (escape sequences, bells, bidi overrides) become
 * \u001B and the like; line breaks and tabs stay, a lone carriage return (which would let text
 * overwrite the line) is shown as \r.
 */
export function safeText(text: string): string {
  return text.replace(new RegExp(CONTROL.source, 'gu'), escapeChar).replace(/\r(?!\n)/g, '\\r');
}

/** The message of anything thrown, one line per cause, for --debug. */
export function describeFailure(err: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const text = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    lines.push(`${lines.length === 0 ? '' : 'cause: '}${safeText(text)}`);
  }
  return lines.join('\n');
}

/** The message of anything thrown, without a stack. */
export function messageOf(err: unknown): string {
  return safeText(err instanceof Error ? err.message : String(err));
}
