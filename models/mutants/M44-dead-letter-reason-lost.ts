import type { Mutant } from './mutant.ts';

/** M44: Explicit dead-lettering stores the message without the application's reason and description. */
export const m44: Mutant = {
  id: 'M44',
  slug: 'dead-letter-reason-lost',
  description: "Explicit dead-lettering stores the message without the application's reason and description.",
  overrides: { rules: { deadLetterReason: () => ({ reason: '', description: '' }) } },
  expectedProperty: 'conservation',
  minimalConfig: '1 × 1 × 1',
};
