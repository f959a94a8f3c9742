import { describe, expect, it } from 'vitest';
import { MUTANTS } from '../../models/mutants/index.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { check } from '../../src/check/check.ts';
import { expectNoViolation } from '../../src/replay/expect-clean.ts';
import { announceSeed } from '../helpers/seed.ts';

/**
 * The mutant zoo: every mutant is killed by the whole suite with a shrunk counterexample, every property
 * alone kills the mutant it exists to catch, and the clean model passes the same budget. Budgets are
 * counted in runs, not seconds, so the outcome depends on the seed alone.
 */
const seed = announceSeed();
const RUNS = 600;
const byId = new Map(ALL_PROPERTIES.map((p) => [p.id, p]));

describe(`mutant zoo (seed ${seed}, ${RUNS} runs each)`, () => {
  it.each(MUTANTS.map((m) => [m.id, m.slug, m] as const))(
    '%s %s: killed, and caught by its property alone',
    (_id, _slug, mutant) => {
      const report = check({ seed, runs: RUNS, shrinkTimeMs: 2_000, mutant: mutant.id });
      expect(report.passed, `${mutant.id} survived ${report.runs} runs`).toBe(false);
      const cx = report.counterexample;
      expect(cx?.violation.message.length).toBeGreaterThan(20);
      // Shrinking never leaves a longer run than the first failure: `finish` keeps whichever of the two is
      // shorter in steps (a shrunk decision list can be longer and still reach the violation sooner, and
      // the shrink's wall-clock budget makes the list itself depend on the machine's load).
      expect(cx?.shrunk.steps).toBeLessThanOrEqual(cx?.original.steps ?? 0);

      const property = byId.get(mutant.expectedProperty);
      expect(property, `no property ${mutant.expectedProperty}`).toBeDefined();
      const alone = check({
        seed,
        runs: RUNS,
        shrinkTimeMs: 200,
        mutant: mutant.id,
        properties: property ? [property] : [],
      });
      expect(alone.passed, `${mutant.expectedProperty} alone did not catch ${mutant.id}`).toBe(false);
    },
  );

  it('every property is the designated catcher of at least one mutant', () => {
    const designated = new Set(MUTANTS.map((m) => m.expectedProperty));
    expect(ALL_PROPERTIES.map((p) => p.id).filter((id) => !designated.has(id))).toEqual([]);
  });

  // Each property added by issue 8 sees failures no other property sees: for a mutant of its kind, the
  // counterexample it finds on its own is one on which every other property is silent.
  it.each([
    ['broker-conformance', 'M27'],
    ['accept-progress', 'M55'],
    ['lock-release', 'M51'],
    ['eventual-processing', 'M54'],
  ] as const)('%s finds a counterexample to %s that no other property flags', (id, mutantId) => {
    const property = byId.get(id);
    const mutant = MUTANTS.find((m) => m.id === mutantId);
    const report = check({
      seed: 1,
      runs: RUNS,
      shrinkTimeMs: 500,
      mutant: mutant?.id,
      properties: property ? [property] : [],
    });
    const cx = report.counterexample;
    expect(cx, `${id} alone did not catch ${mutantId}`).toBeDefined();
    if (!cx) return;
    const record = {
      workload: cx.workload,
      trace: cx.trace,
      final: { nowMs: 0, entities: {}, consumers: {} },
      hitBound: true,
    };
    const others = ALL_PROPERTIES.filter((p) => p.id !== id && p.check(record) !== undefined).map((p) => p.id);
    expect(others, cx.violation.message).toEqual([]);
  });

  it('the clean model passes the same budget with zero violations', () => {
    // A violation here fails the test with its message and a replay file to debug it with.
    const report = expectNoViolation({ seed, runs: RUNS });
    expect(report.passed).toBe(true);
    expect(report.runs).toBe(RUNS);
  });
});
