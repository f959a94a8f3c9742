import { describe, expect, it } from 'vitest';
import { acceptProgress } from '../../properties/accept-progress.ts';
import { CallScript } from './call-script.ts';
import { sessionQueue } from './helpers.ts';

describe('accept-progress', () => {
  it('holds: accept-next waits while nothing is available and is granted in the step a message arrives', () => {
    const run = new CallScript()
      .at(0)
      .acceptNext('c1', 1)
      .at(500)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .granted('c1', 1, 's1', 's1@1')
      .at(600)
      .lockReleased('s1', 'c1', 's1@1')
      .record();
    expect(acceptProgress.check(run)).toBeUndefined();
  });

  it('holds: held, deferred-only and expired sessions are not available, so accept-next times out', () => {
    const run = new CallScript(sessionQueue({ lockDurationMs: 90_000 }))
      .at(0)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1', 90_000)
      .at(1)
      .delivered('s1', 1, 'c1', 's1@1')
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .sent('s2', 2, { expiresAtMs: 100 })
      .sent('s2', 3)
      .sent('s3', 4)
      .accepted('s3', 'c3', 's3@1', 90_000)
      .at(200)
      .lockReleased('s1', 'c1', 's1@1')
      .acceptNext('c2', 1)
      .at(60_200)
      .failed('c2', 1, 'ServiceTimeout')
      .record();
    expect(acceptProgress.check(run)).toBeUndefined();
  });

  it('holds: a hand-off within networkDelayMaxMs of the session becoming available', () => {
    const run = new CallScript(sessionQueue({}, { networkDelayMaxMs: 50 }))
      .at(0)
      .acceptNext('c1', 1)
      .at(100)
      .sent('s1', 1)
      .at(150)
      .accepted('s1', 'c1', 's1@1')
      .granted('c1', 1, 's1', 's1@1')
      .record();
    expect(acceptProgress.check(run)).toBeUndefined();
  });

  it('violated: accept-next keeps waiting while a session is available, and is granted late', () => {
    const run = new CallScript()
      .at(0)
      .acceptNext('c1', 1)
      .at(100)
      .sent('s1', 1)
      .at(5_000)
      .accepted('s1', 'c1', 's1@1')
      .granted('c1', 1, 's1', 's1@1')
      .record();
    expect(acceptProgress.check(run)?.message).toBe(
      "consumer:c1's accept-next on q (called at t=0ms) was granted only at t=5000ms, although session s1 had been available to it since t=100ms (unlocked, with active message s1#1 (m1) neither deferred nor expired); accept-next hands out an available session at once, and the hand-off may take at most networkDelayMaxMs=0ms, the workload's network delay bound (T3, §2.3).",
    );
  });

  it('violated: accept-next fails with ServiceTimeout while a released session has messages', () => {
    const run = new CallScript()
      .at(0)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .at(10)
      .acceptNext('c2', 1)
      .at(20)
      .lockReleased('s1', 'c1', 's1@1')
      .at(60_010)
      .failed('c2', 1, 'ServiceTimeout')
      .record();
    expect(acceptProgress.check(run)?.message).toContain(
      "consumer:c2's accept-next on q (called at t=10ms) failed with ServiceTimeout at t=60010ms, although session s1 had been available to it since t=20ms",
    );
  });

  it('violated: a named accept is refused with SessionCannotBeLocked although nobody holds the session', () => {
    const run = new CallScript()
      .at(0)
      .accepted('s1', 'c1', 's1@1')
      .at(10)
      .lockReleased('s1', 'c1', 's1@1')
      .at(20)
      .acceptSession('c2', 1, 's1')
      .failed('c2', 1, 'SessionCannotBeLocked')
      .record();
    expect(acceptProgress.check(run)?.message).toBe(
      "consumer:c2's accept of session s1 was refused with SessionCannotBeLocked at t=20ms, but no consumer held that session's lock (free since t=10ms); an accept of a session nobody holds is granted (T2, §2.2).",
    );
  });

  it('violated: a waiting named accept is not admitted when the lock is released', () => {
    const run = new CallScript(sessionQueue({}, { switches: { acceptNamedWhenLocked: 'wait' } }))
      .at(0)
      .accepted('s1', 'c1', 's1@1')
      .at(10)
      .acceptSession('c2', 1, 's1')
      .at(30)
      .lockReleased('s1', 'c1', 's1@1')
      .at(60_010)
      .failed('c2', 1, 'ServiceTimeout')
      .record();
    expect(acceptProgress.check(run)?.message).toContain(
      "consumer:c2's accept of session s1 (called at t=10ms) failed with ServiceTimeout at t=60010ms, although no consumer had held that session's lock since t=30ms",
    );
  });

  it('violated: accept-next is never answered, although the accept timeout has passed', () => {
    const run = new CallScript(sessionQueue({}, { switches: { acceptTimeoutMs: 30_000 } }))
      .at(0)
      .acceptNext('c1', 1)
      .at(40_000)
      .sent('s1', 1)
      .accepted('s1', 'c2', 's1@1')
      .record();
    expect(acceptProgress.check(run)?.message).toBe(
      "consumer:c1's accept-next on q (called at t=0ms) was still waiting at t=40000ms, past its deadline t=30000ms: an accept waits at most the operation timeout, acceptTimeoutMs=30000ms (switch), plus networkDelayMaxMs=0ms, the workload's network delay bound, then fails with ServiceTimeout (T3, §2.3, §13).",
    );
  });

  it('violated: a run goes quiet with accept-next still waiting beside an available session', () => {
    const run = new CallScript().at(0).sent('s1', 1).at(5).acceptNext('c1', 1).record();
    expect(acceptProgress.check(run)?.message).toContain(
      "consumer:c1's accept-next on q (called at t=5ms) was still waiting when the run ended with nothing left to happen",
    );
    expect(acceptProgress.check({ ...run, hitBound: true })).toBeUndefined();
  });
});
