import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M23: GetSessionState is not fenced by the session lock: a receiver that lost the lock (or never held it) can still read the state. */
export const m23: Mutant = {
  id: 'M23',
  slug: 'get-state-unfenced',
  description:
    'GetSessionState is not fenced by the session lock: a receiver that lost the lock (or never held it) can still read the state.',
  overrides: {
    // Reading the state is not fenced by the session lock.
    session: {
      guards: {
        holdsValidLock: ({ context, event }) => event.type === 'req.getState' || holdsValidLock(context, event),
      },
    },
  },
  expectedProperty: 'session-state',
  minimalConfig: '1 × 2 × 1',
};
