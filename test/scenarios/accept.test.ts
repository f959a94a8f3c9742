/**
 * T2 — accept a named session; T3 — accept the next available session; and the exclusive lock over
 * messages that arrive later (reference §1 T2/T3, §2.2, §2.3).
 */
import { describe, expect, it } from 'vitest';
import { codeOf, facts, handleOf, idsAndCounts, messagesOf, oneOf, queue, sessionOf, driver } from './scenario-kit.ts';

describe('T2 accept a named session', () => {
  it('an empty session can be accepted: the lock is granted for one lock duration', () => {
    const d = queue({ lockDurationMs: 45_000 });
    const a = d.client('a');
    d.advance(1_000);
    const h = handleOf(d.accept(a, 'q', 'reply-to-a'));
    expect(h).toMatchObject({ sessionId: 'reply-to-a', lockedUntilMs: 46_000 });
    expect(sessionOf(d, 'reply-to-a')).toMatchObject({
      messages: [],
      lock: 'held',
      holder: { owner: a, token: h.token, lockedUntilMs: 46_000 },
    });
    expect(messagesOf(d.receive(h))).toEqual([]);
    expect(facts(d, 'accepted')).toEqual([
      {
        kind: 'accepted',
        entity: 'q',
        session: 'reply-to-a',
        consumer: a,
        token: h.token,
        lockedUntilMs: 46_000,
        next: false,
      },
    ]);
  });

  it('a held session: a second receiver fails at once with SessionCannotBeLocked', () => {
    const d = queue();
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const second = d.accept(b, 'q', 's1');
    expect(codeOf(second)).toBe('SessionCannotBeLocked');
    expect(!second.ok && second.error.message).toBe(
      "The requested session 's1' cannot be accepted. It may be locked by another receiver.",
    );
    expect(d.nowMs).toBe(0);
    expect(facts(d, 'acceptFailed')).toEqual([
      { kind: 'acceptFailed', entity: 'q', session: 's1', consumer: b, code: 'SessionCannotBeLocked' },
    ]);
    // The holder is untouched.
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: a, token: h.token });
  });

  it('a held session: the same client cannot accept it twice either', () => {
    const d = queue();
    const a = d.client('a');
    handleOf(d.accept(a, 'q', 's1'));
    expect(codeOf(d.accept(a, 'q', 's1'))).toBe('SessionCannotBeLocked');
  });

  it('after the holder closes, the session can be accepted again, under a new lock token', () => {
    const d = queue();
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const first = handleOf(d.accept(a, 'q', 's1'));
    expect(d.close(first).ok).toBe(true);
    const second = handleOf(d.accept(b, 'q', 's1'));
    expect(second.token).not.toBe(first.token);
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: b, token: second.token });
    expect(idsAndCounts(messagesOf(d.receive(second)))).toEqual([['m1', 0]]);
  });

  it('a session receiver on a non-session queue: refused', () => {
    const d = driver({ entities: [{ name: 'plain', requiresSession: false }] });
    const a = d.client('a');
    const r = d.accept(a, 'plain', 's1');
    expect(codeOf(r)).toBe('GeneralError');
    expect(!r.ok && r.error.message).toMatch(/does not require sessions to create a sessionful message receiver/);
  });
});

describe('T2 the lock covers messages that arrive later', () => {
  it('a message sent after accept is delivered to the holder, and nobody else can take the session', () => {
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    const b = d.client('b');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.send(b, 'q', { messageId: 'late', sessionId: 's1' });
    expect(codeOf(d.accept(b, 'q', 's1'))).toBe('SessionCannotBeLocked');
    // Accept-next does not hand it out either: the session is locked.
    expect(codeOf(d.accept(b, 'q', null))).toBe('ServiceTimeout');
    const got = oneOf(d.receive(h));
    expect([got.messageId, got.deliveryCount, got.lockToken]).toEqual(['late', 0, h.token]);
    expect(facts(d, 'delivered').map((f) => [f.seq, f.consumer])).toEqual([[1, a]]);
  });

  it('a receive waiting on an empty session is served when the message arrives', () => {
    const d = driver({
      entities: [{ name: 'q' }],
      messages: [{ messageId: 'reply', sessionId: 'r1', atMs: 7_000 }],
    });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 'r1'));
    const got = d.receive(h, 1, 30_000);
    expect(idsAndCounts(messagesOf(got))).toEqual([['reply', 0]]);
    expect(d.nowMs).toBe(7_000);
  });

  it('a receive waiting on an empty session returns nothing at the end of its wait', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 'r1'));
    expect(messagesOf(d.receive(h, 1, 5_000))).toEqual([]);
    expect(d.nowMs).toBe(5_000);
  });
});

