import type { Mutant } from './mutant.ts';

/** M54: On a non-session queue, a message given back by the expiry of its message lock does not wake a receive parked on the queue; that receive returns empty at its wait time (or is served only by a later send or settle). */
export const m54: Mutant = {
  id: 'M54',
  slug: 'parked-receive-not-served-on-lock-expiry',
  description:
    'On a non-session queue, a message given back by the expiry of its message lock does not wake a receive parked on the queue; that receive returns empty at its wait time (or is served only by a later send or settle).',
  bugs: { parkedReceiveNotServedOnLockExpiry: true },
  overrides: {},
  expectedProperty: 'eventual-processing',
  minimalConfig: 'non-session × 2 × 1',
};
