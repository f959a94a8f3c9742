import { describe, expect, it } from 'vitest';
import { mutantById } from '../../models/mutants/index.ts';
import { checkAll } from '../../properties/index.ts';
import type { CheckReport } from '../../src/check/check.ts';
import { check, explore } from '../../src/check/check.ts';
import type { Strategy } from '../../src/check/strategy.ts';
import { isSeeded, STRATEGIES } from '../../src/check/strategy.ts';
import { runWorkload } from '../../src/world/run.ts';
import { announceSeed } from '../helpers/seed.ts';

/**
 * The search strategies (`--strategy list|random|pct|portfolio`): each finds a mutant and passes the
 * clean model on a small run budget, and whatever found a failure, the counterexample is a plain
 * decision list that replays it.
 */
const seed = announceSeed();
const M03 = mutantById('M03')!;

/** A report without its wall-clock times: what must be the same from one identical search to the next. */
const timeless = ({ ms: _ms, exploreMs: _e, ...rest }: CheckReport) => rest;

describe(`search strategies (seed ${seed})`, () => {
  it.each(STRATEGIES.map((s) => [s]))(
    '%s: finds M03 (abandon to tail), shrinks it, and the counterexample replays',
    (strategy: Strategy) => {
      const report = check({ seed, runs: 300, shrinkTimeMs: 1_500, mutant: M03.id, strategy });
      expect(report.strategy).toBe(strategy);
      expect(report.passed).toBe(false);
      const cx = report.counterexample!;
      // Abandon to the tail breaks FIFO: the suite catches it by delivery order, processing order, or the
      // reference specification's judgement of the receive that hands out the wrong message (T6).
      expect(['fifo-delivery', 'fifo-processing', 'broker-conformance']).toContain(cx.violation.property);
      expect(cx.shrunk.steps).toBeLessThanOrEqual(cx.original.steps);
      // The picks are a decision list whatever the strategy: run them again and the violation is back.
      const again = runWorkload(cx.workload, { picks: cx.picks });
      expect(again.decisions).toEqual(cx.decisions);
      const violations = checkAll({
        workload: again.workload,
        trace: again.trace,
        final: again.final,
        hitBound: again.hitBound,
      });
      expect(violations.map((v) => v.message)).toContain(cx.violation.message);
    },
  );

  it.each(STRATEGIES.map((s) => [s]))('%s: the clean model passes 60 runs', (strategy: Strategy) => {
    const report = check({ seed, runs: 60, strategy });
    expect(report.counterexample?.violation.message).toBeUndefined();
    expect(report.passed).toBe(true);
    expect(report.runs).toBe(60);
  });

  it('the default is the list strategy, run for run', () => {
    const plain = check({ seed, runs: 40 });
    expect(plain.strategy).toBe('list');
    expect(plain.pctDepth).toBeUndefined();
    expect(timeless(check({ seed, runs: 40, strategy: 'list' }))).toEqual(timeless(plain));
  });

  it('random, pct and portfolio: the same seed gives the same report, first counterexample included', () => {
    // No shrinking (its time limit is wall-clock): the counterexample is the first failure, cut at its violation.
    for (const strategy of ['random', 'pct', 'portfolio'] as const) {
      const a = check({ seed, runs: 200, shrinkTimeMs: 0, mutant: M03.id, strategy });
      const b = check({ seed, runs: 200, shrinkTimeMs: 0, mutant: M03.id, strategy });
      expect(a.passed).toBe(false);
      expect(timeless(b)).toEqual(timeless(a));
    }
  });

  it('a seeded run that fails is reported with its seed, and becomes the decision list of that run', () => {
    const found = explore({ seed, runs: 300, mutant: M03.id, strategy: 'random' });
    const [input, schedule] = found.failure!.example;
    expect(isSeeded(schedule)).toBe(true);
    const report = check({ seed, runs: 300, shrinkTimeMs: 0, mutant: M03.id, strategy: 'random' });
    const walk = runWorkload({ ...input, mutant: M03.id }, { seed: isSeeded(schedule) ? schedule.seed : 0 });
    expect(report.counterexample!.original.decisions).toBe(walk.decisions.length);
  });

  it('pct reports its depth, and another depth searches otherwise', () => {
    const d3 = check({ seed, runs: 30, strategy: 'pct' });
    const d1 = check({ seed, runs: 30, strategy: 'pct', pctDepth: 1 });
    expect(d3.pctDepth).toBe(3);
    expect(d1.pctDepth).toBe(1);
    expect(d1.steps).not.toEqual(d3.steps);
  });
});
