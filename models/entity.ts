/**
 * A queue or a subscription: configuration, sequence numbers, the session directory, accept-next and
 * the dead-letter queue. In a non-session entity it also holds the messages itself, each with its own
 * peek-lock (competing consumers), for contrast with sessions.
 *
 * Rules: T1 (send: gapless increasing sequence numbers in acceptance order; no session id → rejected on
 * a queue, dead-lettered on a subscription), T3 (accept-next: only unlocked sessions with an active
 * message; times out), §8.1 (session and non-session receivers cannot be mixed). Reference §1, §2.3, §6, §8.
 */
import { enqueueActions, setup } from 'xstate';
import type { Bugs } from './bugs.ts';
import type { EntityConfig, Switches } from './config.ts';
import { SESSION_ID_MAX_LENGTH } from './config.ts';
import type {
  ActorId,
  BrokerError,
  ClientRequest,
  DeadLetterEntry,
  Effect,
  EntityEvent,
  ReceiveMode,
  ReplyResult,
  StoredMessage,
} from './events.ts';
import { nowOf } from './events.ts';
import { enqueueStep } from './step.ts';
import { deadLetter, expireDue, expiresAt } from './expiry.ts';
import type { Rules } from './rules.ts';
import type { Scope } from './settlement.ts';
import { ALREADY_SETTLED, countByState, releaseLocked, settle, take, view } from './settlement.ts';

export interface SessionEntry {
  readonly active: boolean;
  readonly locked: boolean;
  /** Order in which the entity first saw the session: the `oldestFirst` accept-next order. */
  readonly order: number;
}

export interface Waiter {
  readonly from: ActorId;
  readonly reqId: number;
  readonly mode: ReceiveMode;
}

export interface EntityContext {
  readonly self: ActorId;
  readonly scope: Scope;
  readonly nextSeq: number;
  /** Only for seeded bug M13 (sequence numbers per session). */
  readonly sessionSeqs: Readonly<Record<string, number>>;
  readonly sessions: Readonly<Record<string, SessionEntry>>;
  readonly sessionCount: number;
  readonly dlq: readonly DeadLetterEntry[];
  /** accept-next calls waiting for a session to become available. */
  readonly waiters: readonly Waiter[];
  /**
   * When each accept-next that ever waited times out, by `from:reqId`: a retry (the session it was offered
   * was taken, or expired empty) keeps the deadline of the first wait (T3: one operation timeout).
   */
  readonly acceptDeadlines: Readonly<Record<string, number>>;
  /** Non-session mode: the messages, each with its own lock. */
  readonly messages: readonly StoredMessage[];
  readonly messageLocks: number;
  readonly parked: readonly (Waiter & { readonly max: number; readonly waitMs: number })[];
}

export interface EntityInput {
  readonly self: ActorId;
  readonly config: EntityConfig;
  readonly switches: Switches;
  readonly bugs: Bugs;
  readonly rules: Rules;
}

type Step = { patch: Partial<EntityContext>; fx: Effect[] };

export const sessionActorId = (entity: string, sessionId: string): ActorId => `session:${entity}/${sessionId}`;
export const lockActorId = (entity: string, sessionId: string): ActorId => `lock:${entity}/${sessionId}`;

const NO_SESSION_ID =
  'The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.';
const SESSION_ID_NULL_REASON = 'Session id is null.';
const SESSION_ID_NULL_DESCRIPTION = "Session enabled entity doesn't allow a message whose session identifier is null.";
const SESSIONFUL_ON_PLAIN =
  'It is not possible for an entity that does not require sessions to create a sessionful message receiver.';
const PLAIN_ON_SESSIONFUL =
  'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.';

function ok(to: ActorId, reqId: number, result: ReplyResult): Effect[] {
  return to === '' ? [] : [{ type: 'fx.send', to, event: { type: 'reply', reqId, ok: true, result } }];
}

function fail(ctx: EntityContext, req: ClientRequest, error: BrokerError, fact = true): Effect[] {
  const fx: Effect[] = [];
  if (fact) {
    fx.push({
      type: 'fx.fact',
      fact: {
        kind: 'opFailed',
        entity: ctx.scope.entity,
        session: null,
        consumer: req.from,
        op: req.type.slice(4),
        token: 'token' in req ? req.token : null,
        seq: 'seq' in req ? req.seq : null,
        code: error.code,
      },
    });
  }
  if (req.from !== '')
    fx.push({ type: 'fx.send', to: req.from, event: { type: 'reply', reqId: req.reqId, ok: false, error } });
  return fx;
}

