import type { Mutant } from './mutant.ts';

/** M47: Receive shows the delivery count as raw + 1 although the configured view is raw (0 on first delivery). */
export const m47: Mutant = {
  id: 'M47',
  slug: 'receive-count-plus-one',
  description: 'Receive shows the delivery count as raw + 1 although the configured view is raw (0 on first delivery).',
  overrides: { rules: { receivedCountView: () => 'plusOne' } },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
