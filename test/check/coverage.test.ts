/**
 * Named situations (src/check/coverage.ts): the search must reach every one of them, the boundary
 * instants and the rarely used operations included (issue 8) — a situation never reached is a rule
 * never tested. And the time-bound situations are judged to the millisecond.
 */
import { describe, expect, it } from 'vitest';
import type { ClientRequest, Fact } from '../../models/events.ts';
import { check } from '../../src/check/check.ts';
import { SITUATIONS, situationsOf, situationsOfRun } from '../../src/check/coverage.ts';
import type { TraceEvent } from '../../src/trace/types.ts';

const fact = (t: number, f: Fact): TraceEvent => ({ k: 'fact', step: 0, t, actor: 'x', fact: f });
const call = (t: number, req: ClientRequest, to = 'session:q/s1'): TraceEvent => ({
  k: 'call',
  step: 0,
  t,
  client: req.from,
  to,
  req,
});
const accepted = fact(0, {
  kind: 'accepted',
  entity: 'q',
  session: 's1',
  consumer: 'consumer:c1',
  token: 's1@1',
  lockedUntilMs: 5_000,
  next: true,
});
const settleAt = (t: number): TraceEvent =>
  call(t, { type: 'req.settle', from: 'consumer:c1', reqId: 2, token: 's1@1', seq: 1, action: 'complete' });

describe('coverage: named situations', () => {
  it('a fixed-seed search of 800 runs reaches every named situation', () => {
    const report = check({ seed: 2, runs: 800, properties: [] });
    expect(report.runs).toBe(800);
    const missed = Object.keys(SITUATIONS).filter((s) => report.coverage[s as keyof typeof SITUATIONS] === 0);
    expect(missed).toEqual([]);
  }, 60_000);

  it("an operation within a millisecond of the holder's lock deadline counts; two milliseconds off does not", () => {
    for (const [t, hit] of [
      [4_998, false],
      [4_999, true],
      [5_000, true],
      [5_001, true],
      [5_002, false],
    ] as const) {
      const reached = situationsOfRun({ trace: [accepted, settleAt(t)] });
      expect([t, reached.has('operationAtLockDeadline')]).toEqual([t, hit]);
    }
  });

  it('a renewal granted in the last millisecond of the lock counts, and moves the deadline', () => {
    const renewed = (t: number): TraceEvent =>
      fact(t, {
        kind: 'lockRenewed',
        entity: 'q',
        session: 's1',
        consumer: 'consumer:c1',
        token: 's1@1',
        lockedUntilMs: t + 5_000,
      });
    expect(situationsOfRun({ trace: [accepted, renewed(4_999)] }).has('renewalInLastMs')).toBe(true);
    expect(situationsOfRun({ trace: [accepted, renewed(4_998)] }).has('renewalInLastMs')).toBe(false);
    // After the renewal the old deadline is no longer the deadline.
    expect(situationsOfRun({ trace: [accepted, renewed(100), settleAt(5_000)] }).has('operationAtLockDeadline')).toBe(
      false,
    );
  });

  it('from facts alone (no times), the fact-only situations are still found', () => {
    const reached = situationsOf([
      { kind: 'sendRejected', entity: 'q', messageId: 'm1', reason: 'no session id' },
      {
        kind: 'settled',
        entity: 'q',
        session: 's1',
        seq: 1,
        consumer: 'c',
        token: 't',
        action: 'defer',
        deliveryCount: 0,
      },
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: false, rule: 'message' },
    ]);
    expect([...reached].sort()).toEqual(['deferred', 'deferredExpired', 'sessionlessRejected']);
  });
});
