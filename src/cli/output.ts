/**
 * `--out FILE` and `--force`, the same in every command that writes a file (check, replay, teach,
 * machines, run): the path is checked before any work, so a bad one costs nothing; an existing file is
 * never replaced without `--force`; the write goes through a temporary file renamed (or linked) into
 * place, so nothing is ever left half-written. Every failure is one line and exit 2 (a UsageError).
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { ReplayExistsError, atomicWrite } from '../replay/write.ts';
import type { Flag } from './args.ts';
import { UsageError } from './args.ts';
import { fsReason, isFsError } from './fs-errors.ts';

export const OUT_FLAG = {
  type: 'string',
  value: 'FILE',
  help: 'write to FILE instead of stdout (a new file: see --force)',
} as const satisfies Flag;

export const FORCE_FLAG = {
  type: 'boolean',
  help: 'with --out: replace FILE if it exists (else an existing FILE is refused)',
} as const satisfies Flag;

/** Where a command writes: a path checked by `outTarget`. */
export interface OutTarget {
  readonly path: string;
  /** Replace the file if it exists. */
  readonly force: boolean;
}

/** `--out` and `--force` as given; checked now, before the command does any work. */
export function outTarget(command: string, flags: { out?: string; force?: boolean }): OutTarget | undefined {
  const force = flags.force === true;
  if (flags.out === undefined) {
    if (force) throw new UsageError(`sbsim ${command}: --force applies to --out FILE`);
    return undefined;
  }
  checkOut(command, flags.out, force);
  return { path: flags.out, force };
}

export function existsMessage(command: string, path: string): string {
  return `sbsim ${command}: ${path} already exists; not overwriting it (--force replaces it)`;
}

/**
 * The path must be a file (or nothing yet) in a writable directory; an existing file only with `force`.
 * Never a directory, a device or a pipe: the write renames a new file into place, which would replace
 * the device itself.
 */
export function checkOut(command: string, path: string, force: boolean): void {
  const cannot = (why: string) => new UsageError(`sbsim ${command}: cannot write ${path}: ${why}`);
  const dir = dirname(path);
  const dirStat = statOrUndefined(dir);
  if (!dirStat?.isDirectory()) throw cannot(`no directory ${dir}`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw cannot(`the directory ${dir} is not writable`);
  }
  const stat = statOrUndefined(path);
  if (stat === undefined) return;
  if (stat.isDirectory()) throw new UsageError(`sbsim ${command}: --out ${path} is a directory; give a file name`);
  if (!stat.isFile())
    throw new UsageError(`sbsim ${command}: --out ${path} is not a regular file (a device, pipe or socket)`);
  if (!force) throw new UsageError(existsMessage(command, path));
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Write `text` (with a final newline) to the target, atomically; a failure is one line (UsageError). */
export function writeOut(command: string, target: OutTarget, text: string): void {
  try {
    atomicWrite(target.path, text.endsWith('\n') ? text : `${text}\n`, target.force);
  } catch (e) {
    if (e instanceof ReplayExistsError) throw new UsageError(existsMessage(command, target.path));
    if (isFsError(e)) throw new UsageError(`sbsim ${command}: cannot write ${target.path}: ${fsReason(e)}`);
    throw e;
  }
}

/** What each output file extension asks for, when `--format` is not given. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.html': 'html',
  '.htm': 'html',
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.json': 'json',
};

/**
 * The output format: `--format` if given (one of `formats`, else a usage error), else the one `--out`'s
 * extension names if the command has it, else the first of `formats` (text).
 */
export function formatOf<F extends string>(
  command: string,
  formats: readonly F[],
  flag: string | undefined,
  out: string | undefined,
): F {
  if (flag !== undefined) {
    const known = formats.find((f) => f === flag);
    if (!known) throw new UsageError(`sbsim ${command}: unknown format "${flag}" (known: ${formats.join(', ')})`);
    return known;
  }
  const byExtension = out === undefined ? undefined : FORMAT_BY_EXTENSION[extname(out).toLowerCase()];
  return formats.find((f) => f === byExtension) ?? (formats[0] as F);
}
