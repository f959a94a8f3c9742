import type { Mutant } from './mutant.ts';

/** M22: Receive only checks that the session is locked by somebody, not by the caller's token, so a receiver whose lock was lost can take messages from the new holder's session. */
export const m22: Mutant = {
  id: 'M22',
  slug: 'receive-ignores-token',
  description:
    "Receive only checks that the session is locked by somebody, not by the caller's token, so a receiver whose lock was lost can take messages from the new holder's session.",
  bugs: { receiveIgnoresToken: true },
  overrides: {},
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 2',
};
