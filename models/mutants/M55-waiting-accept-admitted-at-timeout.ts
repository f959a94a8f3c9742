import type { Mutant } from './mutant.ts';

/** M55: With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is not handed the lock when it is released; it is granted only when its own timeout fires, if the session is still free then. */
export const m55: Mutant = {
  id: 'M55',
  slug: 'waiting-accept-admitted-at-timeout',
  description:
    "With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is not handed the lock when it is released; it is granted only when its own timeout fires, if the session is still free then.",
  bugs: { waitingAcceptAdmittedAtTimeout: true },
  overrides: {},
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 2 × 1',
};
