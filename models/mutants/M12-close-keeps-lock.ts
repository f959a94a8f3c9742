import type { Mutant } from './mutant.ts';

/** M12: Closing the receiver does not release the session lock; the session stays locked until the lock expires. */
export const m12: Mutant = {
  id: 'M12',
  slug: 'close-keeps-lock',
  description:
    'Closing the receiver does not release the session lock; the session stays locked until the lock expires.',
  bugs: { closeKeepsLock: true },
  overrides: {},
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
