import type { Mutant } from './mutant.ts';

/** M04: Delivery count is not raised when the session lock expires (only on abandon), so a stalling handler never reaches MaxDeliveryCount. */
export const m04: Mutant = {
  id: 'M04',
  slug: 'no-increment-on-lock-expiry',
  description:
    'Delivery count is not raised when the session lock expires (only on abandon), so a stalling handler never reaches MaxDeliveryCount.',
  overrides: { rules: { releaseIncrement: () => 0 } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
