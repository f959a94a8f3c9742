import type { Mutant } from './mutant.ts';

/** M10: SetSessionState is not fenced by the lock: a consumer that lost the lock can still overwrite the session state. */
export const m10: Mutant = {
  id: 'M10',
  slug: 'stale-state-write-wins',
  description:
    'SetSessionState is not fenced by the lock: a consumer that lost the lock can still overwrite the session state.',
  bugs: { staleStateWriteWins: true },
  overrides: {},
  expectedProperty: 'session-state',
  minimalConfig: '1 × 2 × 1',
};
