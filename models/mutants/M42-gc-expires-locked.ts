import type { Mutant } from './mutant.ts';

/** M42: With expiryTrigger 'gcTick', the background tick expires messages that are locked to the current holder. */
export const m42: Mutant = {
  id: 'M42',
  slug: 'gc-expires-locked',
  description:
    "With expiryTrigger 'gcTick', the background tick expires messages that are locked to the current holder.",
  overrides: { rules: { expiresLocked: (tick) => tick } },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 1',
};
