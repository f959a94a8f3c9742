/**
 * The session machine alone (no world): driven with `createActor`, events stamped with `nowMs` as the
 * world stamps them (models/events.ts `nowOf`). The lock actor's replies are sent by hand, as the lock
 * would send them. Rules T2–T12, §4.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Switches } from '../../models/config.ts';
import { ENTITY_DEFAULTS, SWITCH_DEFAULTS } from '../../src/schema/workload.ts';
import type { Effect, SessionEvent, StoredMessage } from '../../models/events.ts';
import { RULES } from '../../models/rules.ts';
import { sessionMachine } from '../../models/session.ts';
import { machinesFor } from '../../src/world/machines.ts';

type At = SessionEvent & { nowMs: number };

function session(options: { switches?: Partial<Switches>; machine?: typeof sessionMachine; mutant?: string } = {}) {
  const machines = options.mutant ? machinesFor(options.mutant) : null;
  const machine = (machines?.session as typeof sessionMachine | undefined) ?? sessionMachine;
  const actor = createActor(machine, {
    input: {
      self: 'session:q/s',
      lockActor: 'lock:q/s',
      entityActor: 'entity:q',
      sessionId: 's',
      config: { ...ENTITY_DEFAULTS, name: 'q', lockDurationMs: 100 },
      switches: { ...SWITCH_DEFAULTS, ...options.switches },
      rules: machines?.rules ?? RULES,
    },
  });
  const fx: Effect[] = [];
  actor.on('*', (e: Effect) => fx.push(e));
  actor.start();
  const send = (event: At): Effect[] => {
    fx.length = 0;
    actor.send(event);
    return [...fx];
  };
  return {
    actor,
    send,
    state: () => String(actor.getSnapshot().value),
    ctx: () => actor.getSnapshot().context,
  };
}

const message = (seq: number, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  seq,
  messageId: `m${seq}`,
  sessionId: 's',
  enqueuedAtMs: 0,
  expiresAtMs: null,
  deliveryCount: 0,
  state: 'active',
  lockToken: null,
  deliveredUnder: null,
  ...extra,
});
const granted = (token: string, lockedUntilMs: number, nowMs: number, owner = 'c1'): At => ({
  type: 'lock.granted',
  owner,
  token,
  reqId: 1,
  lockedUntilMs,
  next: false,
  mode: 'peekLock',
  nowMs,
});
const receive = (token: string | null, nowMs: number, waitMs = 0, from = 'c1'): At => ({
  type: 'req.receive',
  from,
  reqId: 7,
  token,
  max: 1,
  waitMs,
  mode: 'peekLock',
  nowMs,
});
const replies = (fx: Effect[]) =>
  fx.flatMap((e) => (e.type === 'fx.send' && e.event.type === 'reply' ? [e.event] : []));
const facts = (fx: Effect[]) => fx.flatMap((e) => (e.type === 'fx.fact' ? [e.fact.kind] : []));

describe('session (alone)', () => {
  it('T2: an accept asks the lock actor; the grant locks the session and answers the acceptor', () => {
    const s = session();
    const ask = s.send({ type: 'req.accept', from: 'c1', reqId: 1, sessionId: 's', mode: 'peekLock', nowMs: 0 });
    expect(ask).toContainEqual(
      expect.objectContaining({
        type: 'fx.send',
        to: 'lock:q/s',
        event: expect.objectContaining({ type: 'lock.acquire', token: 's@1', durationMs: 100 }),
      }),
    );
    expect(s.state()).toBe('unlocked');
    const fx = s.send(granted('s@1', 100, 0));
    expect(s.state()).toBe('locked');
    expect(s.ctx().holder).toEqual({ owner: 'c1', token: 's@1', lockedUntilMs: 100, mode: 'peekLock' });
    expect(facts(fx)).toEqual(['accepted']);
    expect(replies(fx)[0]).toMatchObject({ ok: true, result: { kind: 'accepted', token: 's@1' } });
  });

  it('T4, T11: the holder receives under a valid lock; another token, or the deadline, fails with SessionLockLost', () => {
    const s = session();
    s.send({ type: 'session.enqueue', message: message(1), nowMs: 0 });
    s.send(granted('s@1', 100, 0));
    expect(replies(s.send(receive('other', 10)))[0]).toMatchObject({ ok: false, error: { code: 'SessionLockLost' } });
    expect(replies(s.send(receive('s@1', 100)))[0]).toMatchObject({ ok: false, error: { code: 'SessionLockLost' } });
    const ok = replies(s.send(receive('s@1', 99)))[0];
    expect(ok).toMatchObject({ ok: true, result: { kind: 'received', messages: [{ seq: 1, lockToken: 's@1' }] } });
  });

  it('every request that needs the lock fails in `unlocked`', () => {
    const s = session();
    const base = { from: 'c1', reqId: 3, token: 's@1', nowMs: 0 };
    const requests: At[] = [
      receive('s@1', 0),
      { ...base, type: 'req.settle', seq: 1, action: 'complete' },
      { ...base, type: 'req.getState' },
      { ...base, type: 'req.setState', value: 'x' },
      { ...base, type: 'req.receiveDeferred', seqs: [1] },
      { ...base, type: 'req.peek', fromSeq: 0, max: 1 },
    ];
    for (const r of requests) {
      expect(replies(s.send(r))[0], r.type).toMatchObject({ ok: false, error: { code: 'SessionLockLost' } });
    }
  });

  it('T4, T11: a parked receive is served by an arriving message, and fails when the lock expires', () => {
    const s = session();
    s.send(granted('s@1', 100, 0));
    const park = s.send(receive('s@1', 10, 50));
    expect(park).toEqual([expect.objectContaining({ type: 'fx.timer', key: 'receive:c1:7', atMs: 60 })]);
    const served = s.send({ type: 'session.enqueue', message: message(1), nowMs: 20 });
    expect(replies(served)[0]).toMatchObject({ ok: true, result: { messages: [{ seq: 1 }] } });
    expect(s.ctx().parked).toBeNull();
    s.send(receive('s@1', 30, 50));
    const gone = s.send({ type: 'lock.expired', owner: 'c1', token: 's@1', nowMs: 100 });
    expect(s.state()).toBe('unlocked');
    expect(facts(gone)).toEqual(['lockExpired', 'requeued']);
    expect(replies(gone)[0]).toMatchObject({ ok: false, error: { code: 'SessionLockLost' } });
    // T11: the message delivered under the expired lock is back, its count raised.
    expect(s.ctx().messages[0]).toMatchObject({ state: 'active', deliveryCount: 1, lockToken: null });
    expect(s.ctx().holder).toBeNull();
  });

  it('T12: a close releases through the lock actor; the release returns messages without increment', () => {
    const s = session();
    s.send({ type: 'session.enqueue', message: message(1), nowMs: 0 });
    s.send(granted('s@1', 100, 0));
    s.send(receive('s@1', 5));
    const close = s.send({ type: 'req.close', from: 'c1', reqId: 9, token: 's@1', cause: 'close', nowMs: 6 });
    expect(facts(close)).toEqual(['closeRequested']);
    expect(close[1]).toMatchObject({ to: 'lock:q/s', event: { type: 'lock.release', token: 's@1', reqId: 9 } });
    const released = s.send({ type: 'lock.released', owner: 'c1', token: 's@1', cause: 'close', reqId: 9, nowMs: 6 });
    expect(s.state()).toBe('unlocked');
    expect(s.ctx().messages[0]).toMatchObject({ state: 'active', deliveryCount: 0 });
    // The entity hears that the session is available again.
    expect(released.some((e) => e.type === 'fx.send' && e.event.type === 'entity.status')).toBe(true);
  });

  it('a release of a lock the session no longer holds changes nothing but the record', () => {
    const s = session();
    s.send(granted('s@2', 100, 0));
    const fx = s.send({ type: 'lock.expired', owner: 'c1', token: 's@1', nowMs: 50 });
    expect(facts(fx)).toEqual(['lockExpired']);
    expect(s.state()).toBe('locked');
  });

  it('T2 with acceptNamedWhenLocked=wait: a waiting named accept takes the released lock at once', () => {
    const s = session({ switches: { acceptNamedWhenLocked: 'wait' } });
    s.send(granted('s@1', 100, 0));
    const wait = s.send({ type: 'lock.denied', owner: 'c2', reqId: 4, next: false, mode: 'peekLock', nowMs: 5 });
    expect(wait).toEqual([expect.objectContaining({ type: 'fx.timer', key: 'accept:c2:4' })]);
    const gone = s.send({ type: 'lock.released', owner: 'c1', token: 's@1', cause: 'close', reqId: null, nowMs: 10 });
    expect(gone.map((e) => e.type)).toEqual(['fx.fact', 'fx.cancel', 'fx.send']);
    expect(gone[2]).toMatchObject({ event: { type: 'lock.acquire', owner: 'c2', next: false } });
    expect(s.ctx().waiting).toEqual([]);
  });

  it('T10: a renewal goes to the lock actor; its answer moves the deadline the session fences with', () => {
    const s = session();
    s.send(granted('s@1', 100, 0));
    const ask = s.send({ type: 'req.renew', from: 'c1', reqId: 5, token: 's@1', nowMs: 50 });
    expect(ask[0]).toMatchObject({ to: 'lock:q/s', event: { type: 'lock.renew', durationMs: 100 } });
    s.send({ type: 'lock.renewed', owner: 'c1', token: 's@1', reqId: 5, lockedUntilMs: 150, nowMs: 50 });
    expect(s.ctx().holder?.lockedUntilMs).toBe(150);
    expect(replies(s.send(receive('s@1', 120)))[0]).toMatchObject({ ok: true });
  });

  it('mutants are overrides: M22 receives with any token, M20 still at the deadline', () => {
    const m22 = session({ mutant: 'M22' });
    m22.send(granted('s@1', 100, 0));
    expect(replies(m22.send(receive('other', 10)))[0]).toMatchObject({ ok: true });
    const m20 = session({ mutant: 'M20' });
    m20.send(granted('s@1', 100, 0));
    expect(replies(m20.send(receive('s@1', 100)))[0]).toMatchObject({ ok: true });
  });
});
