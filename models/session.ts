/**
 * One session of a session-enabled entity: its ordered messages, its lock holder (as the lock actor
 * last reported it), its state blob and the receive parked on it.
 *
 * Sessions exist implicitly (§2.1): the world spawns this actor the first time the entity sees the
 * session id, by a message or by a named accept. State outlives the messages (§5).
 *
 * The chart: `unlocked` | `locked`. The lock actor (models/session-lock.ts) is the authority on who holds
 * the session; `locked` with `holder` in context is the session's mirror of it, entered on `lock.granted`
 * (or a renewal) and left only on the holder's `lock.released` / `lock.expired`. Every request that needs
 * the lock is taken only under a valid lock (`holdsValidLock`, T11) and otherwise fails with
 * SessionLockLost (`failLockLost`); in `unlocked` no lock is valid. Named actions run in order, each
 * seeing the context the previous ones left; the pure arithmetic lives in settlement.ts, expiry.ts and
 * the swappable rules (rules.ts).
 *
 * Rules: T2–T13 for one session. Reference §2–§5.
 */
import { and, assertEvent, setup } from 'xstate';
import type { EntityConfig, Switches } from './config.ts';
import { SESSION_STATE_LIMIT_BYTES } from './config.ts';
import type {
  ActorId,
  BrokerError,
  ClientRequest,
  Effect,
  ReceiveMode,
  ReplyResult,
  SessionEvent,
  StoredMessage,
} from './events.ts';
import { nowOf } from './events.ts';
import { actionsFor } from './step.ts';
import { expire, expireDue } from './expiry.ts';
import type { Rules } from './rules.ts';
import type { Scope } from './settlement.ts';
import { ALREADY_SETTLED, releaseLocked, settle, settleable, take, view } from './settlement.ts';

const actions = actionsFor<SessionContext, SessionEvent>();
const { patch } = actions;

export interface Holder {
  readonly owner: ActorId;
  readonly token: string;
  readonly lockedUntilMs: number;
  readonly mode: ReceiveMode;
}

export interface ParkedReceive {
  readonly from: ActorId;
  readonly reqId: number;
  readonly max: number;
  readonly mode: ReceiveMode;
}

export interface WaitingAccept {
  readonly from: ActorId;
  readonly reqId: number;
  readonly mode: ReceiveMode;
}

export interface SessionContext {
  readonly self: ActorId;
  readonly lockActor: ActorId;
  readonly sessionId: string;
  readonly scope: Scope;
  readonly messages: readonly StoredMessage[];
  /** The lock holder as the lock actor last reported it: non-null exactly in `locked`. */
  readonly holder: Holder | null;
  readonly state: string | null;
  readonly locks: number;
  readonly parked: ParkedReceive | null;
  /** Named accepts waiting for the lock when `acceptNamedWhenLocked` is `wait`. */
  readonly waiting: readonly WaitingAccept[];
  /** Last availability reported to the entity: `active>0` and `locked`, so it only hears of changes. */
  readonly reported: string;
  /** Within a release: a message given back by it has expired, which sets off the session-wide rule (§4). */
  readonly expiredOnRelease: boolean;
}

export interface SessionInput {
  readonly self: ActorId;
  readonly lockActor: ActorId;
  readonly entityActor: ActorId;
  readonly sessionId: string;
  readonly config: EntityConfig;
  readonly switches: Switches;
  readonly rules: Rules;
}

type Patch = Partial<SessionContext>;
/** What one named action does: a context patch and the effects to emit, in order. */
export interface Step {
  patch: Patch;
  fx: Effect[];
}

export const NO_STEP: Step = { patch: {}, fx: [] };

const LOCK_LOST = (sessionId: string): BrokerError => ({
  code: 'SessionLockLost',
  message: `The session lock has expired on the session with id ${sessionId}`,
});

export function ok(to: ActorId, reqId: number, result: ReplyResult): Effect {
  return { type: 'fx.send', to, event: { type: 'reply', reqId, ok: true, result } };
}

function fail(to: ActorId, reqId: number, error: BrokerError): Effect {
  return { type: 'fx.send', to, event: { type: 'reply', reqId, ok: false, error } };
}

/**
 * The caller holds a valid lock: its token, and the deadline not reached. At `now ≥ lockedUntil` the
 * lock has expired (T11) even if the expiry timer due at this same instant has not been delivered yet.
 */
function holds(ctx: SessionContext, token: string | null, nowMs: number): boolean {
  if (ctx.holder === null || ctx.holder.token !== token) return false;
  return ctx.scope.rules.lockValidAt(ctx.holder.lockedUntilMs, nowMs);
}

