/**
 * The session lock alone (no world): driven with `createActor`, events stamped with `nowMs` as the world
 * stamps them (models/events.ts `nowOf`). Rules T2, T10, T11, T12.
 */
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Effect, LockRequest } from '../../models/events.ts';
import { machinesFor } from '../../src/world/machines.ts';
import { sessionLockMachine } from '../../models/session-lock.ts';

type At<E> = E & { nowMs: number };

function lock(machine = sessionLockMachine) {
  const actor = createActor(machine, { input: { session: 'session:q/s' } });
  const fx: Effect[] = [];
  actor.on('*', (e: Effect) => fx.push(e));
  actor.start();
  const send = (event: At<LockRequest>): Effect[] => {
    fx.length = 0;
    actor.send(event);
    return [...fx];
  };
  return { actor, send, state: () => String(actor.getSnapshot().value) };
}

const acquire = (token: string, nowMs: number, owner = 'c1'): At<LockRequest> => ({
  type: 'lock.acquire',
  owner,
  token,
  reqId: 1,
  durationMs: 100,
  next: false,
  mode: 'peekLock',
  nowMs,
});
const renew = (token: string, nowMs: number): At<LockRequest> => ({
  type: 'lock.renew',
  owner: 'c1',
  token,
  reqId: 2,
  durationMs: 100,
  nowMs,
});
const replies = (fx: Effect[]) => fx.flatMap((e) => (e.type === 'fx.send' ? [e.event.type] : []));

describe('session lock (alone)', () => {
  it('T2: a free lock is granted until now + LockDuration and its expiry armed; a held one is refused', () => {
    const l = lock();
    expect(l.state()).toBe('free');
    const fx = l.send(acquire('s@1', 10));
    expect(l.state()).toBe('held');
    expect(fx[0]).toMatchObject({ type: 'fx.timer', key: 'expiry', atMs: 110 });
    expect(fx[1]).toMatchObject({ type: 'fx.send', event: { type: 'lock.granted', token: 's@1', lockedUntilMs: 110 } });
    expect(replies(l.send(acquire('s@2', 20, 'c2')))).toEqual(['lock.denied']);
    expect(l.actor.getSnapshot().context.token).toBe('s@1');
  });

  it('T10: a valid renewal moves the deadline and the timer; at the deadline it is refused (T11)', () => {
    const l = lock();
    l.send(acquire('s@1', 0));
    const fx = l.send(renew('s@1', 50));
    expect(fx[0]).toMatchObject({ type: 'fx.timer', atMs: 150 });
    expect(fx[1]).toMatchObject({ event: { type: 'lock.renewed', lockedUntilMs: 150 } });
    expect(replies(l.send(renew('s@1', 150)))).toEqual(['lock.renewDenied']);
    expect(replies(l.send(renew('other', 60)))).toEqual(['lock.renewDenied']);
  });

  it('T11: the expiry timer expires the lock; a lost lock is not renewed back (T10); it can be granted again', () => {
    const l = lock();
    l.send(acquire('s@1', 0));
    expect(replies(l.send({ type: 'lock.expire', token: 's@1', nowMs: 100 }))).toEqual(['lock.expired']);
    expect(l.state()).toBe('expired');
    expect(replies(l.send(renew('s@1', 100)))).toEqual(['lock.renewDenied']);
    expect(l.state()).toBe('expired');
    l.send(acquire('s@2', 120, 'c2'));
    expect(l.state()).toBe('held');
  });

  it('T11: an acquire at the deadline, before the timer fires, expires the holder first, then grants', () => {
    const l = lock();
    l.send(acquire('s@1', 0));
    expect(replies(l.send(acquire('s@2', 100, 'c2')))).toEqual(['lock.expired', 'lock.granted']);
    expect(l.actor.getSnapshot().context.token).toBe('s@2');
  });

  it('T12: a release by the holder disarms the timer; a stale token releases nothing', () => {
    const l = lock();
    l.send(acquire('s@1', 0));
    expect(l.send({ type: 'lock.release', token: 'stale', cause: 'close', reqId: 3, nowMs: 5 })).toEqual([]);
    const fx = l.send({ type: 'lock.release', token: 's@1', cause: 'close', reqId: 3, nowMs: 5 });
    expect(fx[0]).toEqual({ type: 'fx.cancel', key: 'expiry' });
    expect(fx[1]).toMatchObject({ event: { type: 'lock.released', cause: 'close', owner: 'c1' } });
    expect(l.state()).toBe('released');
    expect(replies(l.send(renew('s@1', 6)))).toEqual(['lock.renewDenied']);
  });

  it('mutants are overrides: M09 revives an expired lock, M18 renews without moving the timer', () => {
    const m09 = lock(machinesFor('M09').lock as typeof sessionLockMachine);
    m09.send(acquire('s@1', 0));
    m09.send({ type: 'lock.expire', token: 's@1', nowMs: 100 });
    expect(replies(m09.send(renew('s@1', 130)))).toEqual(['lock.renewed']);
    expect(m09.state()).toBe('held');
    const m18 = lock(machinesFor('M18').lock as typeof sessionLockMachine);
    m18.send(acquire('s@1', 0));
    const fx = m18.send(renew('s@1', 50));
    expect(fx.map((e) => e.type)).toEqual(['fx.send']);
  });
});
