import type { Mutant } from './mutant.ts';

/** M19: A renewal is acknowledged but the session keeps fencing with the old deadline, so the holder's operations fail with SessionLockLost while the lock is still held. */
export const m19: Mutant = {
  id: 'M19',
  slug: 'renew-deadline-not-recorded',
  description:
    "A renewal is acknowledged but the session keeps fencing with the old deadline, so the holder's operations fail with SessionLockLost while the lock is still held.",
  bugs: { renewDeadlineNotRecorded: true },
  overrides: {},
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
