/**
 * Faults a test enables, as Chooser decisions. Off by default: a namespace without `faults` makes no fault
 * decision, so its decision lists and replay files are what they were.
 *
 * With a fault on, every point where it could strike is one two-option decision, named
 * `fault:<fault>:<receiver>` (its options `no`, the default, and the fault). A seeded run strikes at
 * random; a decision list says exactly where; shrinking zeroes the picks it does not need, so a shrunk
 * failure keeps only the faults that matter. The decisions go into the facade's script like the order of
 * concurrent operations does, so `sbsim replay` redoes them.
 *
 * - `detach`: before each operation of a session receiver reaches the broker (receive, a subscription's
 *   receive, settle, peek, deferred receive, get/set state, renew), its AMQP link may drop. The broker
 *   hears a close with cause `detach` for the receiver's lock (the session is released, a parked receive
 *   fails), and the receiver is gone as the SDK's is: that call and every later one fail with
 *   SessionLockLost, a subscriber's `processError` hears of it (`errorSource: 'receive'`).
 * - `loseRenewals`: each auto lock renewal (maxAutoLockRenewalDurationInMs) may be lost on the way: the
 *   request never reaches the broker and no later renewal is scheduled, so the lock lapses when it was
 *   due, and the receiver reports SessionLockLost then.
 */

export interface FaultOptions {
  /** A session receiver's link may detach before any of its operations reaches the broker. */
  readonly detach?: boolean;
  /** An auto lock renewal may never reach the broker (the lock then lapses on time). */
  readonly loseRenewals?: boolean;
}

export type FaultKind = keyof FaultOptions;

/** The option a fault decision picks to strike (option 0 is always `no`). */
export const FAULT_LABEL: Record<FaultKind, string> = { detach: 'detach', loseRenewals: 'lose renewal' };

/** The decision's name: `fault:detach:receiver3`. */
export function faultDecisionName(kind: FaultKind, who: string): string {
  return `fault:${kind === 'loseRenewals' ? 'loseRenewal' : kind}:${who}`;
}
