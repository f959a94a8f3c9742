import { describe, expect, it } from 'vitest';
import { ttl } from '../../properties/ttl.ts';
import { Script, sessionQueue } from './helpers.ts';

describe('ttl', () => {
  it('holds: a message expires on accept of an unlocked session and takes the whole session with it', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2, { expiresAtMs: 1_000 })
      .sent('s1', 3)
      .at(2_000)
      .expired('s1', 1, { rule: 'session' })
      .expired('s1', 2)
      .expired('s1', 3, { rule: 'session' })
      .accepted('s1', 'c1', 's1@1')
      .record();
    expect(ttl.check(run)).toBeUndefined();
  });

  it('holds: a locked message outlives its TTL, can be completed, and expires at once (dead-lettered) when released', () => {
    const run = new Script(sessionQueue({ deadLetteringOnMessageExpiration: true }))
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .sent('s1', 2, { expiresAtMs: 1_000 })
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .delivered('s1', 2, 'c1', 's1@1')
      .at(3_000)
      .settled('s1', 1, 'c1', 's1@1', 'complete')
      .at(4_000)
      .lockReleased('s1', 'c1', 's1@1')
      .requeued('s1', 2, 0, 'close')
      .expired('s1', 2, { deadLettered: true })
      .deadLettered('s1', 2, 'TTLExpiredException')
      .record();
    expect(ttl.check(run)).toBeUndefined();
  });

  it('holds: with sessionWideExpiry off, each message expires on its own', () => {
    const run = new Script(sessionQueue({}, { switches: { sessionWideExpiry: false } }))
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .sent('s1', 2)
      .at(2_000)
      .expired('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .at(2_001)
      .delivered('s1', 2, 'c1', 's1@1')
      .record();
    expect(ttl.check(run)).toBeUndefined();
  });

  it('violated: an expired message is delivered', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(1_000)
      .delivered('s1', 1, 'c1', 's1@1')
      .record();
    expect(ttl.check(run)?.message).toBe(
      'message s1#1 (m1) was delivered to consumer:c1 under lock s1@1 at t=1000ms, but it had expired at t=1000ms (enqueued at t=0ms); an expired message is never delivered (§4).',
    );
  });

  it('violated: an expired deferred message is returned by receiveDeferred', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1, { expiresAtMs: 5_000 })
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .at(6_000)
      .delivered('s1', 1, 'c1', 's1@1', { deferred: true })
      .record();
    expect(ttl.check(run)?.message).toContain(
      'message s1#1 (m1) was delivered to consumer:c1 under lock s1@1 by receiveDeferred at t=6000ms, but it had expired at t=5000ms',
    );
  });

  it('violated: a locked message expires', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(1_500)
      .expired('s1', 1)
      .record();
    expect(ttl.check(run)?.message).toBe(
      'message s1#1 (m1) expired at t=1500ms while locked under s1@1 by consumer:c1; a locked message is protected until its lock is released (§4, D2).',
    );
  });

  it('violated: the session-wide rule is not applied when a message of an unlocked session expires', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .sent('s1', 2)
      .at(2_000)
      .expired('s1', 1)
      .accepted('s1', 'c1', 's1@1')
      .record();
    expect(ttl.check(run)?.message).toContain(
      'message s1#2 (m2) stayed active after s1#1 (m1) expired by its own TTL at t=2000ms while session s1 was unlocked; with sessionWideExpiry on, every active message of the session expires with it',
    );
  });

  it('violated: the session-wide rule expires messages while the switch is off', () => {
    const run = new Script(sessionQueue({}, { switches: { sessionWideExpiry: false } }))
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .sent('s1', 2)
      .at(2_000)
      .expired('s1', 1)
      .expired('s1', 2, { rule: 'session' })
      .record();
    expect(ttl.check(run)?.message).toBe(
      'message s1#2 (m2) expired by the session-wide rule at t=2000ms, but the switch sessionWideExpiry is off: each message expires on its own TTL only.',
    );
  });

  it('violated: an expired message is dropped although the entity dead-letters on expiry', () => {
    const run = new Script(sessionQueue({ deadLetteringOnMessageExpiration: true }))
      .at(0)
      .sent('s1', 1, { expiresAtMs: 1_000 })
      .at(2_000)
      .expired('s1', 1, { deadLettered: false })
      .record();
    expect(ttl.check(run)?.message).toContain(
      'message s1#1 (m1) was dropped on expiry at t=2000ms, but deadLetteringOnMessageExpiration is on for q',
    );
  });
});
