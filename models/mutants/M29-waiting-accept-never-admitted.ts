import type { Mutant } from './mutant.ts';

/** M29: With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is never handed the lock when it is released, and times out. */
export const m29: Mutant = {
  id: 'M29',
  slug: 'waiting-accept-never-admitted',
  description:
    "With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is never handed the lock when it is released, and times out.",
  overrides: { session: { guards: { canAdmitWaiting: () => false } } },
  expectedProperty: 'eventual-processing',
  minimalConfig: '1 × 2 × 1',
};
