import type { Mutant } from './mutant.ts';

/** M24: ReceiveDeferredMessages is not fenced by the session lock: a receiver whose lock expired can still fetch deferred messages by sequence number. */
export const m24: Mutant = {
  id: 'M24',
  slug: 'receive-deferred-unfenced',
  description:
    'ReceiveDeferredMessages is not fenced by the session lock: a receiver whose lock expired can still fetch deferred messages by sequence number.',
  bugs: { receiveDeferredUnfenced: true },
  overrides: {},
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
