/**
 * Regression replays: counterexamples once found by the search, committed as replay files, must still
 * reproduce — same property, same sentence — against the current model. A failure here means the
 * model changed under a known schedule: either a mutant's bug moved, or the decisions diverged
 * (regenerate with test/regressions/regenerate.ts if the change was meant).
 */
import { describe, expect, it } from 'vitest';
import { mutantById } from '../../models/mutants/index.ts';
import { readReplayFile } from '../../src/replay/read.ts';
import { expectReplayReproduces } from '../../src/replay/regression.ts';
import { currentTool } from '../../src/replay/tool.ts';
import { REGRESSIONS, regressionFile } from './regressions.ts';

describe('regressions: committed counterexamples still reproduce', () => {
  for (const r of REGRESSIONS) {
    it(`${r.mutant} ${mutantById(r.mutant)?.slug ?? ''}: ${r.property}`, () => {
      const result = expectReplayReproduces(regressionFile(r), { property: r.property });
      expect(result.file.mutant).toBe(r.mutant);
      expect(result.file.search.seed).toBe(r.seed);
      expect(result.file.workload.mutant).toBe(r.mutant);
    });
  }
});

describe('committed replay files are stamped with the current model', () => {
  // A file stamped with another model hash replays with a "the model changed" warning: a new user's first
  // replay should not start with one. `npm run regressions:update` stamps them again.
  for (const path of [
    ...REGRESSIONS.map(regressionFile),
    'examples/order-processing/naive-order-consumer.replay.json',
  ]) {
    it(path.replace(/^.*\/(test|examples)\//, '$1/'), () => {
      expect(readReplayFile(path).file.tool.modelHash).toBe(currentTool().modelHash);
    });
  }
});
