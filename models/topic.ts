/**
 * A topic: fans every message out to its subscriptions, each an entity with its own `requiresSession`
 * and its own sequence numbers (§8.3). The fan-out is part of one broker step. A topic has no
 * receivers: every other request is one failing transition.
 */
import { assertEvent, enqueueActions, setup } from 'xstate';
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
    /** §8.3: every subscription gets its own copy of the message (and numbers it itself, T1). */
    fanOut: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'req.send');
      for (const sub of context.subscriptions) {
        enqueue.emit({
          type: 'fx.send',
          to: sub,
          event: { type: 'req.send', from: '', reqId: 0, message: event.message },
        });
      }
    }),
    /** §8.3: the sender is told the topic took the message; a topic has no sequence number of its own. */
    acknowledgeSend: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'req.send');
      if (event.from === '') return;
      enqueue.emit({
        type: 'fx.send',
        to: event.from,
        event: { type: 'reply', reqId: event.reqId, ok: true, result: { kind: 'sent', seq: null } },
      });
    }),
    /** §8.3: receiving happens on a subscription, never on the topic. */
    refuseReceiver: enqueueActions(({ event, enqueue }) => {
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
    }),
  },
}).createMachine({
  id: 'topic',
  context: ({ input }) => input,
  on: {
    'req.send': { actions: ['fanOut', 'acknowledgeSend'] },
    'req.accept': { actions: 'refuseReceiver' },
    'req.receive': { actions: 'refuseReceiver' },
    'req.settle': { actions: 'refuseReceiver' },
    'req.renew': { actions: 'refuseReceiver' },
    'req.getState': { actions: 'refuseReceiver' },
    'req.setState': { actions: 'refuseReceiver' },
    'req.receiveDeferred': { actions: 'refuseReceiver' },
    'req.peek': { actions: 'refuseReceiver' },
    'req.close': { actions: 'refuseReceiver' },
  },
});
