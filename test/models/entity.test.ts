/**
 * The entity chart driven alone with `createActor`: no world, no sessions. Each event carries its virtual
 * time as the world stamps it (`nowMs`, read with `nowOf`); the test reads the emitted effects and the
 * context. Covers the choice of mode on the configuration (§8.1), the session-mode operations (T1, T3),
 * the non-session mode with message locks, the other mode's operations as failing transitions, the DLQ
 * and the background expiry sweep (§4).
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import type { EntityConfig, Switches } from '../../models/config.ts';
import { ENTITY_DEFAULTS, SWITCH_DEFAULTS } from '../../src/schema/workload.ts';
import type { EntityContext } from '../../models/entity.ts';
import { NO_SESSION_ID, entityMachine } from '../../models/entity.ts';
import type { DeadLetterEntry, Effect, EntityEvent, Fact } from '../../models/events.ts';
import { mutantById } from '../../models/mutants/index.ts';
import { RULES, rulesWith } from '../../models/rules.ts';

const SELF = 'entity:q1';

function start(
  config: Partial<EntityConfig> = {},
  switches: Partial<Switches> = {},
  machine: AnyStateMachine = entityMachine,
  rules = RULES,
) {
  const effects: Effect[] = [];
  const actor = createActor(machine, {
    input: {
      self: SELF,
      config: { ...ENTITY_DEFAULTS, name: 'q1', ...config },
      switches: { ...SWITCH_DEFAULTS, ...switches },
      rules,
    },
  });
  actor.on('*', (e: Effect) => {
    effects.push(e);
  });
  actor.start();
  return {
    actor,
    effects,
    /** Deliver `event` at virtual time `nowMs` and return what it emitted. */
    send(event: EntityEvent, nowMs = 0): Effect[] {
      const before = effects.length;
      actor.send(Object.assign({}, event, { nowMs }));
      return effects.slice(before);
    },
    context: () => actor.getSnapshot().context as EntityContext,
    value: () => actor.getSnapshot().value as unknown,
  };
}

const facts = (fx: readonly Effect[]): Fact[] => fx.flatMap((e) => (e.type === 'fx.fact' ? [e.fact] : []));
const replies = (fx: readonly Effect[]) =>
  fx.flatMap((e) => (e.type === 'fx.send' && e.event.type === 'reply' ? [{ to: e.to, ...e.event }] : []));
const types = (fx: readonly Effect[]): string[] =>
  fx.map((e) =>
    e.type === 'fx.send' ? `send ${e.event.type}` : e.type === 'fx.fact' ? `fact ${e.fact.kind}` : e.type,
  );

const send = (messageId: string, sessionId?: string, reqId = 1, extra: { ttlMs?: number } = {}): EntityEvent => ({
  type: 'req.send',
  from: 'client:s',
  reqId,
  message: { messageId, sessionId, ...extra },
});
const acceptNext = (from: string, reqId = 1): EntityEvent => ({
  type: 'req.accept',
  from,
  reqId,
  sessionId: null,
  mode: 'peekLock',
});
const status = (sessionId: string, active: number, locked: boolean): EntityEvent => ({
  type: 'entity.status',
  sessionId,
  active,
  locked,
  firstSeq: 1,
});
const receive = (from: string, reqId: number, waitMs = 0, max = 1): EntityEvent => ({
  type: 'req.receive',
  from,
  reqId,
  token: null,
  max,
  waitMs,
  mode: 'peekLock',
});
const settleReq = (from: string, reqId: number, seq: number, token: string | null): EntityEvent => ({
  type: 'req.settle',
  from,
  reqId,
  seq,
  token,
  action: 'complete',
});

