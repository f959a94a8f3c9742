import { expiresAt } from '../expiry.ts';
import type { Mutant } from './mutant.ts';

/** M36: A message's own time to live is used as is: the entity's default TTL is not applied as a ceiling. */
export const m36: Mutant = {
  id: 'M36',
  slug: 'ttl-ceiling-ignored',
  description: "A message's own time to live is used as is: the entity's default TTL is not applied as a ceiling.",
  overrides: {
    rules: {
      messageExpiresAt: (now, ttlMs, config) => (ttlMs !== undefined ? now + ttlMs : expiresAt(now, ttlMs, config)),
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
