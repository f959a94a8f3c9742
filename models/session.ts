/**
 * One session of a session-enabled entity: its ordered messages, its lock holder (as the lock actor
 * last reported it), its state blob and the receive parked on it.
 *
 * Sessions exist implicitly (§2.1): the world spawns this actor the first time the entity sees the
 * session id, by a message or by a named accept. State outlives the messages (§5).
 *
 * Rules: T2–T13 for one session. Reference §2–§5.
 */
import { enqueueActions, setup } from 'xstate';
import type { Bugs } from './bugs.ts';
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
import { enqueueStep } from './step.ts';
import { expire, expireDue, isExpired } from './expiry.ts';
import type { Rules } from './rules.ts';
import type { Scope } from './settlement.ts';
import { countByState, releaseLocked, settle, take, view } from './settlement.ts';

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
  readonly holder: Holder | null;
  readonly state: string | null;
  readonly locks: number;
  readonly parked: ParkedReceive | null;
  /** Named accepts waiting for the lock when `acceptNamedWhenLocked` is `wait`. */
  readonly waiting: readonly WaitingAccept[];
  /** Last availability reported to the entity: `active>0` and `locked`, so it only hears of changes. */
  readonly reported: string;
}

export interface SessionInput {
  readonly self: ActorId;
  readonly lockActor: ActorId;
  readonly entityActor: ActorId;
  readonly sessionId: string;
  readonly config: EntityConfig;
  readonly switches: Switches;
  readonly bugs: Bugs;
  readonly rules: Rules;
}

type Patch = Partial<SessionContext>;
interface Step {
  patch: Patch;
  fx: Effect[];
}

const LOCK_LOST = (sessionId: string): BrokerError => ({
  code: 'SessionLockLost',
  message: `The session lock has expired on the session with id ${sessionId}`,
});

function ok(to: ActorId, reqId: number, result: ReplyResult): Effect {
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
  // Seeded bug M20: the deadline is compared with `<=`, so the lock still counts at now == lockedUntil.
  if (ctx.scope.bugs.lockValidAtDeadline) return nowMs <= ctx.holder.lockedUntilMs;
  return nowMs < ctx.holder.lockedUntilMs;
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
 * Lazy expiry, evaluated on receive, accept, lock release and the background tick (§4). `triggered`:
 * a message released with the lock has just expired, which counts for the session-wide rule.
 */
function evaluateExpiry(ctx: SessionContext, nowMs: number, unlocked: boolean, triggered = false, gc = false): Step {
  if (ctx.scope.bugs.deliverExpired) return { patch: {}, fx: [] };
  const sessionWide = unlocked && ctx.scope.switches.sessionWideExpiry && !ctx.scope.bugs.perMessageTtlOnly;
  // Seeded bug M42: the background tick (only) expires locked messages too.
  const expireLocked = ctx.scope.bugs.expireLockedMessages === true || (gc && ctx.scope.bugs.gcExpiresLocked === true);
  // Seeded bug M39: the lazy sweep treats deferred messages like active ones.
  const expireDeferred = ctx.scope.bugs.expirySweepsDeferred === true;
  const scope = {
    entity: ctx.scope.entity,
    entityActor: ctx.scope.entityActor,
    sessionWide,
    triggered,
    expireLocked,
    expireDeferred,
  };
  const out = expireDue(ctx.messages, nowMs, scope, ctx.scope.config);
  return out.fx.length === 0 ? { patch: {}, fx: [] } : { patch: { messages: out.messages }, fx: [...out.fx] };
}

/** Tell the entity when availability for accept-next changes. */
function status(ctx: SessionContext): Step {
  // Seeded bug M27: deferred messages are counted as available for accept-next.
  const deferred = ctx.scope.bugs.acceptNextCountsDeferred ? countByState(ctx.messages, 'deferred') : 0;
  const active = countByState(ctx.messages, 'active') + deferred;
  const locked = ctx.holder !== null;
  const key = `${active > 0}|${locked}`;
  if (key === ctx.reported) return { patch: {}, fx: [] };
  // Seeded bug M56: a session that has just become available (unlocked, an active message) is reported to
  // the entity only at the session's next event; `|lag` marks the report held back.
  if (ctx.scope.bugs.availabilityReportedLate && active > 0 && !locked && !ctx.reported.endsWith('|lag'))
    return { patch: { reported: `${key}|lag` }, fx: [] };
  const first = ctx.messages.find((m) => m.state === 'active');
  return {
    patch: { reported: key },
    fx: [
      {
        type: 'fx.send',
        to: ctx.scope.entityActor,
        event: { type: 'entity.status', sessionId: ctx.sessionId, active, locked, firstSeq: first?.seq ?? 0 },
      },
    ],
  };
}

/** Deliver to the holder's parked receive, if there is one and anything to give. */
function serveParked(ctx: SessionContext, nowMs: number): Step {
  const parked = ctx.parked;
  // Only for a holder whose lock is still valid: at its deadline the lock is over (T11), even before the
  // expiry timer due at this instant fires; the receive then fails with the lock's expiry.
  if (!parked || !ctx.holder || parked.from !== ctx.holder.owner || !holds(ctx, ctx.holder.token, nowMs))
    return { patch: {}, fx: [] };
  if (countByState(ctx.messages, 'active') === 0 && !ctx.scope.bugs.deferredVisible) return { patch: {}, fx: [] };
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
  if (out.delivered.length === 0) return { patch: {}, fx: [] };
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

const NO_STEP: Step = { patch: {}, fx: [] };

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

function acquire(ctx: SessionContext, from: ActorId, reqId: number, next: boolean, mode: ReceiveMode): Step {
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
          // Seeded bug M21: the first lock uses the legacy 30-s default, not the entity's LockDuration.
          durationMs: ctx.scope.bugs.acceptLegacyLockDuration ? 30_000 : ctx.scope.config.lockDurationMs,
          next,
          mode,
        },
      },
    ],
  };
}

