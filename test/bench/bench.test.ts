import { describe, expect, it } from 'vitest';
import { runBench } from '../../src/bench/bench.ts';
import { renderBench } from '../../src/cli/bench.ts';

describe('bench', () => {
  it('raw XState replays of the recorded executions end in the harness final states, and the report reads', () => {
    const report = runBench({
      seeds: 3,
      pureSeeds: 1,
      measureMs: 20,
      warmupMs: 5,
      calibrationMs: 20,
      scalingMessages: [20, 40],
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
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
