/**
 * Entity configuration and the semantic switches.
 *
 * Every rule the reference marks [M] or [L] is a named switch here; its documented default
 * (docs/semantics.md §13) is in the workload schema (src/schema/workload.ts), with every other default.
 * Every replay file echoes the switches in force.
 */

/** A queue, or a subscription of a topic. */
export interface EntityConfig {
  /** Entity path: `q1`, or `topic/Subscriptions/sub` for a subscription. */
  readonly name: string;
  readonly kind: 'queue' | 'subscription';
  /** Set at creation only (D10). */
  readonly requiresSession: boolean;
  /** Session lock and message lock duration (D4, N12): 60 s by default, at most 5 min. */
  readonly lockDurationMs: number;
  /** Delivered at most this many times; the failed attempt number MDC dead-letters (D3). Minimum 1. */
  readonly maxDeliveryCount: number;
  /** Default TTL and ceiling for per-message TTL (D2); `null` means "infinite". */
  readonly defaultMessageTimeToLiveMs: number | null;
  /** Expired messages go to the DLQ with `TTLExpiredException` instead of being dropped (D2, D3). */
  readonly deadLetteringOnMessageExpiration: boolean;
  /** Session state size limit: 256 KB on Standard, 100 MB on Premium (D1). */
  readonly tier: 'standard' | 'premium';
}

export const LOCK_DURATION_MAX_MS = 5 * 60_000;
export const SESSION_STATE_LIMIT_BYTES = { standard: 256 * 1024, premium: 100 * 1024 * 1024 } as const;
export const SESSION_ID_MAX_LENGTH = 128;

/** The uncertain rules of the reference, each a switch with the documented default (§13). */
export interface Switches {
  /** [M] §4: one expired message expires every active message of an unlocked session. */
  readonly sessionWideExpiry: boolean;
  /** [M] §4: expiry runs on receive/accept/lock release only, or also on a periodic background tick. */
  readonly expiryTrigger: 'lazy' | 'gcTick';
  /** Period of the background expiry tick when `expiryTrigger` is `gcTick`. */
  readonly gcTickMs: number;
  /** [M] §2.5: lock expiry raises the count of messages delivered under that lock, or of every message. */
  readonly lockExpiryIncrementScope: 'delivered' | 'all';
  /** [M] §2.6: a crashed consumer releases its lock at once like close, or holds it until it expires. */
  readonly crashSemantics: 'release' | 'lockExpiry';
  /** [L] §3.3 (asb#375): defer counts as a failed delivery attempt toward MaxDeliveryCount. */
  readonly deferCountsAsAttempt: boolean;
  /** [L] §2.2: accepting a held session fails at once, or waits up to the timeout. */
  readonly acceptNamedWhenLocked: 'fail' | 'wait';
  /** [L] §2.3: which available session accept-next grants: explored by the Chooser, or the oldest. */
  readonly acceptNextChoice: 'nondeterministic' | 'oldestFirst';
  /** §3.4: delivery count shown to users: raw (JS, Java) or raw + 1 (.NET, Go). */
  readonly deliveryCountView: 'raw' | 'plusOne';
  /** §2.3: how long accept-next (and a waiting named accept) waits: the SDK operation timeout. */
  readonly acceptTimeoutMs: number;
}
