import { assertEvent, assign } from 'xstate';
import type { Mutant } from './mutant.ts';

/** M19: A renewal is acknowledged but the session keeps fencing with the old deadline, so the holder's operations fail with SessionLockLost while the lock is still held. */
export const m19: Mutant = {
  id: 'M19',
  slug: 'renew-deadline-not-recorded',
  description:
    "A renewal is acknowledged but the session keeps fencing with the old deadline, so the holder's operations fail with SessionLockLost while the lock is still held.",
  overrides: {
    session: {
      actions: {
        // The renewal is acknowledged, but the session keeps fencing with the old deadline.
        recordRenewal: assign(({ context, event }) => {
          assertEvent(event, 'lock.renewed');
          const { holder } = context;
          return {
            holder: {
              owner: event.owner,
              token: event.token,
              lockedUntilMs: holder ? holder.lockedUntilMs : event.lockedUntilMs,
              mode: holder?.mode ?? 'peekLock',
            },
          };
        }),
      },
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
