import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M02: Settlement is accepted with a lock token that is no longer the session's: after expiry and re-acquire the old holder can still complete. */
export const m02: Mutant = {
  id: 'M02',
  slug: 'settle-with-stale-lock',
  description:
    "Settlement is accepted with a lock token that is no longer the session's: after expiry and re-acquire the old holder can still complete.",
  overrides: {
    // Settlement is not fenced by the session lock, and the message's token is not checked.
    session: {
      guards: { holdsValidLock: ({ context, event }) => event.type === 'req.settle' || holdsValidLock(context, event) },
    },
    rules: { settleChecksToken: () => false },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
