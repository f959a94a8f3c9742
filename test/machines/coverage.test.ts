/**
 * Transition coverage: XState's inspection API counts every transition taken under the id the
 * description gives it (eventless and delayed ones too, and in `provide` copies); seeded runs of the
 * standard workload cover a stable, non-empty set; `sbsim check` carries it, and parallel workers'
 * counts merge into the sums of the searches run alone.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { sessionLockMachine } from '../../models/session-lock.ts';
import { check, explore } from '../../src/check/check.ts';
import { checkParallel } from '../../src/check/parallel.ts';
import { coverageReport, mergeCounts } from '../../src/machines/coverage.ts';
import { describeMachine } from '../../src/machines/describe.ts';
import type { TransitionCounts } from '../../src/machines/inspect.ts';
import { coverageInspector } from '../../src/machines/inspect.ts';
import { standardWorkload } from '../../src/workloads/standard.ts';
import { runWorkload } from '../../src/world/run.ts';
import { fixtureMachine } from './fixture.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

function standardRuns(seeds: readonly number[]): TransitionCounts {
  const counts: TransitionCounts = new Map();
  for (const seed of seeds)
    runWorkload(normalizeWorkload(standardWorkload), { seed, trace: 'facts', coverage: counts });
  return counts;
}

describe('the coverage inspector', () => {
  it('counts event, eventless and delayed transitions under their description ids', () => {
    const d = describeMachine(fixtureMachine);
    const counts: TransitionCounts = new Map();
    const clock = new SimulatedClock();
    const actor = createActor(fixtureMachine, { inspect: coverageInspector(counts), clock }).start();
    actor.send({ type: 'go' }); // idle → accepting
    actor.send({ type: 'go' }); // accepting → holding (guard and(...) holds)
    actor.send({ type: 'msg' }); // ready → receiving, count: busy, so off → scheduled (always)
    actor.send({ type: 'lost' }); // holding → accepting
    actor.send({ type: 'go' }); // accepting: busy now → backingOff
    clock.increment(500); // after 500 → accepting
    const id = (source: string, event: string, index = 0) =>
      d.transitions.find((t) => t.source === source && t.event.startsWith(event) && t.index === index)!.id;
    expect(Object.fromEntries(counts)).toEqual({
      [id('idle', 'go')]: 1,
      [id('accepting', 'go', 0)]: 1,
      [id('accepting', 'go', 1)]: 1,
      [id('holding.receiver.ready', 'msg')]: 1,
      [id('holding.renewal.off', '')]: 1,
      [id('holding', 'lost')]: 1,
      [id('backingOff', 'xstate.after')]: 1,
    });
    expect(coverageReport(counts, [d]).unknown).toEqual([]);
  });

  it('counts a provide copy against the correct chart', () => {
    const counts: TransitionCounts = new Map();
    const copy = sessionLockMachine.provide({ actions: { announceGrant: () => {} } });
    const actor = createActor(copy, { input: { session: 'session:q/s1' }, inspect: coverageInspector(counts) });
    actor.start();
    actor.send({ type: 'lock.acquire', owner: 'c1', token: 't1', reqId: 1, durationMs: 1000, nowMs: 0 } as never);
    const free = describeMachine(sessionLockMachine).transitions.find((t) => t.source === 'free')!;
    expect([...counts.keys()]).toEqual([free.id]);
  });
});

describe('coverage of seeded runs of the standard workload', () => {
  it('is non-empty, known to the charts, and the same for the same seeds', () => {
    const seeds = [1, 2, 3, 4, 5];
    const counts = standardRuns(seeds);
    expect(counts.size).toBeGreaterThan(0);
    const report = coverageReport(counts);
    expect(report.unknown).toEqual([]);
    expect(report.taken).toBeGreaterThan(0);
    expect(report.taken).toBeLessThanOrEqual(report.total);
    for (const name of ['session', 'lock', 'entity', 'consumer'])
      expect(report.machines.find((m) => m.name === name)!.taken, name).toBeGreaterThan(0);
    for (const m of report.machines) {
      expect(m.taken + m.never.length + m.cannot.length).toBe(m.total);
      expect(m.takeable).toBe(m.total - m.cannot.length);
    }
    expect(Object.fromEntries(standardRuns(seeds))).toEqual(Object.fromEntries(counts));
  });

  it('a world without the option counts nothing and runs the same', () => {
    const counted = runWorkload(normalizeWorkload(standardWorkload), { seed: 7, coverage: new Map() });
    const plain = runWorkload(normalizeWorkload(standardWorkload), { seed: 7 });
    expect(counted.trace).toEqual(plain.trace);
    expect(counted.decisions).toEqual(plain.decisions);
  });
});

describe('coverage in the check', () => {
  it('an exploration carries its counts; the report per machine; the same seed gives the same', () => {
    const a = check({ seed: 11, runs: 15 });
    const b = check({ seed: 11, runs: 15 });
    expect(a.transitions).toBeDefined();
    expect(a.transitions!.taken).toBeGreaterThan(0);
    expect(a.transitions).toEqual(b.transitions);
    expect(a.transitions!.machines.map((m) => m.name)).toEqual(['session', 'lock', 'entity', 'consumer', 'topic']);
    expect(check({ seed: 11, runs: 2, transitionCoverage: false }).transitions).toBeUndefined();
  });

  it('parallel workers: the merged counts are the sums of the searches run alone', async () => {
    const report = await checkParallel({ seed: 5, runs: 16 }, { seeds: [5, 6], runs: [8, 8] });
    const alone = [explore({ seed: 5, runs: 8 }), explore({ seed: 6, runs: 8 })];
    const summed = mergeCounts(mergeCounts(new Map(), alone[0]!.transitions!), alone[1]!.transitions!);
    expect(report.transitions).toEqual(coverageReport(summed));
  });
});