function ensureSession(ctx: EntityContext, sessionId: string): Step {
  if (ctx.sessions[sessionId]) return { patch: {}, fx: [] };
  return {
    patch: {
      sessions: { ...ctx.sessions, [sessionId]: { active: false, locked: false, order: ctx.sessionCount } },
      sessionCount: ctx.sessionCount + 1,
    },
    fx: [{ type: 'fx.spawnSession', entity: ctx.scope.entity, sessionId }],
  };
}

function send(ctx: EntityContext, req: Extract<ClientRequest, { type: 'req.send' }>, nowMs: number): Step {
  const { config } = ctx.scope;
  const spec = req.message;
  if (spec.sessionId !== undefined && spec.sessionId.length > SESSION_ID_MAX_LENGTH) {
    return {
      patch: {},
      fx: fail(
        ctx,
        req,
        {
          code: 'GeneralError',
          message: "Length of 'sessionId' property on the message cannot be greater than 128 characters.",
        },
        false,
      ),
    };
  }
  if (config.requiresSession && spec.sessionId === undefined && config.kind === 'queue') {
    return {
      // Seeded bug M33: the rejected send has already taken a sequence number.
      patch: ctx.scope.bugs.rejectedSendConsumesSeq ? { nextSeq: ctx.nextSeq + 1 } : {},
      fx: [
        {
          type: 'fx.fact',
          fact: { kind: 'sendRejected', entity: config.name, messageId: spec.messageId, reason: NO_SESSION_ID },
        },
        ...fail(ctx, req, { code: 'GeneralError', message: `InvalidOperationError: ${NO_SESSION_ID}` }, false),
      ],
    };
  }
  // Seeded bug M13 numbers each session on its own instead of the entity.
  const perSession = ctx.scope.bugs.sequencePerSession === true && spec.sessionId !== undefined;
  const seq = perSession ? (ctx.sessionSeqs[spec.sessionId ?? ''] ?? 0) + 1 : ctx.nextSeq;
  const sessionId = config.requiresSession ? (spec.sessionId ?? null) : null;
  const message: StoredMessage = {
    seq,
    messageId: spec.messageId,
    sessionId,
    subject: spec.subject,
    replyToSessionId: spec.replyToSessionId,
    body: spec.body,
    enqueuedAtMs: nowMs,
    expiresAtMs:
      // Seeded bug M36: a message's own TTL is used as is, without the entity default as ceiling.
      ctx.scope.bugs.ttlCeilingIgnored && spec.ttlMs !== undefined
        ? nowMs + spec.ttlMs
        : // Seeded bug M37: the TTL is counted from time zero instead of from the enqueue time.
          expiresAt(ctx.scope.bugs.ttlFromTimeZero ? 0 : nowMs, spec.ttlMs, config),
    deliveryCount: 0,
    state: 'active',
    lockToken: null,
    deliveredUnder: null,
  };
  const fx: Effect[] = [
    {
      type: 'fx.fact',
      fact: {
        kind: 'sent',
        entity: config.name,
        session: sessionId,
        seq,
        messageId: spec.messageId,
        enqueuedAtMs: nowMs,
        expiresAtMs: message.expiresAtMs,
      },
    },
  ];
  const base: Step = {
    patch: perSession
      ? { nextSeq: ctx.nextSeq + 1, sessionSeqs: { ...ctx.sessionSeqs, [spec.sessionId ?? '']: seq } }
      : { nextSeq: seq + 1 },
    fx,
  };
  // Seeded bug M35: the subscription stores the message as a plain one instead of dead-lettering it.
  if (config.requiresSession && sessionId === null && !ctx.scope.bugs.sessionlessAcceptedOnSubscription) {
    // A subscription fed by a topic dead-letters a message without a session id (§8.1).
    // Seeded bug M34: the message is acknowledged and silently dropped instead.
    if (!ctx.scope.bugs.sessionlessDroppedOnSubscription)
      fx.push(
        ...deadLetter(message, SESSION_ID_NULL_REASON, SESSION_ID_NULL_DESCRIPTION, nowMs, {
          entity: config.name,
          entityActor: ctx.self,
        }),
      );
    fx.push(...ok(req.from, req.reqId, { kind: 'sent', seq }));
    return base;
  }
  if (sessionId === null) {
    const after = serveParked({ ...ctx, nextSeq: seq + 1, messages: [...ctx.messages, message] }, nowMs);
    return {
      patch: { nextSeq: seq + 1, messages: [...ctx.messages, message], ...after.patch },
      fx: [...fx, ...after.fx, ...ok(req.from, req.reqId, { kind: 'sent', seq })],
    };
  }
  const ensured = ensureSession(ctx, sessionId);
  return {
    patch: { ...base.patch, ...ensured.patch },
    fx: [
      ...ensured.fx,
      ...fx,
      { type: 'fx.send', to: sessionActorId(config.name, sessionId), event: { type: 'session.enqueue', message } },
      ...ok(req.from, req.reqId, { kind: 'sent', seq }),
    ],
  };
}

