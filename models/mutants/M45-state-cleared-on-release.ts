import { returnLocked, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M45: Session state is cleared whenever the session lock is released or expires, so the next holder cannot resume from it. */
export const m45: Mutant = {
  id: 'M45',
  slug: 'state-cleared-on-release',
  description:
    'Session state is cleared whenever the session lock is released or expires, so the next holder cannot resume from it.',
  overrides: {
    session: {
      actions: {
        // The session state is treated as part of the lock and dropped with it.
        returnLocked: stepAction((c, e) => {
          const out = returnLocked(c, e);
          return { ...out, patch: { ...out.patch, state: null } };
        }),
      },
    },
  },
  expectedProperty: 'session-state',
  minimalConfig: '1 × 1 × 2',
};
