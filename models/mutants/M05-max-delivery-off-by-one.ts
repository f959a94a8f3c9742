import type { Mutant } from './mutant.ts';

/** M05: Off by one: dead-letter when the count exceeds MaxDeliveryCount instead of when it reaches it, so a message is delivered MDC+1 times. */
export const m05: Mutant = {
  id: 'M05',
  slug: 'max-delivery-off-by-one',
  description:
    'Off by one: dead-letter when the count exceeds MaxDeliveryCount instead of when it reaches it, so a message is delivered MDC+1 times.',
  overrides: { rules: { maxDeliveryLimit: (config) => config.maxDeliveryCount + 1 } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