function available(ctx: EntityContext): string[] {
  const ids = Object.keys(ctx.sessions).filter((id) => {
    const s = ctx.sessions[id];
    return s !== undefined && s.active && (!s.locked || ctx.scope.bugs.acceptNextNotExclusive === true);
  });
  return ids.sort((a, b) => (ctx.sessions[a]?.order ?? 0) - (ctx.sessions[b]?.order ?? 0));
}

/** T3: grant an available session now (a Chooser decision), or wait for one until the timeout. */
function acceptNext(ctx: EntityContext, waiter: Waiter, nowMs: number, queued: boolean): Step {
  const candidates = available(ctx);
  if (candidates.length === 0) {
    if (queued) return { patch: {}, fx: [] };
    const key = `${waiter.from}:${waiter.reqId}`;
    const deadline = ctx.acceptDeadlines[key] ?? nowMs + ctx.scope.switches.acceptTimeoutMs;
    return {
      patch: { waiters: [...ctx.waiters, waiter], acceptDeadlines: { ...ctx.acceptDeadlines, [key]: deadline } },
      fx: [
        {
          type: 'fx.timer',
          key: `accept:${waiter.from}:${waiter.reqId}`,
          atMs: deadline,
          event: { type: 'entity.acceptTimeout', from: waiter.from, reqId: waiter.reqId },
        },
      ],
    };
  }
  const waiters = ctx.waiters.filter((w) => !(w.from === waiter.from && w.reqId === waiter.reqId));
  const chosen = {
    type: 'entity.acceptNextChosen' as const,
    from: waiter.from,
    reqId: waiter.reqId,
    mode: waiter.mode,
    candidates,
    choice: 0,
  };
  const fx: Effect[] = queued ? [{ type: 'fx.cancel', key: `accept:${waiter.from}:${waiter.reqId}` }] : [];
  if (ctx.scope.switches.acceptNextChoice === 'oldestFirst' || candidates.length === 1) {
    fx.push({ type: 'fx.send', to: ctx.self, event: chosen });
  } else {
    fx.push({ type: 'fx.choose', name: `acceptNext:${waiter.from}`, options: candidates, event: chosen });
  }
  return { patch: { waiters }, fx };
}

function serveWaiters(ctx: EntityContext, nowMs: number): Step {
  const first = ctx.waiters[0];
  if (!first || available(ctx).length === 0) return { patch: {}, fx: [] };
  return acceptNext(ctx, first, nowMs, true);
}

// ---------------------------------------------------------------------------------------------------
// Non-session mode: competing consumers, one peek-lock per message.

function plainExpiry(ctx: EntityContext, nowMs: number): Step {
  if (ctx.scope.bugs.deliverExpired) return { patch: {}, fx: [] };
  const out = expireDue(
    ctx.messages,
    nowMs,
    { entity: ctx.scope.entity, entityActor: ctx.self, sessionWide: false },
    ctx.scope.config,
  );
  return out.fx.length === 0 ? { patch: {}, fx: [] } : { patch: { messages: out.messages }, fx: [...out.fx] };
}

