/**
 * Delivery and settlement over an ordered list of messages: the rules shared by a session and by a
 * non-session entity. Pure functions: (messages, request) → (messages, effects).
 *
 * Rules: T4 receive takes the first active message in order; T4' receive-and-delete removes on transfer;
 * T5 complete; T6 abandon (+1, served next, MaxDeliveryCount); T7 defer; T8 dead-letter; T11 lock expiry
 * (+1 for messages delivered under the lock); T12 close or detach (no increment). Reference §1, §3.
 */
import type { EntityConfig, Switches } from './config.ts';
import type {
  ActorId,
  BrokerError,
  Effect,
  ReceivedMessage,
  ReceiveMode,
  ReleaseCause,
  SettleAction,
  StoredMessage,
} from './events.ts';
import { MAX_DELIVERY_REASON, deadLetter, expire, isExpired, maxDeliveryDescription } from './expiry.ts';
import type { Rules } from './rules.ts';

export interface Scope {
  readonly entity: string;
  readonly entityActor: ActorId;
  readonly config: EntityConfig;
  readonly switches: Switches;
  /** The settlement arithmetic (models/rules.ts); a mutant may swap one rule. */
  readonly rules: Rules;
}

export interface Outcome {
  readonly messages: readonly StoredMessage[];
  readonly fx: Effect[];
}

/** The message as a receiver sees it. Peeked messages show the raw count even in the +1 view (N8, §3.4). */
export function view(m: StoredMessage, switches: Switches, peeked = false): ReceivedMessage {
  return {
    seq: m.seq,
    messageId: m.messageId,
    sessionId: m.sessionId,
    deliveryCount: switches.deliveryCountView === 'plusOne' && !peeked ? m.deliveryCount + 1 : m.deliveryCount,
    lockToken: m.lockToken,
    enqueuedAtMs: m.enqueuedAtMs,
    expiresAtMs: m.expiresAtMs,
    subject: m.subject,
    replyToSessionId: m.replyToSessionId,
    body: m.body,
    state: m.state === 'deferred' ? 'deferred' : 'active',
  };
}

export function countByState(messages: readonly StoredMessage[], state: StoredMessage['state']): number {
  let n = 0;
  for (const m of messages) if (m.state === state) n++;
  return n;
}

/**
 * Hand out up to `max` receivable messages in order. `tokenFor` gives the lock token of each
 * delivered message: the session lock's token, or a fresh message-lock token in a non-session entity.
 */
export function take(
  messages: readonly StoredMessage[],
  request: {
    readonly max: number;
    readonly mode: ReceiveMode;
    readonly consumer: ActorId;
    readonly nowMs: number;
    readonly tokenFor: (m: StoredMessage) => string;
  },
  scope: Scope,
): Outcome & { readonly delivered: readonly StoredMessage[] } {
  const next: StoredMessage[] = [];
  const delivered: StoredMessage[] = [];
  const fx: Effect[] = [];
  for (const m of messages) {
    if (delivered.length >= request.max || !scope.rules.receivable(m)) {
      next.push(m);
      continue;
    }
    const token = request.mode === 'peekLock' ? request.tokenFor(m) : null;
    const out: StoredMessage = { ...m, state: 'locked', lockToken: token, deliveredUnder: token };
    delivered.push(out);
    if (request.mode === 'peekLock') next.push(out);
    else {
      const kept = scope.rules.keptAfterReceiveAndDelete(m);
      if (kept) next.push(kept);
    }
    fx.push({
      type: 'fx.fact',
      fact: {
        kind: 'delivered',
        entity: scope.entity,
        session: m.sessionId,
        seq: m.seq,
        consumer: request.consumer,
        token,
        deliveryCount: m.deliveryCount,
        mode: request.mode,
        deferred: false,
      },
    });
  }
  return { messages: next, delivered, fx };
}

/** Raise a message's count and dead-letter it when it has used up its deliveries (§3.4). */
function bump(
  m: StoredMessage,
  by: number,
  nowMs: number,
  scope: Scope,
): { message: StoredMessage | null; fx: Effect[] } {
  const deliveryCount = m.deliveryCount + by;
  const bumped: StoredMessage = { ...m, deliveryCount };
  const limit = scope.rules.maxDeliveryLimit(scope.config);
  if (by > 0 && deliveryCount >= limit) {
    return {
      message: null,
      fx: deadLetter(bumped, MAX_DELIVERY_REASON, maxDeliveryDescription(scope.config.maxDeliveryCount), nowMs, scope),
    };
  }
  return { message: bumped, fx: [] };
}

/**
 * A locked message becomes active again. If it expired while locked, expiry takes effect at once
 * (locked messages are protected only while locked: D2).
 */
