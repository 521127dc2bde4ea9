// The command line: parse arguments, call the library, map errors to exit codes.
//   0 done · 1 rendering failed · 2 bad input (data, arguments): nothing written

import { parseArgs } from 'node:util';
import { BrowserNotFound } from './browser.js';
import { DataError, GlyphError, OUTPUTS, render, validate } from './index.js';
import { selectOutputs } from './outputs.js';

const USAGE = `shushuo (数说) — key figures of a speech → print-ready PDF briefings and posters

Usage:
  shushuo validate --data FILE
  shushuo render   --data FILE --out DIR [--only NAMES] [--browser PATH]

Options:
  --data FILE      the data file (YAML), e.g. data/luoyang-2018-02-08.yaml
  --out DIR        where to write the outputs (default: output)
  --only NAMES     comma-separated outputs to render (default: all): ${OUTPUTS.map((o) => o.name).join(', ')}
  --browser PATH   Chrome or Chromium to use (default: SHUSHUO_BROWSER, then a system
                   Chrome/Chromium, then puppeteer's cache)
  -h, --help       show this help

Exit codes: 0 done, 1 rendering failed, 2 invalid data or arguments (nothing written).

Examples:
  shushuo validate --data data/luoyang-2018-02-08.yaml
  shushuo render --data data/luoyang-2018-02-08.yaml --out output --only poster-a2
`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        data: { type: 'string' },
        out: { type: 'string', default: 'output' },
        only: { type: 'string' },
        browser: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const command = positionals[0];
    if (values.help || !command) {
      process.stdout.write(USAGE);
      return values.help ? 0 : 2;
    }
    if (!values.data) throw new UsageError(`${command}: expected --data FILE, received no --data`);
    if (command === 'validate') {
      const data = validate(values.data);
      err(`${values.data}: valid (${data.figures.length} figures, ${data.derived.length} derived)`);
      return 0;
    }
    if (command === 'render') {
      const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
      try {
        selectOutputs(only);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      await render({ data: values.data, out: values.out, only, browser: values.browser, log: err });
      return 0;
    }
    throw new UsageError(`expected a command (validate or render), received "${command}"`);
  } catch (e) {
    if (e instanceof DataError || e instanceof GlyphError) {
      err(`invalid data, nothing written:\n${e.message}`);
      return 2;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof BrowserNotFound) {
      err(e.message);
      return 1;
    }
    err(`rendering failed: ${(e as Error).message}`);
    if ((e as Error).cause) err(`  cause: ${String(((e as Error).cause as Error).stack ?? (e as Error).cause)}`);
    return 1;
  }
}
