/**
 * The semantic switches (models/config.ts, reference §13): each uncertain rule under its documented
 * default and under the alternative.
 */
import { describe, expect, it } from 'vitest';
import { SWITCH_DEFAULTS } from '../../src/schema/workload.ts';
import type { Driver } from '../../src/world/driver.ts';
import { Chooser } from '../../src/sim/chooser.ts';
import {
  codeOf,
  deadLetters,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  queue,
  sessionOf,
  stored,
  driver,
} from './scenario-kit.ts';

/** A chooser that always takes the last option: the opposite of the default first-option chooser. */
const lastOption = (): Chooser => new Chooser({ next: (n) => n - 1, describe: 'always the last option' });

describe('switch defaults', () => {
  it('follow the reference §13', () => {
    expect(SWITCH_DEFAULTS).toEqual({
      sessionWideExpiry: true,
      expiryTrigger: 'lazy',
      gcTickMs: 10_000,
      lockExpiryIncrementScope: 'delivered',
      crashSemantics: 'release',
      deferCountsAsAttempt: false,
      acceptNamedWhenLocked: 'fail',
      acceptNextChoice: 'nondeterministic',
      deliveryCountView: 'raw',
      acceptTimeoutMs: 60_000,
    });
  });
});

describe('switch crashSemantics', () => {
  it("'release' (default): a crash frees the lock at once, no increment", () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.drop(h, 'crash');
    expect(stored(d, 's1')).toEqual([['m1', 'active', 0]]);
    expect(sessionOf(d, 's1').lock).toBe('released');
  });

  it("'lockExpiry': the broker does not notice the crash; the lock runs out later and the message comes back with +1", () => {
    const d = queue({ lockDurationMs: 30_000 }, { switches: { crashSemantics: 'lockExpiry' } });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'd1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const deferred = oneOf(d.receive(h));
    expect(d.settle(h, deferred, 'defer').ok).toBe(true);
    expect(oneOf(d.receive(h)).messageId).toBe('m1');
    d.advance(10_000);
    d.drop(h, 'crash');
    expect(sessionOf(d, 's1')).toMatchObject({ lock: 'held', holder: { owner: a } });
    expect(facts(d, 'lockReleased')).toEqual([]);
    expect(codeOf(d.accept(b, 'q', 's1'))).toBe('SessionCannotBeLocked');
    d.advance(20_000);
    expect(facts(d, 'lockExpired').map((f) => [f.consumer, f.token])).toEqual([[a, h.token]]);
    // Only the message delivered under the lock gets +1: not the deferred one, not the undelivered one.
    expect(stored(d, 's1')).toEqual([
      ['d1', 'deferred', 0],
      ['m1', 'active', 1],
      ['m2', 'active', 0],
    ]);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(idsAndCounts(messagesOf(d.receive(hb)))).toEqual([['m1', 1]]);
  });

  it("'lockExpiry': a detach still releases at once", () => {
    const d = queue({ lockDurationMs: 30_000 }, { switches: { crashSemantics: 'lockExpiry' } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.drop(h, 'detach');
    expect(stored(d, 's1')).toEqual([['m1', 'active', 0]]);
  });
});

describe('switch lockExpiryIncrementScope', () => {
  /** s1 holds a deferred message and two active ones, one delivered; s2 holds a message of its own. */
  function expireWithOneOfTwoDelivered(scope: 'delivered' | 'all'): Driver {
    const d = queue({ lockDurationMs: 30_000 }, { switches: { lockExpiryIncrementScope: scope } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'd1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'x1', sessionId: 's2' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(d.settle(h, oneOf(d.receive(h)), 'defer').ok).toBe(true);
    expect(oneOf(d.receive(h)).messageId).toBe('m1');
    d.advance(30_000);
    return d;
  }

  it("'delivered' (default): only the message delivered under the expired lock gets +1", () => {
    const d = expireWithOneOfTwoDelivered('delivered');
    expect(stored(d, 's1')).toEqual([
      ['d1', 'deferred', 0],
      ['m1', 'active', 1],
      ['m2', 'active', 0],
    ]);
    expect(stored(d, 's2')).toEqual([['x1', 'active', 0]]);
  });

  it("'all': every active message of the session gets +1, not its deferred ones nor other sessions'", () => {
    const d = expireWithOneOfTwoDelivered('all');
    expect(stored(d, 's1')).toEqual([
      ['d1', 'deferred', 0],
      ['m1', 'active', 1],
      ['m2', 'active', 1],
    ]);
    expect(stored(d, 's2')).toEqual([['x1', 'active', 0]]);
  });
});

describe('switch deferCountsAsAttempt', () => {
  it('on: with MaxDeliveryCount 1, deferring dead-letters with MaxDeliveryCountExceeded (asb#375)', () => {
    const d = queue({ maxDeliveryCount: 1 }, { switches: { deferCountsAsAttempt: true } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    expect(d.settle(h, m, 'defer').ok).toBe(true);
    expect(deadLetters(d)).toEqual([['m1', 'MaxDeliveryCountExceeded', 1]]);
    expect(stored(d, 's1')).toEqual([]);
    expect(codeOf(d.receiveDeferred(h, [m.seq]))).toBe('MessageNotFound');
  });

  it('on: with MaxDeliveryCount 3, a deferral raises the count by one', () => {
    const d = queue({ maxDeliveryCount: 3 }, { switches: { deferCountsAsAttempt: true } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'x1', sessionId: 's2' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.settle(h, m, 'defer');
    // Only the deferred message: the session's other message and other sessions keep their counts.
    expect(stored(d, 's1')).toEqual([
      ['m1', 'deferred', 1],
      ['m2', 'active', 0],
    ]);
    expect(stored(d, 's2')).toEqual([['x1', 'active', 0]]);
    // The fetch is a delivery of its own and adds one more (§3.3).
    expect(idsAndCounts(messagesOf(d.receiveDeferred(h, [m.seq])))).toEqual([['m1', 2]]);
  });

  it('off (default): a deferral leaves the count alone', () => {
    const d = queue({ maxDeliveryCount: 1 });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.settle(h, oneOf(d.receive(h)), 'defer');
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 0]]);
  });
});

describe('switch acceptNamedWhenLocked', () => {
  it("'wait': a named accept of a held session waits and is granted when the holder's lock expires", () => {
    const d = queue({ lockDurationMs: 30_000 }, { switches: { acceptNamedWhenLocked: 'wait' } });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const ha = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(ha));
    d.advance(5_000);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect([d.nowMs, hb.lockedUntilMs]).toEqual([30_000, 60_000]);
    expect(idsAndCounts(messagesOf(d.receive(hb)))).toEqual([['m1', 1]]);
    expect(facts(d, 'acceptFailed')).toEqual([]);
  });

  it("'wait': granted at once when the holder closes", () => {
    const d = queue({ lockDurationMs: 300_000 }, { switches: { acceptNamedWhenLocked: 'wait' } });
    const a = d.client('a');
    const b = d.client('b');
    const ha = handleOf(d.accept(a, 'q', 's1'));
    d.world.inject('entity:q', { type: 'req.accept', from: b, reqId: 5001, sessionId: 's1', mode: 'peekLock' });
    d.world.runUntil(() => d.world.mailCount() === 0);
    d.advance(2_000);
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: a });
    d.close(ha);
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: b });
    expect(facts(d, 'accepted').map((f) => [f.consumer, f.lockedUntilMs])).toEqual([
      [a, 300_000],
      [b, 302_000],
    ]);
  });

  it("'wait': fails with ServiceTimeout when the lock outlasts the 60 s accept timeout", () => {
    const d = queue({ lockDurationMs: 300_000 }, { switches: { acceptNamedWhenLocked: 'wait' } });
    const a = d.client('a');
    const b = d.client('b');
    handleOf(d.accept(a, 'q', 's1'));
    const r = d.accept(b, 'q', 's1');
    expect(codeOf(r)).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(60_000);
    expect(facts(d, 'acceptFailed')).toEqual([
      { kind: 'acceptFailed', entity: 'q', session: 's1', consumer: b, code: 'ServiceTimeout' },
    ]);
    expect(sessionOf(d, 's1').holder).toMatchObject({ owner: a });
  });

  it("'wait': the waiting named accept takes the lock ahead of a waiting accept-next, which times out on its own deadline", () => {
    const d = queue(
      { lockDurationMs: 30_000 },
      { switches: { acceptNamedWhenLocked: 'wait', acceptTimeoutMs: 50_000 } },
    );
    const a = d.client('a');
    const b = d.client('b');
    const c = d.client('c');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    handleOf(d.accept(a, 'q', 's1'));
    d.world.inject('entity:q', { type: 'req.accept', from: b, reqId: 5101, sessionId: 's1', mode: 'peekLock' });
    d.world.inject('entity:q', { type: 'req.accept', from: c, reqId: 5102, sessionId: null, mode: 'peekLock' });
    d.world.runUntil(() => d.world.mailCount() === 0);
    d.advance(100_000);
    expect(facts(d, 'accepted').map((f) => [f.consumer, f.next, f.lockedUntilMs])).toEqual([
      [a, false, 30_000],
      [b, false, 60_000],
    ]);
    // Asked at t=0 with a 50 s timeout: it fails at 50 s, not after b's lock runs out at 60 s.
    expect(facts(d, 'acceptFailed')).toEqual([
      { kind: 'acceptFailed', entity: 'q', session: null, consumer: c, code: 'ServiceTimeout' },
    ]);
    expect(d.world.trace.find((e) => e.k === 'fact' && e.fact.kind === 'acceptFailed')?.t).toBe(50_000);
  });

  it("'fail' (default): fails at once with SessionCannotBeLocked", () => {
    const d = queue({ lockDurationMs: 300_000 });
    const a = d.client('a');
    const b = d.client('b');
    handleOf(d.accept(a, 'q', 's1'));
    expect(codeOf(d.accept(b, 'q', 's1'))).toBe('SessionCannotBeLocked');
    expect(d.nowMs).toBe(0);
  });
});

