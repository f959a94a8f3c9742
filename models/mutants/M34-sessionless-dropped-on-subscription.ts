import type { Mutant } from './mutant.ts';

/** M34: A message without a session id reaching a session-enabled subscription is acknowledged and silently dropped instead of dead-lettered with 'Session id is null.'. */
export const m34: Mutant = {
  id: 'M34',
  slug: 'sessionless-dropped-on-subscription',
  description:
    "A message without a session id reaching a session-enabled subscription is acknowledged and silently dropped instead of dead-lettered with 'Session id is null.'.",
  overrides: {
    entity: {
      actions: {
        // Acknowledged, numbered, and then neither stored nor dead-lettered.
        deadLetterSessionless: () => {},
      },
    },
  },
  expectedProperty: 'conservation',
  minimalConfig: '1 × 0 × 1',
};
