/**
 * The topic chart driven alone with `createActor`: a send fans out to every subscription within the
 * step and is acknowledged (§8.3); every receiver operation is one failing transition.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import type { Effect, TopicEvent } from '../../models/events.ts';
import { topicMachine } from '../../models/topic.ts';

function start() {
  const effects: Effect[] = [];
  const actor = createActor(topicMachine, {
    input: { name: 't', subscriptions: ['entity:t/Subscriptions/a', 'entity:t/Subscriptions/b'] },
  });
  actor.on('*', (e: Effect) => {
    effects.push(e);
  });
  actor.start();
  return (event: TopicEvent): Effect[] => {
    const before = effects.length;
    actor.send(event);
    return effects.slice(before);
  };
}

describe('topic chart (§8.3)', () => {
  it('a send goes to every subscription, then the sender is told (no sequence number of its own)', () => {
    const send = start();
    const message = { messageId: 'm1', sessionId: 's1' };
    expect(send({ type: 'req.send', from: 'client:x', reqId: 4, message })).toEqual([
      {
        type: 'fx.send',
        to: 'entity:t/Subscriptions/a',
        event: { type: 'req.send', from: '', reqId: 0, message },
      },
      {
        type: 'fx.send',
        to: 'entity:t/Subscriptions/b',
        event: { type: 'req.send', from: '', reqId: 0, message },
      },
      {
        type: 'fx.send',
        to: 'client:x',
        event: { type: 'reply', reqId: 4, ok: true, result: { kind: 'sent', seq: null } },
      },
    ]);
  });

  it('a send from the workload itself (no client) is fanned out and acknowledged to no one', () => {
    const send = start();
    const fx = send({ type: 'req.send', from: '', reqId: 0, message: { messageId: 'm1' } });
    expect(fx.map((e) => (e.type === 'fx.send' ? e.to : e.type))).toEqual([
      'entity:t/Subscriptions/a',
      'entity:t/Subscriptions/b',
    ]);
  });

  it('every receiver operation fails: receive from a subscription', () => {
    const send = start();
    const requests: TopicEvent[] = [
      { type: 'req.accept', from: 'consumer:c', reqId: 1, sessionId: null, mode: 'peekLock' },
      { type: 'req.receive', from: 'consumer:c', reqId: 2, token: null, max: 1, waitMs: 0, mode: 'peekLock' },
      { type: 'req.settle', from: 'consumer:c', reqId: 3, token: null, seq: 1, action: 'complete' },
      { type: 'req.renew', from: 'consumer:c', reqId: 4, token: 't' },
      { type: 'req.getState', from: 'consumer:c', reqId: 5, token: 't' },
      { type: 'req.setState', from: 'consumer:c', reqId: 6, token: 't', value: 'v' },
      { type: 'req.receiveDeferred', from: 'consumer:c', reqId: 7, token: 't', seqs: [1] },
      { type: 'req.peek', from: 'consumer:c', reqId: 8, token: null, fromSeq: 0, max: 1 },
      { type: 'req.close', from: 'consumer:c', reqId: 9, token: 't', cause: 'close' },
    ];
    for (const request of requests) {
      expect(send(request)).toEqual([
        {
          type: 'fx.send',
          to: 'consumer:c',
          event: {
            type: 'reply',
            reqId: request.reqId,
            ok: false,
            error: { code: 'GeneralError', message: 'A topic has no receivers: receive from a subscription.' },
          },
        },
      ]);
    }
  });
});
