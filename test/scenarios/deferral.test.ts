/**
 * T7 — defer sets a message aside; T9 — receiveDeferred fetches it by sequence number through the
 * session's lock holder; expired deferred messages are expired only when fetched
 * (reference §1 T7/T9, §3.3, §10 item 8, §11).
 */
import { describe, expect, it } from 'vitest';
import {
  at,
  codeOf,
  deadLetters,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  queue,
  stored,
} from './scenario-kit.ts';
import type { Driver } from '../../src/world/driver.ts';

/** Session s1 with `ids`, accepted by client a, with the first message received and deferred. */
function withDeferredFirst(d: Driver, ids: readonly string[]) {
  const a = d.client('a');
  for (const messageId of ids) d.send(a, 'q', { messageId, sessionId: 's1' });
  const h = handleOf(d.accept(a, 'q', 's1'));
  const deferred = oneOf(d.receive(h));
  expect(d.settle(h, deferred, 'defer').ok).toBe(true);
  return { a, h, deferred };
}

describe('T7 defer', () => {
  it('sets the message aside: the session carries on with the next one, the count is unchanged', () => {
    const d = queue();
    const { h, deferred } = withDeferredFirst(d, ['m1', 'm2']);
    expect([deferred.seq, deferred.messageId]).toEqual([1, 'm1']);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'active', 0],
    ]);
    expect(idsAndCounts(messagesOf(d.receive(h, 5)))).toEqual([['m2', 0]]);
    expect(messagesOf(d.receive(h, 5))).toEqual([]);
    expect(facts(d, 'settled').map((f) => [f.seq, f.action, f.deliveryCount])).toEqual([[1, 'defer', 0]]);
  });

  it('a deferred message stays deferred across close and re-accept', () => {
    const d = queue();
    const { a, h } = withDeferredFirst(d, ['m1']);
    d.close(h);
    const again = handleOf(d.accept(a, 'q', 's1'));
    expect(messagesOf(d.receive(again))).toEqual([]);
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 0]]);
  });

  it('peek shows the deferred message with its state, without locking it or counting a delivery', () => {
    const d = queue();
    const { h } = withDeferredFirst(d, ['m1', 'm2']);
    const peeked = messagesOf(d.peek(h));
    expect(peeked.map((m) => [m.messageId, m.state, m.deliveryCount])).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'active', 0],
    ]);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'active', 0],
    ]);
  });

  it('defer with MaxDeliveryCount 1 (deferCountsAsAttempt off, default): not dead-lettered', () => {
    const d = queue({ maxDeliveryCount: 1 });
    withDeferredFirst(d, ['m1']);
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 0]]);
    expect(deadLetters(d)).toEqual([]);
  });
});

