import { enqueueActions } from 'xstate';
import type { Mutant } from './mutant.ts';

/** M01: Accept-next is check-then-act: it offers sessions that are already locked, and the lock grants a second owner while the first still holds it. */
export const m01: Mutant = {
  id: 'M01',
  slug: 'accept-next-not-exclusive',
  description:
    'Accept-next is check-then-act: it offers sessions that are already locked, and the lock grants a second owner while the first still holds it.',
  overrides: {
    // Accept-next offers held sessions too.
    rules: { offeredByAcceptNext: (session) => session.active },
    lock: {
      guards: { lapsed: () => false },
      // Every acquire of a held lock is granted to the newcomer (no expiry of the old holder first).
      actions: {
        deny: enqueueActions(({ enqueue }) => {
          enqueue('grant');
          enqueue('armExpiry');
          enqueue('announceGrant');
        }),
      },
    },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
