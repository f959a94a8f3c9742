import type { Mutant } from './mutant.ts';

/** M14: Deferred messages stay visible to normal receive instead of being set aside. */
export const m14: Mutant = {
  id: 'M14',
  slug: 'deferred-visible',
  description: 'Deferred messages stay visible to normal receive instead of being set aside.',
  overrides: { rules: { receivable: (m) => m.state === 'active' || m.state === 'deferred' } },
  expectedProperty: 'fifo-delivery',
  minimalConfig: '1 × 1 × 2',
};
