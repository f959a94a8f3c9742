import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M25: Dead-letter settlement checks neither the session lock nor the message's lock token, so a former holder can dead-letter a message the new holder is processing. */
export const m25: Mutant = {
  id: 'M25',
  slug: 'dead-letter-unfenced',
  description:
    "Dead-letter settlement checks neither the session lock nor the message's lock token, so a former holder can dead-letter a message the new holder is processing.",
  overrides: {
    // Dead-letter is fenced neither by the session lock nor by the message's token.
    session: {
      guards: {
        holdsValidLock: ({ context, event }) =>
          (event.type === 'req.settle' && event.action === 'deadLetter') || holdsValidLock(context, event),
      },
    },
    rules: { settleChecksToken: (action) => action !== 'deadLetter' },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 2 × 1',
};
