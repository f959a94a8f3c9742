/**
 * Seeded-bug points. The correct model runs with none set; each mutant in `models/mutants/` turns
 * one on (the MigratingTable / Coyote pattern: every bug behind one flag, harness-anchors §4.1).
 */
export type BugName =
  | 'acceptNextNotExclusive'
  | 'abandonToTail'
  | 'noIncrementOnLockExpiry'
  | 'incrementOnClose'
  | 'maxDeliveryOffByOne'
  | 'deliverExpired'
  | 'perMessageTtlOnly'
  | 'renewAfterExpiry'
  | 'staleStateWriteWins'
  | 'closeKeepsLock'
  | 'deferredVisible'
  | 'settleWithStaleLock'
  | 'expireLockedMessages'
  | 'doubleIncrementOnAbandon'
  | 'sequencePerSession'
  | 'dropOnClose';

export type Bugs = Readonly<Partial<Record<BugName, true>>>;

export const NO_BUGS: Bugs = Object.freeze({});
