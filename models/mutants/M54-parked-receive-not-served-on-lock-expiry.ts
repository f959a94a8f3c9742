import { enqueueActions } from 'xstate';
import { serveParked } from '../entity.ts';
import { nowOf } from '../events.ts';
import { enqueueStep } from '../step.ts';
import type { Mutant } from './mutant.ts';

/** M54: On a non-session queue, a message given back by the expiry of its message lock does not wake a receive parked on the queue; that receive returns empty at its wait time (or is served only by a later send or settle). */
export const m54: Mutant = {
  id: 'M54',
  slug: 'parked-receive-not-served-on-lock-expiry',
  description:
    'On a non-session queue, a message given back by the expiry of its message lock does not wake a receive parked on the queue; that receive returns empty at its wait time (or is served only by a later send or settle).',
  overrides: {
    entity: {
      actions: {
        // Parked receives are served after a send or a settlement, but not after a message lock expired.
        serveParked: enqueueActions(({ context, event, enqueue }) => {
          if (event.type === 'entity.messageLockExpire') return;
          enqueueStep(enqueue, serveParked(context, nowOf(event)));
        }),
      },
    },
  },
  expectedProperty: 'eventual-processing',
  minimalConfig: 'non-session × 2 × 1',
};
