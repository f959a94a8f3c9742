/**
 * A queue or a subscription: configuration, sequence numbers, the session directory, accept-next and
 * the dead-letter queue. In a non-session entity it also holds the messages itself, each with its own
 * peek-lock (competing consumers), for contrast with sessions.
 *
 * The chart: region `mode` decides once, on the configuration, between `sessionful` and `plain` (§8.1:
 * a session-enabled entity serves session receivers only, and `requiresSession` is fixed at creation);
 * each mode handles its own operations, and the other mode's operations are one failing transition
 * each. Region `gc` is the optional background expiry sweep (§4), the same in both modes. The
 * dead-letter queue, and refusing session-receiver operations addressed to the entity, are the same in
 * every state and sit on the root.
 *
 * Rules: T1 (send: gapless increasing sequence numbers in acceptance order; no session id → rejected on
 * a queue, dead-lettered on a subscription), T3 (accept-next: only unlocked sessions with an active
 * message; times out), §8.1 (session and non-session receivers cannot be mixed). Reference §1, §2.3, §6, §8.
 */
import { and, assertEvent, emit, setup } from 'xstate';
import type { EntityConfig, Switches } from './config.ts';
import { SESSION_ID_MAX_LENGTH } from './config.ts';
import type {
  ActorId,
  BrokerError,
  ClientRequest,
  DeadLetterEntry,
  Effect,
  EntityEvent,
  MessageSpec,
  ReceiveMode,
  ReceivedMessage,
  ReplyResult,
  StoredMessage,
} from './events.ts';
import { nowOf } from './events.ts';
import { actionsFor, enqueueStep } from './step.ts';
import { deadLetter } from './expiry.ts';
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

export type ParkedReceive = Waiter & { readonly max: number; readonly waitMs: number };

export interface EntityContext {
  readonly self: ActorId;
  readonly scope: Scope;
  readonly nextSeq: number;
  /**
   * Sequence numbers counted per session. The entity numbers its messages across all sessions (T1,
   * §6), so its own transitions leave this empty.
   */
  readonly sessionSeqs: Readonly<Record<string, number>>;
  /** The message the last accepted send stored (numbered and stamped, T1), read by the send's later actions. */
  readonly lastSent: StoredMessage | null;
  /**
   * Every session the entity has seen. Updated in place, with `candidates`, rather than copied: a session
   * is never forgotten (§2.1), so the directory grows with the run, and copying it on every status report
   * made a run's cost grow with the square of its sessions. Nothing reads an entity snapshot once the
   * next event has been sent (the world reads the live context).
   */
  readonly sessions: Readonly<Record<string, SessionEntry>>;
  /** The sessions accept-next may offer (`Rules.offeredByAcceptNext` of their entry), with their `order`. */
  readonly candidates: ReadonlyMap<string, number>;
  readonly sessionCount: number;
  /** Appended to in place, as `sessions` is updated in place: copied on every dead letter, it cost the square of their number. */
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
  readonly parked: readonly ParkedReceive[];
  /** Plain peeks of a session entity gathering the sessions' answers, by `from#reqId` (§11). */
  readonly peeks: Readonly<Record<string, PeekInProgress>>;
}

/** A plain peek of a session entity waiting for its sessions' answers. */
export interface PeekInProgress {
  readonly max: number;
  readonly waiting: number;
  readonly messages: readonly ReceivedMessage[];
}

export interface EntityInput {
  readonly self: ActorId;
  readonly config: EntityConfig;
  readonly switches: Switches;
  readonly rules: Rules;
}

type Step = { patch: Partial<EntityContext>; fx: Effect[] };
const NOTHING: Step = { patch: {}, fx: [] };

export const sessionActorId = (entity: string, sessionId: string): ActorId => `session:${entity}/${sessionId}`;
export const lockActorId = (entity: string, sessionId: string): ActorId => `lock:${entity}/${sessionId}`;

export const NO_SESSION_ID =
  'The SessionId was not set on a message, and it cannot be sent to the entity. Entities that have session support enabled can only receive messages that have the SessionId set to a valid value.';
const SESSION_ID_NULL_REASON = 'Session id is null.';
const SESSION_ID_NULL_DESCRIPTION = "Session enabled entity doesn't allow a message whose session identifier is null.";
const SESSIONFUL_ON_PLAIN =
  'It is not possible for an entity that does not require sessions to create a sessionful message receiver.';
