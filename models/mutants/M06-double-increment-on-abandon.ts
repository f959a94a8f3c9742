import type { Mutant } from './mutant.ts';

/** M06: Abandon raises the delivery count by two. */
export const m06: Mutant = {
  id: 'M06',
  slug: 'double-increment-on-abandon',
  description: 'Abandon raises the delivery count by two.',
  overrides: { rules: { abandonIncrement: 2 } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
