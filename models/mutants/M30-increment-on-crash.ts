import type { Mutant } from './mutant.ts';

/** M30: A consumer crash raises the delivery count of its unsettled messages although crashSemantics is 'release'. */
export const m30: Mutant = {
  id: 'M30',
  slug: 'increment-on-crash',
  description:
    "A consumer crash raises the delivery count of its unsettled messages although crashSemantics is 'release'.",
  overrides: { rules: { releaseIncrement: (cause) => (cause === 'lockExpired' || cause === 'crash' ? 1 : 0) } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 1',
};