describe('entity chart: the mode is chosen once, on the configuration (§8.1)', () => {
  it('a session-enabled entity is `sessionful`; without sessions it is `plain`; the gc region is off by default', () => {
    expect(start({ requiresSession: true }).value()).toEqual({ mode: 'sessionful', gc: 'off' });
    expect(start({ requiresSession: false }).value()).toEqual({ mode: 'plain', gc: 'off' });
  });

  it('with `expiryTrigger: gcTick` the gc region sweeps and arms its first tick at start', () => {
    const e = start({}, { expiryTrigger: 'gcTick', gcTickMs: 5_000 });
    expect(e.value()).toEqual({ mode: 'sessionful', gc: 'sweeping' });
    expect(e.effects).toEqual([{ type: 'fx.timer', key: 'gc', atMs: 5_000, event: { type: 'entity.gcTick' } }]);
  });
});

describe('entity chart, sessionful mode', () => {
  it('T1: a send numbers the message, creates its session once and enqueues it there', () => {
    const e = start();
    const first = e.send(send('m1', 's1', 1), 100);
    expect(types(first)).toEqual(['fx.spawnSession', 'fact sent', 'send session.enqueue', 'send reply']);
    expect(facts(first)[0]).toMatchObject({ kind: 'sent', session: 's1', seq: 1, enqueuedAtMs: 100 });
    expect(replies(first)).toEqual([
      { to: 'client:s', type: 'reply', reqId: 1, ok: true, result: { kind: 'sent', seq: 1 } },
    ]);
    const second = e.send(send('m2', 's1', 2), 200);
    expect(types(second)).toEqual(['fact sent', 'send session.enqueue', 'send reply']);
    expect(facts(second)[0]).toMatchObject({ seq: 2 });
    expect(e.send(send('m3', 's2', 3))[0]).toEqual({ type: 'fx.spawnSession', entity: 'q1', sessionId: 's2' });
    expect(e.context().nextSeq).toBe(4);
  });

  it('T1: a queue rejects a message without a session id, and it takes no sequence number', () => {
    const e = start();
    const fx = e.send(send('m1'));
    expect(facts(fx)).toEqual([{ kind: 'sendRejected', entity: 'q1', messageId: 'm1', reason: NO_SESSION_ID }]);
    expect(replies(fx)).toMatchObject([{ ok: false, error: { code: 'GeneralError' } }]);
    expect(e.context().nextSeq).toBe(1);
  });

  it('T1, §8.1: a subscription dead-letters a message without a session id, and acknowledges it', () => {
    const e = start({ name: 't/Subscriptions/s', kind: 'subscription' });
    const fx = e.send(send('m1'), 50);
    expect(types(fx)).toEqual(['fact sent', 'fact deadLettered', 'send entity.deadLetter', 'send reply']);
    expect(facts(fx)[1]).toMatchObject({ kind: 'deadLettered', seq: 1, reason: 'Session id is null.' });
    expect(e.context().nextSeq).toBe(2);
  });

  it('§1: a session id over 128 characters is refused on send (no fact) and on accept (a fact)', () => {
    const e = start();
    const long = 'x'.repeat(129);
    const sent = e.send(send('m1', long));
    expect(types(sent)).toEqual(['send reply']);
    const accepted = e.send({ type: 'req.accept', from: 'consumer:c1', reqId: 2, sessionId: long, mode: 'peekLock' });
    expect(facts(accepted)).toMatchObject([{ kind: 'opFailed', op: 'accept', code: 'GeneralError' }]);
    expect(e.context().sessions).toEqual({});
  });

  it('T2, §2.2: a named accept creates the session and is the session’s to decide', () => {
    const e = start();
    const accept: EntityEvent = {
      type: 'req.accept',
      from: 'consumer:c1',
      reqId: 1,
      sessionId: 's9',
      mode: 'peekLock',
    };
    const fx = e.send(accept);
    expect(fx[0]).toEqual({ type: 'fx.spawnSession', entity: 'q1', sessionId: 's9' });
    expect(fx[1]).toMatchObject({
      type: 'fx.send',
      to: 'session:q1/s9',
      event: { type: 'req.accept', sessionId: 's9' },
    });
  });

  it('T3: accept-next offers an available session: one candidate goes straight to the chosen session', () => {
    const e = start();
    e.send(send('m1', 's1'));
    e.send(status('s1', 1, false));
    const fx = e.send(acceptNext('consumer:c1'));
    expect(fx).toEqual([
      {
        type: 'fx.send',
        to: 'session:q1/s1',
        event: { type: 'session.acceptNext', from: 'consumer:c1', reqId: 1, mode: 'peekLock' },
      },
    ]);
  });

  it('T3: several available sessions are a Chooser decision, oldest first in the options', () => {
    const e = start();
    e.send(send('m1', 's1', 1));
    e.send(send('m2', 's2', 2));
    e.send(status('s2', 1, false));
    e.send(status('s1', 1, false));
    const [choose] = e.send(acceptNext('consumer:c1'));
    // The world picks one and sends that session its acceptNext: no round trip through the entity.
    expect(choose).toMatchObject({
      type: 'fx.chooseSend',
      options: ['s1', 's2'],
      sends: [
        { to: 'session:q1/s1', event: { type: 'session.acceptNext', from: 'consumer:c1' } },
        { to: 'session:q1/s2', event: { type: 'session.acceptNext', from: 'consumer:c1' } },
      ],
    });
  });

  it('T3: a locked session, or one with no active message, is not available: accept-next waits', () => {
    const e = start({}, { acceptTimeoutMs: 1_000 });
    e.send(send('m1', 's1'));
    e.send(status('s1', 1, true));
    const fx = e.send(acceptNext('consumer:c1'), 10);
    expect(fx).toEqual([
      {
        type: 'fx.timer',
        key: 'accept:consumer:c1:1',
        atMs: 1_010,
        event: { type: 'entity.acceptTimeout', from: 'consumer:c1', reqId: 1 },
      },
    ]);
    expect(e.context().waiters).toHaveLength(1);
  });

  it('T3: a status that frees a session wakes the first waiter (its timer is cancelled)', () => {
    const e = start();
    e.send(send('m1', 's1'));
    e.send(acceptNext('consumer:c1', 1));
    e.send(acceptNext('consumer:c2', 7));
    const fx = e.send(status('s1', 1, false));
    expect(types(fx)).toEqual(['fx.cancel', 'send session.acceptNext']);
    expect(fx[0]).toEqual({ type: 'fx.cancel', key: 'accept:consumer:c1:1' });
    expect(e.context().waiters.map((w) => w.from)).toEqual(['consumer:c2']);
    // A status that frees nothing wakes no one.
    expect(e.send(status('s1', 0, true))).toEqual([]);
  });

  it('T3: a retry after the offered session was taken keeps the deadline of the first wait', () => {
    const e = start({}, { acceptTimeoutMs: 1_000 });
    e.send(send('m1', 's1'));
    e.send(acceptNext('consumer:c1'), 0);
    e.send(status('s1', 1, false), 100);
    // Another consumer locked it first: the session sends the accept-next back.
    e.send(status('s1', 1, true), 100);
    const retry = e.send({ type: 'entity.acceptNextRetry', from: 'consumer:c1', reqId: 1, mode: 'peekLock' }, 500);
    expect(retry).toMatchObject([{ type: 'fx.timer', atMs: 1_000 }]);
  });

  it('T3: no session in time → ServiceTimeout; a timeout for a waiter already served is ignored', () => {
    const e = start();
    e.send(acceptNext('consumer:c1'));
    const fx = e.send({ type: 'entity.acceptTimeout', from: 'consumer:c1', reqId: 1 }, 60_000);
    expect(facts(fx)).toEqual([
      { kind: 'acceptFailed', entity: 'q1', session: null, consumer: 'consumer:c1', code: 'ServiceTimeout' },
    ]);
    expect(replies(fx)).toMatchObject([{ to: 'consumer:c1', ok: false, error: { code: 'ServiceTimeout' } }]);
    expect(e.context().waiters).toEqual([]);
    expect(e.send({ type: 'entity.acceptTimeout', from: 'consumer:c1', reqId: 1 }, 60_000)).toEqual([]);
  });

  it('§8.1: non-session receives and settlements fail, each with its fact; a plain peek asks every session (§11)', () => {
    const e = start();
    const received = e.send(receive('consumer:p', 1));
    expect(facts(received)).toMatchObject([{ kind: 'opFailed', op: 'receive', code: 'GeneralError' }]);
    expect(replies(received)).toMatchObject([
      {
        ok: false,
        error: {
          message:
            'InvalidOperationError: It is not possible for an entity that requires sessions to create a non-sessionful message receiver.',
        },
      },
    ]);
    expect(facts(e.send(settleReq('consumer:p', 2, 1, 'x')))).toMatchObject([{ op: 'settle', seq: 1, token: 'x' }]);
    // No session seen yet: nothing to show.
    const none = e.send({ type: 'req.peek', from: 'consumer:p', reqId: 3, token: null, fromSeq: 0, max: 1 });
    expect(replies(none)).toMatchObject([{ ok: true, result: { kind: 'peeked', messages: [] } }]);
    e.send(send('m1', 's1'));
    e.send(send('m2', 's2'));
    const asked = e.send({ type: 'req.peek', from: 'consumer:p', reqId: 4, token: null, fromSeq: 0, max: 1 });
    expect(asked.map((f) => (f.type === 'fx.send' ? f.to : f.type))).toEqual(['session:q1/s1', 'session:q1/s2']);
  });

  it('gc tick: every session sweeps, and the next tick is armed', () => {
    const e = start({}, { expiryTrigger: 'gcTick', gcTickMs: 1_000 });
    e.send(send('m1', 's1'));
    e.send(send('m2', 's2'));
    const fx = e.send({ type: 'entity.gcTick' }, 1_000);
    expect(fx).toEqual([
      { type: 'fx.send', to: 'session:q1/s1', event: { type: 'session.gcTick' } },
      { type: 'fx.send', to: 'session:q1/s2', event: { type: 'session.gcTick' } },
      { type: 'fx.timer', key: 'gc', atMs: 2_000, event: { type: 'entity.gcTick' } },
    ]);
  });
});

