/**
 * T14 — time to live: per-message TTL with the entity default as ceiling; expiry is lazy (on accept,
 * receive, lock release); locked messages are protected; dropped or dead-lettered with
 * TTLExpiredException; and the session-wide rule (switch `sessionWideExpiry`, default on)
 * (reference §1 T14, §4, §13).
 */
import { describe, expect, it } from 'vitest';
import {
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

describe('T14 TTL: when a message expires', () => {
  it('expiresAt = enqueue time + TTL, with the entity default as ceiling and as the default', () => {
    const d = queue({ defaultMessageTimeToLiveMs: 60_000 });
    const a = d.client('a');
    d.advance(1_000);
    d.send(a, 'q', { messageId: 'short', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'long', sessionId: 's1', ttlMs: 3_600_000 });
    d.send(a, 'q', { messageId: 'none', sessionId: 's1' });
    expect(facts(d, 'sent').map((f) => [f.messageId, f.expiresAtMs])).toEqual([
      ['short', 11_000],
      ['long', 61_000],
      ['none', 61_000],
    ]);
  });

  it('with no entity default, a message without TTL never expires', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'forever', sessionId: 's1' });
    d.advance(365 * 24 * 3_600_000);
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['forever', 0]]);
  });

  it('an expired message is never delivered: a receive drops it and serves the next one', () => {
    const d = queue({}, { switches: { sessionWideExpiry: false } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'stale', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'fresh', sessionId: 's1' });
    d.advance(5_000);
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['fresh', 0]]);
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: false, rule: 'message' },
    ]);
    expect(facts(d, 'delivered').map((f) => f.seq)).toEqual([2]);
    expect(dlqOf(d)).toEqual([]);
  });

  it('a message that expires while the session is held is not delivered by a later receive', () => {
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.advance(5_000);
    expect(messagesOf(d.receive(h))).toEqual([]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([[1, 'message']]);
  });

  it('expiry is lazy: with nobody receiving, an expired message stays until someone looks', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.advance(600_000);
    expect(facts(d, 'expired')).toEqual([]);
    expect(stored(d, 's1')).toEqual([['m1', 'active', 0]]);
    // The accept evaluates expiry before granting the lock.
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(stored(d, 's1')).toEqual([]);
    expect(messagesOf(d.receive(h))).toEqual([]);
  });

  it('accept-next does not hand out a session whose only message has expired', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.advance(10_000);
    expect(codeOf(d.accept(a, 'q', null))).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(70_000);
    expect(facts(d, 'expired').map((f) => f.seq)).toEqual([1]);
    expect(facts(d, 'accepted')).toEqual([]);
  });
});

describe('T14 TTL: dropped or dead-lettered', () => {
  it('deadLetteringOnMessageExpiration off (default): the expired message is dropped', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 1_000 });
    d.advance(1_000);
    handleOf(d.accept(a, 'q', 's1'));
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: false, rule: 'message' },
    ]);
    expect(dlqOf(d)).toEqual([]);
  });

  it('deadLetteringOnMessageExpiration on: the expired message goes to the DLQ with TTLExpiredException', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 1_000 });
    d.advance(2_000);
    handleOf(d.accept(a, 'q', 's1'));
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: true, rule: 'message' },
    ]);
    expect(dlqOf(d)).toEqual([
      {
        seq: 1,
        messageId: 'm1',
        sessionId: 's1',
        reason: 'TTLExpiredException',
        description: 'The message expired and was dead lettered.',
        deliveryCount: 0,
        atMs: 2_000,
      },
    ]);
  });
});

describe('T14 TTL: locked messages are protected', () => {
  it('a locked message past its TTL can still be completed', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.advance(20_000);
    // Another receive evaluates expiry, but the locked message is protected.
    expect(messagesOf(d.receive(h))).toEqual([]);
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 0]]);
    expect(d.settle(h, m, 'complete').ok).toBe(true);
    expect(facts(d, 'expired')).toEqual([]);
    expect(dlqOf(d)).toEqual([]);
  });

  it('abandoning a locked message past its TTL expires it at once (dead-lettered when enabled)', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.advance(20_000);
    d.settle(h, m, 'abandon');
    expect(deadLetters(d)).toEqual([['m1', 'TTLExpiredException', 1]]);
    // The session is still held: the session-wide rule does not apply, m2 survives.
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m2', 0]]);
  });

  it('lock expiry releases an expired message: it expires at once instead of being redelivered', () => {
    const d = queue(
      { lockDurationMs: 30_000, deadLetteringOnMessageExpiration: true },
      { switches: { sessionWideExpiry: false } },
    );
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([]);
    expect(deadLetters(d)).toEqual([['m1', 'TTLExpiredException', 1]]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([[1, 'message']]);
  });

  it('close releases an expired message: it is dropped at once', () => {
    const d = queue({}, { switches: { sessionWideExpiry: false } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(15_000);
    d.close(h);
    expect(stored(d, 's1')).toEqual([['m2', 'active', 0]]);
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'q', session: 's1', seq: 1, deadLettered: false, rule: 'message' },
    ]);
  });
});

describe('T14 TTL: the session-wide rule (sessionWideExpiry, default on)', () => {
  it('on: one expired message expires every active message of an unlocked session when it is accepted', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm3', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'other', sessionId: 's2' });
    d.advance(5_000);
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(messagesOf(d.receive(h))).toEqual([]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule, f.deadLettered])).toEqual([
      [1, 'session', true],
      [2, 'message', true],
      [3, 'session', true],
    ]);
    expect(deadLetters(d)).toEqual([
      ['m1', 'TTLExpiredException', 0],
      ['m2', 'TTLExpiredException', 0],
      ['m3', 'TTLExpiredException', 0],
    ]);
    // Another session is not touched.
    expect(stored(d, 's2')).toEqual([['other', 'active', 0]]);
  });

  it('off: only the expired message goes', () => {
    const d = queue({ deadLetteringOnMessageExpiration: true }, { switches: { sessionWideExpiry: false } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm3', sessionId: 's1' });
    d.advance(5_000);
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(idsAndCounts(messagesOf(d.receive(h, 5)))).toEqual([
      ['m1', 0],
      ['m3', 0],
    ]);
    expect(deadLetters(d)).toEqual([['m2', 'TTLExpiredException', 0]]);
  });

  it('on: while the session is locked, expiry is per message (the rule needs an unlocked session)', () => {
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(5_000);
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m2', 0]]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([[1, 'message']]);
  });

  it('on: locked and deferred messages are not swept by the rule', () => {
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'deferred', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm3', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.settle(h, oneOf(d.receive(h)), 'defer');
    d.close(h);
    d.advance(5_000);
    handleOf(d.accept(a, 'q', 's1'));
    expect(stored(d, 's1')).toEqual([['deferred', 'deferred', 0]]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([
      [2, 'message'],
      [3, 'session'],
    ]);
  });

  it('on: an expired message released by lock expiry expires the rest of the now-unlocked session', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(30_000);
    expect(stored(d, 's1')).toEqual([]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([
      [1, 'message'],
      [2, 'session'],
    ]);
  });

  it('on: an expired message released by close expires the rest of the now-unlocked session', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 10_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(15_000);
    d.close(h);
    expect(stored(d, 's1')).toEqual([]);
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([
      [1, 'message'],
      [2, 'session'],
    ]);
  });
});
