import { assertEvent } from 'xstate';
import { wakesWaiter } from '../entity.ts';
import type { Mutant } from './mutant.ts';

/** M28: A waiting accept-next is not woken when a message arrives for a free session; it times out although a session became available. */
export const m28: Mutant = {
  id: 'M28',
  slug: 'accept-next-not-woken-on-arrival',
  description:
    'A waiting accept-next is not woken when a message arrives for a free session; it times out although a session became available.',
  overrides: {
    entity: {
      guards: {
        // A status saying a message arrived for the session does not wake a waiting accept-next.
        wakesWaiter: ({ context, event }) => {
          assertEvent(event, 'entity.status');
          const prev = context.sessions[event.sessionId];
          return !(prev !== undefined && !prev.active && event.active > 0) && wakesWaiter(context, event);
        },
      },
    },
  },
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 1 × 1',
};