describe('entity chart, plain mode (competing consumers, message locks)', () => {
  const plain = (switches: Partial<Switches> = {}, config: Partial<EntityConfig> = {}) =>
    start({ requiresSession: false, lockDurationMs: 1_000, ...config }, switches);

  it('T1: a send stores the message without a session (a session id is ignored, §8.1)', () => {
    const e = plain();
    const fx = e.send(send('m1', 'ignored'), 5);
    expect(types(fx)).toEqual(['fact sent', 'send reply']);
    expect(facts(fx)[0]).toMatchObject({ session: null, seq: 1 });
    expect(e.context().messages).toMatchObject([{ seq: 1, sessionId: null, state: 'active' }]);
  });

  it('a receive locks the first message under its own lock until now + LD, and complete removes it', () => {
    const e = plain();
    e.send(send('m1'));
    const fx = e.send(receive('consumer:p', 1), 100);
    expect(types(fx)).toEqual(['fact delivered', 'fx.timer', 'send reply']);
    expect(fx[1]).toEqual({
      type: 'fx.timer',
      key: 'mlock:q1#m1',
      atMs: 1_100,
      event: { type: 'entity.messageLockExpire', seq: 1, token: 'q1#m1' },
    });
    expect(e.context().messages).toMatchObject([{ state: 'locked', lockToken: 'q1#m1', lockedUntilMs: 1_100 }]);
    const settled = e.send(settleReq('consumer:p', 2, 1, 'q1#m1'), 200);
    expect(types(settled)).toEqual(['fx.cancel', 'fact settled', 'send reply']);
    expect(e.context().messages).toEqual([]);
  });

  it('T5–T8, D4: a settlement with another token, or at the lock’s deadline, is MessageLockLost', () => {
    const e = plain();
    e.send(send('m1'));
    e.send(receive('consumer:p', 1), 0);
    expect(facts(e.send(settleReq('consumer:p', 2, 1, 'other'), 10))).toMatchObject([{ code: 'MessageLockLost' }]);
    expect(facts(e.send(settleReq('consumer:p', 3, 1, 'q1#m1'), 1_000))).toMatchObject([{ code: 'MessageLockLost' }]);
    expect(e.context().messages).toMatchObject([{ state: 'locked' }]);
  });

  it('§3.1: a receive with a wait time parks; the next send serves it; a late timeout is ignored', () => {
    const e = plain();
    const parked = e.send(receive('consumer:p', 1, 500), 0);
    expect(parked).toMatchObject([{ type: 'fx.timer', key: 'receive:consumer:p:1', atMs: 500 }]);
    const fx = e.send(send('m1', undefined, 9), 100);
    expect(types(fx)).toEqual(['fact sent', 'fx.cancel', 'fact delivered', 'fx.timer', 'send reply', 'send reply']);
    expect(replies(fx).map((r) => r.to)).toEqual(['consumer:p', 'client:s']);
    expect(e.send({ type: 'entity.receiveTimeout', from: 'consumer:p', reqId: 1 }, 500)).toEqual([]);
  });

  it('§3.1: a parked receive that finds nothing returns empty at its wait time', () => {
    const e = plain();
    e.send(receive('consumer:p', 1, 500), 0);
    const fx = e.send({ type: 'entity.receiveTimeout', from: 'consumer:p', reqId: 1 }, 500);
    expect(replies(fx)).toEqual([
      { to: 'consumer:p', type: 'reply', reqId: 1, ok: true, result: { kind: 'received', messages: [] } },
    ]);
    expect(e.context().parked).toEqual([]);
  });

  it('T11 for one message: its lock expires, it is active again with count + 1 and served to a parked receive', () => {
    const e = plain();
    e.send(send('m1'));
    e.send(receive('consumer:p', 1), 0);
    e.send(receive('consumer:q', 2, 5_000), 10);
    const fx = e.send({ type: 'entity.messageLockExpire', seq: 1, token: 'q1#m1' }, 1_000);
    expect(types(fx)).toEqual([
      'fact lockExpired',
      'fact requeued',
      'fx.cancel',
      'fact delivered',
      'fx.timer',
      'send reply',
    ]);
    expect(facts(fx)).toMatchObject([{}, { deliveryCount: 1 }, { consumer: 'consumer:q', deliveryCount: 1 }]);
    // The old lock's timer, should it fire again, finds nothing under that token.
    expect(e.send({ type: 'entity.messageLockExpire', seq: 1, token: 'q1#m1' }, 1_000)).toEqual([]);
  });

  it('§4: a receive first expires what is due; with a wait time and nothing left, it parks', () => {
    const e = plain({}, { deadLetteringOnMessageExpiration: true });
    e.send(send('m1', undefined, 1, { ttlMs: 100 }), 0);
    const fx = e.send(receive('consumer:p', 1, 500), 100);
    expect(types(fx)).toEqual(['fact expired', 'fact deadLettered', 'send entity.deadLetter', 'fx.timer']);
    expect(e.context().messages).toEqual([]);
  });

  it('§11: peek shows the messages with the raw count and takes no lock', () => {
    const e = plain();
    e.send(send('m1'));
    e.send(send('m2', undefined, 2));
    const fx = e.send({ type: 'req.peek', from: 'consumer:p', reqId: 3, token: null, fromSeq: 2, max: 5 });
    expect(replies(fx)).toMatchObject([{ ok: true, result: { kind: 'peeked', messages: [{ seq: 2 }] } }]);
    expect(e.context().messages.every((m) => m.state === 'active')).toBe(true);
  });

  it('§8.1: a session receiver on an entity without sessions fails', () => {
    const e = plain();
    const fx = e.send(acceptNext('consumer:c1'));
    expect(facts(fx)).toMatchObject([{ kind: 'opFailed', op: 'accept', code: 'GeneralError' }]);
    expect(replies(fx)).toMatchObject([
      {
        error: {
          message:
            'InvalidOperationError: It is not possible for an entity that does not require sessions to create a sessionful message receiver.',
        },
      },
    ]);
  });

  it('gc tick: the entity’s own expired messages go, and the next tick is armed', () => {
    const e = plain({ expiryTrigger: 'gcTick', gcTickMs: 1_000 });
    e.send(send('m1', undefined, 1, { ttlMs: 100 }), 0);
    const fx = e.send({ type: 'entity.gcTick' }, 1_000);
    expect(types(fx)).toEqual(['fact expired', 'fx.timer']);
    expect(e.context().messages).toEqual([]);
  });
});

