/**
 * T10 — renew the session lock: lockedUntil = now + LockDuration; a lost lock cannot be renewed back
 * (reference §1 T10, §2.4).
 */
import { describe, expect, it } from 'vitest';
import { codeOf, facts, handleOf, oneOf, queue, sessionOf, stored } from './scenario-kit.ts';

describe('T10 renew the session lock', () => {
  it('extends lockedUntil to now + lock duration, and the lock outlives its first deadline', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(h.lockedUntilMs).toBe(30_000);
    oneOf(d.receive(h));
    d.advance(20_000);
    const r = d.renew(h);
    expect(r.ok && r.result.lockedUntilMs).toBe(50_000);
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: a, token: h.token, lockedUntilMs: 50_000 });
    expect(facts(d, 'lockRenewed')).toEqual([
      { kind: 'lockRenewed', entity: 'q', session: 's1', consumer: a, token: h.token, lockedUntilMs: 50_000 },
    ]);
    d.advance(29_999);
    expect(sessionOf(d, 's1').lock).toBe('held');
    expect(facts(d, 'lockExpired')).toEqual([]);
    d.advance(1);
    expect(facts(d, 'lockExpired').map((f) => f.token)).toEqual([h.token]);
    expect(d.nowMs).toBe(50_000);
  });

  it('renewing twice at the same instant gives the same deadline (renew does not add up)', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(10_000);
    const first = d.renew(h);
    const second = d.renew(h);
    expect([first.ok && first.result.lockedUntilMs, second.ok && second.result.lockedUntilMs]).toEqual([
      40_000, 40_000,
    ]);
  });

  it('renewal changes no delivery count', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(15_000);
    d.renew(h);
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 0]]);
  });

  it('after the lock has expired, renew fails with SessionLockLost and the lock stays lost', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.advance(30_000);
    const r = d.renew(h);
    expect(codeOf(r)).toBe('SessionLockLost');
    expect(sessionOf(d, 's1')).toMatchObject({ holder: null, lock: 'expired' });
    expect(codeOf(d.settle(h, m, 'complete'))).toBe('SessionLockLost');
    expect(facts(d, 'lockRenewed')).toEqual([]);
    expect(facts(d, 'opFailed').map((f) => [f.op, f.consumer, f.token, f.code])).toEqual([
      ['renew', a, h.token, 'SessionLockLost'],
      ['settle', a, h.token, 'SessionLockLost'],
    ]);
  });

  it('after close, renew fails with SessionLockLost', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.close(h);
    expect(codeOf(d.renew(h))).toBe('SessionLockLost');
  });

  it("a stale holder cannot renew the new holder's lock", () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    const ha = handleOf(d.accept(a, 'q', 's1'));
    d.advance(30_000);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(codeOf(d.renew(ha))).toBe('SessionLockLost');
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: b, token: hb.token, lockedUntilMs: 60_000 });
  });
});