function plainTake(ctx: EntityContext, w: Waiter & { max: number }, nowMs: number): Step & { count: number } {
  let locks = ctx.messageLocks;
  const out = take(
    ctx.messages,
    { max: w.max, mode: w.mode, consumer: w.from, nowMs, tokenFor: () => `${ctx.scope.entity}#m${++locks}` },
    ctx.scope,
  );
  const fx: Effect[] = [...out.fx];
  const lockedUntilMs = nowMs + ctx.scope.config.lockDurationMs;
  const locked = new Set(out.delivered.flatMap((m) => (m.lockToken === null ? [] : [m.seq])));
  const messages =
    locked.size === 0 ? out.messages : out.messages.map((m) => (locked.has(m.seq) ? { ...m, lockedUntilMs } : m));
  for (const m of out.delivered) {
    if (m.lockToken === null) continue;
    fx.push({
      type: 'fx.timer',
      key: `mlock:${m.lockToken}`,
      atMs: nowMs + ctx.scope.config.lockDurationMs,
      event: { type: 'entity.messageLockExpire', seq: m.seq, token: m.lockToken },
    });
  }
  fx.push(
    ...ok(w.from, w.reqId, { kind: 'received', messages: out.delivered.map((m) => view(m, ctx.scope.switches)) }),
  );
  return { patch: { messages, messageLocks: locks }, fx, count: out.delivered.length };
}

function serveParked(ctx: EntityContext, nowMs: number): Step {
  if (ctx.parked.length === 0) return { patch: {}, fx: [] };
  // A waiting receive is a receive: expiry is evaluated first, so it never hands out an expired message (§4).
  const expired = plainExpiry(ctx, nowMs);
  let current = { ...ctx, ...expired.patch };
  const fx: Effect[] = [...expired.fx];
  const patch: Partial<EntityContext> = { ...expired.patch };
  while (current.parked.length > 0 && countByState(current.messages, 'active') > 0) {
    const [first, ...rest] = current.parked;
    if (!first) break;
    const out = plainTake({ ...current, parked: rest }, first, nowMs);
    Object.assign(patch, out.patch, { parked: rest });
    current = { ...current, ...out.patch, parked: rest };
    fx.push({ type: 'fx.cancel', key: `receive:${first.from}:${first.reqId}` }, ...out.fx);
  }
  return { patch, fx };
}

