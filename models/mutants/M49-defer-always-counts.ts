import type { Mutant } from './mutant.ts';

/** M49: Defer raises the delivery count (and can dead-letter at MaxDeliveryCount) although deferCountsAsAttempt is off. */
export const m49: Mutant = {
  id: 'M49',
  slug: 'defer-always-counts',
  description:
    'Defer raises the delivery count (and can dead-letter at MaxDeliveryCount) although deferCountsAsAttempt is off.',
  overrides: { rules: { deferIncrement: () => 1 } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
