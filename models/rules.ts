/**
 * The settlement and expiry arithmetic as named, swappable rules. The machines decide *when* a rule
 * applies (their guards and actions); these pure functions say *what* it computes. A mutant of the zoo
 * that gets the arithmetic wrong swaps one rule (`Mutant.overrides.rules`); the correct model runs
 * with `RULES` and holds no bug checks.
 *
 * Each rule cites the reference (`docs/semantics.md`).
 */
import type { EntityConfig, Switches } from './config.ts';
import type { ReleaseCause, SettleAction, StoredMessage } from './events.ts';
import { expireDue, expiresAt, isExpired } from './expiry.ts';

export interface Rules {
  /** T4: a receive hands out active messages only; deferred ones wait for `receiveDeferred` (T9). */
  readonly receivable: (m: StoredMessage) => boolean;
  /** T4': in receive-and-delete a message is gone on transfer (§3.1). */
  readonly keptAfterReceiveAndDelete: (m: StoredMessage) => StoredMessage | null;
  /** §3.4: the count at which a message is dead-lettered with MaxDeliveryCountExceeded. */
  readonly maxDeliveryLimit: (config: EntityConfig) => number;
  /** T11/T12: +1 for messages delivered under a lock that expired; none on close, detach or crash. */
  readonly releaseIncrement: (cause: 'lockExpired' | ReleaseCause) => number;
  /** T11 with `lockExpiryIncrementScope: 'all'`: lock expiry raises the session's other active messages too. */
  readonly expiryRaisesAll: (switches: Switches) => boolean;
  /** T12: a release returns the holder's messages; none is ever dropped. */
  readonly dropsOnRelease: (cause: 'lockExpired' | ReleaseCause) => boolean;
  /** T5–T8: a settlement must carry the lock token the message was delivered under. */
  readonly settleChecksToken: (action: SettleAction) => boolean;
  /** T8: the dead-letter reason and description are the application's. */
  readonly deadLetterReason: (reason: string, description: string) => { reason: string; description: string };
  /** T6: abandon raises the count by one. */
  readonly abandonIncrement: number;
  /** T6 with §3.4: an abandon that reaches MaxDeliveryCount dead-letters the message. */
  readonly abandonChecksMaxDelivery: boolean;
  /** D1: an abandoned message keeps its place and is served next. */
  readonly abandonPlacement: (
    messages: readonly StoredMessage[],
    index: number,
    back: StoredMessage,
  ) => readonly StoredMessage[];
  /** T7: defer raises the count only when `deferCountsAsAttempt` says so. */
  readonly deferIncrement: (switches: Switches) => number;

  // -------------------------------------------------------------------------------------------------
  // Entity rules: numbering, expiry stamps, accept-next candidates (models/entity.ts).

  /** D2, §4: a message expires at enqueue time + its TTL, with the entity default as ceiling. */
  readonly messageExpiresAt: (enqueuedAtMs: number, ttlMs: number | undefined, config: EntityConfig) => number | null;
  /** §4, T14: what is due expires before messages are handed out (dropped or dead-lettered); locked ones are protected. */
  readonly expireDue: typeof expireDue;
  /** T3: accept-next offers only an unlocked session with an active message. */
  readonly offeredByAcceptNext: (session: { readonly active: boolean; readonly locked: boolean }) => boolean;
  /** T11: a lock is valid strictly before its deadline; at `now = lockedUntil` it has expired. */
  readonly lockValidAt: (lockedUntilMs: number, nowMs: number) => boolean;
  /** T2: a granted session lock lasts the entity's LockDuration. */
  readonly lockDurationMs: (config: EntityConfig) => number;
  /** §4: expiry is evaluated lazily (receive, accept, lock release, background tick); expired messages are never handed out. */
  readonly lazyExpiry: boolean;
  /** D1: one expired active message expires the whole session, only while it is unlocked and `sessionWideExpiry` is on. */
  readonly sessionWideExpiry: (switches: Switches, unlocked: boolean, tick: boolean) => boolean;
  /** D2: a locked message is protected from expiry while it is locked. */
  readonly expiresLocked: (tick: boolean) => boolean;
  /** §3.3: a deferred message expires only when it is fetched, never in a sweep. */
  readonly sweepsDeferred: boolean;
  /** §3.3: a deferred message fetched after its expiry is expired, not handed out (net#30252). */
  readonly expiresOnFetch: (m: StoredMessage, nowMs: number) => boolean;
  /** §4: a deferred message expired on fetch is dead-lettered with the TTL reason and description. */
  readonly fetchedExpiryReason: () => { reason: string; description: string } | undefined;
  /** §2.3: accept-next counts the session's active messages (deferred ones wait for `receiveDeferred`). */
  readonly acceptNextAvailable: (messages: readonly StoredMessage[]) => number;
  /** N8, §3.4: the delivery count a receive shows, raw or .NET-style +1, as the `deliveryCountView` switch says. */
  readonly receivedCountView: (switches: Switches) => Switches['deliveryCountView'];
  /** §3: peek shows every message of the session from `fromSeq`: active, locked and deferred. */
  readonly peekable: (m: StoredMessage) => boolean;
}

function keepPlace(messages: readonly StoredMessage[], index: number, back: StoredMessage): StoredMessage[] {
  const copy = messages.slice();
  copy[index] = back;
  return copy;
}

export const RULES: Rules = Object.freeze({
  receivable: (m: StoredMessage) => m.state === 'active',
  keptAfterReceiveAndDelete: () => null,
  maxDeliveryLimit: (config: EntityConfig) => config.maxDeliveryCount,
  releaseIncrement: (cause: 'lockExpired' | ReleaseCause) => (cause === 'lockExpired' ? 1 : 0),
  expiryRaisesAll: (switches: Switches) => switches.lockExpiryIncrementScope === 'all',
  dropsOnRelease: () => false,
  settleChecksToken: () => true,
  deadLetterReason: (reason: string, description: string) => ({ reason, description }),
  abandonIncrement: 1,
  abandonChecksMaxDelivery: true,
  abandonPlacement: keepPlace,
  deferIncrement: (switches: Switches) => (switches.deferCountsAsAttempt ? 1 : 0),

  // Entity rules
  messageExpiresAt: expiresAt,
  expireDue,
  offeredByAcceptNext: (session: { readonly active: boolean; readonly locked: boolean }) =>
    session.active && !session.locked,
  lockValidAt: (lockedUntilMs: number, nowMs: number) => nowMs < lockedUntilMs,
  lockDurationMs: (config: EntityConfig) => config.lockDurationMs,
  lazyExpiry: true,
  sessionWideExpiry: (switches: Switches, unlocked: boolean) => unlocked && switches.sessionWideExpiry,
  expiresLocked: () => false,
  sweepsDeferred: false,
  expiresOnFetch: (m: StoredMessage, nowMs: number) => isExpired(m, nowMs),
  fetchedExpiryReason: () => undefined,
  acceptNextAvailable: (messages: readonly StoredMessage[]) => count(messages, 'active'),
  receivedCountView: (switches: Switches) => switches.deliveryCountView,
  peekable: () => true,
});

function count(messages: readonly StoredMessage[], state: StoredMessage['state']): number {
  let n = 0;
  for (const m of messages) if (m.state === state) n++;
  return n;
}

/** The correct rules with a mutant's swaps applied. */
export function rulesWith(swaps: Partial<Rules> | undefined): Rules {
  return swaps ? { ...RULES, ...swaps } : RULES;
}
