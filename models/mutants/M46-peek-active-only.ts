import type { Mutant } from './mutant.ts';

/** M46: Peek on a session shows only active messages, hiding locked and deferred ones. */
export const m46: Mutant = {
  id: 'M46',
  slug: 'peek-active-only',
  description: 'Peek on a session shows only active messages, hiding locked and deferred ones.',
  overrides: { rules: { peekable: (m) => m.state === 'active' } },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 2',
};
