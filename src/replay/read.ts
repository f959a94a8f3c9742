/**
 * Reading a replay file: parse the JSON, then check it against the replay schema (src/schema/replay.ts).
 * Every problem is a ReplayFileError with a code and one sentence naming the JSON path; nothing else
 * escapes. Checked, in this order:
 *
 * 1. the file exists and is readable (`missing`, `unreadable`);
 * 2. it is JSON (`not-json`), or the start of a JSON document cut short (`truncated`: JSON.parse stopped
 *    at the end of the text);
 * 3. it is a replay file (`wrong-format`) of a version this sbsim reads (`newer-version`) — before any
 *    field check, so a newer file is reported as newer rather than as full of unknown fields; a version-1
 *    file is upgraded (legacy.ts);
 * 4. the schema: every field has the right type (`wrong-type`, `bad-value`), none is missing or unknown
 *    (`missing-field`, `unknown-field`), the workload keeps the limits of the service and of sbsim
 *    (`invalid-workload`);
 * 5. every decision picks within its options and sits at its own index (`decision-out-of-range`);
 * 6. the echoed switches and mutant are the workload's (`inconsistent`), and the workload names only
 *    what it declares (`invalid-workload`).
 *
 * What is not an error but a warning: a model hash or sbsim version other than the running one (the
 * replay proceeds, and divergence detection says whether the decisions still fit), a property this sbsim
 * does not know.
 */
import { readFileSync } from 'node:fs';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { describeValue, firstProblem, generated } from '../schema/problems.ts';
import { asReplayFile, REPLAY_FILE, replayProblems } from '../schema/replay.ts';
import { ReplayFileError } from './errors.ts';
import type { ReplayFile } from './format.ts';
import { REPLAY_FORMAT, REPLAY_FORMAT_VERSION } from './format.ts';
import { V1_BUG_TO_MUTANT } from './legacy.ts';
import { currentTool } from './tool.ts';
import { USER_CODE_PROPERTY } from '../facade/script.ts';

export { ReplayFileError } from './errors.ts';
export type { ReplayFileErrorCode } from './errors.ts';

export interface ReplayWarning {
  readonly code: 'model-changed' | 'version-changed' | 'unknown-property';
  readonly message: string;
}

export interface ReadReplay {
  readonly file: ReplayFile;
  readonly warnings: readonly ReplayWarning[];
}

/** Parse and validate the text of a replay file. `source` names it in messages. */
export function parseReplay(text: string, source?: string): ReadReplay {
  try {
    const file = validateReplay(parseJson(text));
    return { file, warnings: warningsFor(file) };
  } catch (e) {
    if (e instanceof ReplayFileError && source !== undefined) throw e.withSource(source);
    throw e;
  }
}

/** Read, parse and validate a replay file. Throws ReplayFileError, and only that. */
export function readReplayFile(path: string): ReadReplay {
  return parseReplay(
    readText(path, (code, message) => new ReplayFileError(code, message, null, path)),
    path,
  );
}

/**
 * The text of a file, with a message for each way it cannot be read: missing, a directory, no
 * permission. `fail` makes the error (a ReplayFileError, or the CLI's for a workload file).
 */
