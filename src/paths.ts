// Where the project's own files are. The code may run from src/ (through tsx) or from its compiled
// copy in node_modules/.cache (bin/shushuo.js), so the project folder is found by its package.json,
// not by counting folders up from this file.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function projectDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'shushuo') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`shushuo: expected its package.json in a folder above ${fileURLToPath(import.meta.url)}, found none`);
    dir = up;
  }
}

export const PROJECT_DIR = projectDir();
export const { version: VERSION } = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { version: string };
export const SCHEMA_FILE = join(PROJECT_DIR, 'schema/shushuo-data.schema.json');
