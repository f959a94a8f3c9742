import { assertEvent, assign } from 'xstate';
import type { Mutant } from './mutant.ts';

/** M17: RenewSessionLock counts the new deadline from the old deadline instead of from now, so every renewal hands out more lock time than LockDuration. */
export const m17: Mutant = {
  id: 'M17',
  slug: 'renew-from-old-deadline',
  description:
    'RenewSessionLock counts the new deadline from the old deadline instead of from now, so every renewal hands out more lock time than LockDuration.',
  overrides: {
    lock: {
      actions: {
        extend: assign(({ context, event }) => {
          assertEvent(event, 'lock.renew');
          return { lockedUntilMs: context.lockedUntilMs + event.durationMs };
        }),
      },
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