/** The lock is gone (released or expired): return the holder's messages and let the next one in. */
function lockGone(
  ctx: SessionContext,
  token: string,
  cause: 'lockExpired' | 'close' | 'detach' | 'crash',
  nowMs: number,
): Step {
  if (!ctx.holder || ctx.holder.token !== token) return { patch: {}, fx: [] };
  const holder = ctx.holder;
  const returned = releaseLocked(ctx.messages, token, cause, nowMs, ctx.scope);
  const fx: Effect[] = [...returned.fx];
  const patch: { -readonly [K in keyof SessionContext]?: SessionContext[K] } = {
    messages: returned.messages,
    holder: null,
  };
  // Seeded bug M45: the session state is treated as part of the lock and dropped with it.
  if (ctx.scope.bugs.stateClearedOnRelease) patch.state = null;
  if (ctx.parked && ctx.parked.from === holder.owner) {
    fx.push({ type: 'fx.cancel', key: `receive:${ctx.parked.from}:${ctx.parked.reqId}` });
    if (cause === 'lockExpired' || cause === 'detach')
      fx.push(fail(ctx.parked.from, ctx.parked.reqId, LOCK_LOST(ctx.sessionId)));
    patch.parked = null;
  }
  const after = chain(
    { ...ctx, ...patch },
    (c) => evaluateExpiry(c, nowMs, true, returned.expired),
    (c) => admitWaiting(c),
    // A waiting named accept now takes the lock (granted within this step): the session never becomes
    // available to accept-next in between, so the entity hears of it only if nobody was admitted.
    (c) =>
      c.waiting.length < ctx.waiting.length ||
      // Seeded bug M26: a close forgets to tell the entity that the session is free again.
      (ctx.scope.bugs.closeNotReportedAvailable === true && cause === 'close')
        ? { patch: {}, fx: [] }
        : status(c),
  );
  return { patch: { ...patch, ...after.patch }, fx: [...fx, ...after.fx] };
}

function admitWaiting(ctx: SessionContext): Step {
  const [first, ...rest] = ctx.waiting;
  // Seeded bug M29: a waiting named accept is never handed the released lock.
  // Seeded bug M55: nor is it handed the lock at release; it is admitted only when its timeout fires.
  if (
    !first ||
    ctx.holder ||
    ctx.scope.bugs.waitingAcceptNeverAdmitted ||
    ctx.scope.bugs.waitingAcceptAdmittedAtTimeout
  )
    return { patch: {}, fx: [] };
  const out = acquire(ctx, first.from, first.reqId, false, first.mode);
  return {
    patch: { ...out.patch, waiting: rest },
    fx: [{ type: 'fx.cancel', key: `accept:${first.from}:${first.reqId}` }, ...out.fx],
  };
}

