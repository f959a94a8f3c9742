import { NO_STEP, ok, releaseRequest, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M12: Closing the receiver does not release the session lock; the session stays locked until the lock expires. */
export const m12: Mutant = {
  id: 'M12',
  slug: 'close-keeps-lock',
  description:
    'Closing the receiver does not release the session lock; the session stays locked until the lock expires.',
  overrides: {
    session: {
      actions: {
        // A close is acknowledged but the lock is not released: it stays held until it expires.
        releaseLock: stepAction((c, e) =>
          e.type === 'req.close' && e.cause === 'close'
            ? { patch: {}, fx: [ok(e.from, e.reqId, { kind: 'closed' })] }
            : { ...NO_STEP, fx: [releaseRequest(c, e)] },
        ),
      },
    },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