/** T11: the request carries the holder's token and arrives before the lock's deadline. */
export function holdsValidLock(ctx: SessionContext, event: SessionEvent): boolean {
  return holds(ctx, 'token' in event ? event.token : null, nowOf(event));
}

function opFailed(
  ctx: SessionContext,
  req: ClientRequest,
  token: string | null,
  seq: number | null,
  error: BrokerError,
): Effect[] {
  return [
    {
      type: 'fx.fact',
      fact: {
        kind: 'opFailed',
        entity: ctx.scope.entity,
        session: ctx.sessionId,
        consumer: req.from,
        op: req.type.slice(4),
        token,
        seq,
        code: error.code,
      },
    },
    fail(req.from, req.reqId, error),
  ];
}

/**
 * Lazy expiry, evaluated on receive, accept, lock release and the background tick (§4). `unlocked`: the
 * session-wide rule may apply; `triggered`: a message released with the lock has just expired, which
 * counts for it; `tick`: the background tick.
 */
function evaluateExpiry(ctx: SessionContext, nowMs: number, unlocked: boolean, triggered = false, tick = false): Step {
  const rules = ctx.scope.rules;
  if (!rules.lazyExpiry) return NO_STEP;
  const scope = {
    entity: ctx.scope.entity,
    entityActor: ctx.scope.entityActor,
    sessionWide: rules.sessionWideExpiry(ctx.scope.switches, unlocked, tick),
    triggered,
    expireLocked: rules.expiresLocked(tick),
    expireDeferred: rules.sweepsDeferred,
  };
  const out = expireDue(ctx.messages, nowMs, scope, ctx.scope.config);
  return out.fx.length === 0 ? NO_STEP : { patch: { messages: out.messages }, fx: [...out.fx] };
}

/** The availability report the entity needs: sent only when `active>0` or `locked` changed. */
export function availability(ctx: SessionContext): Step {
  const active = ctx.scope.rules.acceptNextAvailable(ctx.messages);
  const locked = ctx.holder !== null;
  const key = `${active > 0}|${locked}`;
  if (key === ctx.reported) return NO_STEP;
  return { patch: { reported: key }, fx: [statusReport(ctx, active, locked)] };
}

/** The `entity.status` message for accept-next (§2.3). */
export function statusReport(ctx: SessionContext, active: number, locked: boolean): Effect {
  const first = ctx.messages.find((m) => m.state === 'active');
  return {
    type: 'fx.send',
    to: ctx.scope.entityActor,
    event: { type: 'entity.status', sessionId: ctx.sessionId, active, locked, firstSeq: first?.seq ?? 0 },
  };
}

/** Deliver to the holder's parked receive, if there is one and anything to give. */
export function serveParked(ctx: SessionContext, nowMs: number): Step {
  const parked = ctx.parked;
  // Only for a holder whose lock is still valid: at its deadline the lock is over (T11), even before the
  // expiry timer due at this instant fires; the receive then fails with the lock's expiry.
  if (!parked || !ctx.holder || parked.from !== ctx.holder.owner || !holds(ctx, ctx.holder.token, nowMs))
    return NO_STEP;
  if (!ctx.messages.some(ctx.scope.rules.receivable)) return NO_STEP;
  // A waiting receive is a receive: expiry is evaluated first, so it never hands out an expired message (§4).
  const token = ctx.holder.token;
  return chain(
    ctx,
    (c) => evaluateExpiry(c, nowMs, false),
    (c) => serveParkedNow(c, parked, token, nowMs),
  );
}

function serveParkedNow(ctx: SessionContext, parked: ParkedReceive, token: string, nowMs: number): Step {
  const out = take(
    ctx.messages,
    { max: parked.max, mode: parked.mode, consumer: parked.from, nowMs, tokenFor: () => token },
    ctx.scope,
  );
  if (out.delivered.length === 0) return NO_STEP;
  const received = out.delivered.map((m) => view(m, ctx.scope.switches));
  return {
    patch: { messages: out.messages, parked: null },
    fx: [
      ...out.fx,
      { type: 'fx.cancel', key: `receive:${parked.from}:${parked.reqId}` },
      ok(parked.from, parked.reqId, { kind: 'received', messages: received }),
    ],
  };
}

/** Run steps in order, each seeing the context the previous ones left. */
function chain(ctx: SessionContext, ...steps: Array<(c: SessionContext) => Step>): Step {
  let current = ctx;
  const patch: Patch = {};
  const fx: Effect[] = [];
  for (const s of steps) {
    const out = s(current);
    Object.assign(patch, out.patch);
    current = { ...current, ...out.patch };
    fx.push(...out.fx);
  }
  return { patch, fx };
}