describe('T3 accept the next available session', () => {
  it('grants an unlocked session with an active message, never a locked one', () => {
    // Locks outlast the 60 s accept timeout, so nothing is released while the third accept waits.
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's2' });
    const ha = handleOf(d.accept(a, 'q', null));
    const hb = handleOf(d.accept(b, 'q', null));
    expect([ha.sessionId, hb.sessionId].sort()).toEqual(['s1', 's2']);
    expect(facts(d, 'accepted').map((f) => [f.consumer, f.session, f.next])).toEqual([
      [a, ha.sessionId, true],
      [b, hb.sessionId, true],
    ]);
    // Both sessions are held now: a third accept-next waits the whole timeout.
    const c = d.client('c');
    expect(codeOf(d.accept(c, 'q', null))).toBe('ServiceTimeout');
  });

  it('no session available: times out with ServiceTimeout after 60 s of virtual time', () => {
    const d = queue();
    const a = d.client('a');
    const r = d.accept(a, 'q', null);
    expect(codeOf(r)).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(60_000);
    expect(facts(d, 'acceptFailed')).toEqual([
      { kind: 'acceptFailed', entity: 'q', session: null, consumer: a, code: 'ServiceTimeout' },
    ]);
  });

  it('an empty session that was accepted by name and released is not offered', () => {
    const d = queue();
    const a = d.client('a');
    d.close(handleOf(d.accept(a, 'q', 'empty')));
    expect(codeOf(d.accept(a, 'q', null))).toBe('ServiceTimeout');
  });

  it('a session holding only a deferred message is never offered; a named accept reaches it', () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    expect(d.settle(h, m, 'defer').ok).toBe(true);
    d.close(h);
    expect(codeOf(d.accept(a, 'q', null))).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(60_000);
    const named = handleOf(d.accept(a, 'q', 's1'));
    // Fetching it is a delivery: its raw count rises to 1 (§3.3).
    expect(idsAndCounts(messagesOf(d.receiveDeferred(named, [m.seq])))).toEqual([['m1', 1]]);
  });

  it('a waiting accept-next is served when a message arrives', () => {
    const d = driver({ entities: [{ name: 'q' }], messages: [{ messageId: 'm1', sessionId: 's9', atMs: 25_000 }] });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', null));
    expect(h.sessionId).toBe('s9');
    expect(d.nowMs).toBe(25_000);
    expect(h.lockedUntilMs).toBe(85_000);
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['m1', 0]]);
  });

  it('a waiting accept-next is served when the holder of the only session loses its lock', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const ha = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(ha));
    const hb = handleOf(d.accept(b, 'q', null));
    expect([hb.sessionId, d.nowMs]).toEqual(['s1', 30_000]);
    expect(idsAndCounts(messagesOf(d.receive(hb)))).toEqual([['m1', 1]]);
  });

  it('an accept-next that timed out misses a later message; the next accept-next gets it', () => {
    const d = driver({ entities: [{ name: 'q' }], messages: [{ messageId: 'm1', sessionId: 's1', atMs: 61_000 }] });
    const a = d.client('a');
    expect(codeOf(d.accept(a, 'q', null))).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(60_000);
    const h = handleOf(d.accept(a, 'q', null));
    expect([h.sessionId, d.nowMs]).toEqual(['s1', 61_000]);
  });
});
