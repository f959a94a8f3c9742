/**
 * A topic: fans every message out to its subscriptions, each an entity with its own `requiresSession`
 * and its own sequence numbers (§8.3). The fan-out is part of one broker step.
 */
import { enqueueActions, setup } from 'xstate';
import type { ActorId, Effect, TopicEvent } from './events.ts';

export interface TopicContext {
  readonly name: string;
  readonly subscriptions: readonly ActorId[];
}

export const topicMachine = setup({
  types: {
    context: {} as TopicContext,
    events: {} as TopicEvent,
    input: {} as TopicContext,
    emitted: {} as Effect,
  },
  actions: {
    fanOut: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'req.send') {
        enqueue.emit({
          type: 'fx.send',
          to: event.from,
          event: {
            type: 'reply',
            reqId: event.reqId,
            ok: false,
            error: { code: 'GeneralError', message: 'A topic has no receivers: receive from a subscription.' },
          },
        });
        return;
      }
      for (const sub of context.subscriptions) {
        enqueue.emit({
          type: 'fx.send',
          to: sub,
          event: { type: 'req.send', from: '', reqId: 0, message: event.message },
        });
      }
      if (event.from !== '') {
        enqueue.emit({
          type: 'fx.send',
          to: event.from,
          event: { type: 'reply', reqId: event.reqId, ok: true, result: { kind: 'sent', seq: null } },
        });
      }
    }),
  },
}).createMachine({
  id: 'topic',
  context: ({ input }) => input,
  on: { '*': { actions: 'fanOut' } },
});