describe('entity chart, in every state', () => {
  it.each([true, false])(
    'session-receiver operations addressed to the entity fail (requiresSession %s)',
    (requiresSession) => {
      const e = start({ requiresSession });
      for (const event of [
        { type: 'req.renew', from: 'consumer:c', reqId: 1, token: 't' },
        { type: 'req.getState', from: 'consumer:c', reqId: 2, token: 't' },
        { type: 'req.setState', from: 'consumer:c', reqId: 3, token: 't', value: null },
        { type: 'req.receiveDeferred', from: 'consumer:c', reqId: 4, token: 't', seqs: [1] },
        { type: 'req.close', from: 'consumer:c', reqId: 5, token: 't', cause: 'close' },
      ] satisfies EntityEvent[]) {
        const op = event.type.slice(4);
        const fx = e.send(event);
        expect(facts(fx)).toMatchObject([{ kind: 'opFailed', op, token: 't' }]);
        expect(replies(fx)).toMatchObject([{ error: { message: `${op} is an operation of a session receiver.` } }]);
      }
    },
  );

  it('§3.5: a dead-lettered message joins the dead-letter queue', () => {
    const e = start();
    const entry: DeadLetterEntry = {
      seq: 1,
      messageId: 'm1',
      sessionId: 's1',
      reason: 'r',
      description: 'd',
      deliveryCount: 0,
      atMs: 0,
    };
    expect(e.send({ type: 'entity.deadLetter', entry })).toEqual([]);
    expect(e.context().dlq).toEqual([entry]);
  });
});