const PLAIN_ON_SESSIONFUL =
  'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.';

// ---------------------------------------------------------------------------------------------------
// Pure helpers: (context, event) → (patch, effects), called from the named actions below.

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

/** The session id a send or a named accept is about. */
function sessionIdOf(event: EntityEvent): string | undefined {
  if (event.type === 'req.send') return event.message.sessionId;
  if (event.type === 'req.accept') return event.sessionId ?? undefined;
  return undefined;
}

function ensureSession(ctx: EntityContext, sessionId: string): Step {
  if (ctx.sessions[sessionId]) return NOTHING;
  enter(ctx, sessionId, { active: false, locked: false, order: ctx.sessionCount });
  return {
    patch: { sessionCount: ctx.sessionCount + 1 },
    fx: [{ type: 'fx.spawnSession', entity: ctx.scope.entity, sessionId }],
  };
}

/** Write a session's entry into the directory, in place, and keep `candidates` in step with it. */
function enter(ctx: EntityContext, sessionId: string, entry: SessionEntry): void {
  (ctx.sessions as Record<string, SessionEntry>)[sessionId] = entry;
  const candidates = ctx.candidates as Map<string, number>;
  if (ctx.scope.rules.offeredByAcceptNext(entry)) candidates.set(sessionId, entry.order);
  else candidates.delete(sessionId);
}

/** The message the send being handled has just stamped (`stampMessage` runs first in every accepting send). */
function lastSent(ctx: EntityContext): StoredMessage {
  if (ctx.lastSent === null) throw new Error(`${ctx.self}: a send action ran before the message was stamped`);
  return ctx.lastSent;
}

/** T1: the message as stored, numbered `seq` and stamped with its enqueue and expiry times (D2). */
export function stamp(ctx: EntityContext, spec: MessageSpec, seq: number, nowMs: number): StoredMessage {
  const { config, rules } = ctx.scope;
  return {
    seq,
    messageId: spec.messageId,
    sessionId: config.requiresSession ? (spec.sessionId ?? null) : null,
    subject: spec.subject,
    replyToSessionId: spec.replyToSessionId,
    body: spec.body,
    enqueuedAtMs: nowMs,
    expiresAtMs: rules.messageExpiresAt(nowMs, spec.ttlMs, config),
    deliveryCount: 0,
    state: 'active',
    lockToken: null,
    deliveredUnder: null,
  };
}

/** The fact of a send refused for lacking a session id (T1, §8.1). */
export function sendRejected(ctx: EntityContext, spec: MessageSpec): Effect {
  return {
    type: 'fx.fact',
    fact: { kind: 'sendRejected', entity: ctx.scope.entity, messageId: spec.messageId, reason: NO_SESSION_ID },
  };
}

/** T3: the sessions accept-next may offer, oldest first. */
function available(ctx: EntityContext): string[] {
  const ids = [...ctx.candidates.keys()];
  return ids.sort((a, b) => (ctx.candidates.get(a) ?? 0) - (ctx.candidates.get(b) ?? 0));
}

/** T3: offer one of `candidates` (a Chooser decision unless there is one, or the order is `oldestFirst`). */
function offer(ctx: EntityContext, waiter: Waiter, candidates: readonly string[], queued: boolean): Step {
  const waiters = ctx.waiters.filter((w) => !(w.from === waiter.from && w.reqId === waiter.reqId));
  // The chosen session is told directly: the choice needs no round trip through the entity.
  const tell = (sessionId: string) => ({
    to: sessionActorId(ctx.scope.entity, sessionId),
    event: { type: 'session.acceptNext' as const, from: waiter.from, reqId: waiter.reqId, mode: waiter.mode },
  });
  const fx: Effect[] = queued ? [{ type: 'fx.cancel', key: `accept:${waiter.from}:${waiter.reqId}` }] : [];
  if (ctx.scope.switches.acceptNextChoice === 'oldestFirst' || candidates.length === 1) {
    fx.push({ type: 'fx.send', ...tell(candidates[0] ?? '') });
  } else {
    fx.push({
      type: 'fx.chooseSend',
      name: `acceptNext:${waiter.from}`,
      options: candidates,
      sends: candidates.map(tell),
    });
  }
  return { patch: { waiters }, fx };
}

