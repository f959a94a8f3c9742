import { describe, expect, it } from 'vitest';
import { exclusiveLock } from '../../properties/exclusive-lock.ts';
import { Script } from './helpers.ts';

describe('exclusive-lock', () => {
  it('holds: one holder at a time, hand-off after expiry, later-arriving messages go to the holder', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 30_000)
      .at(10)
      .sent('s1', 1)
      .at(11)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(20)
      .stateSet('s1', 'c1', 's1@1', 'x')
      .lockRenewed('s1', 'c1', 's1@1', 60_000)
      .at(60_000)
      .lockExpired('s1', 'c1', 's1@1')
      .requeued('s1', 1, 1, 'lockExpired')
      .at(60_001)
      .accepted('s1', 'c2', 's1@2')
      .at(60_002)
      .delivered('s1', 1, 'c2', 's1@2', { deliveryCount: 1 })
      .at(60_003)
      .settled('s1', 1, 'c2', 's1@2', 'complete', 1)
      .at(60_004)
      .lockReleased('s1', 'c2', 's1@2')
      .record();
    expect(exclusiveLock.check(run)).toBeUndefined();
  });

  it('holds: without sessions each message has its own lock', () => {
    const run = new Script({ entities: [{ name: 'q', requiresSession: false }] })
      .at(0)
      .sent(null, 1)
      .at(1)
      .delivered(null, 1, 'c1', 'q#m1')
      .at(2)
      .settled(null, 1, 'c1', 'q#m1', 'complete')
      .record();
    expect(exclusiveLock.check(run)).toBeUndefined();
  });

  it('violated: a second consumer is granted a held session', () => {
    const run = new Script().at(0).accepted('s1', 'c1', 's1@1', 60_000).at(5).accepted('s1', 'c2', 's1@2').record();
    expect(exclusiveLock.check(run)?.message).toBe(
      'consumer:c2 accepted session s1 with lock s1@2 at t=5ms while consumer:c1 still held the session lock s1@1 until t=60000ms: two holders at once.',
    );
  });

  it('violated: a later-arriving message is delivered to someone other than the holder', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 60_000)
      .at(30_000)
      .sent('s1', 3, { messageId: 'm3' })
      .at(40_000)
      .delivered('s1', 3, 'c2', null)
      .record();
    expect(exclusiveLock.check(run)?.message).toContain(
      'message s1#3 (m3) was delivered to consumer:c2 at t=40000ms while consumer:c1 held the session lock s1@1 until t=60000ms, although it arrived at t=30000ms while consumer:c1 held the session',
    );
  });

  it('violated: a completion succeeds under a lock that has expired', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(1)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .requeued('s1', 1, 1, 'lockExpired')
      .at(12_000)
      .settled('s1', 1, 'c1', 's1@1', 'complete', 1)
      .record();
    expect(exclusiveLock.check(run)?.message).toBe(
      'consumer:c1 settled (complete) message s1#1 (m1) under lock s1@1 at t=12000ms, but that lock had expired at t=10000ms, and no consumer held the session lock.',
    );
  });

  it('violated: a lost lock is renewed back', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .at(10_500)
      .lockRenewed('s1', 'c1', 's1@1', 20_500)
      .record();
    expect(exclusiveLock.check(run)?.message).toContain(
      'lock s1@1 of consumer:c1 on session s1 was renewed until t=20500ms at t=10500ms, but that lock had expired at t=10000ms',
    );
  });

  it('violated: session state is set under a released lock while another consumer holds the session', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1')
      .at(1)
      .lockReleased('s1', 'c1', 's1@1', 'detach')
      .at(2)
      .accepted('s1', 'c2', 's1@2', 60_002)
      .at(3)
      .stateSet('s1', 'c1', 's1@1', 'stale')
      .record();
    expect(exclusiveLock.check(run)?.message).toBe(
      'consumer:c1 set the state of session s1 to "stale" under lock s1@1 at t=3ms, but that lock had been released (detach) at t=1ms, and consumer:c2 held the session lock s1@2 until t=60002ms.',
    );
  });

  it('violated: without sessions, a message is settled under its expired message lock', () => {
    const run = new Script({ entities: [{ name: 'q', requiresSession: false }] })
      .at(0)
      .sent(null, 1)
      .at(1)
      .delivered(null, 1, 'c1', 'q#m1')
      .at(60_001)
      .lockExpired(null, '', 'q#m1')
      .requeued(null, 1, 1, 'lockExpired')
      .at(60_002)
      .settled(null, 1, 'c1', 'q#m1', 'complete', 1)
      .record();
    expect(exclusiveLock.check(run)?.message).toBe(
      'consumer:c1 settled (complete) message q#1 (m1) under message lock q#m1 at t=60002ms, but that message lock had expired at t=60001ms.',
    );
  });
});
