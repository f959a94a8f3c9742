import type { Mutant } from './mutant.ts';

/** M32: With crashSemantics 'lockExpiry' a crash still releases the lock at once (without the delivery-count increment of a lock expiry). */
export const m32: Mutant = {
  id: 'M32',
  slug: 'crash-releases-at-once',
  description:
    "With crashSemantics 'lockExpiry' a crash still releases the lock at once (without the delivery-count increment of a lock expiry).",
  overrides: { session: { guards: { crashLeftToExpiry: () => false } } },
  expectedProperty: 'lock-release',
  minimalConfig: '1 × 1 × 1',
};
