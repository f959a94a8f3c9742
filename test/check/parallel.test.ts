import { describe, expect, it } from 'vitest';
import { mutantById } from '../../models/mutants/index.ts';
import { explore } from '../../src/check/check.ts';
import { checkParallel, runsShare, WorkerError } from '../../src/check/parallel.ts';
import { announceSeed } from '../helpers/seed.ts';

/**
 * `--workers N`: independent searches in worker threads (loaded through tsx, here under vitest), merged
 * into one report. Under a run budget the outcome depends on the seeds alone.
 */
const seed = announceSeed();
const M03 = mutantById('M03')!;

describe('parallel search (worker threads)', () => {
  it('splits runs as evenly as they go', () => {
    expect([0, 1, 2].map((k) => runsShare(10, 3, k))).toEqual([4, 3, 3]);
    expect([0, 1].map((k) => runsShare(40, 2, k))).toEqual([20, 20]);
  });

  it('two workers: the merged report sums the runs, coverage and bound hits of the two searches run alone', async () => {
    const report = await checkParallel({ seed, runs: 50 }, { seeds: [seed, seed + 1], runs: [25, 25] });
    const alone = [explore({ seed, runs: 25 }), explore({ seed: seed + 1, runs: 25 })];
    expect(report.passed).toBe(true);
    expect(report.workers).toEqual({ count: 2, seeds: [seed, seed + 1] });
    expect(report.seed).toBe(seed);
    expect(report.runs).toBe(50);
    expect(report.boundHits).toBe(alone[0]!.boundHits + alone[1]!.boundHits);
    for (const [key, n] of Object.entries(report.coverage))
      expect(n, key).toBe(
        alone[0]!.coverage[key as keyof typeof report.coverage] +
          alone[1]!.coverage[key as keyof typeof report.coverage],
      );
    expect(report.steps.min).toBe(Math.min(alone[0]!.steps.min, alone[1]!.steps.min));
    expect(report.steps.max).toBe(Math.max(alone[0]!.steps.max, alone[1]!.steps.max));
    expect(report.steps.avg).toBeCloseTo((alone[0]!.steps.sum + alone[1]!.steps.sum) / 50, 9);
    const observed = (xs: readonly (readonly [string, string, number])[]) => xs.reduce((n, o) => n + o[2], 0);
    expect(report.observations.reduce((n, o) => n + o.count, 0)).toBe(
      observed(alone[0]!.observations) + observed(alone[1]!.observations),
    );
  });

  it("two workers find a mutant; the one reported is the lowest-numbered failing worker's, shrunk here", async () => {
    const report = await checkParallel(
      { seed, runs: 300, shrinkTimeMs: 1_000, mutant: M03.id, strategy: 'pct' },
      { seeds: [seed, seed + 1], runs: [150, 150] },
    );
    expect(report.passed).toBe(false);
    expect(report.strategy).toBe('pct');
    const first = [seed, seed + 1].find(
      (s) => explore({ seed: s, runs: 150, mutant: M03.id, strategy: 'pct' }).failure,
    );
    expect(report.counterexample?.fastCheck.seed).toBe(first);
    expect(['fifo-delivery', 'fifo-processing', 'broker-conformance']).toContain(
      report.counterexample?.violation.property,
    );
  });

  it("a worker's error rejects the search, under the original error's name", async () => {
    // A workload is parsed before it reaches a worker, so the error here is planted where only the worker
    // meets it: a seed fast-check cannot use (a BigInt crosses to the worker; fast-check throws a TypeError).
    const search = checkParallel({ seed, runs: 2 }, { seeds: [BigInt(seed) as never, seed + 1], runs: [1, 1] });
    await expect(search).rejects.toBeInstanceOf(WorkerError);
    await expect(search).rejects.toMatchObject({ errorName: 'TypeError' });
  });
});
