import type { Mutant } from './mutant.ts';

/** M40: An expired deferred message dead-lettered on fetch loses its TTLExpiredException reason and description. */
export const m40: Mutant = {
  id: 'M40',
  slug: 'expired-deferred-reason-lost',
  description:
    'An expired deferred message dead-lettered on fetch loses its TTLExpiredException reason and description.',
  overrides: { rules: { fetchedExpiryReason: () => ({ reason: '', description: '' }) } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