/** Ask the lock actor for the lock (T2), under a fresh token. */
export function acquire(ctx: SessionContext, from: ActorId, reqId: number, next: boolean, mode: ReceiveMode): Step {
  const locks = ctx.locks + 1;
  return {
    patch: { locks },
    fx: [
      {
        type: 'fx.send',
        to: ctx.lockActor,
        event: {
          type: 'lock.acquire',
          owner: from,
          token: `${ctx.sessionId}@${locks}`,
          reqId,
          durationMs: ctx.scope.rules.lockDurationMs(ctx.scope.config),
          next,
          mode,
        },
      },
    ],
  };
}

/** The holder's messages go back (T11: +1 on expiry; T12: none on close, detach or crash). */
export function returnLocked(ctx: SessionContext, event: SessionEvent): Step {
  assertEvent(event, ['lock.released', 'lock.expired']);
  const cause = event.type === 'lock.expired' ? 'lockExpired' : event.cause;
  const returned = releaseLocked(ctx.messages, event.token, cause, nowOf(event), ctx.scope);
  return { patch: { messages: returned.messages, expiredOnRelease: returned.expired }, fx: [...returned.fx] };
}

function retryAcceptNext(ctx: SessionContext, from: ActorId, reqId: number, mode: ReceiveMode): Effect {
  return { type: 'fx.send', to: ctx.scope.entityActor, event: { type: 'entity.acceptNextRetry', from, reqId, mode } };
}

/** The `lock.release` the lock actor must act on in this same step (T12). */
export function releaseRequest(ctx: SessionContext, event: SessionEvent): Effect {
  assertEvent(event, 'req.close');
  return {
    type: 'fx.send',
    to: ctx.lockActor,
    event: {
      type: 'lock.release',
      token: event.token,
      cause: event.cause,
      reqId: event.cause === 'close' ? event.reqId : null,
    },
  };
}

/** Expiry on accept: a holder whose lock reached its deadline at this instant is expired by the lock actor
 * before the grant (T11 comes first), and expiry is evaluated then, on the unlocked session. */
