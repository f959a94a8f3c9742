import type { Mutant } from './mutant.ts';

/** M31: A dropped link does not release the session lock; the session stays locked (and its messages unavailable) until the lock expires. */
export const m31: Mutant = {
  id: 'M31',
  slug: 'detach-keeps-lock',
  description:
    'A dropped link does not release the session lock; the session stays locked (and its messages unavailable) until the lock expires.',
  bugs: { detachKeepsLock: true },
  overrides: {},
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
