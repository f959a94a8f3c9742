import { NO_STEP, releaseRequest, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M31: A dropped link does not release the session lock; the session stays locked (and its messages unavailable) until the lock expires. */
export const m31: Mutant = {
  id: 'M31',
  slug: 'detach-keeps-lock',
  description:
    'A dropped link does not release the session lock; the session stays locked (and its messages unavailable) until the lock expires.',
  overrides: {
    session: {
      actions: {
        // A dropped link is not noticed: the lock stays held until it expires.
        releaseLock: stepAction((c, e) =>
          e.type === 'req.close' && e.cause === 'detach' ? NO_STEP : { ...NO_STEP, fx: [releaseRequest(c, e)] },
        ),
      },
    },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