export function readText(path: string, fail: (code: 'missing' | 'unreadable', message: string) => Error): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail('missing', `${path}: no such file`);
    if (code === 'EISDIR') throw fail('unreadable', `${path} cannot be read: it is a directory, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw fail('unreadable', `${path} cannot be read: permission denied`);
    throw fail('unreadable', `${path} cannot be read (${code ?? (e as Error).message})`);
  }
}

/**
 * JSON text (a UTF-8 byte order mark allowed) to a value. A text that stops early is told apart from
 * one that is not JSON by where JSON.parse stopped: it says "Unexpected end of JSON input", or names a
 * position at the end of the text.
 */
export function parseJson(raw: string): unknown {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.trim() === '') throw new ReplayFileError('truncated', 'the file is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    if (endsEarly(message, text))
      throw new ReplayFileError(
        'truncated',
        `the JSON stops early, after ${text.length} characters: the file was cut short`,
      );
    throw new ReplayFileError('not-json', `not JSON: ${message}`);
  }
}

/** JSON.parse's error says the text ended before the document did. */
export function endsEarly(message: string, text: string): boolean {
  if (/Unexpected end of JSON input/.test(message)) return true;
  const at = /at position (\d+)/.exec(message);
  return at !== null && Number(at[1]) >= text.trimEnd().length;
}

/** Validate a parsed JSON value as a replay file. */
export function validateReplay(value: unknown): ReplayFile {
  checkEnvelope(value);
  const upgraded = upgradeV1(value as Record<string, unknown>);
  const result = REPLAY_FILE.safeParse(upgraded, { error: generated });
  if (!result.success) throw errorOf(firstProblem(result.error, upgraded, REPLAY_FILE));
  const file = asReplayFile(result.data);
  const problem = replayProblems(file)[0];
  if (problem) throw errorOf(problem);
  return file;
}

function errorOf(p: { code: ReplayFileError['code']; message: string; path: string }): ReplayFileError {
  return new ReplayFileError(p.code, p.message, p.path);
}

/** `format` and `formatVersion` first, so a file of another kind or a newer version says so. */
function checkEnvelope(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayFileError(
      'wrong-format',
      `not an sbsim replay file: the top level is ${describeValue(value)}, not an object`,
      '$',
    );
  }
  const v = value as Record<string, unknown>;
  if (v.format !== REPLAY_FORMAT) {
    const found = Object.hasOwn(v, 'format') ? `"format" is ${describeValue(v.format)}` : 'there is no "format" field';
    throw new ReplayFileError('wrong-format', `not an sbsim replay file: ${found}, not "${REPLAY_FORMAT}"`, '$.format');
  }
  const version = v.formatVersion;
  if (!Object.hasOwn(v, 'formatVersion'))
    throw new ReplayFileError('missing-field', '$.formatVersion is missing', '$.formatVersion');
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new ReplayFileError(
      'wrong-type',
      `$.formatVersion must be a whole number, not ${describeValue(version)}`,
      '$.formatVersion',
    );
  }
  if (version > REPLAY_FORMAT_VERSION) {
    throw new ReplayFileError(
      'newer-version',
      `written in replay format version ${version}; this sbsim reads version ${REPLAY_FORMAT_VERSION} only — upgrade sbsim`,
      '$.formatVersion',
    );
  }
  if (version < 1)
    throw new ReplayFileError(
      'wrong-format',
      `replay format version ${version} does not exist (versions start at 1)`,
      '$.formatVersion',
    );
}

/**
 * A version-1 file names its mutant by seeded-bug flag (`workload.bugs`); version 2 by id
 * (`workload.mutant`). The flag maps to the id; anything else in `bugs` is an error at `$.workload.bugs`.
 */
function upgradeV1(v: Record<string, unknown>): unknown {
  if (v.formatVersion !== 1) return v;
  const w = v.workload;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return { ...v, formatVersion: REPLAY_FORMAT_VERSION };
  const { bugs, ...rest } = w as Record<string, unknown>;
  if (typeof bugs !== 'object' || bugs === null || Array.isArray(bugs) || Object.keys(bugs).length > 1)
    throw new ReplayFileError(
      'bad-value',
      `$.workload.bugs must be an object with at most one seeded bug (a version-1 file), not ${describeValue(bugs)}`,
      '$.workload.bugs',
    );
  const flag = Object.keys(bugs)[0];
  const mutant = flag === undefined ? null : V1_BUG_TO_MUTANT[flag];
  if (mutant === undefined)
    throw new ReplayFileError(
      'bad-value',
      `$.workload.bugs.${flag} is not a seeded bug sbsim knows (a version-1 file)`,
      `$.workload.bugs.${flag}`,
    );
  return { ...v, formatVersion: REPLAY_FORMAT_VERSION, workload: { ...rest, mutant } };
}

function warningsFor(file: ReplayFile): ReplayWarning[] {
  const warnings: ReplayWarning[] = [];
  const now = currentTool();
  if (file.tool.modelHash !== now.modelHash) {
    warnings.push({
      code: 'model-changed',
      message: `the model changed since this file was written (model ${short(file.tool.modelHash)}, now ${short(now.modelHash)}); replaying anyway — a divergence will say if the decisions no longer fit`,
    });
  }
  if (file.tool.version !== now.version)
    warnings.push({
      code: 'version-changed',
      message: `written by sbsim ${file.tool.version}; this is sbsim ${now.version}`,
    });
  const userCode = file.facade !== undefined && file.property.id === USER_CODE_PROPERTY;
  if (!userCode && !ALL_PROPERTIES.some((p) => p.id === file.property.id)) {
    warnings.push({
      code: 'unknown-property',
      message: `property "${file.property.id}" is not in this sbsim's library (${ALL_PROPERTIES.map((p) => p.id).join(', ')})`,
    });
  }
  return warnings;
}

function short(hash: string): string {
  return `${hash.slice(0, 'sha256:'.length + 12)}…`;
}
