import type { Mutant } from './mutant.ts';

/** M48: Receive-and-delete hands the message out but leaves it in the session, so it is delivered again and again. */
export const m48: Mutant = {
  id: 'M48',
  slug: 'receive-and-delete-keeps-message',
  description:
    'Receive-and-delete hands the message out but leaves it in the session, so it is delivered again and again.',
  overrides: { rules: { keptAfterReceiveAndDelete: (m) => m } },
  expectedProperty: 'conservation',
  minimalConfig: '1 × 1 × 1',
};