function handle(ctx: EntityContext, event: EntityEvent): Step {
  const nowMs = nowOf(event);
  const { config } = ctx.scope;
  switch (event.type) {
    case 'req.send':
      return send(ctx, event, nowMs);
    case 'req.accept': {
      if (!config.requiresSession)
        return {
          patch: {},
          fx: fail(ctx, event, { code: 'GeneralError', message: `InvalidOperationError: ${SESSIONFUL_ON_PLAIN}` }),
        };
      if (event.sessionId === null)
        return acceptNext(ctx, { from: event.from, reqId: event.reqId, mode: event.mode }, nowMs, false);
      if (event.sessionId.length > SESSION_ID_MAX_LENGTH) {
        return {
          patch: {},
          fx: fail(ctx, event, {
            code: 'GeneralError',
            message: 'The session id cannot be longer than 128 characters.',
          }),
        };
      }
      // A named session can be accepted before it has any message (§2.2): it exists from now on.
      const ensured = ensureSession(ctx, event.sessionId);
      return {
        patch: ensured.patch,
        fx: [...ensured.fx, { type: 'fx.send', to: sessionActorId(config.name, event.sessionId), event }],
      };
    }
    case 'entity.acceptNextChosen': {
      const sessionId = event.candidates[event.choice] ?? event.candidates[0] ?? '';
      return {
        patch: {},
        fx: [
          {
            type: 'fx.send',
            to: sessionActorId(config.name, sessionId),
            event: { type: 'session.acceptNext', from: event.from, reqId: event.reqId, mode: event.mode },
          },
        ],
      };
    }
    case 'entity.acceptNextRetry':
      return acceptNext(ctx, { from: event.from, reqId: event.reqId, mode: event.mode }, nowMs, false);
    case 'entity.status': {
      const prev = ctx.sessions[event.sessionId];
      const sessions = {
        ...ctx.sessions,
        [event.sessionId]: { active: event.active > 0, locked: event.locked, order: prev?.order ?? ctx.sessionCount },
      };
      const next = { ...ctx, sessions };
      // Seeded bug M28: a session that becomes available because a message arrived does not wake accept-next.
      const arrived = prev !== undefined && !prev.active && event.active > 0;
      // Seeded bug M52: a session freed by close, detach, crash or lock expiry is recorded as free but does
      // not wake accept-next; a waiter is served only by a later status change, or times out.
      const unlocked = prev !== undefined && prev.locked && !event.locked;
      const served =
        (ctx.scope.bugs.acceptNextNotWokenOnArrival && arrived) ||
        (ctx.scope.bugs.acceptNextNotWokenOnUnlock && unlocked)
          ? { patch: {}, fx: [] }
          : serveWaiters(next, nowMs);
      return { patch: { sessions, ...served.patch }, fx: served.fx };
    }
    case 'entity.acceptTimeout': {
      const waiters = ctx.waiters.filter((w) => !(w.from === event.from && w.reqId === event.reqId));
      if (waiters.length === ctx.waiters.length) return { patch: {}, fx: [] };
      const error: BrokerError = {
        code: 'ServiceTimeout',
        message: 'Failed to create a receiver within allocated time and retry attempts.',
      };
      return {
        patch: { waiters },
        fx: [
          {
            type: 'fx.fact',
            fact: { kind: 'acceptFailed', entity: config.name, session: null, consumer: event.from, code: error.code },
          },
          { type: 'fx.send', to: event.from, event: { type: 'reply', reqId: event.reqId, ok: false, error } },
        ],
      };
    }
    case 'entity.deadLetter':
      return { patch: { dlq: [...ctx.dlq, event.entry] }, fx: [] };
    case 'entity.gcTick': {
      const fx: Effect[] = Object.keys(ctx.sessions).map((id) => ({
        type: 'fx.send' as const,
        to: sessionActorId(config.name, id),
        event: { type: 'session.gcTick' },
      }));
      const expired = plainExpiry(ctx, nowMs);
      fx.push(...expired.fx, {
        type: 'fx.timer',
        key: 'gc',
        atMs: nowMs + ctx.scope.switches.gcTickMs,
        event: { type: 'entity.gcTick' },
      });
      return { patch: expired.patch, fx };
    }
    case 'req.receive': {
      if (config.requiresSession)
        return {
          patch: {},
          fx: fail(ctx, event, { code: 'GeneralError', message: `InvalidOperationError: ${PLAIN_ON_SESSIONFUL}` }),
        };
      const expired = plainExpiry(ctx, nowMs);
      const current = { ...ctx, ...expired.patch };
      if (countByState(current.messages, 'active') === 0 && event.waitMs > 0) {
        return {
          patch: {
            ...expired.patch,
            parked: [
              ...ctx.parked,
              { from: event.from, reqId: event.reqId, mode: event.mode, max: event.max, waitMs: event.waitMs },
            ],
          },
          fx: [
            ...expired.fx,
            {
              type: 'fx.timer',
              key: `receive:${event.from}:${event.reqId}`,
              atMs: nowMs + event.waitMs,
              event: { type: 'entity.receiveTimeout', from: event.from, reqId: event.reqId },
            },
          ],
        };
      }
      const out = plainTake(current, { from: event.from, reqId: event.reqId, mode: event.mode, max: event.max }, nowMs);
      return { patch: { ...expired.patch, ...out.patch }, fx: [...expired.fx, ...out.fx] };
    }
    case 'entity.receiveTimeout': {
      const parked = ctx.parked.filter((p) => !(p.from === event.from && p.reqId === event.reqId));
      if (parked.length === ctx.parked.length) return { patch: {}, fx: [] };
      return { patch: { parked }, fx: ok(event.from, event.reqId, { kind: 'received', messages: [] }) };
    }
    case 'req.settle': {
      if (config.requiresSession)
        return {
          patch: {},
          fx: fail(ctx, event, { code: 'GeneralError', message: `InvalidOperationError: ${PLAIN_ON_SESSIONFUL}` }),
        };
      // A message lock is void at its deadline (D4), even before the expiry timer due then has fired.
      const target = ctx.messages.find((m) => m.seq === event.seq);
      if (target?.lockedUntilMs !== undefined && nowMs >= target.lockedUntilMs && target.state === 'locked')
        return { patch: {}, fx: fail(ctx, event, { code: 'MessageLockLost', message: ALREADY_SETTLED }) };
      const out = settle(ctx.messages, { ...event, consumer: event.from, nowMs }, ctx.scope);
      if (out.error) return { patch: {}, fx: fail(ctx, event, out.error) };
      const next = { ...ctx, messages: out.messages };
      const served = serveParked(next, nowMs);
      return {
        patch: { messages: out.messages, ...served.patch },
        fx: [
          { type: 'fx.cancel', key: `mlock:${event.token}` },
          ...out.fx,
          ...ok(event.from, event.reqId, { kind: 'settled' }),
          ...served.fx,
        ],
      };
    }
    case 'entity.messageLockExpire': {
      const locked = ctx.messages.find(
        (m) => m.seq === event.seq && m.lockToken === event.token && m.state === 'locked',
      );
      if (!locked) return { patch: {}, fx: [] };
      // A message lock covers one message: `lockExpiryIncrementScope: all` is a session rule and does not apply.
      const scope = {
        ...ctx.scope,
        switches: { ...ctx.scope.switches, lockExpiryIncrementScope: 'delivered' as const },
      };
      const out = releaseLocked(ctx.messages, event.token, 'lockExpired', nowMs, scope);
      // Seeded bug M54: the message given back by its lock's expiry does not wake a parked receive.
      const served = ctx.scope.bugs.parkedReceiveNotServedOnLockExpiry
        ? { patch: {}, fx: [] }
        : serveParked({ ...ctx, messages: out.messages }, nowMs);
      return {
        patch: { messages: out.messages, ...served.patch },
        fx: [
          {
            type: 'fx.fact',
            fact: { kind: 'lockExpired', entity: config.name, session: null, consumer: '', token: event.token },
          },
          ...out.fx,
          ...served.fx,
        ],
      };
    }
    case 'req.peek': {
      // Peek takes no lock and changes nothing (§11). Across the sessions of a session entity it is not modelled.
      if (config.requiresSession)
        return {
          patch: {},
          fx: fail(ctx, event, { code: 'GeneralError', message: 'peek is an operation of a session receiver.' }),
        };
      const messages = ctx.messages
        .filter((m) => m.seq >= event.fromSeq)
        .slice(0, event.max)
        .map((m) => view(m, ctx.scope.switches, true));
      return { patch: {}, fx: ok(event.from, event.reqId, { kind: 'peeked', messages }) };
    }
    case 'req.renew':
    case 'req.getState':
    case 'req.setState':
    case 'req.receiveDeferred':
    case 'req.close':
      return {
        patch: {},
        fx: fail(ctx, event, {
          code: 'GeneralError',
          message: `${event.type.slice(4)} is an operation of a session receiver.`,
        }),
      };
  }
}