describe('switch acceptNextChoice', () => {
  function threeSessions(d: Driver): void {
    const a = d.client('sender');
    for (const s of ['s1', 's2', 's3']) d.send(a, 'q', { messageId: `${s}-m1`, sessionId: s });
  }

  it("'nondeterministic' (default): the Chooser picks among the available sessions and the pick is recorded", () => {
    const d = driver({ entities: [{ name: 'q' }] }, lastOption());
    threeSessions(d);
    const h = handleOf(d.accept(d.client('a'), 'q', null));
    expect(h.sessionId).toBe('s3');
    const choice = d.world.chooser.decisions.filter((x) => x.kind === 'choice');
    expect(choice.map((x) => [x.name, x.n, x.pick, x.label])).toEqual([['acceptNext:client:a', 3, 2, 's3']]);
  });

  it("'nondeterministic' (default): the default first-option chooser takes the oldest", () => {
    const d = queue();
    threeSessions(d);
    expect(handleOf(d.accept(d.client('a'), 'q', null)).sessionId).toBe('s1');
  });

  it("'oldestFirst': always the session the entity saw first, with no decision", () => {
    const d = driver({ entities: [{ name: 'q' }], switches: { acceptNextChoice: 'oldestFirst' } }, lastOption());
    threeSessions(d);
    const got = ['a', 'b', 'c'].map((c) => handleOf(d.accept(d.client(c), 'q', null)).sessionId);
    expect(got).toEqual(['s1', 's2', 's3']);
    expect(d.world.chooser.decisions.filter((x) => x.kind === 'choice')).toEqual([]);
  });
});

