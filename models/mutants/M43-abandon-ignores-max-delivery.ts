import type { Mutant } from './mutant.ts';

/** M43: Abandon raises the delivery count but never dead-letters at MaxDeliveryCount, so an abandoned poison message is redelivered forever. */
export const m43: Mutant = {
  id: 'M43',
  slug: 'abandon-ignores-max-delivery',
  description:
    'Abandon raises the delivery count but never dead-letters at MaxDeliveryCount, so an abandoned poison message is redelivered forever.',
  overrides: { rules: { abandonChecksMaxDelivery: false } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
