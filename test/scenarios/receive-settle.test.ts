/**
 * T4 — receive the lowest-sequence active message; T5 complete; T6 abandon (+1, served next,
 * MaxDeliveryCount); T8 dead-letter with the application's reason (reference §1, §3.3, §3.4, §3.5).
 */
import { describe, expect, it } from 'vitest';
import {
  at,
  codeOf,
  deadLetters,
  dlqOf,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  queue,
  stored,
} from './scenario-kit.ts';
import type { Driver } from '../../src/world/driver.ts';

/** A queue with `ids` sent to session s1, accepted by client a. */
function sessionWith(d: Driver, ids: readonly string[]) {
  const a = d.client('a');
  for (const messageId of ids) d.send(a, 'q', { messageId, sessionId: 's1' });
  return { a, h: handleOf(d.accept(a, 'q', 's1')) };
}

describe('T4 receive', () => {
  it('returns the lowest-sequence active message and locks it under the session lock', () => {
    const d = queue();
    const { a, h } = sessionWith(d, ['m1', 'm2', 'm3']);
    const m = oneOf(d.receive(h));
    expect([m.seq, m.messageId, m.deliveryCount, m.lockToken]).toEqual([1, 'm1', 0, h.token]);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'locked', 0],
      ['m2', 'active', 0],
      ['m3', 'active', 0],
    ]);
    expect(facts(d, 'delivered')).toEqual([
      {
        kind: 'delivered',
        entity: 'q',
        session: 's1',
        seq: 1,
        consumer: a,
        token: h.token,
        deliveryCount: 0,
        mode: 'peekLock',
        deferred: false,
      },
    ]);
  });

  it('several in flight at once: a batch takes the next ones in order, skipping the locked one', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1', 'm2', 'm3', 'm4']);
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m1', 0]]);
    expect(idsAndCounts(messagesOf(d.receive(h, 2)))).toEqual([
      ['m2', 0],
      ['m3', 0],
    ]);
    expect(idsAndCounts(messagesOf(d.receive(h, 5)))).toEqual([['m4', 0]]);
    expect(messagesOf(d.receive(h, 5))).toEqual([]);
  });

  it('an unsettled message is never redelivered to the holder while it holds the lock', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1']);
    oneOf(d.receive(h));
    d.advance(30_000);
    expect(messagesOf(d.receive(h))).toEqual([]);
  });

  it('a plain (non-session) receiver on a session queue is refused', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const r = d.receivePlain(a, 'q');
    expect(codeOf(r)).toBe('GeneralError');
    expect(!r.ok && r.error.message).toMatch(/requires sessions to create a non-sessionful message receiver/);
  });
});

describe('T5 complete', () => {
  it('removes the message; completing out of order is allowed', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1', 'm2']);
    const both = messagesOf(d.receive(h, 2));
    expect(d.settle(h, at(both, 1), 'complete').ok).toBe(true);
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 0]]);
    expect(d.settle(h, at(both, 0), 'complete').ok).toBe(true);
    expect(stored(d, 's1')).toEqual([]);
    expect(facts(d, 'settled').map((f) => [f.seq, f.action, f.deliveryCount])).toEqual([
      [2, 'complete', 0],
      [1, 'complete', 0],
    ]);
  });

  it('settling a message twice: the second fails, the lock stays', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1']);
    const m = oneOf(d.receive(h));
    expect(d.settle(h, m, 'complete').ok).toBe(true);
    const again = d.settle(h, m, 'complete');
    expect(codeOf(again)).toBe('MessageLockLost');
    expect(!again.ok && again.error.message).toBe('The message has either been deleted or already settled');
    expect(d.renew(h).ok).toBe(true);
  });
});