describe('switch deliveryCountView', () => {
  it("'raw' (default): 0 on first delivery, as the JS SDK shows it", () => {
    const d = queue();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(oneOf(d.receive(h)).deliveryCount).toBe(0);
  });

  it("'plusOne': 1 on first delivery and 2 after an abandon (.NET/Go); the broker still stores the raw count", () => {
    const d = queue({}, { switches: { deliveryCountView: 'plusOne' } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const first = oneOf(d.receive(h));
    expect(first.deliveryCount).toBe(1);
    d.settle(h, first, 'abandon');
    expect(oneOf(d.receive(h)).deliveryCount).toBe(2);
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 1]]);
    expect(facts(d, 'delivered').map((f) => f.deliveryCount)).toEqual([0, 1]);
  });

  it("'plusOne': peek shows the raw count, as .NET does for peeked messages", () => {
    const d = queue({}, { switches: { deliveryCountView: 'plusOne' } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.settle(h, oneOf(d.receive(h)), 'abandon');
    expect(messagesOf(d.peek(h)).map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['m1', 1],
      ['m2', 0],
    ]);
    expect(idsAndCounts(messagesOf(d.receive(h, 2)))).toEqual([
      ['m1', 2],
      ['m2', 1],
    ]);
  });

  it("'plusOne': a deferred message fetched by sequence number shows raw + 1 too", () => {
    const d = queue({}, { switches: { deliveryCountView: 'plusOne' } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    expect(m.deliveryCount).toBe(1);
    d.settle(h, m, 'defer');
    expect(stored(d, 's1')).toEqual([['m1', 'deferred', 0]]);
    // The fetch is a delivery of its own (§3.3): raw 1, shown as 2.
    expect(idsAndCounts(messagesOf(d.receiveDeferred(h, [m.seq])))).toEqual([['m1', 2]]);
    expect(stored(d, 's1')).toEqual([['m1', 'locked', 1]]);
  });

  it("'plusOne': MaxDeliveryCount still counts raw deliveries", () => {
    const d = queue({ maxDeliveryCount: 2 }, { switches: { deliveryCountView: 'plusOne' } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const seen: number[] = [];
    for (let i = 0; i < 2; i++) {
      const m = oneOf(d.receive(h));
      seen.push(m.deliveryCount);
      d.settle(h, m, 'abandon');
    }
    expect(seen).toEqual([1, 2]);
    expect(deadLetters(d)).toEqual([['m1', 'MaxDeliveryCountExceeded', 2]]);
  });
});

describe('switch expiryTrigger', () => {
  it("'lazy' (default): nothing expires while nobody receives", () => {
    const d = queue({ deadLetteringOnMessageExpiration: true });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.advance(60_000);
    expect(facts(d, 'expired')).toEqual([]);
    expect(deadLetters(d)).toEqual([]);
  });

  it("'gcTick': a background tick every gcTickMs expires what is due, with nobody receiving", () => {
    const d = queue(
      { deadLetteringOnMessageExpiration: true },
      { switches: { expiryTrigger: 'gcTick', gcTickMs: 10_000 } },
    );
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    d.send(a, 'q', { messageId: 'm2', sessionId: 's1' });
    d.advance(9_999);
    expect(facts(d, 'expired')).toEqual([]);
    d.advance(1);
    // The tick sees an unlocked session: the session-wide rule (default on) takes m2 too.
    expect(facts(d, 'expired').map((f) => [f.seq, f.rule])).toEqual([
      [1, 'message'],
      [2, 'session'],
    ]);
    expect(deadLetters(d)).toEqual([
      ['m1', 'TTLExpiredException', 0],
      ['m2', 'TTLExpiredException', 0],
    ]);
  });

  it("'gcTick': a locked message is protected from the tick", () => {
    const d = queue({ lockDurationMs: 300_000 }, { switches: { expiryTrigger: 'gcTick', gcTickMs: 10_000 } });
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 5_000 });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.advance(30_000);
    expect(facts(d, 'expired')).toEqual([]);
    expect(d.settle(h, m, 'complete').ok).toBe(true);
  });

  it("'gcTick': the tick also sweeps a non-session queue", () => {
    const d = driver({
      entities: [{ name: 'jobs', requiresSession: false }],
      switches: { expiryTrigger: 'gcTick', gcTickMs: 10_000 },
    });
    const a = d.client('a');
    d.send(a, 'jobs', { messageId: 'j1', ttlMs: 1_000 });
    d.advance(10_000);
    expect(facts(d, 'expired')).toEqual([
      { kind: 'expired', entity: 'jobs', session: null, seq: 1, deadLettered: false, rule: 'message' },
    ]);
    expect(d.state().entities['jobs']?.messages).toEqual([]);
  });
});

describe('switch acceptTimeoutMs', () => {
  it('accept-next gives up after the configured operation timeout', () => {
    const d = queue({}, { switches: { acceptTimeoutMs: 5_000 } });
    expect(codeOf(d.accept(d.client('a'), 'q', null))).toBe('ServiceTimeout');
    expect(d.nowMs).toBe(5_000);
  });
});
