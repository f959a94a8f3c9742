import type { Mutant } from './mutant.ts';

/** M15: The session-wide TTL rule is ignored although the switch is on: only the expired message itself expires. */
export const m15: Mutant = {
  id: 'M15',
  slug: 'per-message-ttl-only',
  description:
    'The session-wide TTL rule is ignored although the switch is on: only the expired message itself expires.',
  overrides: { rules: { sessionWideExpiry: () => false } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 2',
};
