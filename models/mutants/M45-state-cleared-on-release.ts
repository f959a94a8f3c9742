import type { Mutant } from './mutant.ts';

/** M45: Session state is cleared whenever the session lock is released or expires, so the next holder cannot resume from it. */
export const m45: Mutant = {
  id: 'M45',
  slug: 'state-cleared-on-release',
  description:
    'Session state is cleared whenever the session lock is released or expires, so the next holder cannot resume from it.',
  bugs: { stateClearedOnRelease: true },
  overrides: {},
  expectedProperty: 'session-state',
  minimalConfig: '1 × 1 × 2',
};
