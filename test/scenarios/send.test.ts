/**
 * T1 — send to a session-enabled entity: the next gapless sequence number per entity in acceptance
 * order; no session id is rejected on a queue; sessions exist implicitly (reference §1 T1, §2.1, §6, §8.1).
 */
import { describe, expect, it } from 'vitest';
import { codeOf, facts, handleOf, idsAndCounts, messagesOf, queue, sessionOf, stored, driver } from './scenario-kit.ts';

describe('T1 send', () => {
  it('sequence numbers: gapless and increasing per entity across sessions, in acceptance order', () => {
    const d = queue();
    const a = d.client('a');
    const sends: Array<[string, string]> = [
      ['m1', 's1'],
      ['m2', 's2'],
      ['m3', 's1'],
      ['m4', 's3'],
      ['m5', 's2'],
    ];
    const seqs = sends.map(([messageId, sessionId]) => {
      const r = d.send(a, 'q', { messageId, sessionId });
      return r.ok ? r.result.seq : null;
    });
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(facts(d, 'sent').map((f) => [f.messageId, f.session, f.seq])).toEqual([
      ['m1', 's1', 1],
      ['m2', 's2', 2],
      ['m3', 's1', 3],
      ['m4', 's3', 4],
      ['m5', 's2', 5],
    ]);
    expect(d.state().entities['q']?.nextSeq).toBe(6);
    expect(stored(d, 's1')).toEqual([
      ['m1', 'active', 0],
      ['m3', 'active', 0],
    ]);
  });

  it('sequence numbers: each entity counts on its own', () => {
    const d = driver({ entities: [{ name: 'q1' }, { name: 'q2' }] });
    const a = d.client('a');
    const sent = [
      d.send(a, 'q1', { messageId: 'a1', sessionId: 's' }),
      d.send(a, 'q2', { messageId: 'b1', sessionId: 's' }),
      d.send(a, 'q1', { messageId: 'a2', sessionId: 's' }),
      d.send(a, 'q2', { messageId: 'b2', sessionId: 's' }),
    ].map((r) => (r.ok ? r.result.seq : null));
    expect(sent).toEqual([1, 1, 2, 2]);
  });

  it('no session id on a session queue: rejected with InvalidOperation, and no sequence number is used', () => {
    const d = queue();
    const a = d.client('a');
    const rejected = d.send(a, 'q', { messageId: 'plain' });
    expect(codeOf(rejected)).toBe('GeneralError');
    expect(!rejected.ok && rejected.error.message).toMatch(
      /^InvalidOperationError: The SessionId was not set on a message/,
    );
    expect(facts(d, 'sendRejected')).toEqual([
      {
        kind: 'sendRejected',
        entity: 'q',
        messageId: 'plain',
        reason: expect.stringMatching(/can only receive messages that have the SessionId set/),
      },
    ]);
    expect(facts(d, 'sent')).toEqual([]);
    const next = d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    expect(next.ok && next.result.seq).toBe(1);
    expect(d.state().entities['q']?.deadLetters).toEqual([]);
  });

  it('session id longer than 128 characters: rejected', () => {
    const d = queue();
    const a = d.client('a');
    const r = d.send(a, 'q', { messageId: 'long', sessionId: 'x'.repeat(129) });
    expect(codeOf(r)).toBe('GeneralError');
    expect(d.send(a, 'q', { messageId: 'max', sessionId: 'x'.repeat(128) }).ok).toBe(true);
  });

  it('sessions are implicit: the first message creates the session, a later one joins it', () => {
    const d = queue();
    const a = d.client('a');
    expect(d.state().entities['q']?.sessions).toEqual({});
    d.send(a, 'q', { messageId: 'm1', sessionId: 'orders-42' });
    expect(sessionOf(d, 'orders-42')).toMatchObject({ holder: null, state: null, lock: 'free' });
    d.advance(365 * 24 * 3_600_000);
    d.send(a, 'q', { messageId: 'm2', sessionId: 'orders-42' });
    expect(stored(d, 'orders-42')).toEqual([
      ['m1', 'active', 0],
      ['m2', 'active', 0],
    ]);
  });

  it('sessions are implicit: the empty string is a valid session id', () => {
    const d = queue();
    const a = d.client('a');
    expect(d.send(a, 'q', { messageId: 'm1', sessionId: '' }).ok).toBe(true);
    const h = handleOf(d.accept(a, 'q', ''));
    expect(h.sessionId).toBe('');
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m1', 0]]);
  });

  it('enqueue time and expiry are stamped by the broker at acceptance', () => {
    const d = queue({ defaultMessageTimeToLiveMs: 600_000 });
    const a = d.client('a');
    d.advance(5_000);
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    expect(facts(d, 'sent').map((f) => [f.messageId, f.enqueuedAtMs, f.expiresAtMs])).toEqual([
      ['m1', 5_000, 15_000],
      ['m2', 5_000, 605_000],
    ]);
  });
});
