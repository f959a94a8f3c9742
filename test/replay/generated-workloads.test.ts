/**
 * Every workload the search can generate fits the replay format: with each seeded bug of the zoo,
 * normalized as the search normalizes it, it passes the strict reader without a warning. A workload the
 * reader rejected would be a counterexample `sbsim check` could not save.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../models/mutants/index.ts';
import { workloadArb } from '../../properties/arbitraries/workload.ts';
import { formatReplayFile } from '../../src/replay/format.ts';
import { parseReplay } from '../../src/replay/read.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { WORKLOADS } from '../../src/workloads/standard.ts';
import { m03File } from './fixture.ts';

describe('replay format: generated workloads', () => {
  it('every generated workload, with any mutant’s bugs, is a valid replay workload', () => {
    const base = m03File();
    fc.assert(
      fc.property(workloadArb(), fc.constantFrom(...MUTANTS), (input, mutant) => {
        const workload = normalizeWorkload({ ...input, mutant: mutant.id });
        const read = parseReplay(
          formatReplayFile({ ...base, workload, switches: workload.switches, mutant: mutant.id }),
        );
        expect(read.warnings).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('every named workload (sbsim check --workload NAME) is a valid replay workload', () => {
    const base = m03File();
    for (const input of Object.values(WORKLOADS)) {
      const workload = normalizeWorkload(input);
      const read = parseReplay(formatReplayFile({ ...base, workload, switches: workload.switches, mutant: null }));
      expect(read.warnings, input.name).toEqual([]);
    }
  });
});
