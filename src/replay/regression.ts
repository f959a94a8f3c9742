/**
 * Replay files as regression tests: a counterexample once found is committed (test/regressions/) and
 * replayed on every run of the suite, so a change to the model that loses it — or makes it diverge —
 * is caught. Throws a plain Error with the whole story, so any test runner reports it; no dependency
 * on one.
 *
 *   it('M03 abandon-to-tail', () => expectReplayReproduces('test/regressions/M03.json'));
 */
import { readReplayFile } from './read.ts';
import type { ReadReplay } from './read.ts';
import type { ReplayResult } from './replay.ts';
import { replay } from './replay.ts';

export interface RegressionResult extends ReplayResult {
  readonly warnings: ReadReplay['warnings'];
}

/** Read and replay a file; the result, whatever its outcome (a bad file throws ReplayFileError). */
export function replayRegression(path: string): RegressionResult {
  const { file, warnings } = readReplayFile(path);
  return { ...replay(file), warnings };
}

/**
 * Replay a file and require the recorded violation: same property, same sentence. `property`, when
 * given, must also be the property the file records (a guard against regenerating the wrong file).
 */
export function expectReplayReproduces(path: string, expected: { readonly property?: string } = {}): RegressionResult {
  const result = replayRegression(path);
  const recorded = result.file.property;
  if (expected.property !== undefined && recorded.id !== expected.property) {
    throw new Error(`${path} records a violation of ${recorded.id}, not of ${expected.property}`);
  }
  if (result.outcome === 'reproduced') return result;
  const regenerate = 'If the model changed on purpose, regenerate the file (see test/regressions/regenerate.ts).';
  const notes = result.warnings.map((w) => `\n  (${w.message})`).join('');
  switch (result.outcome) {
    case 'diverged':
      throw new Error(
        `${path}: the model changed: replay diverged at decision ${result.divergence?.index} (step ${result.divergence?.step}): ${result.divergence?.reason}${notes}\n${regenerate}`,
      );
    case 'clean':
      throw new Error(
        `${path}: the schedule now runs clean; it recorded ${recorded.id}: ${recorded.message}${notes}\n${regenerate}`,
      );
    case 'changed':
      throw new Error(
        `${path}: a different violation: recorded ${recorded.id}: ${recorded.message}\n  now ${result.violation?.property}: ${result.violation?.message}${notes}\n${regenerate}`,
      );
  }
}