export const entityMachine = setup({
  types: {
    context: {} as EntityContext,
    events: {} as EntityEvent,
    input: {} as EntityInput,
    emitted: {} as Effect,
  },
  actions: {
    apply: enqueueActions(({ context, event, enqueue }) => {
      enqueueStep(enqueue, handle(context, event));
    }),
    startGc: enqueueActions(({ context, enqueue }) => {
      if (context.scope.switches.expiryTrigger !== 'gcTick') return;
      enqueue.emit({
        type: 'fx.timer',
        key: 'gc',
        atMs: context.scope.switches.gcTickMs,
        event: { type: 'entity.gcTick' },
      });
    }),
  },
}).createMachine({
  id: 'entity',
  context: ({ input }) => ({
    self: input.self,
    scope: {
      entity: input.config.name,
      entityActor: input.self,
      config: input.config,
      switches: input.switches,
      bugs: input.bugs,
      rules: input.rules,
    },
    nextSeq: 1,
    sessionSeqs: {},
    sessions: {},
    sessionCount: 0,
    dlq: [],
    waiters: [],
    acceptDeadlines: {},
    messages: [],
    messageLocks: 0,
    parked: [],
  }),
  initial: 'open',
  states: {
    open: {
      entry: 'startGc',
      on: { '*': { actions: 'apply' } },
    },
  },
});
