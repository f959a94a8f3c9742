import { parseJson, readText } from '../replay/read.ts';
import { ReplayFileError } from '../replay/errors.ts';
import type { Workload } from '../world/workload.ts';
import { normalizeWorkload, parseWorkload, WorkloadError } from '../world/workload.ts';
import { WORKLOADS } from '../workloads/standard.ts';

/** Bad input: unreadable, invalid or incompatible files. Exit 2, one clear line. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * A built-in workload by name, or a workload file (JSON, a UTF-8 byte order mark allowed), parsed once
 * by the workload schema: a misspelt field at any level is an error, never silently ignored.
 */
export function loadWorkload(nameOrFile: string): Workload {
  const named = WORKLOADS[nameOrFile];
  if (named) return normalizeWorkload(named);
  const text = readText(nameOrFile, (code, message) =>
    code === 'missing'
      ? new InputError(
          `sbsim: no workload named "${nameOrFile}" and no such file (named workloads: ${Object.keys(WORKLOADS).join(', ')})`,
        )
      : new InputError(`sbsim: workload ${message}`),
  );
  try {
    return parseWorkload(parseJson(text), nameOrFile);
  } catch (e) {
    if (e instanceof ReplayFileError) throw new InputError(`sbsim: workload ${nameOrFile}: ${e.message}`);
    if (e instanceof WorkloadError) throw new InputError(`sbsim: workload ${e.message}`);
    throw e;
  }
}
