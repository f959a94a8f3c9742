import { NO_STEP, availability, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M26: Closing a session releases the lock but the entity is never told the session is free, so accept-next does not offer it again until new traffic arrives. */
export const m26: Mutant = {
  id: 'M26',
  slug: 'close-not-reported-available',
  description:
    'Closing a session releases the lock but the entity is never told the session is free, so accept-next does not offer it again until new traffic arrives.',
  overrides: {
    session: {
      actions: {
        // A close forgets to tell the entity that the session is free again.
        reportAvailability: stepAction((c, e) =>
          e.type === 'lock.released' && e.cause === 'close' ? NO_STEP : availability(c),
        ),
      },
    },
  },
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 1 × 2',
};
