import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/bench.ts';
import { UsageError } from '../../src/cli/args.ts';
import { renderBench, sizesUpTo } from '../../src/cli/bench.ts';

describe('bench', () => {
  it('raw XState replays of the recorded executions end in the harness final states, and the report reads', () => {
    const report = runBench({
      seeds: 3,
      pureSeeds: 1,
      measureMs: 20,
      warmupMs: 5,
      calibrationMs: 20,
      scalingMessages: [20, 40],
      scalingSizes: [10, 30],
      scalingMinMs: 0,
    });
    expect(report.rawXState.matchesHarness).toBe(true);
    expect(report.pureTransition.matchesHarness).toBe(true);
    expect(report.steps.min).toBeGreaterThan(0);
    expect(report.steps.max).toBeGreaterThanOrEqual(report.steps.avg);
    expect(report.steps.hitBoundShare).toBe(0);
    for (const t of [report.harness.facts, report.harness.full, report.rawXState, report.pureTransition]) {
      expect(t.executionsPerSecond).toBeGreaterThan(0);
      expect(t.stepsPerSecond).toBeGreaterThan(t.executionsPerSecond);
    }
    // The harness's overhead over raw XState is a ratio of two different timings: finite and positive.
    expect(report.harness.facts.vsRawXState).toBeGreaterThan(0);
    expect(Number.isFinite(report.harness.facts.vsRawXState)).toBe(true);
    // The sends by event type add up to the sends per execution, and the session's events are among them.
    const byType = Object.values(report.sendsByEvent).reduce((a, n) => a + n, 0);
    expect(byType).toBeCloseTo(report.deliveriesPerExecution, 6);
    expect(Object.keys(report.sendsByEvent)).toContain('req.receive');
    expect(report.calibration.sendPerSecond).toBeGreaterThan(0);
    const text = renderBench(report);
    expect(text).toContain('harness, trace facts');
    expect(text).toContain('raw XState: createActor + send');
    expect(Object.keys(report.properties.perProperty)).toContain('broker-conformance');
    expect(report.properties.share).toBeGreaterThan(0);
    expect(report.properties.share).toBeLessThan(1);
    expect(report.properties.specificationScaling.map((s) => s.messages)).toEqual([20, 40]);
    expect(text).toContain('the reference specification adds');
    expect(report.properties.derivedMsPerExecution).toBeGreaterThan(0);
    // The scaling table: one row per size asked for, each a whole run of that many messages, checked.
    expect(report.scaling.rows.map((row) => row.messages)).toEqual([10, 30]);
    expect(report.scaling.rows.map((row) => row.sessions)).toEqual([4, 4]);
    for (const row of report.scaling.rows) {
      expect(row.hitBound).toBe(false);
      expect(row.runs).toBeGreaterThanOrEqual(1);
      expect(row.steps).toBeGreaterThan(row.messages);
      for (const v of [row.runMs, row.usPerStep, row.usPerMessage, row.propertyMs, row.heapMb, row.peakRssMb])
        expect(Number.isFinite(v) && v >= 0).toBe(true);
    }
    const [small, large] = report.scaling.rows;
    expect(large?.steps).toBeGreaterThan(small?.steps ?? Infinity);
    expect(text).toContain('scaling: sessions of 50 messages');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('--scale-to: the powers of ten from 10 up to the size asked for, then that size; 10 to 100,000', () => {
    expect(sizesUpTo(10)).toEqual([10]);
    expect(sizesUpTo(100_000)).toEqual([10, 100, 1_000, 10_000, 100_000]);
    expect(sizesUpTo(30_000)).toEqual([10, 100, 1_000, 10_000, 30_000]);
    expect(() => sizesUpTo(9)).toThrow(UsageError);
    expect(() => sizesUpTo(100_001)).toThrow(UsageError);
  });
});