/** T3: wait for a session until the operation timeout; a retry keeps the deadline of its first wait. */
function wait(ctx: EntityContext, waiter: Waiter, nowMs: number): Step {
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

/** A session's directory entry after its status report. */
function withStatus(ctx: EntityContext, event: Extract<EntityEvent, { type: 'entity.status' }>): SessionEntry {
  const prev = ctx.sessions[event.sessionId];
  return { active: event.active > 0, locked: event.locked, order: prev?.order ?? ctx.sessionCount };
}

/** T3: a status report wakes the first waiting accept-next when, after it, some session is available. */
export function wakesWaiter(ctx: EntityContext, event: Extract<EntityEvent, { type: 'entity.status' }>): boolean {
  if (ctx.waiters.length === 0) return false;
  if (ctx.scope.rules.offeredByAcceptNext(withStatus(ctx, event))) return true;
  // Some other session is available (this one's entry is about to be replaced).
  return ctx.candidates.size - (ctx.candidates.has(event.sessionId) ? 1 : 0) > 0;
}

// Non-session mode: competing consumers, one peek-lock per message.

/** §4: expiry is evaluated before messages are handed out, on the entity's own messages. */
function plainExpiry(ctx: EntityContext, nowMs: number): Step {
  const out = ctx.scope.rules.expireDue(
    ctx.messages,
    nowMs,
    { entity: ctx.scope.entity, entityActor: ctx.self, sessionWide: false },
    ctx.scope.config,
  );
  return out.fx.length === 0 ? NOTHING : { patch: { messages: out.messages }, fx: [...out.fx] };
}

function plainTake(ctx: EntityContext, w: Waiter & { max: number }, nowMs: number): Step {
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
  return { patch: { messages, messageLocks: locks }, fx };
}

/** Serve parked receives, oldest first, while there are active messages. */
export function serveParked(ctx: EntityContext, nowMs: number): Step {
  if (ctx.parked.length === 0) return NOTHING;
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

function settleRequest(event: Extract<EntityEvent, { type: 'req.settle' }>) {
  return { ...event, consumer: event.from, nowMs: nowOf(event) };
}

// ---------------------------------------------------------------------------------------------------
// The chart

const { patch, act } = actionsFor<EntityContext, EntityEvent>();

export const entityMachine = setup({
  types: {
    context: {} as EntityContext,
    events: {} as EntityEvent,
    input: {} as EntityInput,
    emitted: {} as Effect,
  },
  guards: {
    /** §11: the entity has seen a session to ask for a plain peek. */
    hasSessions: ({ context }) => Object.keys(context.sessions).length > 0,
    /** §11: this session's answer is the last one the plain peek waits for. */
    lastSessionShown: ({ context, event }) =>
      event.type === 'entity.peeked' && context.peeks[`${event.from}#${event.reqId}`]?.waiting === 1,
    /** §8.1: a session-enabled entity (fixed at creation, §1) serves session receivers only. */
    requiresSession: ({ context }) => context.scope.config.requiresSession,
    /** §4, §13: the optional background expiry sweep is on (`expiryTrigger: gcTick`). */
    sweepsOnTick: ({ context }) => context.scope.switches.expiryTrigger === 'gcTick',
    /** §1: a session id is at most 128 characters, on a message and on accept. */
    sessionIdTooLong: ({ event }) => (sessionIdOf(event)?.length ?? 0) > SESSION_ID_MAX_LENGTH,
    /** T1, §8.1: a session-enabled queue rejects a message without a session id. */
    lacksSessionIdOnQueue: ({ context, event }) => {
      assertEvent(event, 'req.send');
      return event.message.sessionId === undefined && context.scope.config.kind === 'queue';
    },
    /** T1, §8.1: a message without a session id (on a subscription, fed by a topic). */
    lacksSessionId: ({ event }) => {
      assertEvent(event, 'req.send');
      return event.message.sessionId === undefined;
    },
    /** T3: accept-next names no session. */
    isAcceptNext: ({ event }) => {
      assertEvent(event, 'req.accept');
      return event.sessionId === null;
    },
    /** T3: some session is unlocked and has an active message. */
    sessionAvailable: ({ context }) => available(context).length > 0,
    /** T3: after this status report a session is available for the first waiting accept-next. */
    wakesWaiter: ({ context, event }) => {
      assertEvent(event, 'entity.status');
      return wakesWaiter(context, event);
    },
    /** T3: the accept-next is still waiting (not served since its timer was set). */
    stillWaiting: ({ context, event }) => {
      assertEvent(event, 'entity.acceptTimeout');
      return context.waiters.some((w) => w.from === event.from && w.reqId === event.reqId);
    },
    /** §3.1: no active message (once what is due has expired, §4) and the receive may wait. */
    mustWaitForMessage: ({ context, event }) => {
      assertEvent(event, 'req.receive');
      if (event.waitMs <= 0) return false;
      return countByState({ ...context, ...plainExpiry(context, nowOf(event)).patch }.messages, 'active') === 0;
    },
    /** The receive is still parked (not served since its timer was set). */
    stillParked: ({ context, event }) => {
      assertEvent(event, 'entity.receiveTimeout');
      return context.parked.some((p) => p.from === event.from && p.reqId === event.reqId);
    },
    /** D4: a message lock is void at its deadline, even before the expiry timer due then has fired. */
    messageLockLapsed: ({ context, event }) => {
      assertEvent(event, 'req.settle');
      const target = context.messages.find((m) => m.seq === event.seq);
      return target?.lockedUntilMs !== undefined && nowOf(event) >= target.lockedUntilMs && target.state === 'locked';
    },
    /** T5–T8: the message is not locked under the caller's token. */
    notLockedByCaller: ({ context, event }) => {
      assertEvent(event, 'req.settle');
      return settle(context.messages, settleRequest(event), context.scope).error !== undefined;
    },
    /** D4: the expiring message lock still holds its message. */
    messageLockHeld: ({ context, event }) => {
      assertEvent(event, 'entity.messageLockExpire');
      return context.messages.some((m) => m.seq === event.seq && m.lockToken === event.token && m.state === 'locked');
    },
  },
  actions: {
    /** §4: arm the next background sweep. */
    armSweep: emit(({ context, event }) => ({
      type: 'fx.timer' as const,
      key: 'gc',
      atMs: nowOf(event) + context.scope.switches.gcTickMs,
      event: { type: 'entity.gcTick' as const },
    })),
    /** §4: every session sweeps its own expired messages. */
    sweepSessions: act(({ context, enqueue }) => {
      for (const id of Object.keys(context.sessions))
        enqueue.emit({
          type: 'fx.send',
          to: sessionActorId(context.scope.entity, id),
          event: { type: 'session.gcTick' },
        });
    }),
    /** §4, T14: expire what is due among the entity's own messages. */
    expireDueMessages: act(({ context, event, enqueue }) => {
      enqueueStep(enqueue, plainExpiry(context, nowOf(event)));
    }),
    /** §3.5: a dead-lettered message joins the entity's dead-letter queue. */
    recordDeadLetter: act(({ context, event }) => {
      assertEvent(event, 'entity.deadLetter');
      (context.dlq as DeadLetterEntry[]).push(event.entry);
    }),

    // Send (T1)
    /** §1: a session id longer than 128 characters is refused by the client library (no broker fact). */
    refuseLongSessionIdOnSend: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.send');
      const message = "Length of 'sessionId' property on the message cannot be greater than 128 characters.";
      for (const fx of fail(context, event, { code: 'GeneralError', message }, false)) enqueue.emit(fx);
    }),
    /** T1, §8.1: the rejected send, as a fact. */
    reportSendRejected: emit(({ context, event }) => {
      assertEvent(event, 'req.send');
      return sendRejected(context, event.message);
    }),
    /** T1, §8.1: the sender is told `InvalidOperationException`. */
    refuseSessionlessSend: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.send');
      const error: BrokerError = { code: 'GeneralError', message: `InvalidOperationError: ${NO_SESSION_ID}` };
      for (const fx of fail(context, event, error, false)) enqueue.emit(fx);
    }),
    /** T1, §6: the message takes the entity's next sequence number, gapless and increasing. */
    stampMessage: patch(({ context, event }) => {
      assertEvent(event, 'req.send');
      const seq = context.nextSeq;
      return { nextSeq: seq + 1, lastSent: stamp(context, event.message, seq, nowOf(event)) };
    }),
    /** §2.1: a session exists from its first message, or its first named accept. */
    registerSession: act(({ context, event, enqueue }) => {
      const sessionId = sessionIdOf(event);
      if (sessionId !== undefined) enqueueStep(enqueue, ensureSession(context, sessionId));
    }),
    /** T1: the accepted message, as a fact. */
    reportSent: emit(({ context }) => {
      const m = lastSent(context);
      return {
        type: 'fx.fact' as const,
        fact: {
          kind: 'sent' as const,
          entity: context.scope.entity,
          session: m.sessionId,
          seq: m.seq,
          messageId: m.messageId,
          enqueuedAtMs: m.enqueuedAtMs,
          expiresAtMs: m.expiresAtMs,
        },
      };
    }),
    /** T1: the message joins its session, in sequence order. */
    enqueueInSession: emit(({ context }) => {
      const message = lastSent(context);
      return {
        type: 'fx.send' as const,
        to: sessionActorId(context.scope.entity, message.sessionId ?? ''),
        event: { type: 'session.enqueue' as const, message },
      };
    }),
    /** T1, §8.1: a subscription dead-letters a message without a session id with `Session id is null.`. */
    deadLetterSessionless: act(({ context, event, enqueue }) => {
      const message = lastSent(context);
      const scope = { entity: context.scope.entity, entityActor: context.self };
      for (const fx of deadLetter(message, SESSION_ID_NULL_REASON, SESSION_ID_NULL_DESCRIPTION, nowOf(event), scope))
        enqueue.emit(fx);
    }),
    /** Non-session mode: the entity keeps the message itself. */
    storeMessage: patch(({ context }) => ({ messages: [...context.messages, lastSent(context)] })),
    /** T1: the sender is told the sequence number. */
    acknowledgeSend: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.send');
      for (const fx of ok(event.from, event.reqId, { kind: 'sent', seq: context.lastSent?.seq ?? null }))
        enqueue.emit(fx);
    }),

    // Sessions (T2, T3)
    /** §1: a session id longer than 128 characters cannot be accepted. */
    refuseLongSessionIdOnAccept: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.accept');
      const error: BrokerError = {
        code: 'GeneralError',
        message: 'The session id cannot be longer than 128 characters.',
      };
      for (const fx of fail(context, event, error)) enqueue.emit(fx);
    }),
    /** T2, §2.2: a named accept is the session's to decide (its lock is exclusive). */
    routeAccept: emit(({ context, event }) => {
      assertEvent(event, 'req.accept');
      return { type: 'fx.send' as const, to: sessionActorId(context.scope.entity, event.sessionId ?? ''), event };
    }),
    /** T3: offer an available session to the accept-next. */
    offerSession: act(({ context, event, enqueue }) => {
      assertEvent(event, ['req.accept', 'entity.acceptNextRetry']);
      const waiter = { from: event.from, reqId: event.reqId, mode: event.mode };
      enqueueStep(enqueue, offer(context, waiter, available(context), false));
    }),
    /** T3: no session is available: wait for one until the operation timeout. */
    waitForSession: act(({ context, event, enqueue }) => {
      assertEvent(event, ['req.accept', 'entity.acceptNextRetry']);
      enqueueStep(enqueue, wait(context, { from: event.from, reqId: event.reqId, mode: event.mode }, nowOf(event)));
    }),
    /** T3: record whether a session has active messages and whether it is locked. */
    recordStatus: act(({ context, event }) => {
      assertEvent(event, 'entity.status');
      enter(context, event.sessionId, withStatus(context, event));
    }),
    /** T3: the first waiting accept-next is offered an available session. */
    serveWaiter: act(({ context, enqueue }) => {
      const first = context.waiters[0];
      if (first) enqueueStep(enqueue, offer(context, first, available(context), true));
    }),
    /** T3: the accept-next stops waiting. */
    stopWaiting: patch(({ context, event }) => {
      assertEvent(event, 'entity.acceptTimeout');
      return { waiters: context.waiters.filter((w) => !(w.from === event.from && w.reqId === event.reqId)) };
    }),
    /** T3: no session became available in time: `ServiceTimeout`. */
    failAcceptTimeout: act(({ context, event, enqueue }) => {
      assertEvent(event, 'entity.acceptTimeout');
      const error: BrokerError = {
        code: 'ServiceTimeout',
        message: 'Failed to create a receiver within allocated time and retry attempts.',
      };
      enqueue.emit({
        type: 'fx.fact',
        fact: {
          kind: 'acceptFailed',
          entity: context.scope.entity,
          session: null,
          consumer: event.from,
          code: error.code,
        },
      });
      enqueue.emit({ type: 'fx.send', to: event.from, event: { type: 'reply', reqId: event.reqId, ok: false, error } });
    }),

    // Non-session receivers (message locks)
    /** §3.1: the receive waits for a message until its wait time. */
    parkReceive: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.receive');
      const { from, reqId, max, waitMs } = event;
      const mode = event.mode ?? 'peekLock';
      enqueue.assign({ parked: [...context.parked, { from, reqId, mode, max, waitMs }] });
      enqueue.emit({
        type: 'fx.timer',
        key: `receive:${from}:${reqId}`,
        atMs: nowOf(event) + waitMs,
        event: { type: 'entity.receiveTimeout', from, reqId },
      });
    }),
    /** T4, T4' for message locks: hand out the first active messages, each under its own lock until now + LD. */
    deliverMessages: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.receive');
      const { from, reqId, max } = event;
      enqueueStep(enqueue, plainTake(context, { from, reqId, mode: event.mode ?? 'peekLock', max }, nowOf(event)));
    }),
    /** §3.1: the wait time passed with no message: the receive returns empty. */
    unparkEmpty: act(({ context, event, enqueue }) => {
      assertEvent(event, 'entity.receiveTimeout');
      enqueue.assign({ parked: context.parked.filter((p) => !(p.from === event.from && p.reqId === event.reqId)) });
      for (const fx of ok(event.from, event.reqId, { kind: 'received', messages: [] })) enqueue.emit(fx);
    }),
    /** Parked receives are served, oldest first, while there are active messages. */
    serveParked: act(({ context, event, enqueue }) => {
      enqueueStep(enqueue, serveParked(context, nowOf(event)));
    }),
    /** T5–T8: a lost message lock: `MessageLockLost`. */
    failMessageLockLost: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.settle');
      for (const fx of fail(context, event, { code: 'MessageLockLost', message: ALREADY_SETTLED })) enqueue.emit(fx);
    }),
    /** T5–T8: settle the message under its lock (its lock timer goes). */
    settleMessage: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.settle');
      const out = settle(context.messages, settleRequest(event), context.scope);
      enqueue.assign({ messages: out.messages });
      enqueue.emit({ type: 'fx.cancel', key: `mlock:${event.token}` });
      for (const fx of out.fx) enqueue.emit(fx);
    }),
    /** T5–T8: the settler is told. */
    acknowledgeSettle: act(({ event, enqueue }) => {
      assertEvent(event, 'req.settle');
      for (const fx of ok(event.from, event.reqId, { kind: 'settled' })) enqueue.emit(fx);
    }),
    /** D4: the message lock expired, as a fact. */
    reportMessageLockExpired: emit(({ context, event }) => {
      assertEvent(event, 'entity.messageLockExpire');
      return {
        type: 'fx.fact' as const,
        fact: {
          kind: 'lockExpired' as const,
          entity: context.scope.entity,
          session: null,
          consumer: '',
          token: event.token,
        },
      };
    }),
    /** T11 for one message: it is active again with its count raised (or expires, or is dead-lettered). */
    returnMessage: act(({ context, event, enqueue }) => {
      assertEvent(event, 'entity.messageLockExpire');
      // A message lock covers one message: `lockExpiryIncrementScope: all` is a session rule and does not apply.
      const scope = {
        ...context.scope,
        switches: { ...context.scope.switches, lockExpiryIncrementScope: 'delivered' as const },
      };
      const out = releaseLocked(context.messages, event.token, 'lockExpired', nowOf(event), scope);
      enqueue.assign({ messages: out.messages });
      for (const fx of out.fx) enqueue.emit(fx);
    }),
    /** §11: a plain receiver may peek a session entity, across its sessions: each session is asked. */
    askSessionsToShow: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.peek');
      const ids = Object.keys(context.sessions);
      const key = `${event.from}#${event.reqId}`;
      enqueue.assign({
        peeks: { ...context.peeks, [key]: { max: event.max, waiting: ids.length, messages: [] } },
      });
      for (const id of ids)
        enqueue.emit({
          type: 'fx.send',
          to: sessionActorId(context.scope.entity, id),
          event: {
            type: 'session.peekFor',
            from: event.from,
            reqId: event.reqId,
            fromSeq: event.fromSeq,
            max: event.max,
          },
        });
    }),
    /** §11: a session entity that has seen no session yet shows nothing. */
    replyPeekedNothing: act(({ event, enqueue }) => {
      assertEvent(event, 'req.peek');
      for (const fx of ok(event.from, event.reqId, { kind: 'peeked', messages: [] })) enqueue.emit(fx);
    }),
    /** One session's messages for a plain peek, kept until every session has answered. */
    gatherPeeked: act(({ context, event, enqueue }) => {
      assertEvent(event, 'entity.peeked');
      const key = `${event.from}#${event.reqId}`;
      const peek = context.peeks[key];
      if (!peek) return;
      enqueue.assign({
        peeks: {
          ...context.peeks,
          [key]: { ...peek, waiting: peek.waiting - 1, messages: [...peek.messages, ...event.messages] },
        },
      });
    }),
    /** §11: the peek across sessions answers in sequence-number order, up to `max`. */
    replyPeekedAcrossSessions: act(({ context, event, enqueue }) => {
      assertEvent(event, 'entity.peeked');
      const key = `${event.from}#${event.reqId}`;
      const peek = context.peeks[key];
      if (!peek) return;
      const messages = [...peek.messages].sort((a, b) => a.seq - b.seq).slice(0, peek.max);
      const { [key]: _done, ...rest } = context.peeks;
      enqueue.assign({ peeks: rest });
      for (const fx of ok(event.from, event.reqId, { kind: 'peeked', messages })) enqueue.emit(fx);
    }),
    /** §11: peek takes no lock and changes nothing. */
    replyPeeked: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.peek');
      const messages = context.messages
        .filter((m) => m.seq >= event.fromSeq)
        .slice(0, event.max)
        .map((m) => view(m, context.scope.switches, true));
      for (const fx of ok(event.from, event.reqId, { kind: 'peeked', messages })) enqueue.emit(fx);
    }),

    // Wrong-mode and wrong-receiver operations (§8.1)
    /** §8.1: a session receiver on an entity without sessions fails. */
    refuseSessionReceiver: act(({ context, event, enqueue }) => {
      assertEvent(event, 'req.accept');
      const error: BrokerError = { code: 'GeneralError', message: `InvalidOperationError: ${SESSIONFUL_ON_PLAIN}` };
      for (const fx of fail(context, event, error)) enqueue.emit(fx);
    }),
    /** §8.1: a non-session receiver on a session-enabled entity fails on first use. */
    refusePlainReceiver: act(({ context, event, enqueue }) => {
      assertEvent(event, ['req.receive', 'req.settle']);
      const error: BrokerError = { code: 'GeneralError', message: `InvalidOperationError: ${PLAIN_ON_SESSIONFUL}` };
      for (const fx of fail(context, event, error)) enqueue.emit(fx);
    }),
    /** §2, §5: renew, session state, deferred fetch, close (and peek of a session entity) belong to a session receiver. */
    refuseSessionReceiverOp: act(({ context, event, enqueue }) => {
      assertEvent(event, ['req.renew', 'req.getState', 'req.setState', 'req.receiveDeferred', 'req.close', 'req.peek']);
      const error: BrokerError = {
        code: 'GeneralError',
        message: `${event.type.slice(4)} is an operation of a session receiver.`,
      };
      for (const fx of fail(context, event, error)) enqueue.emit(fx);
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
      rules: input.rules,
    },
    nextSeq: 1,
    sessionSeqs: {},
    lastSent: null,
    sessions: {},
    candidates: new Map(),
    sessionCount: 0,
    dlq: [],
    waiters: [],
    acceptDeadlines: {},
    messages: [],
    messageLocks: 0,
    parked: [],
    peeks: {},
  }),
  type: 'parallel',
  on: {
    'entity.deadLetter': { actions: 'recordDeadLetter' },
    'req.renew': { actions: 'refuseSessionReceiverOp' },
    'req.getState': { actions: 'refuseSessionReceiverOp' },
    'req.setState': { actions: 'refuseSessionReceiverOp' },
    'req.receiveDeferred': { actions: 'refuseSessionReceiverOp' },
    'req.close': { actions: 'refuseSessionReceiverOp' },
  },
  states: {
    mode: {
      initial: 'init',
      states: {
        init: {
          always: [{ guard: 'requiresSession', target: 'sessionful' }, { target: 'plain' }],
        },
        sessionful: {
          on: {
            'req.send': [
              { guard: 'sessionIdTooLong', actions: 'refuseLongSessionIdOnSend' },
              { guard: 'lacksSessionIdOnQueue', actions: ['reportSendRejected', 'refuseSessionlessSend'] },
              {
                guard: 'lacksSessionId',
                actions: ['stampMessage', 'reportSent', 'deadLetterSessionless', 'acknowledgeSend'],
              },
              { actions: ['stampMessage', 'registerSession', 'reportSent', 'enqueueInSession', 'acknowledgeSend'] },
            ],
            'req.accept': [
              { guard: and(['isAcceptNext', 'sessionAvailable']), actions: 'offerSession' },
              { guard: 'isAcceptNext', actions: 'waitForSession' },
              { guard: 'sessionIdTooLong', actions: 'refuseLongSessionIdOnAccept' },
              { actions: ['registerSession', 'routeAccept'] },
            ],
            'entity.acceptNextRetry': [
              { guard: 'sessionAvailable', actions: 'offerSession' },
              { actions: 'waitForSession' },
            ],
            'entity.status': [
              { guard: 'wakesWaiter', actions: ['recordStatus', 'serveWaiter'] },
              { actions: 'recordStatus' },
            ],
            'entity.acceptTimeout': { guard: 'stillWaiting', actions: ['stopWaiting', 'failAcceptTimeout'] },
            'req.receive': { actions: 'refusePlainReceiver' },
            'req.settle': { actions: 'refusePlainReceiver' },
            'req.peek': [{ guard: 'hasSessions', actions: 'askSessionsToShow' }, { actions: 'replyPeekedNothing' }],
            'entity.peeked': [
              { guard: 'lastSessionShown', actions: ['gatherPeeked', 'replyPeekedAcrossSessions'] },
              { actions: 'gatherPeeked' },
            ],
          },
        },
        plain: {
          on: {
            'req.send': [
              { guard: 'sessionIdTooLong', actions: 'refuseLongSessionIdOnSend' },
              { actions: ['stampMessage', 'reportSent', 'storeMessage', 'serveParked', 'acknowledgeSend'] },
            ],
            'req.receive': [
              { guard: 'mustWaitForMessage', actions: ['expireDueMessages', 'parkReceive'] },
              { actions: ['expireDueMessages', 'deliverMessages'] },
            ],
            'entity.receiveTimeout': { guard: 'stillParked', actions: 'unparkEmpty' },
            'req.settle': [
              { guard: 'messageLockLapsed', actions: 'failMessageLockLost' },
              { guard: 'notLockedByCaller', actions: 'failMessageLockLost' },
              { actions: ['settleMessage', 'acknowledgeSettle', 'serveParked'] },
            ],
            'entity.messageLockExpire': {
              guard: 'messageLockHeld',
              actions: ['reportMessageLockExpired', 'returnMessage', 'serveParked'],
            },
            'req.peek': { actions: 'replyPeeked' },
            'req.accept': { actions: 'refuseSessionReceiver' },
          },
        },
      },
    },
    gc: {
      initial: 'init',
      states: {
        init: {
          always: [{ guard: 'sweepsOnTick', target: 'sweeping' }, { target: 'off' }],
        },
        off: {},
        sweeping: {
          entry: 'armSweep',
          on: {
            'entity.gcTick': { actions: ['sweepSessions', 'expireDueMessages', 'armSweep'] },
          },
        },
      },
    },
  },
});
