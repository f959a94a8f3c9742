import { holdsValidLock } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M24: ReceiveDeferredMessages is not fenced by the session lock: a receiver whose lock expired can still fetch deferred messages by sequence number. */
export const m24: Mutant = {
  id: 'M24',
  slug: 'receive-deferred-unfenced',
  description:
    'ReceiveDeferredMessages is not fenced by the session lock: a receiver whose lock expired can still fetch deferred messages by sequence number.',
  overrides: {
    // Fetching by sequence number is not fenced by the session lock.
    session: {
      guards: {
        holdsValidLock: ({ context, event }) => event.type === 'req.receiveDeferred' || holdsValidLock(context, event),
      },
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
