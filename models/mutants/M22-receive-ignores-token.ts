import { nowOf } from '../events.ts';
import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M22: Receive only checks that the session is locked by somebody, not by the caller's token, so a receiver whose lock was lost can take messages from the new holder's session. */
export const m22: Mutant = {
  id: 'M22',
  slug: 'receive-ignores-token',
  description:
    "Receive only checks that the session is locked by somebody, not by the caller's token, so a receiver whose lock was lost can take messages from the new holder's session.",
  overrides: {
    // Receive only checks that the session is locked by someone, not by this token.
    session: {
      guards: {
        holdsValidLock: ({ context, event }) =>
          event.type === 'req.receive'
            ? context.holder !== null && nowOf(event) < context.holder.lockedUntilMs
            : holdsValidLock(context, event),
      },
    },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 2',
};
