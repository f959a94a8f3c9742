import { enqueueActions } from 'xstate';
import { expiryTimer } from '../session-lock.ts';
import type { Mutant } from './mutant.ts';

/** M18: RenewSessionLock reports a later deadline but leaves the expiry timer where it was, so a renewed lock still expires at the old time. */
export const m18: Mutant = {
  id: 'M18',
  slug: 'renew-keeps-expiry-timer',
  description:
    'RenewSessionLock reports a later deadline but leaves the expiry timer where it was, so a renewed lock still expires at the old time.',
  overrides: {
    lock: {
      // A renewal leaves the expiry timer where it was.
      actions: {
        armExpiry: enqueueActions(({ context, event, enqueue }) => {
          if (event.type !== 'lock.renew') enqueue.emit(expiryTimer(context));
        }),
      },
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