describe('T6 abandon', () => {
  it('serves the same message next, with its delivery count raised by one', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1', 'm2']);
    const m1 = oneOf(d.receive(h));
    expect(d.settle(h, m1, 'abandon').ok).toBe(true);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'active', 1],
      ['m2', 'active', 0],
    ]);
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m1', 1]]);
    expect(facts(d, 'requeued')).toEqual([
      { kind: 'requeued', entity: 'q', session: 's1', seq: 1, deliveryCount: 1, cause: 'abandon' },
    ]);
  });

  it('abandoning m1 while m2 is in flight makes m1 the next one served, ahead of m3', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1', 'm2', 'm3']);
    d.settle(h, at(messagesOf(d.receive(h, 2)), 0), 'abandon');
    expect(idsAndCounts(messagesOf(d.receive(h, 2)))).toEqual([
      ['m1', 1],
      ['m3', 0],
    ]);
  });

  it('MaxDeliveryCount 3: the third abandon dead-letters with MaxDeliveryCountExceeded, and the session moves on', () => {
    const d = queue({ maxDeliveryCount: 3 });
    const { h } = sessionWith(d, ['poison', 'next']);
    const seen: Array<[string, number]> = [];
    for (let i = 0; i < 3; i++) {
      const m = oneOf(d.receive(h));
      seen.push([m.messageId, m.deliveryCount]);
      expect(d.settle(h, m, 'abandon').ok).toBe(true);
    }
    expect(seen).toEqual([
      ['poison', 0],
      ['poison', 1],
      ['poison', 2],
    ]);
    expect(deadLetters(d)).toEqual([['poison', 'MaxDeliveryCountExceeded', 3]]);
    expect(dlqOf(d)[0]).toMatchObject({
      seq: 1,
      sessionId: 's1',
      description: 'Message could not be consumed after 3 delivery attempts.',
    });
    expect(facts(d, 'deadLettered')).toEqual([
      {
        kind: 'deadLettered',
        entity: 'q',
        session: 's1',
        seq: 1,
        reason: 'MaxDeliveryCountExceeded',
        deliveryCount: 3,
      },
    ]);
    expect(facts(d, 'delivered').filter((f) => f.seq === 1)).toHaveLength(3);
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['next', 0]]);
  });

  it('MaxDeliveryCount 1: a single abandon dead-letters', () => {
    const d = queue({ maxDeliveryCount: 1 });
    const { h } = sessionWith(d, ['m1']);
    d.settle(h, oneOf(d.receive(h)), 'abandon');
    expect(deadLetters(d)).toEqual([['m1', 'MaxDeliveryCountExceeded', 1]]);
    expect(stored(d, 's1')).toEqual([]);
  });
});

describe('T8 dead-letter', () => {
  it("moves the message to the DLQ with the application's reason and description, count unchanged", () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1', 'm2']);
    const m1 = oneOf(d.receive(h));
    d.settle(h, m1, 'abandon');
    const again = oneOf(d.receive(h));
    expect(d.settle(h, again, 'deadLetter', 'InvalidPayload', 'field "total" is missing').ok).toBe(true);
    expect(dlqOf(d)).toEqual([
      {
        seq: 1,
        messageId: 'm1',
        sessionId: 's1',
        reason: 'InvalidPayload',
        description: 'field "total" is missing',
        deliveryCount: 1,
        atMs: 0,
      },
    ]);
    expect(facts(d, 'deadLettered')).toEqual([
      { kind: 'deadLettered', entity: 'q', session: 's1', seq: 1, reason: 'InvalidPayload', deliveryCount: 1 },
    ]);
    // The session carries on with the next message.
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m2', 0]]);
  });
});

describe('settlement needs the session lock', () => {
  it('a message can only be settled through the session receiver that holds it', () => {
    const d = queue();
    const { h } = sessionWith(d, ['m1']);
    const m = oneOf(d.receive(h));
    const b = d.client('b');
    const r = d.settle({ ...h, client: b, token: 'forged@9' }, m, 'complete');
    expect(codeOf(r)).toBe('SessionLockLost');
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 0]]);
  });
});