function expiryOnAccept(ctx: SessionContext, nowMs: number): Step {
  return ctx.holder !== null && nowMs >= ctx.holder.lockedUntilMs
    ? NO_STEP
    : evaluateExpiry(ctx, nowMs, ctx.holder === null);
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** A named action from a pure step: its patch, then its effects in order (models/step.ts). */
export const stepAction = actions.stepAction;

/**
 * The holder's lock ends (released or expired; `report` records which): its messages go back, its parked
 * receive ends, expiry is evaluated on the unlocked session, and a waiting named accept takes the lock at
 * once, or else the entity hears that the session is available.
 */
function lockEnds(report: 'reportLockReleased' | 'reportLockExpired') {
  const gone = [report, 'returnLocked', 'failParked', 'forgetHolder', 'evaluateExpiryOnRelease'] as const;
  return [
    { guard: and(['isHolderToken', 'canAdmitWaiting']), target: 'unlocked', actions: [...gone, 'admitWaiting'] },
    { guard: 'isHolderToken', target: 'unlocked', actions: [...gone, 'reportAvailability'] },
  ] as const;
}

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    emitted: {} as Effect,
  },
  guards: {
    /** T11: the request carries the holder's token and arrives before the lock's deadline. */
    holdsValidLock: ({ context, event }) => holdsValidLock(context, event),
    /** T11, T12: a release or expiry report concerns the lock the session holds now. */
    isHolderToken: ({ context, event }) => 'token' in event && context.holder?.token === event.token,
    /** §2.3: after expiry, the session still has a message for accept-next to hand out. */
    offersMessages: ({ context, event }) => {
      const after = expiryOnAccept(context, nowOf(event));
      return context.scope.rules.acceptNextAvailable(after.patch.messages ?? context.messages) > 0;
    },
    /** §2.3: a refused accept-next lets the entity pick another session. */
    isAcceptNext: ({ event }) => event.type === 'lock.denied' && event.next,
    /** T2 with `acceptNamedWhenLocked: wait`: a named accept of a locked session waits for the lock. */
    namedAcceptWaits: ({ context }) => context.scope.switches.acceptNamedWhenLocked === 'wait',
    /** T2: a named accept is waiting for the lock just released; it takes it at once. */
    canAdmitWaiting: ({ context }) => context.waiting.length > 0,
    /** §2.6 with `crashSemantics: lockExpiry`: the broker never hears of a crash; the lock runs out instead. */
    crashLeftToExpiry: ({ context, event }) =>
      event.type === 'req.close' && event.cause === 'crash' && context.scope.switches.crashSemantics === 'lockExpiry',
    /** T5–T8: the message is locked under the caller's token. */
    settleable: ({ context, event }) => {
      assertEvent(event, 'req.settle');
      return settleable(context.messages, event, context.scope);
    },
    /** §5: the state fits the tier's size limit. */
    stateFits: ({ context, event }) => {
      assertEvent(event, 'req.setState');
      return event.value === null || utf8Length(event.value) <= SESSION_STATE_LIMIT_BYTES[context.scope.config.tier];
    },
    /** T9: every requested sequence number is a deferred message of this session. */
    allDeferred: ({ context, event }) => {
      assertEvent(event, 'req.receiveDeferred');
      return event.seqs.every((s) => context.messages.some((m) => m.seq === s && m.state === 'deferred'));
    },
    /** T4: the timeout is for the receive parked now. */
    isParkedReceive: ({ context, event }) => {
      assertEvent(event, 'session.receiveTimeout');
      return context.parked !== null && context.parked.reqId === event.reqId && context.parked.from === event.from;
    },
    /** T2: the timeout is for a named accept still waiting. */
    isWaitingAccept: ({ context, event }) => {
      assertEvent(event, 'session.acceptTimeout');
      return context.waiting.some((w) => w.from === event.from && w.reqId === event.reqId);
    },
  },
  actions: {
    /** §2.1: a new message joins the session's order. */
    storeMessage: patch(({ context, event }) => {
      assertEvent(event, 'session.enqueue');
      return { messages: [...context.messages, event.message] };
    }),
    /** T4: a message that became receivable is handed to the holder's parked receive. */
    serveParked: stepAction((c, e) => serveParked(c, nowOf(e))),
    /** §2.3: tell the entity when availability for accept-next changes. */
    reportAvailability: stepAction((c) => availability(c)),
    /** §4: lazy expiry before a receive. */
    evaluateExpiry: stepAction((c, e) => evaluateExpiry(c, nowOf(e), false)),
    /** §4, T11: lazy expiry before an accept, unless the holder's lock lapses at this instant. */
    evaluateExpiryOnAccept: stepAction((c, e) => expiryOnAccept(c, nowOf(e))),
    /** §4, D1: lazy expiry on the session the release has just unlocked. */
    evaluateExpiryOnRelease: stepAction((c, e) => evaluateExpiry(c, nowOf(e), true, c.expiredOnRelease)),
    /** §4: the background tick. */
    evaluateExpiryOnTick: stepAction((c, e) => evaluateExpiry(c, nowOf(e), c.holder === null, false, true)),
    /** T2: ask the lock actor for the lock. */
    requestLock: stepAction((c, e) => {
      assertEvent(e, ['req.accept', 'session.acceptNext']);
      return acquire(c, e.from, e.reqId, e.type === 'session.acceptNext', e.mode);
    }),
    /** §2.3: nothing to hand out (after expiry) or the lock is taken: the entity picks again. */
    retryAcceptNext: stepAction((c, e) => {
      assertEvent(e, ['session.acceptNext', 'lock.denied']);
      return e.type === 'lock.denied'
        ? { patch: {}, fx: [retryAcceptNext(c, e.owner, e.reqId, e.mode)] }
        : { patch: {}, fx: [retryAcceptNext(c, e.from, e.reqId, e.mode)] };
    }),
    /** T2: the session is locked by the granted owner. */
    recordHolder: patch(({ event }) => {
      assertEvent(event, 'lock.granted');
      return {
        holder: { owner: event.owner, token: event.token, lockedUntilMs: event.lockedUntilMs, mode: event.mode },
      };
    }),
    /** T2: the acceptor is told its token and deadline. */
    announceAccepted: stepAction((c, e) => {
      assertEvent(e, 'lock.granted');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'accepted',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.owner,
              token: e.token,
              lockedUntilMs: e.lockedUntilMs,
              next: e.next,
            },
          },
          ok(e.owner, e.reqId, {
            kind: 'accepted',
            sessionId: c.sessionId,
            token: e.token,
            lockedUntilMs: e.lockedUntilMs,
          }),
        ],
      };
    }),
    /** T2 with `acceptNamedWhenLocked: wait`: the named accept waits for the lock until its timeout. */
    queueWaitingAccept: stepAction((c, e) => {
      assertEvent(e, 'lock.denied');
      return {
        patch: { waiting: [...c.waiting, { from: e.owner, reqId: e.reqId, mode: e.mode }] },
        fx: [
          {
            type: 'fx.timer',
            key: `accept:${e.owner}:${e.reqId}`,
            atMs: nowOf(e) + c.scope.switches.acceptTimeoutMs,
            event: { type: 'session.acceptTimeout', from: e.owner, reqId: e.reqId },
          },
        ],
      };
    }),
    /** T2: a named accept of a locked session fails with SessionCannotBeLocked. */
    failAccept: stepAction((c, e) => {
      assertEvent(e, 'lock.denied');
      const error: BrokerError = {
        code: 'SessionCannotBeLocked',
        message: `The requested session '${c.sessionId}' cannot be accepted. It may be locked by another receiver.`,
      };
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'acceptFailed',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.owner,
              code: error.code,
            },
          },
          fail(e.owner, e.reqId, error),
        ],
      };
    }),
    /** T12: the release is recorded, and a close is acknowledged. */
    reportLockReleased: stepAction((c, e) => {
      assertEvent(e, 'lock.released');
      const fx: Effect[] = [
        {
          type: 'fx.fact',
          fact: {
            kind: 'lockReleased',
            entity: c.scope.entity,
            session: c.sessionId,
            consumer: e.owner,
            token: e.token,
            cause: e.cause,
          },
        },
      ];
      if (e.reqId !== null) fx.push(ok(e.owner, e.reqId, { kind: 'closed' }));
      return { patch: {}, fx };
    }),
    /** T11: the expiry is recorded. */
    reportLockExpired: stepAction((c, e) => {
      assertEvent(e, 'lock.expired');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'lockExpired',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.owner,
              token: e.token,
            },
          },
        ],
      };
    }),
    /** T11, T12: the holder's messages go back to the session. */
    returnLocked: stepAction(returnLocked),
    /** T4, T11: the holder's parked receive ends with the lock; on expiry or detach it fails with SessionLockLost. */
    failParked: stepAction((c, e) => {
      assertEvent(e, ['lock.released', 'lock.expired']);
      if (!c.parked || !c.holder || c.parked.from !== c.holder.owner) return NO_STEP;
      const fx: Effect[] = [{ type: 'fx.cancel', key: `receive:${c.parked.from}:${c.parked.reqId}` }];
      if (e.type === 'lock.expired' || e.cause === 'detach')
        fx.push(fail(c.parked.from, c.parked.reqId, LOCK_LOST(c.sessionId)));
      return { patch: { parked: null }, fx };
    }),
    /** T11, T12: nobody holds the session any more. */
    forgetHolder: patch(() => ({ holder: null })),
    /** T2: the first waiting named accept takes the released lock, within this step. */
    admitWaiting: stepAction((c) => {
      const [first, ...rest] = c.waiting;
      if (!first) return NO_STEP;
      const out = acquire(c, first.from, first.reqId, false, first.mode);
      return {
        patch: { ...out.patch, waiting: rest },
        fx: [{ type: 'fx.cancel', key: `accept:${first.from}:${first.reqId}` }, ...out.fx],
      };
    }),
    /** T2: a named accept that waited until its timeout fails with ServiceTimeout. */
    timeOutWaitingAccept: stepAction((c, e) => {
      assertEvent(e, 'session.acceptTimeout');
      return timeOutWaitingAccept(c, e);
    }),
    /** T10: the lock actor alone decides a renewal: it knows whether the lock is still held. */
    requestRenewal: stepAction((c, e) => {
      assertEvent(e, 'req.renew');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.send',
            to: c.lockActor,
            event: {
              type: 'lock.renew',
              owner: e.from,
              token: e.token,
              reqId: e.reqId,
              durationMs: c.scope.config.lockDurationMs,
            },
          },
        ],
      };
    }),
    /** T10: the session fences with the renewed deadline. */
    recordRenewal: patch(({ context, event }) => {
      assertEvent(event, 'lock.renewed');
      const mode = context.holder?.mode ?? 'peekLock';
      return { holder: { owner: event.owner, token: event.token, lockedUntilMs: event.lockedUntilMs, mode } };
    }),
    /** T10: the renewer is told its new deadline. */
    announceRenewed: stepAction((c, e) => {
      assertEvent(e, 'lock.renewed');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'lockRenewed',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.owner,
              token: e.token,
              lockedUntilMs: e.lockedUntilMs,
            },
          },
          ok(e.owner, e.reqId, { kind: 'renewed', lockedUntilMs: e.lockedUntilMs }),
        ],
      };
    }),
    /** T10: a lost lock is not renewed: SessionLockLost. */
    failRenewal: stepAction((c, e) => {
      assertEvent(e, 'lock.renewDenied');
      const req: ClientRequest = { type: 'req.renew', from: e.owner, reqId: e.reqId, token: e.token };
      return { patch: {}, fx: opFailed(c, req, e.token, null, LOCK_LOST(c.sessionId)) };
    }),
    /** T12: the holder closes its receiver (or its link dropped). */
    reportCloseRequested: stepAction((c, e) => {
      assertEvent(e, 'req.close');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'closeRequested',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.from,
              token: e.token,
              cause: e.cause,
            },
          },
        ],
      };
    }),
    /** T12: a close or detach releases the lock at once. */
    releaseLock: stepAction((c, e) => ({ patch: {}, fx: [releaseRequest(c, e)] })),
    /** T12: closing a receiver that holds no lock succeeds and does nothing. */
    acknowledgeClose: stepAction((_c, e) => {
      assertEvent(e, 'req.close');
      return { patch: {}, fx: e.cause === 'close' ? [ok(e.from, e.reqId, { kind: 'closed' })] : [] };
    }),
    /**
     * T4: hand out the first active messages in order, or park the receive for `waitMs`. The receive mode
     * is the receiver's, chosen when it accepted the session (§3.1), not the call's.
     */
    receive: stepAction((c, e) => {
      assertEvent(e, 'req.receive');
      const nowMs = nowOf(e);
      const token = e.token ?? '';
      const scope = c.scope;
      const mode = c.holder?.mode ?? 'peekLock';
      const out = take(c.messages, { max: e.max, mode, consumer: e.from, nowMs, tokenFor: () => token }, scope);
      if (out.delivered.length === 0 && e.waitMs > 0) {
        return {
          patch: { parked: { from: e.from, reqId: e.reqId, max: e.max, mode } },
          fx: [
            {
              type: 'fx.timer',
              key: `receive:${e.from}:${e.reqId}`,
              atMs: nowMs + e.waitMs,
              event: { type: 'session.receiveTimeout', from: e.from, reqId: e.reqId },
            },
          ],
        };
      }
      const shown = { ...scope.switches, deliveryCountView: scope.rules.receivedCountView(scope.switches) };
      const received = out.delivered.map((m) => view(m, shown));
      return {
        patch: { messages: out.messages },
        fx: [...out.fx, ok(e.from, e.reqId, { kind: 'received', messages: received })],
      };
    }),
    /** T4: a parked receive that waited `waitMs` for nothing returns empty. */
    endParkedReceive: stepAction((_c, e) => {
      assertEvent(e, 'session.receiveTimeout');
      return { patch: { parked: null }, fx: [ok(e.from, e.reqId, { kind: 'received', messages: [] })] };
    }),
    /** T5–T8: complete, abandon, defer or dead-letter the message. */
    settleMessage: stepAction((c, e) => {
      assertEvent(e, 'req.settle');
      const out = settle(c.messages, { ...e, consumer: e.from, nowMs: nowOf(e) }, c.scope);
      return { patch: { messages: out.messages }, fx: [...out.fx, ok(e.from, e.reqId, { kind: 'settled' })] };
    }),
    /** T5–T8: the message is not locked under the caller's token: MessageLockLost. */
    failSettle: stepAction((c, e) => {
      assertEvent(e, 'req.settle');
      return {
        patch: {},
        fx: opFailed(c, e, e.token, e.seq, { code: 'MessageLockLost', message: ALREADY_SETTLED }),
      };
    }),
    /** T11: a request without a valid lock fails with SessionLockLost. */
    failLockLost: stepAction((c, e) => {
      assertEvent(e, ['req.receive', 'req.settle', 'req.getState', 'req.setState', 'req.receiveDeferred', 'req.peek']);
      const seq = e.type === 'req.settle' ? e.seq : null;
      return { patch: {}, fx: opFailed(c, e, e.token, seq, LOCK_LOST(c.sessionId)) };
    }),
    /** §5: the holder reads the session state. */
    replyState: stepAction((c, e) => {
      assertEvent(e, 'req.getState');
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: { kind: 'stateRead', entity: c.scope.entity, session: c.sessionId, consumer: e.from, value: c.state },
          },
          ok(e.from, e.reqId, { kind: 'state', value: c.state }),
        ],
      };
    }),
    /** §5: the holder writes the session state. */
    storeState: stepAction((c, e) => {
      assertEvent(e, 'req.setState');
      return {
        patch: { state: e.value },
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'stateSet',
              entity: c.scope.entity,
              session: c.sessionId,
              consumer: e.from,
              token: e.token,
              value: e.value,
            },
          },
          ok(e.from, e.reqId, { kind: 'stateSet' }),
        ],
      };
    }),
    /** §5: a state over the tier's limit fails with MessageSizeExceeded. */
    failStateTooLarge: stepAction((c, e) => {
      assertEvent(e, 'req.setState');
      const limit = SESSION_STATE_LIMIT_BYTES[c.scope.config.tier];
      return {
        patch: {},
        fx: opFailed(c, e, e.token, null, {
          code: 'MessageSizeExceeded',
          message: `The session state exceeds the ${limit}-byte limit of the ${c.scope.config.tier} tier.`,
        }),
      };
    }),
    /** T9: fetch deferred messages by sequence number. */
    fetchDeferred: stepAction((c, e) => {
      assertEvent(e, 'req.receiveDeferred');
      return fetchDeferred(c, e, nowOf(e));
    }),
    /** T9: a sequence number that is not a deferred message of the session: MessageNotFound. */
    failDeferredNotFound: stepAction((c, e) => {
      assertEvent(e, 'req.receiveDeferred');
      const missing = e.seqs.find((s) => !c.messages.some((m) => m.seq === s && m.state === 'deferred')) ?? null;
      return {
        patch: {},
        fx: opFailed(c, e, e.token, missing, {
          code: 'MessageNotFound',
          message: `The message with sequence number ${missing} was not found or is not deferred.`,
        }),
      };
    }),
    /** §3: peek shows messages from `fromSeq` without locking them, raw counts. */
    replyPeek: stepAction((c, e) => {
      assertEvent(e, 'req.peek');
      const messages = c.messages
        .filter((m) => m.seq >= e.fromSeq && c.scope.rules.peekable(m))
        .slice(0, e.max)
        .map((m) => view(m, c.scope.switches, true));
      return { patch: {}, fx: [ok(e.from, e.reqId, { kind: 'peeked', messages })] };
    }),
    /** §11: a plain receiver's peek of the entity takes no lock: the session shows what it holds. */
    showToEntity: stepAction((c, e) => {
      assertEvent(e, 'session.peekFor');
      const messages = c.messages
        .filter((m) => m.seq >= e.fromSeq && c.scope.rules.peekable(m))
        .slice(0, e.max)
        .map((m) => view(m, c.scope.switches, true));
      return {
        patch: {},
        fx: [
          {
            type: 'fx.send',
            to: c.scope.entityActor,
            event: { type: 'entity.peeked', from: e.from, reqId: e.reqId, messages },
          },
        ],
      };
    }),
    /** §2.1: messages are sent to the entity, never to one of its sessions. */
    rejectSend: stepAction((_c, e) => {
      assertEvent(e, 'req.send');
      return {
        patch: {},
        fx: [fail(e.from, e.reqId, { code: 'GeneralError', message: 'Send to the entity, not to a session.' })],
      };
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    self: input.self,
    lockActor: input.lockActor,
    sessionId: input.sessionId,
    scope: {
      entity: input.config.name,
      entityActor: input.entityActor,
      config: input.config,
      switches: input.switches,
      rules: input.rules,
    },
    messages: [],
    holder: null,
    state: null,
    locks: 0,
    parked: null,
    waiting: [],
    reported: 'false|false',
    expiredOnRelease: false,
  }),
  initial: 'unlocked',
  // Requests and reports that mean the same in both states. A request that needs the lock is taken only
  // under a valid one (T11); in `unlocked` there is none, so it fails with SessionLockLost.
  on: {
    'session.enqueue': { actions: ['storeMessage', 'serveParked', 'reportAvailability'] },
    'req.accept': { actions: ['evaluateExpiryOnAccept', 'requestLock', 'reportAvailability'] },
    'session.acceptNext': [
      { guard: 'offersMessages', actions: ['evaluateExpiryOnAccept', 'requestLock', 'reportAvailability'] },
      { actions: ['evaluateExpiryOnAccept', 'retryAcceptNext', 'reportAvailability'] },
    ],
    // The lock actor is the authority: a grant (or a renewal) it reports means the session is locked.
    'lock.granted': { target: '.locked', actions: ['recordHolder', 'announceAccepted', 'reportAvailability'] },
    'lock.renewed': { target: '.locked', actions: ['recordRenewal', 'announceRenewed'] },
    'lock.denied': [
      { guard: 'isAcceptNext', actions: 'retryAcceptNext' },
      { guard: 'namedAcceptWaits', actions: 'queueWaitingAccept' },
      { actions: 'failAccept' },
    ],
    'lock.renewDenied': { actions: 'failRenewal' },
    // A release or expiry of a lock the session no longer mirrors changes nothing but the record.
    'lock.released': { actions: 'reportLockReleased' },
    'lock.expired': { actions: 'reportLockExpired' },
    'req.renew': { actions: 'requestRenewal' },
    'req.close': [
      { guard: 'crashLeftToExpiry' },
      { guard: 'holdsValidLock', actions: ['reportCloseRequested', 'releaseLock'] },
      { actions: 'acknowledgeClose' },
    ],
    'req.receive': [
      { guard: 'holdsValidLock', actions: ['evaluateExpiry', 'receive', 'reportAvailability'] },
      { actions: 'failLockLost' },
    ],
    'session.receiveTimeout': { guard: 'isParkedReceive', actions: 'endParkedReceive' },
    'req.settle': [
      {
        guard: and(['holdsValidLock', 'settleable']),
        actions: ['settleMessage', 'serveParked', 'reportAvailability'],
      },
      { guard: 'holdsValidLock', actions: 'failSettle' },
      { actions: 'failLockLost' },
    ],
    'req.getState': [{ guard: 'holdsValidLock', actions: 'replyState' }, { actions: 'failLockLost' }],
    'req.setState': [
      { guard: and(['holdsValidLock', 'stateFits']), actions: 'storeState' },
      { guard: 'holdsValidLock', actions: 'failStateTooLarge' },
      { actions: 'failLockLost' },
    ],
    'req.receiveDeferred': [
      { guard: and(['holdsValidLock', 'allDeferred']), actions: 'fetchDeferred' },
      { guard: 'holdsValidLock', actions: 'failDeferredNotFound' },
      { actions: 'failLockLost' },
    ],
    'req.peek': [{ guard: 'holdsValidLock', actions: 'replyPeek' }, { actions: 'failLockLost' }],
    'session.gcTick': { actions: ['evaluateExpiryOnTick', 'reportAvailability'] },
    'session.peekFor': { actions: 'showToEntity' },
    'req.send': { actions: 'rejectSend' },
    'session.acceptTimeout': { guard: 'isWaitingAccept', actions: 'timeOutWaitingAccept' },
  },
  states: {
    unlocked: {},
    locked: {
      on: {
        // The holder's lock ends: its messages go back, its parked receive ends, expiry is evaluated on the
        // unlocked session, and a waiting named accept takes the lock at once (the entity then never sees
        // the session free); else the entity hears that it is available. Another token falls through to
        // the root's transition, which only records the report.
        'lock.released': lockEnds('reportLockReleased'),
        'lock.expired': lockEnds('reportLockExpired'),
      },
    },
  },
});

