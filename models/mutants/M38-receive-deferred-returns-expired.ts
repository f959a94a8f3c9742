import type { Mutant } from './mutant.ts';

/** M38: Fetching a deferred message by sequence number does not check its TTL and hands out an expired message. */
export const m38: Mutant = {
  id: 'M38',
  slug: 'receive-deferred-returns-expired',
  description:
    'Fetching a deferred message by sequence number does not check its TTL and hands out an expired message.',
  overrides: { rules: { expiresOnFetch: () => false } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
