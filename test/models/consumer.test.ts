/**
 * The consumer machine alone: no world, no broker. The test plays the world's part — it stamps the
 * virtual time on each event, answers the consumer's requests with the replies the broker would give
 * (models/events.ts), and fires its timers — and checks the chart's state and the effects it emits.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { AnyStateNode } from 'xstate';
import { consumerMachine } from '../../models/consumer.ts';
import { CONSUMER_DEFAULTS } from '../../src/schema/workload.ts';
import type { ConsumerSpec } from '../../models/consumer.ts';
import type { ClientRequest, ConsumerEvent, Effect, ReceivedMessage, ReplyResult } from '../../models/events.ts';

function harness(spec: Partial<ConsumerSpec> = {}, sessionful = true) {
  const actor = createActor(consumerMachine, {
    id: 'consumer:c1',
    input: {
      self: 'consumer:c1',
      spec: { ...CONSUMER_DEFAULTS, id: 'c1', entity: 'q', ...spec },
      entityActor: 'entity:q',
      sessionful,
      sessionActorFor: (id: string) => `session:q/${id}`,
    },
    // Each event takes at most one transition per microstep: regions never both answer the same event.
    inspect: (e) => {
      if (e.type === '@xstate.microstep') expect(e._transitions.length).toBeLessThanOrEqual(1);
    },
  });
  let effects: Effect[] = [];
  actor.on('*', (fx: Effect) => effects.push(fx));
  actor.start();
  const send = (event: ConsumerEvent, nowMs: number): Effect[] => {
    effects = [];
    // As the world does: the virtual time rides on the event (models/events.ts `nowOf`).
    actor.send(Object.assign({ ...event }, { nowMs }));
    expect(actor.getSnapshot().status).toBe('active');
    return effects;
  };
  const requests = (fx: readonly Effect[]): ClientRequest[] =>
    fx.flatMap((f) => (f.type === 'fx.send' ? [f.event as ClientRequest] : []));
  const only = (fx: readonly Effect[], type: ClientRequest['type']): ClientRequest => {
    const found = requests(fx).filter((r) => r.type === type);
    expect(found).toHaveLength(1);
    return found[0] as ClientRequest;
  };
  const ok = (req: ClientRequest, result: ReplyResult, nowMs: number) =>
    send({ type: 'reply', reqId: req.reqId, ok: true, result }, nowMs);
  const fail = (req: ClientRequest, code: 'SessionLockLost' | 'SessionCannotBeLocked', nowMs: number) =>
    send({ type: 'reply', reqId: req.reqId, ok: false, error: { code, message: code } }, nowMs);
  const value = () => actor.getSnapshot().value;
  return { actor, send, only, requests, ok, fail, value, started: effects };
}

const message = (seq: number): ReceivedMessage => ({
  seq,
  messageId: `m${seq}`,
  sessionId: 's1',
  deliveryCount: 0,
  lockToken: 's1@1',
  enqueuedAtMs: 0,
  expiresAtMs: null,
  state: 'active',
});

/** Start, and hold session s1 with a receive in flight. */
function holding(spec: Partial<ConsumerSpec> = {}) {
  const h = harness({ renewal: { kind: 'none' }, ...spec });
  const accept = h.only(h.send({ type: 'consumer.start' }, 0), 'req.accept');
  const fx = h.ok(accept, { kind: 'accepted', sessionId: 's1', token: 's1@1', lockedUntilMs: 60_000 }, 1);
  return { ...h, receive: h.only(fx, 'req.receive') };
}

