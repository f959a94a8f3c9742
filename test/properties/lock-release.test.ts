import { describe, expect, it } from 'vitest';
import { lockRelease } from '../../properties/lock-release.ts';
import { CallScript } from './call-script.ts';
import { sessionQueue } from './helpers.ts';

describe('lock-release', () => {
  it('holds: a renewed lock expires at its new deadline, and a close releases in the same step', () => {
    const run = new CallScript()
      .at(0)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1', 60_000)
      .at(50_000)
      .lockRenewed('s1', 'c1', 's1@1', 110_000)
      .at(100_000)
      .sent('s2', 2)
      .at(110_000)
      .lockExpired('s1', 'c1', 's1@1')
      .accepted('s2', 'c1', 's2@1', 170_000)
      .at(120_000)
      .close('c1', 5, 's2', 's2@1')
      .fact({
        kind: 'closeRequested',
        entity: 'q',
        session: 's2',
        consumer: 'consumer:c1',
        token: 's2@1',
        cause: 'close',
      })
      .lockReleased('s2', 'c1', 's2@1')
      .record();
    expect(lockRelease.check(run)).toBeUndefined();
  });

  it("holds: with crashSemantics 'lockExpiry' a crashed holder's lock runs out at its deadline", () => {
    const run = new CallScript(sessionQueue({}, { switches: { crashSemantics: 'lockExpiry' } }))
      .at(0)
      .accepted('s1', 'c1', 's1@1', 60_000)
      .at(1_000)
      .fact({ kind: 'crashed', consumer: 'consumer:c1' }, 'consumer:c1')
      .close('c1', 3, 's1', 's1@1', 'crash')
      .at(60_000)
      .lockExpired('s1', 'c1', 's1@1')
      .record();
    expect(lockRelease.check(run)).toBeUndefined();
  });

  it('violated: a lock is still held after its deadline', () => {
    const run = new CallScript(sessionQueue({ lockDurationMs: 10_000 }, { networkDelayMaxMs: 50 }))
      .at(0)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(10_050)
      .sent('s2', 1)
      .at(10_051)
      .sent('s2', 2)
      .record({ hitBound: true });
    expect(lockRelease.check(run)?.message).toBe(
      "session lock s1@1 of consumer:c1 on session s1 was still held at t=10051ms, past its deadline t=10000ms (lockedUntil set by its accept at t=0ms, lockDurationMs=10000ms of q) by more than networkDelayMaxMs=50ms (the workload's network delay bound): a session lock that is not renewed expires at its deadline (T11, §2.5).",
    );
  });

  it('violated: a renewal hands out more lock time than the lock duration, and the lock outlives it', () => {
    const run = new CallScript(sessionQueue({ lockDurationMs: 5_000 }))
      .at(0)
      .accepted('s1', 'c1', 's1@1', 5_000)
      .at(4_000)
      .lockRenewed('s1', 'c1', 's1@1', 10_000)
      .at(9_500)
      .lockExpired('s1', 'c1', 's1@1')
      .record();
    expect(lockRelease.check(run)?.message).toBe(
      "session lock s1@1 of consumer:c1 on session s1 was still held at t=9500ms, past its deadline t=9000ms (lockDurationMs=5000ms of q after its last renewal at t=4000ms, although the broker stated lockedUntil t=10000ms) by more than networkDelayMaxMs=0ms (the workload's network delay bound): a session lock that is not renewed expires at its deadline (T11, §2.5).",
    );
  });

  it('violated: a close by the holder does not release the lock', () => {
    const run = new CallScript()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 60_000)
      .at(500)
      .lockRenewed('s1', 'c1', 's1@1', 60_500)
      .at(1_000)
      .close('c1', 4, 's1', 's1@1')
      .at(1_001)
      .sent('s1', 1)
      .record({ hitBound: true });
    expect(lockRelease.check(run)?.message).toBe(
      'consumer:c1 closed its receiver (close) on session s1 at t=1000ms, holding session lock s1@1 before its deadline t=60500ms (lockedUntil set by its last renewal at t=500ms, lockDurationMs=60000ms of q), but the lock was not released in that step: close and link detach release the session lock at once (T12, §2.6).',
    );
  });

  it("violated: a crash releases the lock at once under crashSemantics 'lockExpiry'", () => {
    const run = new CallScript(sessionQueue({}, { switches: { crashSemantics: 'lockExpiry' } }))
      .at(0)
      .accepted('s1', 'c1', 's1@1', 60_000)
      .at(1_000)
      .close('c1', 3, 's1', 's1@1', 'crash')
      .lockReleased('s1', 'c1', 's1@1', 'crash')
      .record();
    expect(lockRelease.check(run)?.message).toContain(
      "session lock s1@1 of consumer:c1 on session s1 was released on its holder's crash at t=1000ms, but with crashSemantics 'lockExpiry' (switch) the broker never hears of a crash",
    );
  });

  it('violated: a run goes quiet with a lock still held', () => {
    const run = new CallScript().at(0).accepted('s1', 'c1', 's1@1', 60_000).at(10).sent('s1', 1).record();
    expect(lockRelease.check(run)?.message).toBe(
      'session lock s1@1 of consumer:c1 on session s1 was still held when the run ended with nothing left to happen (no message in flight, no timer pending but the background expiry tick), at t=10ms — with its deadline t=60000ms (lockedUntil set by its accept at t=0ms, lockDurationMs=60000ms of q) still ahead but no expiry pending: every lock ends, by release or at its deadline (T11, T12).',
    );
    expect(lockRelease.check({ ...run, hitBound: true })).toBeUndefined();
  });
});
