import { expiresAt } from '../expiry.ts';
import type { Mutant } from './mutant.ts';

/** M37: Expiry is computed from time zero instead of the enqueue time, so a message sent later expires too early. */
export const m37: Mutant = {
  id: 'M37',
  slug: 'ttl-from-time-zero',
  description:
    'Expiry is computed from time zero instead of the enqueue time, so a message sent later expires too early.',
  overrides: {
    rules: { messageExpiresAt: (_now, ttlMs, config) => expiresAt(0, ttlMs, config) },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