function reactivate(
  m: StoredMessage,
  by: number,
  cause: 'abandon' | 'lockExpired' | ReleaseCause,
  nowMs: number,
  scope: Scope,
): { message: StoredMessage | null; fx: Effect[]; expired: boolean } {
  // §3.3: the fetch of a deferred message was its delivery (+1); giving it back adds nothing more
  // (received, deferred, fetched: 1; abandoned and fetched again: 2).
  const { message, fx } = bump(m, m.fetchedDeferred === true ? 0 : by, nowMs, scope);
  if (message === null) return { message, fx, expired: false };
  // §3.3: a fetched deferred message given back (abandon, close, lock expiry) stays deferred, and
  // deferred messages expire only when fetched.
  const deferred = m.fetchedDeferred === true;
  const back: StoredMessage = deferred
    ? { ...message, state: 'deferred', lockToken: null, fetchedDeferred: false }
    : { ...message, state: 'active', lockToken: null };
  fx.push({
    type: 'fx.fact',
    fact: {
      kind: 'requeued',
      entity: scope.entity,
      session: m.sessionId,
      seq: m.seq,
      deliveryCount: back.deliveryCount,
      cause,
      ...(deferred ? { to: 'deferred' as const } : {}),
    },
  });
  if (!deferred && isExpired(back, nowMs)) {
    fx.push(...expire(back, nowMs, 'message', scope, scope.config));
    return { message: null, fx, expired: true };
  }
  return { message: back, fx, expired: false };
}

/**
 * Return every message locked under `token` to the session: +1 on lock expiry (T11), no change on
 * close, detach or crash (T12). With `lockExpiryIncrementScope: 'all'`, lock expiry also raises the
 * count of the session's other active messages. `expired` says whether a returned message expired
 * on its release: on a session that is now unlocked, that is what triggers the session-wide rule (§4).
 */
export function releaseLocked(
  messages: readonly StoredMessage[],
  token: string,
  cause: 'lockExpired' | ReleaseCause,
  nowMs: number,
  scope: Scope,
): Outcome & { readonly expired: boolean } {
  const increment = scope.rules.releaseIncrement(cause);
  const all = cause === 'lockExpired' && scope.rules.expiryRaisesAll(scope.switches);
  const drops = scope.rules.dropsOnRelease(cause);
  const next: StoredMessage[] = [];
  const fx: Effect[] = [];
  let expired = false;
  for (const m of messages) {
    if (m.state === 'locked' && m.lockToken === token && drops) continue;
    if (m.state === 'locked' && m.lockToken === token) {
      const r = reactivate(m, increment, cause, nowMs, scope);
      fx.push(...r.fx);
      expired ||= r.expired;
      if (r.message) next.push(r.message);
    } else if (all && m.state === 'active' && increment > 0) {
      const r = bump(m, increment, nowMs, scope);
      fx.push(...r.fx);
      if (r.message) next.push(r.message);
    } else {
      next.push(m);
    }
  }
  return { messages: next, fx, expired };
}

export interface SettleRequest {
  readonly seq: number;
  readonly token: string | null;
  readonly action: SettleAction;
  readonly reason?: string | undefined;
  readonly description?: string | undefined;
  readonly consumer: ActorId;
  readonly nowMs: number;
}

export const ALREADY_SETTLED = 'The message has either been deleted or already settled';

/** T5–T8: the message is locked, under the caller's token. */
export function settleable(
  messages: readonly StoredMessage[],
  req: Pick<SettleRequest, 'seq' | 'token' | 'action'>,
  scope: Scope,
): boolean {
  const m = messages.find((x) => x.seq === req.seq);
  return (
    m !== undefined && m.state === 'locked' && (m.lockToken === req.token || !scope.rules.settleChecksToken(req.action))
  );
}

/** T5–T8: settle one message locked under the caller's token. */
export function settle(
  messages: readonly StoredMessage[],
  req: SettleRequest,
  scope: Scope,
): Outcome & { readonly error?: BrokerError } {
  const index = messages.findIndex((m) => m.seq === req.seq);
  const m = messages[index];
  if (!m || !settleable(messages, req, scope)) {
    return { messages, fx: [], error: { code: 'MessageLockLost', message: ALREADY_SETTLED } };
  }
  const fx: Effect[] = [
    {
      type: 'fx.fact',
      fact: {
        kind: 'settled',
        entity: scope.entity,
        session: m.sessionId,
        seq: m.seq,
        consumer: req.consumer,
        token: req.token,
        action: req.action,
        deliveryCount: m.deliveryCount,
      },
    },
  ];
  const rest = messages.filter((_, i) => i !== index);
  switch (req.action) {
    case 'complete':
      return { messages: rest, fx };
    case 'deadLetter': {
      const { reason, description } = scope.rules.deadLetterReason(req.reason ?? '', req.description ?? '');
      fx.push(...deadLetter(m, reason, description, req.nowMs, scope));
      return { messages: rest, fx };
    }
    case 'abandon': {
      const abandonScope = scope.rules.abandonChecksMaxDelivery
        ? scope
        : { ...scope, rules: { ...scope.rules, maxDeliveryLimit: () => Number.POSITIVE_INFINITY } };
      const r = reactivate(m, scope.rules.abandonIncrement, 'abandon', req.nowMs, abandonScope);
      fx.push(...r.fx);
      if (!r.message) return { messages: rest, fx };
      // Abandon serves the same message next (D1): it keeps its place at the head of the order.
      return { messages: scope.rules.abandonPlacement(messages, index, r.message), fx };
    }
    case 'defer': {
      const r = bump(m, scope.rules.deferIncrement(scope.switches), req.nowMs, scope);
      fx.push(...r.fx);
      if (!r.message) return { messages: rest, fx };
      const deferred: StoredMessage = { ...r.message, state: 'deferred', lockToken: null, fetchedDeferred: false };
      return { messages: insertAt(messages, index, deferred), fx };
    }
  }
}

function insertAt(messages: readonly StoredMessage[], index: number, m: StoredMessage): StoredMessage[] {
  const copy = messages.slice();
  copy[index] = m;
  return copy;
}
