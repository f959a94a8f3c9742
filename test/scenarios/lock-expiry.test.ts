/**
 * T11 — the session lock expires (not renewed): messages delivered under it come back with +1, every
 * later operation of the old holder fails with SessionLockLost, and the session is acceptable again
 * (reference §1 T11, §2.5, §3.4).
 */
import { describe, expect, it } from 'vitest';
import {
  at,
  codeOf,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  queue,
  sessionOf,
  stored,
} from './scenario-kit.ts';

describe('T11 session lock expiry', () => {
  it('session lock: expiry while processing: redelivers with delivery count 1', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(29_999);
    expect(sessionOf(d, 's1').lock).toBe('held');
    d.advance(1);
    expect(sessionOf(d, 's1')).toMatchObject({ holder: null, lock: 'expired' });
    expect(stored(d, 's1')).toEqual([['m1', 'active', 1]]);
    expect(facts(d, 'lockExpired')).toEqual([
      { kind: 'lockExpired', entity: 'q', session: 's1', consumer: a, token: h.token },
    ]);
    expect(facts(d, 'requeued')).toEqual([
      { kind: 'requeued', entity: 'q', session: 's1', seq: 1, deliveryCount: 1, cause: 'lockExpired' },
    ]);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(idsAndCounts(messagesOf(d.receive(hb)))).toEqual([['m1', 1]]);
  });

  it('only messages delivered under the expired lock are raised; undelivered and deferred ones keep their count', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    for (const id of ['m1', 'm2', 'm3', 'm4']) d.send(a, 'q', { messageId: id, sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const both = messagesOf(d.receive(h, 2));
    d.settle(h, at(both, 0), 'defer');
    expect(at(both, 1).messageId).toBe('m2');
    const m3 = oneOf(d.receive(h));
    d.settle(h, m3, 'complete');
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'active', 1],
      ['m4', 'active', 0],
    ]);
  });

  it('a message delivered under an earlier lock and released by close is not raised when a later lock expires', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const first = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(first));
    d.close(first);
    // The second holder never receives it; its lock runs out.
    handleOf(d.accept(a, 'q', 's1'));
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([['m1', 'active', 0]]);
  });

  it('after expiry, every operation of the old holder fails with SessionLockLost and changes nothing', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m1 = oneOf(d.receive(h));
    d.settle(h, oneOf(d.receive(h)), 'defer');
    d.advance(30_000);
    const codes = {
      receive: codeOf(d.receive(h)),
      complete: codeOf(d.settle(h, m1, 'complete')),
      abandon: codeOf(d.settle(h, m1, 'abandon')),
      defer: codeOf(d.settle(h, m1, 'defer')),
      deadLetter: codeOf(d.settle(h, m1, 'deadLetter', 'x', 'y')),
      renew: codeOf(d.renew(h)),
      getState: codeOf(d.getState(h)),
      setState: codeOf(d.setState(h, 'progress')),
      receiveDeferred: codeOf(d.receiveDeferred(h, [2])),
      peek: codeOf(d.peek(h)),
    };
    expect(codes).toEqual({
      receive: 'SessionLockLost',
      complete: 'SessionLockLost',
      abandon: 'SessionLockLost',
      defer: 'SessionLockLost',
      deadLetter: 'SessionLockLost',
      renew: 'SessionLockLost',
      getState: 'SessionLockLost',
      setState: 'SessionLockLost',
      receiveDeferred: 'SessionLockLost',
      peek: 'SessionLockLost',
    });
    const lost = d.receive(h);
    expect(!lost.ok && lost.error.message).toBe('The session lock has expired on the session with id s1');
    expect(stored(d, 's1')).toEqual([
      ['m1', 'active', 1],
      ['m2', 'deferred', 0],
    ]);
    expect(sessionOf(d, 's1').state).toBeNull();
    expect(facts(d, 'opFailed').map((f) => [f.op, f.code])).toEqual([
      ['receive', 'SessionLockLost'],
      ['settle', 'SessionLockLost'],
      ['settle', 'SessionLockLost'],
      ['settle', 'SessionLockLost'],
      ['settle', 'SessionLockLost'],
      ['renew', 'SessionLockLost'],
      ['getState', 'SessionLockLost'],
      ['setState', 'SessionLockLost'],
      ['receiveDeferred', 'SessionLockLost'],
      ['peek', 'SessionLockLost'],
      ['receive', 'SessionLockLost'],
    ]);
  });

  it('at the deadline itself the lock is gone: renew, receive and complete arriving at lockedUntil fail, ahead of the expiry timer', () => {
    // A send timer due at 30 000 fires first and moves the clock to the lock's deadline; the holder's
    // requests then reach the broker before the lock's own expiry timer (due at the same instant).
    const d = queue(
      { lockDurationMs: 30_000 },
      { messages: [{ messageId: 'tick', sessionId: 'other', atMs: 30_000 }] },
    );
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.advance(29_999);
    d.world.step();
    expect([d.nowMs, facts(d, 'lockExpired').length]).toEqual([30_000, 0]);
    expect([codeOf(d.renew(h)), codeOf(d.receive(h)), codeOf(d.settle(h, m, 'complete'))]).toEqual([
      'SessionLockLost',
      'SessionLockLost',
      'SessionLockLost',
    ]);
    d.advance(0);
    expect(facts(d, 'lockRenewed')).toEqual([]);
    expect(facts(d, 'lockExpired').map((f) => f.token)).toEqual([h.token]);
    expect(stored(d, 's1')).toEqual([['m1', 'active', 1]]);
  });

  it('one millisecond before the deadline the lock is still valid: renew succeeds', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(29_999);
    const r = d.renew(h);
    expect(r.ok && r.result.lockedUntilMs).toBe(59_999);
  });

  it('the old holder stays locked out after another receiver takes the session', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const ha = handleOf(d.accept(a, 'q', 's1'));
    const stale = oneOf(d.receive(ha));
    d.advance(30_000);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    const fresh = oneOf(d.receive(hb));
    expect(codeOf(d.settle(ha, stale, 'complete'))).toBe('SessionLockLost');
    expect(codeOf(d.renew(ha))).toBe('SessionLockLost');
    expect(d.settle(hb, fresh, 'complete').ok).toBe(true);
    expect(stored(d, 's1')).toEqual([]);
  });

  it('a receive parked on the session when the lock expires fails with SessionLockLost', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    const r = d.receive(h, 1, 45_000);
    expect(codeOf(r)).toBe('SessionLockLost');
    expect(d.nowMs).toBe(30_000);
  });

  it('the session is acceptable the moment the lock expires, also by the old holder (under a new token)', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const old = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(old));
    d.advance(30_000);
    const again = handleOf(d.accept(a, 'q', null));
    expect([again.sessionId, again.lockedUntilMs]).toEqual(['s1', 60_000]);
    expect(again.token).not.toBe(old.token);
    expect(idsAndCounts(messagesOf(d.receive(again)))).toEqual([['m1', 1]]);
    expect(codeOf(d.receive(old))).toBe('SessionLockLost');
  });

  it('repeated lock expiry counts toward MaxDeliveryCount: the MDC-th expiry dead-letters', () => {
    const d = queue({ lockDurationMs: 10_000, maxDeliveryCount: 2 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'slow', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      const h = handleOf(d.accept(a, 'q', 's1'));
      counts.push(oneOf(d.receive(h)).deliveryCount);
      d.advance(10_000);
    }
    expect(counts).toEqual([0, 1]);
    expect(d.state().entities['q']?.deadLetters.map((e) => [e.messageId, e.reason, e.deliveryCount])).toEqual([
      ['slow', 'MaxDeliveryCountExceeded', 2],
    ]);
    expect(stored(d, 's1')).toEqual([['m2', 'active', 0]]);
  });

  it('renewal is not an increment: a renewed lock that later expires raises the count once', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    for (let i = 0; i < 3; i++) {
      d.advance(20_000);
      expect(d.renew(h).ok).toBe(true);
    }
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 0]]);
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([['m1', 'active', 1]]);
  });
});
