/**
 * The model hash: a fingerprint of the source of every machine in `models/`, written into each replay
 * file. When it differs at replay time the model has changed since the file was written; that is a
 * warning, not an error — divergence detection then says whether the recorded decisions still fit.
 *
 * sha256 over every `models/**\/*.ts` file, in order of its path relative to `models/` (with `/`
 * separators, compared by code unit, so no locale or platform changes the order); for each file its path,
 * a newline, its text with CRLF turned into LF (a Windows checkout hashes alike), and a NUL.
 *
 * It lives here, not in `models/`: the machines stay pure and never touch the file system.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';

/** The model sources, also when sbsim runs from its compiled JavaScript (dist/). */
const MODELS_DIR = join(PACKAGE_ROOT, 'models');

/** The `.ts` files under `dir`, as sorted relative paths with `/` separators. */
export function modelSourceFiles(dir: string = MODELS_DIR): string[] {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return entries
    .map((p) => p.split(sep).join('/'))
    .filter((p) => p.endsWith('.ts'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function hashModelSources(dir: string = MODELS_DIR): string {
  const hash = createHash('sha256');
  for (const rel of modelSourceFiles(dir)) {
    hash.update(`${rel}\n`);
    hash.update(readFileSync(join(dir, rel), 'utf8').replace(/\r\n/g, '\n'));
    hash.update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

let cached: string | undefined;

/** The hash of the models this process runs (computed once: the sources do not change under a run). */
export function modelHash(): string {
  cached ??= hashModelSources();
  return cached;
}
