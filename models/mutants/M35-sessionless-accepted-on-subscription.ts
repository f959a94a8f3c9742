import { assign } from 'xstate';
import type { Mutant } from './mutant.ts';

/** M35: A message without a session id reaching a session-enabled subscription is stored as a plain message (unreachable by session receivers) instead of dead-lettered. */
export const m35: Mutant = {
  id: 'M35',
  slug: 'sessionless-accepted-on-subscription',
  description:
    'A message without a session id reaching a session-enabled subscription is stored as a plain message (unreachable by session receivers) instead of dead-lettered.',
  overrides: {
    entity: {
      actions: {
        // Kept among the entity's own messages, where no session receiver ever looks.
        deadLetterSessionless: assign(({ context }) => ({
          messages: context.lastSent ? [...context.messages, context.lastSent] : context.messages,
        })),
      },
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 0 × 1',
};
