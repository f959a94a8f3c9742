import { assertEvent, assign } from 'xstate';
import { stamp } from '../entity.ts';
import { nowOf } from '../events.ts';
import type { Mutant } from './mutant.ts';

/** M13: Sequence numbers are assigned per session, not per entity: they repeat across sessions. */
export const m13: Mutant = {
  id: 'M13',
  slug: 'sequence-per-session',
  description: 'Sequence numbers are assigned per session, not per entity: they repeat across sessions.',
  overrides: {
    entity: {
      actions: {
        // A message with a session id is numbered after the last number given in its session.
        stampMessage: assign(({ context, event }) => {
          assertEvent(event, 'req.send');
          const sessionId = event.message.sessionId;
          if (sessionId === undefined) {
            const seq = context.nextSeq;
            return { nextSeq: seq + 1, lastSent: stamp(context, event.message, seq, nowOf(event)) };
          }
          const seq = (context.sessionSeqs[sessionId] ?? 0) + 1;
          const lastSent = stamp(context, event.message, seq, nowOf(event));
          // A non-session entity keeps no per-session count, and continues its own numbering from there.
          if (!context.scope.config.requiresSession) return { nextSeq: seq + 1, lastSent };
          return { nextSeq: context.nextSeq + 1, sessionSeqs: { ...context.sessionSeqs, [sessionId]: seq }, lastSent };
        }),
      },
    },
  },
  expectedProperty: 'sequence-numbers',
  minimalConfig: '2 × 1 × 2',
};
