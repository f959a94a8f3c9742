import type { Mutant } from './mutant.ts';

/** M07: TTL is never checked at delivery: an expired message is handed out. */
export const m07: Mutant = {
  id: 'M07',
  slug: 'deliver-expired',
  description: 'TTL is never checked at delivery: an expired message is handed out.',
  // Nothing is ever expired: not in a session's lazy evaluation, not in a plain entity.
  overrides: { rules: { lazyExpiry: false, expireDue: (messages) => ({ messages, fx: [] }) } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
