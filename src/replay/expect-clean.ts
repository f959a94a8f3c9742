/**
 * For property tests: run the search and, if it finds a violation, save the shrunk counterexample as a
 * replay file (as `sbsim check` does) and fail with the violation and the command that replays it.
 */
import { join } from 'node:path';
import type { CheckOptions, CheckReport } from '../check/check.ts';
import { check } from '../check/check.ts';
import { replayFileOf } from './format.ts';
import { defaultReplayFileName, writeReplayFile } from './write.ts';

export class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure';
  constructor(
    message: string,
    readonly replayFile: string | undefined,
  ) {
    super(message);
  }
}

/**
 * Throws PropertyFailure on a violation. The replay file goes to `dir` (default: SBSIM_REPLAY_DIR, else
 * the working directory) and is never written over an existing one.
 */
export function expectNoViolation(options: CheckOptions & { readonly dir?: string }): CheckReport {
  const report = check(options);
  const cx = report.counterexample;
  if (!cx) return report;
  const file = replayFileOf(cx, { seed: options.seed });
  const dir = options.dir ?? process.env.SBSIM_REPLAY_DIR ?? process.cwd();
  let written: string | undefined;
  try {
    written = writeReplayFile(join(dir, defaultReplayFileName(file)), file, { unique: true });
  } catch {
    written = undefined;
  }
  const where = written ? `\n  replay it: sbsim replay ${written}` : '\n  (the replay file could not be written)';
  throw new PropertyFailure(
    `${cx.violation.property}: ${cx.violation.message} (seed ${options.seed})${where}`,
    written,
  );
}
