import type { Mutant } from './mutant.ts';

/** M39: The lazy expiry sweep expires deferred messages as if they were active (and lets them trigger the session-wide rule) instead of checking them only when fetched. */
export const m39: Mutant = {
  id: 'M39',
  slug: 'expiry-sweeps-deferred',
  description:
    'The lazy expiry sweep expires deferred messages as if they were active (and lets them trigger the session-wide rule) instead of checking them only when fetched.',
  overrides: { rules: { sweepsDeferred: true } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 2',
};
