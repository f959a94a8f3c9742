/**
 * TTL rules shared by sessions and non-session entities (reference §4, T14).
 *
 * Expiry is lazy: it is evaluated on receive, on accept, when a lock is released and on the optional
 * background tick, never from a timer of its own. Locked and deferred messages never expire here:
 * a locked message is protected until it is released, and a deferred one is checked only when it is
 * fetched by sequence number (§3.3).
 */
import type { EntityConfig } from './config.ts';
import type { DeadLetterEntry, Effect, StoredMessage } from './events.ts';

export const TTL_EXPIRED_REASON = 'TTLExpiredException';
export const TTL_EXPIRED_DESCRIPTION = 'The message expired and was dead lettered.';

export function isExpired(message: StoredMessage, nowMs: number): boolean {
  return message.expiresAtMs !== null && message.expiresAtMs <= nowMs;
}

/** `enqueuedTime + TTL`, with the entity default as ceiling (D2). */
export function expiresAt(enqueuedAtMs: number, ttlMs: number | undefined, config: EntityConfig): number | null {
  const ceiling = config.defaultMessageTimeToLiveMs;
  const ttl = ttlMs === undefined ? ceiling : ceiling === null ? ttlMs : Math.min(ttlMs, ceiling);
  return ttl === null ? null : enqueuedAtMs + ttl;
}

export interface ExpiryOutcome {
  readonly messages: readonly StoredMessage[];
  readonly fx: readonly Effect[];
}

/**
 * Expire what is due. On an unlocked session with `sessionWideExpiry` on, one expired active message
 * expires every active message of the session (D1, "Message expiration"); otherwise each active
 * message expires on its own. `triggered`: a message of the session has just expired on its release
 * (and is already gone), which sets off the session-wide rule as an expired active message would.
 */
export function expireDue(
  messages: readonly StoredMessage[],
  nowMs: number,
  scope: {
    readonly entity: string;
    readonly entityActor: string;
    readonly sessionWide: boolean;
    readonly triggered?: boolean;
    /** Locked messages are swept too (`Rules.expiresLocked`; D2: never, they are protected). */
    readonly expireLocked?: boolean;
    /** Deferred messages are swept too (`Rules.sweepsDeferred`; §3.3: never, only when fetched). */
    readonly expireDeferred?: boolean;
  },
  config: EntityConfig,
): ExpiryOutcome {
  const sweepable = (m: StoredMessage): boolean =>
    m.state === 'active' || (scope.expireDeferred === true && m.state === 'deferred');
  const expirable = (m: StoredMessage): boolean =>
    sweepable(m) || (scope.expireLocked === true && m.state === 'locked');
  let any = scope.sessionWide && scope.triggered === true;
  for (const m of messages) {
    if (expirable(m) && isExpired(m, nowMs)) {
      any = true;
      break;
    }
  }
  if (!any) return { messages, fx: [] };
  const kept: StoredMessage[] = [];
  const fx: Effect[] = [];
  for (const m of messages) {
    const due = expirable(m) && isExpired(m, nowMs);
    const bySession = !due && scope.sessionWide && sweepable(m);
    if (!due && !bySession) {
      kept.push(m);
      continue;
    }
    fx.push(...expire(m, nowMs, due ? 'message' : 'session', scope, config));
  }
  return { messages: kept, fx };
}

/**
 * The effects of one message expiring: dropped, or dead-lettered with `TTLExpiredException`.
 * `deadLetterAs` overrides the reason and description (`Rules.fetchedExpiryReason`).
 */
export function expire(
  m: StoredMessage,
  nowMs: number,
  rule: 'message' | 'session',
  scope: { readonly entity: string; readonly entityActor: string },
  config: EntityConfig,
  deadLetterAs: { readonly reason: string; readonly description: string } = {
    reason: TTL_EXPIRED_REASON,
    description: TTL_EXPIRED_DESCRIPTION,
  },
): Effect[] {
  const deadLettered = config.deadLetteringOnMessageExpiration;
  const fx: Effect[] = [
    {
      type: 'fx.fact',
      fact: { kind: 'expired', entity: scope.entity, session: m.sessionId, seq: m.seq, deadLettered, rule },
    },
  ];
  if (deadLettered) fx.push(...deadLetter(m, deadLetterAs.reason, deadLetterAs.description, nowMs, scope));
  return fx;
}

/** Move a message to the entity's dead-letter queue. */
export function deadLetter(
  m: StoredMessage,
  reason: string,
  description: string,
  nowMs: number,
  scope: { readonly entity: string; readonly entityActor: string },
): Effect[] {
  const entry: DeadLetterEntry = {
    seq: m.seq,
    messageId: m.messageId,
    sessionId: m.sessionId,
    reason,
    description,
    deliveryCount: m.deliveryCount,
    atMs: nowMs,
  };
  return [
    {
      type: 'fx.fact',
      fact: {
        kind: 'deadLettered',
        entity: scope.entity,
        session: m.sessionId,
        seq: m.seq,
        reason,
        deliveryCount: m.deliveryCount,
      },
    },
    { type: 'fx.send', to: scope.entityActor, event: { type: 'entity.deadLetter', entry } },
  ];
}

export const MAX_DELIVERY_REASON = 'MaxDeliveryCountExceeded';

/** The description the service writes when MaxDeliveryCount dead-letters a message (java#30837). */
export function maxDeliveryDescription(maxDeliveryCount: number): string {
  return `Message could not be consumed after ${maxDeliveryCount} delivery attempts.`;
}
