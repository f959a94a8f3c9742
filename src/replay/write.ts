/**
 * Writing a replay file, only once it is known to replay.
 *
 * Before anything touches the disk the file's text is read back through the reader (what is written
 * is exactly what a replay will see) and its decisions are replayed twice; both runs must reproduce
 * the recorded violation (same property, same sentence) with byte-identical traces and decisions. If
 * not, the harness itself is nondeterministic — a bug in sbsim, not in the system under test — and
 * nothing is written (a determinism check in the style of Shuttle, https://github.com/awslabs/shuttle).
 *
 * The write is atomic: the text goes to a temporary file in the target directory, which is then linked
 * (or renamed) into place, so a reader never sees half a file and a crash leaves no partial file
 * behind. An existing file is never replaced unless `overwrite` says so.
 */
import { existsSync, linkSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { ReplayFile } from './format.ts';
import { formatReplayFile } from './format.ts';
import { parseReplay } from './read.ts';
import type { ReplayResult } from './replay.ts';
import { replay } from './replay.ts';

export class NondeterminismError extends Error {
  override readonly name = 'NondeterminismError';
  constructor(readonly detail: string) {
    super(
      `sbsim: the harness is nondeterministic: ${detail}. No replay file was written. This is a bug in sbsim (something outside the Chooser decided part of the run), not in the model under test.`,
    );
  }
}

/** The target exists and `overwrite` was not given. */
export class ReplayExistsError extends Error {
  override readonly name = 'ReplayExistsError';
  constructor(readonly path: string) {
    super(`${path} already exists; not overwriting it`);
  }
}

export interface WriteOptions {
  /** Replace an existing file (default false: refuse with ReplayExistsError). */
  readonly overwrite?: boolean;
  /** When the file exists, write `name-2.json`, `name-3.json`… instead of refusing (ignored with `overwrite`). */
  readonly unique?: boolean;
}

/** `sbsim-failure-<property>-<seed>.json`. */
export function defaultReplayFileName(file: Pick<ReplayFile, 'property' | 'search'>): string {
  const property = file.property.id.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `sbsim-failure-${property}-${file.search.seed}.json`;
}

/**
 * Verify, then write `file` to `path`. Returns the path written (another one with `unique` when `path`
 * exists). Throws NondeterminismError (nothing written) or ReplayExistsError.
 */
export function writeReplayFile(path: string, file: ReplayFile, options: WriteOptions = {}): string {
  // Through the reader and back: what is verified is exactly what a replay will read, and the fields
  // come out in the reader's order, so a file read and written again is byte-identical.
  const canonical = parseReplay(formatReplayFile(file)).file;
  const text = formatReplayFile(canonical);
  verifyReplay(canonical);
  if (options.overwrite) {
    atomicWrite(path, text, true);
    return path;
  }
  for (let k = 1; ; k++) {
    const target = k === 1 ? path : numbered(path, k);
    try {
      atomicWrite(target, text, false);
      return target;
    } catch (e) {
      if (!(e instanceof ReplayExistsError) || !options.unique || k >= 1000) throw e;
    }
  }
}

/** `dir/name.json` → `dir/name-2.json`. */
export function numbered(path: string, k: number): string {
  const ext = extname(path);
  return join(dirname(path), `${basename(path, ext)}-${k}${ext}`);
}

/** Replay twice; throw NondeterminismError unless both reproduce the recorded violation identically. */
export function verifyReplay(file: ReplayFile): ReplayResult {
  const first = replay(file);
  const second = replay(file);
  for (const [n, r] of [first, second].entries()) {
    const which = n === 0 ? 'the first replay' : 'the second replay';
    if (r.outcome === 'diverged')
      throw new NondeterminismError(
        `${which} of the decisions the search just recorded diverged at decision ${r.divergence?.index}: ${r.divergence?.reason}`,
      );
    if (r.outcome !== 'reproduced') {
      const got = r.violation ? `${r.violation.property}: "${r.violation.message}"` : 'no violation';
      throw new NondeterminismError(`${which} gave ${got} instead of ${file.property.id}: "${file.property.message}"`);
    }
  }
  const a = JSON.stringify(first.run.trace);
  const b = JSON.stringify(second.run.trace);
  if (a !== b)
    throw new NondeterminismError(
      `two replays of the same decisions gave different traces (first difference at event ${firstDifference(first.run.trace, second.run.trace)})`,
    );
  if (JSON.stringify(first.run.decisions) !== JSON.stringify(second.run.decisions))
    throw new NondeterminismError('two replays of the same decisions recorded different decisions');
  return first;
}

function firstDifference(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (JSON.stringify(a[i]) !== JSON.stringify(b[i])) return i;
  return n;
}

let tempCounter = 0;

/**
 * Write `text` to a temporary file next to `path`, then move it into place. Without `overwrite` the
 * move is a hard link, which fails if `path` appeared meanwhile (where links are not supported, an
 * existence check and a rename).
 */
export function atomicWrite(path: string, text: string, overwrite: boolean): void {
  if (!overwrite && existsSync(path)) throw new ReplayExistsError(path);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    // Inside the try: a write that fails part way (a full disk) leaves no temporary file behind either.
    writeFileSync(temp, text, { flag: 'wx' });
    if (overwrite) {
      renameSync(temp, path);
      return;
    }
    try {
      linkSync(temp, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ReplayExistsError(path);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
      if (existsSync(path)) throw new ReplayExistsError(path);
      renameSync(temp, path);
    }
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}
