import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M10: SetSessionState is not fenced by the lock: a consumer that lost the lock can still overwrite the session state. */
export const m10: Mutant = {
  id: 'M10',
  slug: 'stale-state-write-wins',
  description:
    'SetSessionState is not fenced by the lock: a consumer that lost the lock can still overwrite the session state.',
  overrides: {
    // Writing the state is not fenced by the session lock.
    session: {
      guards: {
        holdsValidLock: ({ context, event }) => event.type === 'req.setState' || holdsValidLock(context, event),
      },
    },
  },
  expectedProperty: 'session-state',
  minimalConfig: '1 × 2 × 1',
};
