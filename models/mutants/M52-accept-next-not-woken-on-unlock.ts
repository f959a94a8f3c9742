import { assertEvent } from 'xstate';
import { wakesWaiter } from '../entity.ts';
import type { Mutant } from './mutant.ts';

/** M52: A session freed by close, detach, crash or lock expiry is recorded as free but does not wake a waiting accept-next; the waiter is served only when some later status change arrives, or times out. */
export const m52: Mutant = {
  id: 'M52',
  slug: 'accept-next-not-woken-on-unlock',
  description:
    'A session freed by close, detach, crash or lock expiry is recorded as free but does not wake a waiting accept-next; the waiter is served only when some later status change arrives, or times out.',
  overrides: {
    entity: {
      guards: {
        // A status saying the session's lock is gone does not wake a waiting accept-next.
        wakesWaiter: ({ context, event }) => {
          assertEvent(event, 'entity.status');
          const prev = context.sessions[event.sessionId];
          return !(prev !== undefined && prev.locked && !event.locked) && wakesWaiter(context, event);
        },
      },
    },
  },
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 2 × 1',
};
