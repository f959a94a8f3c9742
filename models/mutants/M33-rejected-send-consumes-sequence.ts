import { assertEvent, enqueueActions } from 'xstate';
import { sendRejected } from '../entity.ts';
import type { Mutant } from './mutant.ts';

/** M33: A send rejected for lacking a session id still consumes a sequence number, leaving a gap in the entity's numbering. */
export const m33: Mutant = {
  id: 'M33',
  slug: 'rejected-send-consumes-sequence',
  description:
    "A send rejected for lacking a session id still consumes a sequence number, leaving a gap in the entity's numbering.",
  overrides: {
    entity: {
      actions: {
        // The rejection comes after the message has taken its sequence number.
        reportSendRejected: enqueueActions(({ context, event, enqueue }) => {
          assertEvent(event, 'req.send');
          enqueue.assign({ nextSeq: context.nextSeq + 1 });
          enqueue.emit(sendRejected(context, event.message));
        }),
      },
    },
  },
  expectedProperty: 'sequence-numbers',
  minimalConfig: '1 × 0 × 2',
};
