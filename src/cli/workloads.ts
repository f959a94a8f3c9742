import { readFileSync } from 'node:fs';
import { ReplayFileError } from '../replay/errors.ts';
import { validateReplayWorkload } from '../replay/read.ts';
import type { WorkloadInput } from '../world/workload.ts';
import { WorkloadError, normalizeWorkload } from '../world/workload.ts';
import { WORKLOADS } from '../workloads/standard.ts';

/** Bad input: unreadable, invalid or incompatible files. Exit 2, one clear line. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** A built-in workload by name, or a JSON file. */
export function loadWorkload(nameOrFile: string): WorkloadInput {
  const named = WORKLOADS[nameOrFile];
  if (named) return named;
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch {
    throw new InputError(
      `sbsim: no workload named "${nameOrFile}" and no such file (named workloads: ${Object.keys(WORKLOADS).join(', ')})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(`sbsim: ${nameOrFile} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InputError(`sbsim: ${nameOrFile} must hold a JSON object describing a workload`);
  const workload = { name: nameOrFile, ...(parsed as WorkloadInput) };
  // The same strict check as a replay file's workload: a misspelt field is an error, not silently ignored.
  try {
    validateReplayWorkload(normalizeWorkload(workload));
  } catch (e) {
    if (e instanceof WorkloadError || e instanceof ReplayFileError)
      throw new InputError(`sbsim: workload ${nameOrFile}: ${e.message}`);
    throw e;
  }
  return workload;
}