/** T2: the waiting named accept times out with ServiceTimeout. */
export function timeOutWaitingAccept(ctx: SessionContext, e: { from: ActorId; reqId: number }): Step {
  const waiting = ctx.waiting.filter((w) => !(w.from === e.from && w.reqId === e.reqId));
  const error: BrokerError = {
    code: 'ServiceTimeout',
    message: `Failed to create a receiver for the requested session '${ctx.sessionId}' within allocated time and retry attempts.`,
  };
  return {
    patch: { waiting },
    fx: [
      {
        type: 'fx.fact',
        fact: {
          kind: 'acceptFailed',
          entity: ctx.scope.entity,
          session: ctx.sessionId,
          consumer: e.from,
          code: error.code,
        },
      },
      fail(e.from, e.reqId, error),
    ],
  };
}

/** T9: fetch deferred messages by sequence number, through the session's lock holder. */
function fetchDeferred(
  ctx: SessionContext,
  event: Extract<ClientRequest, { type: 'req.receiveDeferred' }>,
  nowMs: number,
): Step {
  const scope = ctx.scope;
  const wanted = new Set(event.seqs);
  const fx: Effect[] = [];
  const messages: StoredMessage[] = [];
  const received = [];
  const mode = ctx.holder?.mode ?? 'peekLock';
  for (const m of ctx.messages) {
    if (!wanted.has(m.seq)) {
      messages.push(m);
      continue;
    }
    if (scope.rules.expiresOnFetch(m, nowMs)) {
      // Expired deferred messages are expired when fetched, and not returned (net#30252).
      fx.push(...expire(m, nowMs, 'message', scope, scope.config, scope.rules.fetchedExpiryReason()));
      continue;
    }
    // Every receipt of a deferred message is a delivery and raises its count (§3.3, the SDK's live tests).
    // In receive-and-delete it is gone on transfer and carries no lock token (§3.1).
    const token = mode === 'peekLock' ? event.token : null;
    const out: StoredMessage = {
      ...m,
      deliveryCount: m.deliveryCount + 1,
      state: 'locked',
      lockToken: token,
      deliveredUnder: token,
      fetchedDeferred: true,
    };
    if (mode === 'peekLock') messages.push(out);
    received.push({ ...view(out, scope.switches), state: 'deferred' as const });
    fx.push({
      type: 'fx.fact',
      fact: {
        kind: 'delivered',
        entity: scope.entity,
        session: ctx.sessionId,
        seq: m.seq,
        consumer: event.from,
        token,
        deliveryCount: out.deliveryCount,
        mode,
        deferred: true,
      },
    });
  }
  fx.push(ok(event.from, event.reqId, { kind: 'received', messages: received }));
  return { patch: { messages }, fx };
}
