import type { Mutant } from './mutant.ts';

/** M08: Expiry does not protect locked messages: a message whose TTL passes while it is locked is expired under its holder. */
export const m08: Mutant = {
  id: 'M08',
  slug: 'expire-locked-messages',
  description:
    'Expiry does not protect locked messages: a message whose TTL passes while it is locked is expired under its holder.',
  overrides: { rules: { expiresLocked: () => true } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