describe('consumer machine, driven alone', () => {
  it('starts idle with its start timer set', () => {
    const h = harness({ startAtMs: 5 });
    expect(h.value()).toBe('idle');
    expect(h.started).toEqual([{ type: 'fx.timer', key: 'start', atMs: 5, event: { type: 'consumer.start' } }]);
  });

  it('accepts, receives, settles, goes idle, closes and accepts the next session', () => {
    const h = harness();
    const accept = h.only(h.send({ type: 'consumer.start' }, 0), 'req.accept');
    expect(accept).toMatchObject({ sessionId: null, from: 'consumer:c1' });
    expect(h.value()).toEqual({ accepting: 'requesting' });

    // Accepted (T3): auto-renewal is set, and a receive goes to the session.
    let fx = h.ok(accept, { kind: 'accepted', sessionId: 's1', token: 's1@1', lockedUntilMs: 60_000 }, 10);
    expect(fx.map((f) => f.type)).toEqual(['fx.timer', 'fx.send']);
    // The SDK renews 10 s before the lock runs out (docs/semantics.md §2.4, J6).
    expect(fx[0]).toMatchObject({ key: 'renew', atMs: 50_000 });
    const receive = h.only(fx, 'req.receive');
    expect(receive).toMatchObject({ token: 's1@1', max: 1 });
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'scheduled' } });
    expect(h.actor.getSnapshot().context.sessionId).toBe('s1');

    // One message: its handler starts; the only handler slot is taken, so nothing more is asked.
    fx = h.ok(receive, { kind: 'received', messages: [message(1)] }, 20);
    expect(fx).toEqual([
      {
        type: 'fx.fact',
        fact: {
          kind: 'processingStarted',
          entity: 'q',
          consumer: 'consumer:c1',
          session: 's1',
          seq: 1,
          durationMs: 100,
        },
      },
      { type: 'fx.timer', key: 'process:1', atMs: 120, event: { type: 'consumer.processed', seq: 1 } },
    ]);
    expect(h.value()).toEqual({ holding: { receiver: 'ready', renewal: 'scheduled' } });

    // Processing ends: complete it (T5).
    fx = h.send({ type: 'consumer.processed', seq: 1 }, 120);
    expect(fx[0]).toMatchObject({ type: 'fx.fact', fact: { kind: 'processed', seq: 1, outcome: 'complete' } });
    const settle = h.only(fx, 'req.settle');
    expect(settle).toMatchObject({ seq: 1, action: 'complete', token: 's1@1' });

    // Settled: the slot is free again, so the receiver asks for more.
    const next = h.only(h.ok(settle, { kind: 'settled' }, 130), 'req.receive');
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'scheduled' } });

    // Nothing within the wait: the receiver closes the session (T12) and accepts the next.
    fx = h.ok(next, { kind: 'received', messages: [] }, 60_130);
    expect(fx[0]).toEqual({ type: 'fx.cancel', key: 'renew' });
    const close = h.only(fx, 'req.close');
    expect(close).toMatchObject({ token: 's1@1', cause: 'close' });
    expect(h.value()).toBe('closing');

    const again = h.only(h.ok(close, { kind: 'closed' }, 60_140), 'req.accept');
    expect(again.reqId).toBeGreaterThan(close.reqId);
    expect(h.value()).toEqual({ accepting: 'requesting' });
    expect(h.actor.getSnapshot().context.token).toBeNull();
  });

  it('stops after maxSessions', () => {
    const h = holding({ maxSessions: 1 });
    const close = h.only(h.ok(h.receive, { kind: 'received', messages: [] }, 2), 'req.close');
    expect(h.ok(close, { kind: 'closed' }, 3)).toEqual([{ type: 'fx.cancel', key: 'renew' }]);
    expect(h.value()).toBe('done');
  });

  it('on SessionLockLost drops its handlers and accepts again (§2.5)', () => {
    const h = holding({ concurrency: 2 });
    const fx = h.ok(h.receive, { kind: 'received', messages: [message(1)] }, 2);
    const receive2 = h.only(fx, 'req.receive');
    expect(receive2.type === 'req.receive' && receive2.max).toBe(1);
    const lost = h.fail(receive2, 'SessionLockLost', 3);
    expect(lost.slice(0, 2)).toEqual([
      { type: 'fx.cancel', key: 'renew' },
      { type: 'fx.cancel', key: 'process:1' },
    ]);
    h.only(lost, 'req.accept');
    expect(h.value()).toEqual({ accepting: 'requesting' });
    expect(h.actor.getSnapshot().context.inflight).toEqual({});
    // The handler's timer was cancelled; had it fired anyway, nothing happens outside `holding`.
    expect(h.send({ type: 'consumer.processed', seq: 1 }, 102)).toEqual([]);
  });

  it('ignores a reply to a request of an earlier session', () => {
    const h = holding({ concurrency: 2 });
    const receive2 = h.only(h.ok(h.receive, { kind: 'received', messages: [message(1)] }, 2), 'req.receive');
    const accept = h.only(h.fail(receive2, 'SessionLockLost', 3), 'req.accept');
    h.ok(accept, { kind: 'accepted', sessionId: 's2', token: 's2@1', lockedUntilMs: 60_000 }, 4);
    const before = h.actor.getSnapshot().context.inflight;
    // The settle of s1#1 was never sent; a late receive answer of the first session is ignored.
    expect(h.ok(h.receive, { kind: 'received', messages: [message(9)] }, 5)).toEqual([]);
    expect(h.actor.getSnapshot().context.inflight).toBe(before);
  });

  it('crashes from holding: the broker hears a close with cause crash, and later events are ignored', () => {
    const h = holding();
    h.ok(h.receive, { kind: 'received', messages: [message(1)] }, 2);
    const fx = h.send({ type: 'fault.crash' }, 50);
    expect(fx.map((f) => (f.type === 'fx.send' ? f.event.type : f.type))).toEqual([
      'fx.cancel',
      'fx.cancel',
      'fx.fact',
      'req.close',
    ]);
    expect(h.only(fx, 'req.close')).toMatchObject({ cause: 'crash', token: 's1@1' });
    expect(h.value()).toBe('crashed');
    expect(h.send({ type: 'consumer.processed', seq: 1 }, 102)).toEqual([]);
    expect(h.send({ type: 'consumer.retry' }, 103)).toEqual([]);
    expect(h.value()).toBe('crashed');
  });

  it('a handler outcome `crash` crashes the consumer', () => {
    const h = holding({ outcomes: ['crash'] });
    h.ok(h.receive, { kind: 'received', messages: [message(1)] }, 2);
    const fx = h.send({ type: 'consumer.processed', seq: 1 }, 102);
    expect(fx[0]).toMatchObject({ type: 'fx.fact', fact: { kind: 'processed', outcome: 'crash' } });
    expect(h.value()).toBe('crashed');
  });

  it('backs off and retries a named session refused with SessionCannotBeLocked (§2.2)', () => {
    const h = harness({ sessions: ['s1', 's2'], acceptRetries: 1, acceptRetryMs: 1_000 });
    const first = h.only(h.send({ type: 'consumer.start' }, 0), 'req.accept');
    expect(first).toMatchObject({ sessionId: 's1' });
    expect(h.fail(first, 'SessionCannotBeLocked', 5)).toEqual([
      { type: 'fx.timer', key: 'retry', atMs: 1_005, event: { type: 'consumer.retry' } },
    ]);
    expect(h.value()).toEqual({ accepting: 'backingOff' });
    const retry = h.only(h.send({ type: 'consumer.retry' }, 1_005), 'req.accept');
    expect(retry).toMatchObject({ sessionId: 's1' });
    // No retries left: give s1 up and try s2.
    expect(h.only(h.fail(retry, 'SessionCannotBeLocked', 1_010), 'req.accept')).toMatchObject({ sessionId: 's2' });
    expect(h.value()).toEqual({ accepting: 'requesting' });
  });

  it('renews a manual lock on its timer (T10)', () => {
    const h = holding({ renewal: { kind: 'manual', everyMs: 10_000 } });
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'scheduled' } });
    const renew = h.only(h.send({ type: 'consumer.renewTick' }, 10_001), 'req.renew');
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'renewing' } });
    const fx = h.ok(renew, { kind: 'renewed', lockedUntilMs: 70_001 }, 10_002);
    expect(fx).toEqual([{ type: 'fx.timer', key: 'renew', atMs: 20_002, event: { type: 'consumer.renewTick' } }]);
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'scheduled' } });
    expect(h.actor.getSnapshot().context.lockedUntilMs).toBe(70_001);
  });

  it('a plain receiver receives from the entity without a session', () => {
    const h = harness({}, false);
    const receive = h.only(h.send({ type: 'consumer.start' }, 0), 'req.receive');
    expect(receive).toMatchObject({ token: null });
    expect(h.value()).toEqual({ holding: { receiver: 'receiving', renewal: 'off' } });
    h.ok(receive, { kind: 'received', messages: [] }, 60_000);
    expect(h.value()).toBe('done');
  });

  it('implements every guard and action its chart names', () => {
    const { guards, actions } = consumerMachine.implementations;
    const names = (ref: unknown, into: Set<string>): void => {
      if (typeof ref === 'string') into.add(ref);
      else if (typeof ref === 'function' && 'guards' in ref) for (const g of ref.guards as unknown[]) names(g, into);
      else if (ref && typeof ref === 'object' && 'type' in ref) into.add((ref as { type: string }).type);
    };
    const usedGuards = new Set<string>();
    const usedActions = new Set<string>();
    const visit = (node: AnyStateNode): void => {
      for (const list of node.transitions.values())
        for (const t of list) {
          names(t.guard, usedGuards);
          for (const a of t.actions) names(a, usedActions);
        }
      for (const a of [...node.entry, ...node.exit]) names(a, usedActions);
      for (const child of Object.values(node.states)) visit(child);
    };
    visit(consumerMachine.root);
    expect(usedGuards.size).toBeGreaterThan(10);
    for (const g of usedGuards) expect(Object.keys(guards), g).toContain(g);
    for (const a of usedActions) if (!a.startsWith('xstate.')) expect(Object.keys(actions), a).toContain(a);
  });
});
