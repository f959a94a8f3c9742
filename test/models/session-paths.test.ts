/**
 * Paths through the lock and session charts from `xstate/graph`: a small event set (stamped with `nowMs`
 * as the world stamps them) reaches every state of each machine, and the shortest paths are the
 * expected rule sequences.
 */
import type { SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { ENTITY_DEFAULTS, SWITCH_DEFAULTS } from '../../src/schema/workload.ts';
import type { LockRequest, SessionEvent } from '../../models/events.ts';
import { RULES } from '../../models/rules.ts';
import { sessionLockMachine } from '../../models/session-lock.ts';
import { sessionMachine } from '../../models/session.ts';

const stateNames = (machine: { root: { states: Record<string, unknown> } }) => Object.keys(machine.root.states).sort();
const stamp = <E>(e: E, nowMs: number): E => ({ ...e, nowMs });

describe('paths through the lock chart', () => {
  const events: LockRequest[] = [
    stamp(
      { type: 'lock.acquire', owner: 'c1', token: 't1', reqId: 1, durationMs: 100, next: false, mode: 'peekLock' },
      0,
    ),
    stamp({ type: 'lock.renew', owner: 'c1', token: 't1', reqId: 2, durationMs: 100 }, 50),
    stamp({ type: 'lock.release', token: 't1', cause: 'close', reqId: 3 }, 60),
    stamp({ type: 'lock.expire', token: 't1' }, 100),
  ];
  const paths = getShortestPaths(sessionLockMachine, { events, input: { session: 'session:q/s' } });

  it('reaches every state', () => {
    const reached = [...new Set(paths.map((p) => String(p.state.value)))].sort();
    expect(reached).toEqual(stateNames(sessionLockMachine));
  });

  it('T11, T12: expired is acquire → expire; released is acquire → release', () => {
    const to = (value: string) =>
      paths
        .filter((p) => p.state.value === value)
        .map((p) => p.steps.map((s) => s.event.type))
        .sort((a, b) => a.length - b.length)[0];
    expect(to('expired')).toEqual(['xstate.init', 'lock.acquire', 'lock.expire']);
    expect(to('released')).toEqual(['xstate.init', 'lock.acquire', 'lock.release']);
  });
});

describe('paths through the session chart', () => {
  const token = 's@1';
  const events: SessionEvent[] = [
    stamp({ type: 'req.accept', from: 'c1', reqId: 1, sessionId: 's', mode: 'peekLock' }, 0),
    stamp({ type: 'lock.granted', owner: 'c1', token, reqId: 1, lockedUntilMs: 100, next: false, mode: 'peekLock' }, 0),
    stamp({ type: 'req.receive', from: 'c1', reqId: 2, token, max: 1, waitMs: 10, mode: 'peekLock' }, 5),
    stamp({ type: 'session.receiveTimeout', from: 'c1', reqId: 2 }, 15),
    stamp({ type: 'req.close', from: 'c1', reqId: 3, token, cause: 'close' }, 20),
    stamp({ type: 'lock.released', owner: 'c1', token, cause: 'close', reqId: 3 }, 20),
    stamp({ type: 'lock.expired', owner: 'c1', token }, 100),
  ];
  const input = {
    self: 'session:q/s',
    lockActor: 'lock:q/s',
    entityActor: 'entity:q',
    sessionId: 's',
    config: { ...ENTITY_DEFAULTS, name: 'q', lockDurationMs: 100 },
    switches: SWITCH_DEFAULTS,
    rules: RULES,
  };
  // The chart's state with what it carries: the holder's token and whether a receive is parked.
  const serializeState = (s: SnapshotFrom<typeof sessionMachine>) =>
    `${JSON.stringify(s.value)}|${s.context.holder?.token ?? '-'}|${s.context.parked ? 'parked' : '-'}`;
  const paths = getShortestPaths(sessionMachine, { events, input, serializeState });

  it('reaches every state', () => {
    const reached = [...new Set(paths.map((p) => String(p.state.value)))].sort();
    expect(reached).toEqual(stateNames(sessionMachine));
  });

  it("T2, T11, T12: locked is entered by a grant and left by the holder's expiry or release", () => {
    const locked = paths.find((p) => p.state.value === 'locked');
    expect(locked?.steps.map((s) => s.event.type)).toEqual(['xstate.init', 'lock.granted']);
    for (const leave of events.filter((e) => e.type === 'lock.expired' || e.type === 'lock.released')) {
      const out = getShortestPaths(sessionMachine, {
        events: [leave],
        input,
        serializeState,
        fromState: locked?.state,
        toState: (s) => s.value === 'unlocked',
      });
      expect(
        out.map((p) => p.steps.map((step) => step.event.type)),
        leave.type,
      ).toEqual([['xstate.init', leave.type]]);
    }
    const parked = paths.find((p) => p.state.context.parked !== null);
    expect(parked?.steps.map((s) => s.event.type)).toEqual(['xstate.init', 'lock.granted', 'req.receive']);
  });
});