describe('T9 receiveDeferred', () => {
  it('fetches the deferred message by sequence number, locked under the session lock', () => {
    const d = queue();
    const { a, h, deferred } = withDeferredFirst(d, ['m1', 'm2']);
    const got = messagesOf(d.receiveDeferred(h, [deferred.seq]));
    // Fetching is a delivery: received once (count 0), deferred, fetched → count 1 (§3.3).
    expect(got.map((m) => [m.seq, m.messageId, m.deliveryCount, m.lockToken, m.state])).toEqual([
      [1, 'm1', 1, h.token, 'deferred'],
    ]);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'locked', 1],
      ['m2', 'active', 0],
    ]);
    expect(facts(d, 'delivered').filter((f) => f.deferred)).toEqual([
      {
        kind: 'delivered',
        entity: 'q',
        session: 's1',
        seq: 1,
        consumer: a,
        token: h.token,
        deliveryCount: 1,
        mode: 'peekLock',
        deferred: true,
      },
    ]);
    expect(d.settle(h, at(got, 0), 'complete').ok).toBe(true);
    expect(stored(d, 's1')).toEqual([['m2', 'active', 0]]);
  });

  it('a fetched deferred message whose lock expires stays deferred; the fetch was its delivery: fetched again by number, never by a receive', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const { a, h, deferred } = withDeferredFirst(d, ['m1']);
    // Received once (count 0), deferred, fetched: count 1 (§3.3); losing the lock gives it back with no more.
    expect(idsAndCounts(messagesOf(d.receiveDeferred(h, [deferred.seq])))).toEqual([['m1', 1]]);
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 1]]);
    const again = handleOf(d.accept(a, 'q', 's1'));
    expect(messagesOf(d.receive(again))).toEqual([]);
    expect(idsAndCounts(messagesOf(d.receiveDeferred(again, [deferred.seq])))).toEqual([['m1', 2]]);
  });

  for (const action of ['abandon', 'defer'] as const) {
    it(`${action} of a fetched deferred message puts it back among the deferred: fetched again with count 2 (the SDK's live test)`, () => {
      const d = queue();
      const { h, deferred } = withDeferredFirst(d, ['m1', 'm2']);
      const fetched = oneOf(d.receiveDeferred(h, [deferred.seq]));
      expect(fetched.deliveryCount).toBe(1);
      expect(d.settle(h, fetched, action).ok).toBe(true);
      expect(stored(d, 's1')).toEqual([
        ['m1', 'deferred', 1],
        ['m2', 'active', 0],
      ]);
      // A normal receive serves m2, never m1.
      expect(idsAndCounts(messagesOf(d.receive(h, 10)))).toEqual([['m2', 0]]);
      const again = oneOf(d.receiveDeferred(h, [deferred.seq]));
      expect(again.deliveryCount).toBe(2);
      expect(d.settle(h, again, 'complete').ok).toBe(true);
    });
  }

  it('a sequence number that is not deferred (active, locked, unknown) fails with MessageNotFound', () => {
    const d = queue();
    const { h, deferred } = withDeferredFirst(d, ['m1', 'm2', 'm3']);
    const m2 = oneOf(d.receive(h));
    expect(m2.seq).toBe(2);
    const codes = [
      codeOf(d.receiveDeferred(h, [3])), // active
      codeOf(d.receiveDeferred(h, [2])), // locked
      codeOf(d.receiveDeferred(h, [99])), // never existed
    ];
    expect(codes).toEqual(['MessageNotFound', 'MessageNotFound', 'MessageNotFound']);
    const r = d.receiveDeferred(h, [deferred.seq, 3]);
    expect(!r.ok && r.error.message).toBe('The message with sequence number 3 was not found or is not deferred.');
    // A failed batch fetches nothing.
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'locked', 0],
      ['m3', 'active', 0],
    ]);
  });

  it('fetching the same deferred message twice: the second fails with MessageNotFound', () => {
    const d = queue();
    const { h, deferred } = withDeferredFirst(d, ['m1']);
    messagesOf(d.receiveDeferred(h, [deferred.seq]));
    expect(codeOf(d.receiveDeferred(h, [deferred.seq]))).toBe('MessageNotFound');
  });

  it('only the holder of the session lock can fetch it: anyone else gets SessionLockLost', () => {
    const d = queue();
    const { h, deferred } = withDeferredFirst(d, ['m1']);
    const b = d.client('b');
    expect(codeOf(d.receiveDeferred({ ...h, client: b, token: 'other@7' }, [deferred.seq]))).toBe('SessionLockLost');
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 0]]);
  });

  it('a deferred message is not expired by time alone, only when fetched: dead-lettered then, and not returned', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m1 = oneOf(d.receive(h));
    d.settle(h, m1, 'defer');
    d.close(h);
    d.advance(20_000);
    const h2 = handleOf(d.accept(a, 'q', 's1'));
    // Accepting and receiving evaluate expiry, but a deferred message is left alone.
    expect(idsAndCounts(messagesOf(d.receive(h2)))).toEqual([['m2', 0]]);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 0],
      ['m2', 'locked', 0],
    ]);
    expect(facts(d, 'expired')).toEqual([]);
    const fetched = d.receiveDeferred(h2, [m1.seq]);
    expect(messagesOf(fetched)).toEqual([]);
    expect(deadLetters(d)).toEqual([['m1', 'TTLExpiredException', 0]]);
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: true, rule: 'message' },
    ]);
    expect(stored(d, 's1')).toEqual([['m2', 'locked', 0]]);
  });

  it('an expired deferred message with dead-lettering off is dropped when fetched, and not returned', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m1 = oneOf(d.receive(h));
    d.settle(h, m1, 'defer');
    d.advance(10_000);
    expect(messagesOf(d.receiveDeferred(h, [m1.seq]))).toEqual([]);
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: false, rule: 'message' },
    ]);
    expect(deadLetters(d)).toEqual([]);
    expect(stored(d, 's1')).toEqual([]);
  });
});
