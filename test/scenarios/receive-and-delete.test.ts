/**
 * T4' — receive in ReceiveAndDelete mode: the lowest-sequence active message is removed on transfer;
 * a session must still be accepted; nothing comes back on close, crash or lock expiry
 * (reference §1 T4', §3.1, §2.6).
 */
import { describe, expect, it } from 'vitest';
import { sessionActorId } from '../../models/entity.ts';
import { facts, handleOf, idsAndCounts, messagesOf, queue, sessionOf, stored } from './scenario-kit.ts';

describe("T4' receive-and-delete", () => {
  it('removes each message as it is handed over, in sequence order, with no lock token', () => {
    const d = queue();
    const a = d.client('a');
    for (const id of ['m1', 'm2', 'm3']) d.send(a, 'q', { messageId: id, sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1', 'receiveAndDelete'));
    const got = messagesOf(d.receive(h, 2, 0));
    expect(got.map((m) => [m.messageId, m.deliveryCount, m.lockToken])).toEqual([
      ['m1', 0, null],
      ['m2', 0, null],
    ]);
    expect(stored(d, 's1')).toEqual([['m3', 'active', 0]]);
    expect(facts(d, 'delivered').map((f) => [f.seq, f.mode, f.token])).toEqual([
      [1, 'receiveAndDelete', null],
      [2, 'receiveAndDelete', null],
    ]);
  });

  it("the mode is the receiver's, chosen at accept: a receive that names peekLock on a receive-and-delete receiver still deletes", () => {
    const d = queue();
    const a = d.client('a');
    for (const id of ['m1', 'm2']) d.send(a, 'q', { messageId: id, sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1', 'receiveAndDelete'));
    const r = d.request<'received'>(a, sessionActorId('q', 's1'), {
      type: 'req.receive',
      token: h.token,
      max: 1,
      waitMs: 0,
      mode: 'peekLock',
    });
    expect(messagesOf(r).map((m) => [m.messageId, m.lockToken])).toEqual([['m1', null]]);
    expect(stored(d, 's1')).toEqual([['m2', 'active', 0]]);
  });

  it('a message taken and then lost by a crash is gone: nothing is redelivered', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1', 'receiveAndDelete'));
    expect(idsAndCounts(messagesOf(d.receive(h, 1, 0)))).toEqual([['m1', 0]]);
    d.drop(h, 'crash');
    expect(sessionOf(d, 's1')).toMatchObject({ messages: [], holder: null });
    const b = d.client('b');
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(messagesOf(d.receive(hb))).toEqual([]);
  });

  it('lock expiry after a receive-and-delete returns nothing and raises no count', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1', 'receiveAndDelete'));
    messagesOf(d.receive(h, 1, 0));
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([['m2', 'active', 0]]);
    expect(facts(d, 'requeued')).toEqual([]);
  });

  it('the session is still locked to the receive-and-delete receiver: another receiver is refused', () => {
    const d = queue();
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    handleOf(d.accept(a, 'q', 's1', 'receiveAndDelete'));
    const r = d.accept(b, 'q', 's1', 'receiveAndDelete');
    expect(!r.ok && r.error.code).toBe('SessionCannotBeLocked');
  });
});
