import type { Mutant } from './mutant.ts';

/** M07: TTL is never checked at delivery: an expired message is handed out. */
export const m07: Mutant = {
  id: 'M07',
  slug: 'deliver-expired',
  description: 'TTL is never checked at delivery: an expired message is handed out.',
  bugs: { deliverExpired: true },
  overrides: { rules: { lazyExpiry: false } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
