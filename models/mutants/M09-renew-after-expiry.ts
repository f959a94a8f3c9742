import { and, or, stateIn } from 'xstate';
import { validLock } from '../session-lock.ts';
import type { Mutant } from './mutant.ts';

/** M09: RenewSessionLock succeeds after the lock has expired, reviving a lost lock. */
export const m09: Mutant = {
  id: 'M09',
  slug: 'renew-after-expiry',
  description: 'RenewSessionLock succeeds after the lock has expired, reviving a lost lock.',
  overrides: {
    lock: {
      // An expired lock is renewed on its token alone, its deadline ignored.
      guards: {
        validFor: or([and([stateIn('expired'), 'tokenMatches']), ({ context, event }) => validLock(context, event)]),
      },
    },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 1 × 1',
};
