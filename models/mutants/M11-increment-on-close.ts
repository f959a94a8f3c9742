import type { Mutant } from './mutant.ts';

/** M11: Closing the receiver with unsettled messages raises their delivery count, as if the lock had expired. */
export const m11: Mutant = {
  id: 'M11',
  slug: 'increment-on-close',
  description: 'Closing the receiver with unsettled messages raises their delivery count, as if the lock had expired.',
  overrides: { rules: { releaseIncrement: () => 1 } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
