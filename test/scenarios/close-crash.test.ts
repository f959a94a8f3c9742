/**
 * T12 — close, crash and link detach release the session lock at once; unsettled messages go back
 * with their delivery count unchanged (reference §1 T12, §2.6, §3.4, §10 item 1).
 */
import { describe, expect, it } from 'vitest';
import { codeOf, facts, handleOf, idsAndCounts, messagesOf, oneOf, queue, sessionOf, stored } from './scenario-kit.ts';

describe('T12 close, crash and detach release the lock', () => {
  for (const how of ['close', 'crash', 'detach'] as const) {
    it(`${how}: the lock is free at once and the unsettled messages come back with no increment`, () => {
      const d = queue({ lockDurationMs: 60_000 });
      const a = d.client('a');
      const b = d.client('b');
      for (const id of ['m1', 'm2', 'm3']) d.send(a, 'q', { messageId: id, sessionId: 's1' });
      const h = handleOf(d.accept(a, 'q', 's1'));
      expect(idsAndCounts(messagesOf(d.receive(h, 2)))).toEqual([
        ['m1', 0],
        ['m2', 0],
      ]);
      d.advance(5_000);
      if (how === 'close') expect(d.close(h).ok).toBe(true);
      else d.drop(h, how);
      expect(d.nowMs).toBe(5_000);
      expect(sessionOf(d, 's1')).toMatchObject({ holder: null, lock: 'released' });
      expect(stored(d, 's1')).toEqual([
        ['m1', 'active', 0],
        ['m2', 'active', 0],
        ['m3', 'active', 0],
      ]);
      expect(facts(d, 'lockReleased')).toEqual([
        { kind: 'lockReleased', entity: 'q', session: 's1', consumer: a, token: h.token, cause: how },
      ]);
      expect(facts(d, 'requeued').map((f) => [f.seq, f.deliveryCount, f.cause])).toEqual([
        [1, 0, how],
        [2, 0, how],
      ]);
      // Redelivered at once, not after the lock duration, in order, to whoever accepts next.
      const hb = handleOf(d.accept(b, 'q', null));
      expect([hb.sessionId, d.nowMs]).toEqual(['s1', 5_000]);
      expect(idsAndCounts(messagesOf(d.receive(hb, 3)))).toEqual([
        ['m1', 0],
        ['m2', 0],
        ['m3', 0],
      ]);
      // The lock that was released never expires later: only b's own lock runs out.
      d.advance(120_000);
      expect(facts(d, 'lockExpired').map((f) => [f.consumer, f.token])).toEqual([[b, hb.token]]);
    });
  }

  it('close: the old handle is dead afterwards (SessionLockLost on receive and settle)', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.close(h);
    expect(codeOf(d.receive(h))).toBe('SessionLockLost');
    expect(codeOf(d.settle(h, m, 'complete'))).toBe('SessionLockLost');
    expect(stored(d, 's1')).toEqual([['m1', 'active', 0]]);
  });

  it('closing twice is harmless', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(d.close(h).ok).toBe(true);
    expect(d.close(h).ok).toBe(true);
    expect(facts(d, 'lockReleased')).toHaveLength(1);
  });

  it('a poison message that crashes every consumer is redelivered forever and never reaches MaxDeliveryCount', () => {
    const d = queue({ maxDeliveryCount: 2 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'poison', sessionId: 's1' });
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const h = handleOf(d.accept(d.client(`worker${i}`), 'q', null));
      counts.push(oneOf(d.receive(h)).deliveryCount);
      d.drop(h, 'crash');
    }
    expect(counts).toEqual([0, 0, 0, 0, 0]);
    expect(d.state().entities['q']?.deadLetters).toEqual([]);
    expect(stored(d, 's1')).toEqual([['poison', 'active', 0]]);
  });

  it('a receive parked on the session: a detach fails it with SessionLockLost', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    const parked = d.receiveLater(h, 1, 30_000);
    expect(parked.reply()).toBeUndefined(); // parked: the world is quiet and it has no answer yet
    d.drop(h, 'detach');
    expect(facts(d, 'lockReleased').map((f) => f.cause)).toEqual(['detach']);
    // The parked receive's own reply, at once and not after its 30 s wait.
    expect(d.nowMs).toBe(0);
    expect(parked.reply()).toMatchObject({ ok: false, error: { code: 'SessionLockLost' } });
    // A new receive on the dead handle fails too.
    expect(codeOf(d.receive(h))).toBe('SessionLockLost');
  });
});
