import { describe, expect, it } from 'vitest';
import { eventualProcessing } from '../../properties/eventual-processing.ts';
import { CallScript } from './call-script.ts';
import { sessionQueue } from './helpers.ts';

describe('eventual-processing', () => {
  it('holds: a message left behind after every consumer stopped asking is not owed to anyone', () => {
    const run = new CallScript()
      .at(0)
      .acceptNext('c1', 1)
      .at(60_000)
      .failed('c1', 1, 'ServiceTimeout')
      .at(70_000)
      .sent('s1', 1)
      .sent('s2', 2, { expiresAtMs: 75_000 })
      .at(80_000)
      .record();
    expect(eventualProcessing.check(run)).toBeUndefined();
  });

  it('holds: an empty receive while the only message is deferred, and an abandoned message that is served next', () => {
    const run = new CallScript()
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .acceptNext('c1', 1)
      .accepted('s1', 'c1', 's1@1')
      .granted('c1', 1, 's1', 's1@1')
      .at(1)
      .receive('c1', 2, 's1', 's1@1')
      .delivered('s1', 1, 'c1', 's1@1')
      .received('c1', 2, [1])
      .at(2)
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .receive('c1', 3, 's1', 's1@1')
      .delivered('s1', 2, 'c1', 's1@1')
      .received('c1', 3, [2])
      .at(3)
      .settled('s1', 2, 'c1', 's1@1', 'complete')
      .receive('c1', 4, 's1', 's1@1', 1_000)
      .at(1_003)
      .received('c1', 4)
      .at(1_004)
      .lockReleased('s1', 'c1', 's1@1')
      .record();
    expect(eventualProcessing.check(run)).toBeUndefined();
  });

  it('violated: accept-next times out while the message waits in an available session', () => {
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
    expect(eventualProcessing.check(run)?.message).toBe(
      "message s1#1 (m1) was never completed, dead-lettered or expired: it was still active when the run ended with nothing left to happen (no message in flight, no timer pending but the background expiry tick), at t=60010ms, although consumer:c2's accept-next (called at t=10ms) failed with ServiceTimeout at t=60010ms while its session s1 had been available since t=20ms with this message active, longer than the networkDelayMaxMs=0ms a hand-off may take (T3, §2.3).",
    );
  });

  it('violated: the holder keeps receiving and gets nothing while the message is active', () => {
    const run = new CallScript(sessionQueue({}, { networkDelayMaxMs: 50 }))
      .at(0)
      .acceptNext('c1', 1)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .granted('c1', 1, 's1', 's1@1')
      .at(1)
      .receive('c1', 2, 's1', 's1@1', 3_000)
      .at(3_001)
      .received('c1', 2)
      .at(3_002)
      .close('c1', 3, 's1', 's1@1')
      .lockReleased('s1', 'c1', 's1@1')
      .record();
    expect(eventualProcessing.check(run)?.message).toContain(
      "although consumer:c1's receive under its valid session lock s1@1 (called at t=1ms) came back empty at t=3001ms while this message was active, neither deferred nor expired (already there when the receive arrived)",
    );
  });

  it('violated: a message stays locked after its session lock was released', () => {
    const run = new CallScript()
      .at(0)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .at(1)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(2)
      .lockReleased('s1', 'c1', 's1@1')
      .record();
    expect(eventualProcessing.check(run)?.message).toBe(
      'message s1#1 (m1) was still locked under s1@1 by consumer:c1 when the run ended with nothing left to happen (no message in flight, no timer pending but the background expiry tick), at t=2ms, although that lock had been released (close) at t=2ms — a lock that ends returns its messages to the session (T11, T12): it can never be completed, dead-lettered or expired.',
    );
    expect(eventualProcessing.check({ ...run, hitBound: true })).toBeUndefined();
  });
});