describe('entity mutants are overrides of the chart', () => {
  const mutated = (id: string, config: Partial<EntityConfig> = {}) => {
    const o = mutantById(id)?.overrides;
    return start(config, {}, o?.entity ? entityMachine.provide(o.entity) : entityMachine, rulesWith(o?.rules));
  };

  it('M13: sequence numbers per session repeat across sessions', () => {
    const e = mutated('M13');
    const seqs = [send('m1', 's1', 1), send('m2', 's2', 2), send('m3', 's1', 3)].map(
      (ev) => (facts(e.send(ev))[0] as { seq: number }).seq,
    );
    expect(seqs).toEqual([1, 1, 2]);
  });

  it('M33: a rejected send consumes a sequence number', () => {
    const e = mutated('M33');
    e.send(send('m1'));
    expect(e.context().nextSeq).toBe(2);
  });

  it('M36, M37: the TTL is not capped by the entity default, or counted from time zero', () => {
    const ceiling = { defaultMessageTimeToLiveMs: 1_000 };
    const sent = (id: string) => facts(mutated(id, ceiling).send(send('m1', 's1', 1, { ttlMs: 5_000 }), 100))[0];
    expect(sent('M36')).toMatchObject({ expiresAtMs: 5_100 });
    expect(sent('M37')).toMatchObject({ expiresAtMs: 1_000 });
    expect(facts(start(ceiling).send(send('m1', 's1', 1, { ttlMs: 5_000 }), 100))[0]).toMatchObject({
      expiresAtMs: 1_100,
    });
  });

  it('M28: a status saying a message arrived wakes no waiting accept-next', () => {
    const e = mutated('M28');
    e.send(send('m1', 's1'));
    e.send(status('s1', 0, false));
    e.send(acceptNext('consumer:c1'));
    expect(e.send(status('s1', 1, false))).toEqual([]);
  });
});