function handle(ctx: SessionContext, event: SessionEvent): Step {
  const nowMs = nowOf(event);
  const scope = ctx.scope;
  switch (event.type) {
    case 'session.enqueue': {
      const messages = [...ctx.messages, event.message];
      return chain(
        { ...ctx, messages },
        () => ({ patch: { messages }, fx: [] }),
        (c) => serveParked(c, nowMs),
        status,
      );
    }
    case 'req.accept':
    case 'session.acceptNext': {
      const next = event.type === 'session.acceptNext';
      return chain(
        ctx,
        // A holder whose lock reached its deadline at this instant: the lock actor expires it before the
        // grant (T11 comes first), and expiry is evaluated then, on the unlocked session.
        (c) =>
          c.holder !== null && nowMs >= c.holder.lockedUntilMs ? NO_STEP : evaluateExpiry(c, nowMs, c.holder === null),
        (c) => {
          const deferred = scope.bugs.acceptNextCountsDeferred ? countByState(c.messages, 'deferred') : 0;
          if (next && countByState(c.messages, 'active') + deferred === 0) {
            // Nothing left to hand out after expiry: let the entity pick again.
            return {
              patch: {},
              fx: [
                {
                  type: 'fx.send',
                  to: scope.entityActor,
                  event: { type: 'entity.acceptNextRetry', from: event.from, reqId: event.reqId, mode: event.mode },
                },
              ],
            };
          }
          return acquire(c, event.from, event.reqId, next, event.mode);
        },
        status,
      );
    }
    case 'lock.granted': {
      const holder: Holder = {
        owner: event.owner,
        token: event.token,
        lockedUntilMs: event.lockedUntilMs,
        mode: event.mode,
      };
      const fx: Effect[] = [
        {
          type: 'fx.fact',
          fact: {
            kind: 'accepted',
            entity: scope.entity,
            session: ctx.sessionId,
            consumer: event.owner,
            token: event.token,
            lockedUntilMs: event.lockedUntilMs,
            next: event.next,
          },
        },
        ok(event.owner, event.reqId, {
          kind: 'accepted',
          sessionId: ctx.sessionId,
          token: event.token,
          lockedUntilMs: event.lockedUntilMs,
        }),
      ];
      const after = status({ ...ctx, holder });
      return { patch: { holder, ...after.patch }, fx: [...fx, ...after.fx] };
    }
    case 'lock.denied': {
      if (event.next) {
        return {
          patch: {},
          fx: [
            {
              type: 'fx.send',
              to: scope.entityActor,
              event: { type: 'entity.acceptNextRetry', from: event.owner, reqId: event.reqId, mode: event.mode },
            },
          ],
        };
      }
      if (scope.switches.acceptNamedWhenLocked === 'wait') {
        return {
          patch: { waiting: [...ctx.waiting, { from: event.owner, reqId: event.reqId, mode: event.mode }] },
          fx: [
            {
              type: 'fx.timer',
              key: `accept:${event.owner}:${event.reqId}`,
              atMs: nowMs + scope.switches.acceptTimeoutMs,
              event: { type: 'session.acceptTimeout', from: event.owner, reqId: event.reqId },
            },
          ],
        };
      }
      const error: BrokerError = {
        code: 'SessionCannotBeLocked',
        message: `The requested session '${ctx.sessionId}' cannot be accepted. It may be locked by another receiver.`,
      };
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'acceptFailed',
              entity: scope.entity,
              session: ctx.sessionId,
              consumer: event.owner,
              code: error.code,
            },
          },
          fail(event.owner, event.reqId, error),
        ],
      };
    }
    case 'lock.released': {
      const fx: Effect[] = [
        {
          type: 'fx.fact',
          fact: {
            kind: 'lockReleased',
            entity: scope.entity,
            session: ctx.sessionId,
            consumer: event.owner,
            token: event.token,
            cause: event.cause,
          },
        },
      ];
      if (event.reqId !== null) fx.push(ok(event.owner, event.reqId, { kind: 'closed' }));
      const gone = lockGone(ctx, event.token, event.cause, nowMs);
      return { patch: gone.patch, fx: [...fx, ...gone.fx] };
    }
    case 'lock.expired': {
      const fx: Effect[] = [
        {
          type: 'fx.fact',
          fact: {
            kind: 'lockExpired',
            entity: scope.entity,
            session: ctx.sessionId,
            consumer: event.owner,
            token: event.token,
          },
        },
      ];
      const gone = lockGone(ctx, event.token, 'lockExpired', nowMs);
      return { patch: gone.patch, fx: [...fx, ...gone.fx] };
    }
    case 'lock.renewed': {
      const holder: Holder = {
        owner: event.owner,
        token: event.token,
        // Seeded bug M19: the renewal is acknowledged, but the session keeps fencing with the old deadline.
        lockedUntilMs:
          scope.bugs.renewDeadlineNotRecorded && ctx.holder ? ctx.holder.lockedUntilMs : event.lockedUntilMs,
        mode: ctx.holder?.mode ?? 'peekLock',
      };
      return {
        patch: { holder },
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'lockRenewed',
              entity: scope.entity,
              session: ctx.sessionId,
              consumer: event.owner,
              token: event.token,
              lockedUntilMs: event.lockedUntilMs,
            },
          },
          ok(event.owner, event.reqId, { kind: 'renewed', lockedUntilMs: event.lockedUntilMs }),
        ],
      };
    }
    case 'lock.renewDenied':
      return {
        patch: {},
        fx: opFailed(
          ctx,
          { type: 'req.renew', from: event.owner, reqId: event.reqId, token: event.token },
          event.token,
          null,
          LOCK_LOST(ctx.sessionId),
        ),
      };
    case 'req.renew':
      // The lock actor decides: it alone knows whether the lock is still held (T10).
      return {
        patch: {},
        fx: [
          {
            type: 'fx.send',
            to: ctx.lockActor,
            event: {
              type: 'lock.renew',
              owner: event.from,
              token: event.token,
              reqId: event.reqId,
              durationMs: scope.config.lockDurationMs,
            },
          },
        ],
      };
    case 'req.close': {
      // With `crashSemantics: lockExpiry` the broker never hears of a crash: the lock runs out instead (§2.6).
      // Seeded bug M32: the crash is treated as a release anyway.
      if (event.cause === 'crash' && scope.switches.crashSemantics === 'lockExpiry' && !scope.bugs.crashReleasesAtOnce)
        return { patch: {}, fx: [] };
      if (!holds(ctx, event.token, nowMs)) {
        return { patch: {}, fx: event.cause === 'close' ? [ok(event.from, event.reqId, { kind: 'closed' })] : [] };
      }
      const requested: Effect = {
        type: 'fx.fact',
        fact: {
          kind: 'closeRequested',
          entity: scope.entity,
          session: ctx.sessionId,
          consumer: event.from,
          token: event.token,
          cause: event.cause,
        },
      };
      if (scope.bugs.closeKeepsLock && event.cause === 'close') {
        // Seeded bug M12: the receiver goes away but the broker keeps the lock until it expires.
        return { patch: {}, fx: [requested, ok(event.from, event.reqId, { kind: 'closed' })] };
      }
      // Seeded bug M31: a dropped link is not noticed; the lock stays held until it expires.
      if (scope.bugs.detachKeepsLock && event.cause === 'detach') return { patch: {}, fx: [requested] };
      return {
        patch: {},
        fx: [
          requested,
          {
            type: 'fx.send',
            to: ctx.lockActor,
            event: {
              type: 'lock.release',
              token: event.token,
              cause: event.cause,
              reqId: event.cause === 'close' ? event.reqId : null,
            },
          },
        ],
      };
    }
    case 'req.receive': {
      // Seeded bug M22: receive only checks that the session is locked by someone, not by this token.
      const fenced = scope.bugs.receiveIgnoresToken
        ? ctx.holder !== null && nowMs < ctx.holder.lockedUntilMs
        : holds(ctx, event.token, nowMs);
      if (!fenced) return { patch: {}, fx: opFailed(ctx, event, event.token, null, LOCK_LOST(ctx.sessionId)) };
      const token = event.token ?? '';
      return chain(
        ctx,
        (c) => evaluateExpiry(c, nowMs, false),
        (c) => {
          const out = take(
            c.messages,
            { max: event.max, mode: event.mode, consumer: event.from, nowMs, tokenFor: () => token },
            scope,
          );
          if (out.delivered.length === 0 && event.waitMs > 0) {
            return {
              patch: { parked: { from: event.from, reqId: event.reqId, max: event.max, mode: event.mode } },
              fx: [
                {
                  type: 'fx.timer',
                  key: `receive:${event.from}:${event.reqId}`,
                  atMs: nowMs + event.waitMs,
                  event: { type: 'session.receiveTimeout', from: event.from, reqId: event.reqId },
                },
              ],
            };
          }
          // Seeded bug M47: the receive path always shows the .NET-style count (raw + 1).
          const shown = scope.bugs.receiveCountPlusOne
            ? { ...scope.switches, deliveryCountView: 'plusOne' as const }
            : scope.switches;
          const received = out.delivered.map((m) => view(m, shown));
          return {
            patch: { messages: out.messages },
            fx: [...out.fx, ok(event.from, event.reqId, { kind: 'received', messages: received })],
          };
        },
        status,
      );
    }
    case 'session.receiveTimeout': {
      if (!ctx.parked || ctx.parked.reqId !== event.reqId || ctx.parked.from !== event.from)
        return { patch: {}, fx: [] };
      return { patch: { parked: null }, fx: [ok(event.from, event.reqId, { kind: 'received', messages: [] })] };
    }
    case 'req.settle': {
      // Seeded bug M25: dead-letter is not fenced by the session lock.
      const unfenced =
        scope.bugs.settleWithStaleLock || (scope.bugs.deadLetterUnfenced && event.action === 'deadLetter');
      if (!holds(ctx, event.token, nowMs) && !unfenced) {
        return { patch: {}, fx: opFailed(ctx, event, event.token, event.seq, LOCK_LOST(ctx.sessionId)) };
      }
      const out = settle(ctx.messages, { ...event, consumer: event.from, nowMs }, scope);
      if (out.error) return { patch: {}, fx: opFailed(ctx, event, event.token, event.seq, out.error) };
      return chain(
        ctx,
        () => ({
          patch: { messages: out.messages },
          fx: [...out.fx, ok(event.from, event.reqId, { kind: 'settled' })],
        }),
        // Seeded bug M53: the message an abandon makes active again does not wake the holder's parked receive.
        (c) =>
          scope.bugs.parkedReceiveNotServedOnAbandon && event.action === 'abandon'
            ? { patch: {}, fx: [] }
            : serveParked(c, nowMs),
        status,
      );
    }
    case 'req.getState': {
      // Seeded bug M23: reading the state is not fenced by the lock.
      if (!holds(ctx, event.token, nowMs) && !scope.bugs.getStateUnfenced)
        return { patch: {}, fx: opFailed(ctx, event, event.token, null, LOCK_LOST(ctx.sessionId)) };
      return {
        patch: {},
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'stateRead',
              entity: scope.entity,
              session: ctx.sessionId,
              consumer: event.from,
              value: ctx.state,
            },
          },
          ok(event.from, event.reqId, { kind: 'state', value: ctx.state }),
        ],
      };
    }
    case 'req.setState': {
      if (!holds(ctx, event.token, nowMs) && !scope.bugs.staleStateWriteWins) {
        return { patch: {}, fx: opFailed(ctx, event, event.token, null, LOCK_LOST(ctx.sessionId)) };
      }
      const limit = SESSION_STATE_LIMIT_BYTES[scope.config.tier];
      if (event.value !== null && utf8Length(event.value) > limit) {
        return {
          patch: {},
          fx: opFailed(ctx, event, event.token, null, {
            code: 'MessageSizeExceeded',
            message: `The session state exceeds the ${limit}-byte limit of the ${scope.config.tier} tier.`,
          }),
        };
      }
      return {
        patch: { state: event.value },
        fx: [
          {
            type: 'fx.fact',
            fact: {
              kind: 'stateSet',
              entity: scope.entity,
              session: ctx.sessionId,
              consumer: event.from,
              token: event.token,
              value: event.value,
            },
          },
          ok(event.from, event.reqId, { kind: 'stateSet' }),
        ],
      };
    }
    case 'req.receiveDeferred':
      return receiveDeferred(ctx, event, nowMs);
    case 'req.peek': {
      if (!holds(ctx, event.token, nowMs))
        return { patch: {}, fx: opFailed(ctx, event, event.token, null, LOCK_LOST(ctx.sessionId)) };
      const messages = ctx.messages
        // Seeded bug M46: peek shows only active messages, hiding locked and deferred ones.
        .filter((m) => m.seq >= event.fromSeq && (!scope.bugs.peekActiveOnly || m.state === 'active'))
        .slice(0, event.max)
        .map((m) => view(m, scope.switches, true));
      return { patch: {}, fx: [ok(event.from, event.reqId, { kind: 'peeked', messages })] };
    }
    case 'session.gcTick':
      // Seeded bug M41: the tick applies the session-wide rule to a locked session too.
      return chain(
        ctx,
        (c) => evaluateExpiry(c, nowMs, c.holder === null || scope.bugs.gcSessionWideOnLocked === true, false, true),
        status,
      );
    case 'req.send':
      return {
        patch: {},
        fx: [fail(event.from, event.reqId, { code: 'GeneralError', message: 'Send to the entity, not to a session.' })],
      };
    case 'session.acceptTimeout':
      return acceptTimeout(ctx, event);
  }
}

