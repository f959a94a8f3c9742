/**
 * Non-session entities, for contrast (§3.2, §8.1): competing consumers, one peek-lock per message that
 * expires on its own after the lock duration (+1), and session ids ignored.
 */
import { describe, expect, it } from 'vitest';
import type { Driver } from '../../src/world/driver.ts';
import {
  codeOf,
  deadLetters,
  driver,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  queue,
} from './scenario-kit.ts';

function plainQueue(entity: { lockDurationMs?: number; maxDeliveryCount?: number } = {}): Driver {
  return driver({ entities: [{ name: 'jobs', requiresSession: false, ...entity }] });
}

describe('non-session queue', () => {
  it('a message without a session id is accepted; a session id is ignored', () => {
    const d = plainQueue();
    const a = d.client('a');
    expect(d.send(a, 'jobs', { messageId: 'j1' }).ok).toBe(true);
    expect(d.send(a, 'jobs', { messageId: 'j2', sessionId: 'ignored' }).ok).toBe(true);
    expect(facts(d, 'sent').map((f) => [f.messageId, f.session, f.seq])).toEqual([
      ['j1', null, 1],
      ['j2', null, 2],
    ]);
    expect(d.state().entities['jobs']?.sessions).toEqual({});
  });

  it('competing consumers: each receive locks the next message to its receiver with a lock of its own', () => {
    const d = plainQueue();
    const a = d.client('a');
    const b = d.client('b');
    for (const id of ['j1', 'j2', 'j3']) d.send(a, 'jobs', { messageId: id });
    const ma = oneOf(d.receivePlain(a, 'jobs'));
    const mb = oneOf(d.receivePlain(b, 'jobs'));
    expect([ma.messageId, mb.messageId]).toEqual(['j1', 'j2']);
    expect(ma.lockToken).not.toBe(mb.lockToken);
    expect(facts(d, 'delivered').map((f) => [f.seq, f.consumer])).toEqual([
      [1, a],
      [2, b],
    ]);
    // Processing order is not delivery order: b finishes first.
    expect(d.settlePlain(b, 'jobs', mb, 'complete').ok).toBe(true);
    expect(d.settlePlain(a, 'jobs', ma, 'complete').ok).toBe(true);
    expect(d.state().entities['jobs']?.messages.map((m) => m.messageId)).toEqual(['j3']);
  });

  it('a message lock expires on its own after the lock duration: +1 and available to anyone', () => {
    const d = plainQueue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'jobs', { messageId: 'j1' });
    const m = oneOf(d.receivePlain(a, 'jobs'));
    d.advance(30_000);
    expect(codeOf(d.settlePlain(a, 'jobs', m, 'complete'))).toBe('MessageLockLost');
    expect(idsAndCounts(messagesOf(d.receivePlain(b, 'jobs')))).toEqual([['j1', 1]]);
  });

  it('abandon: +1 and MaxDeliveryCount dead-letters, as in a session', () => {
    const d = plainQueue({ maxDeliveryCount: 2 });
    const a = d.client('a');
    d.send(a, 'jobs', { messageId: 'j1' });
    d.settlePlain(a, 'jobs', oneOf(d.receivePlain(a, 'jobs')), 'abandon');
    const again = oneOf(d.receivePlain(a, 'jobs'));
    expect(again.deliveryCount).toBe(1);
    d.settlePlain(a, 'jobs', again, 'abandon');
    expect(deadLetters(d, 'jobs')).toEqual([['j1', 'MaxDeliveryCountExceeded', 2]]);
  });

  it('a plain receive waiting on an empty queue is served when a message arrives', () => {
    const d = driver({
      entities: [{ name: 'jobs', requiresSession: false }],
      messages: [{ messageId: 'j1', to: 'jobs', atMs: 4_000 }],
    });
    const a = d.client('a');
    expect(idsAndCounts(messagesOf(d.receivePlain(a, 'jobs', 1, 10_000)))).toEqual([['j1', 0]]);
    expect(d.nowMs).toBe(4_000);
  });

  it('peek shows every message, locked ones included, from a sequence number on, without locking or counting', () => {
    const d = plainQueue();
    const a = d.client('a');
    for (const id of ['j1', 'j2', 'j3']) d.send(a, 'jobs', { messageId: id });
    oneOf(d.receivePlain(a, 'jobs'));
    expect(messagesOf(d.peekPlain(a, 'jobs')).map((m) => [m.seq, m.messageId, m.deliveryCount])).toEqual([
      [1, 'j1', 0],
      [2, 'j2', 0],
      [3, 'j3', 0],
    ]);
    expect(messagesOf(d.peekPlain(a, 'jobs', 2, 1)).map((m) => m.messageId)).toEqual(['j2']);
    expect(idsAndCounts(messagesOf(d.receivePlain(a, 'jobs')))).toEqual([['j2', 0]]);
  });

  it('session operations on a non-session queue are refused', () => {
    const d = plainQueue();
    const a = d.client('a');
    const r = d.accept(a, 'jobs', null);
    expect(codeOf(r)).toBe('GeneralError');
  });
});

describe('§11 a plain receiver peeks a session entity', () => {
  it('peeks across sessions, in sequence order, locked and deferred included, taking no lock; receiving is refused', () => {
    const d = queue();
    const a = d.client('a');
    for (const [id, s] of [
      ['m1', 's1'],
      ['m2', 's2'],
      ['m3', 's1'],
    ] as const)
      d.send(a, 'q', { messageId: id, sessionId: s });
    const h = handleOf(d.accept(a, 'q', 's1'));
    messagesOf(d.receive(h)); // m1 locked under s1's lock
    const peeked = d.peekPlain(d.client('p'), 'q', 0, 10);
    expect(peeked.ok && peeked.result.messages.map((m) => [m.seq, m.messageId, m.sessionId])).toEqual([
      [1, 'm1', 's1'],
      [2, 'm2', 's2'],
      [3, 'm3', 's1'],
    ]);
    const cut = d.peekPlain(d.client('p'), 'q', 2, 1);
    expect(cut.ok && cut.result.messages.map((m) => m.seq)).toEqual([2]);
    expect(codeOf(d.receivePlain(d.client('p'), 'q'))).toBe('GeneralError');
  });

  it('an entity with no session yet shows nothing', () => {
    const d = queue();
    const r = d.peekPlain(d.client('p'), 'q');
    expect(r.ok && r.result.messages).toEqual([]);
  });
});