function acceptTimeout(ctx: SessionContext, e: { from: ActorId; reqId: number }): Step {
  const waiting = ctx.waiting.filter((w) => !(w.from === e.from && w.reqId === e.reqId));
  if (waiting.length === ctx.waiting.length) return { patch: {}, fx: [] };
  // Seeded bug M55: the waiter is polled at its timeout instead of signalled at release: a free session
  // is granted now, late.
  const polled = ctx.waiting.find((w) => w.from === e.from && w.reqId === e.reqId);
  if (ctx.scope.bugs.waitingAcceptAdmittedAtTimeout && polled && ctx.holder === null) {
    const out = acquire(ctx, polled.from, polled.reqId, false, polled.mode);
    return { patch: { ...out.patch, waiting }, fx: out.fx };
  }
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
function receiveDeferred(
  ctx: SessionContext,
  event: Extract<ClientRequest, { type: 'req.receiveDeferred' }>,
  nowMs: number,
): Step {
  const scope = ctx.scope;
  // Seeded bug M24: fetching by sequence number is not fenced by the session lock.
  if (!holds(ctx, event.token, nowMs) && !scope.bugs.receiveDeferredUnfenced)
    return { patch: {}, fx: opFailed(ctx, event, event.token, null, LOCK_LOST(ctx.sessionId)) };
  const missing = event.seqs.find((s) => !ctx.messages.some((m) => m.seq === s && m.state === 'deferred'));
  if (missing !== undefined) {
    return {
      patch: {},
      fx: opFailed(ctx, event, event.token, missing, {
        code: 'MessageNotFound',
        message: `The message with sequence number ${missing} was not found or is not deferred.`,
      }),
    };
  }
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
    // Seeded bug M38: the fetch does not check expiry and hands out an expired deferred message.
    if (isExpired(m, nowMs) && !scope.bugs.receiveDeferredReturnsExpired) {
      // Expired deferred messages are expired when fetched, and not returned (net#30252).
      // Seeded bug M40: that dead-lettering loses its TTLExpiredException reason and description.
      const lost = scope.bugs.expiredDeferredReasonLost === true;
      fx.push(...expire(m, nowMs, 'message', scope, scope.config, lost ? { reason: '', description: '' } : undefined));
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

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
    emitted: {} as Effect,
  },
  actions: {
    /** Every event goes through `handle`: a pure (context, event) → (patch, effects). */
    apply: enqueueActions(({ context, event, enqueue }) => {
      enqueueStep(enqueue, handle(context, event));
    }),
  },
  guards: {
    isHolderToken: ({ context, event }) => 'token' in event && context.holder?.token === event.token,
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
      bugs: input.bugs,
      rules: input.rules,
    },
    messages: [],
    holder: null,
    state: null,
    locks: 0,
    parked: null,
    waiting: [],
    reported: 'false|false',
  }),
  initial: 'unlocked',
  on: { '*': { actions: 'apply' } },
  states: {
    unlocked: {
      on: { 'lock.granted': { target: 'locked', actions: 'apply' } },
    },
    locked: {
      on: {
        'lock.released': [{ guard: 'isHolderToken', target: 'unlocked', actions: 'apply' }, { actions: 'apply' }],
        'lock.expired': [{ guard: 'isHolderToken', target: 'unlocked', actions: 'apply' }, { actions: 'apply' }],
        'lock.granted': { target: 'locked', actions: 'apply' },
      },
    },
  },
});
