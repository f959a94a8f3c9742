/**
 * subscribe(): handlers, auto-complete, abandon after a throwing handler, processError routing, a lapsed
 * lock reported without any call of the handler's own, and close() as suspend.
 */
import Long from 'long';
import { describe, expect, it } from 'vitest';
import type { ProcessErrorArgs, ServiceBusReceivedMessage } from '../../src/facade/index.ts';
import { isServiceBusError } from '../../src/facade/index.ts';
import { sessionQueue } from './helpers.ts';

describe('facade: subscribe', () => {
  it('delivers in order and auto-completes: nothing is left to peek', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages([1, 2, 3].map((n) => ({ body: n, sessionId: 's1' })));
    const receiver = await client.acceptSession('q', 's1');
    const seen: unknown[] = [];
    receiver.subscribe({
      processMessage: async (m) => {
        seen.push(m.body);
      },
      processError: async () => {},
    });
    expect(await bus.waitUntil(() => seen.length === 3)).toBe(true);
    await bus.advanceTime(100);
    expect(seen).toEqual([1, 2, 3]);
    expect(await receiver.peekMessages(5, { fromSequenceNumber: Long.fromNumber(1) })).toEqual([]);
  });

  it('a throwing handler: processError(processMessageCallback), then the message is abandoned and redelivered', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'flaky', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const counts: number[] = [];
    const errors: ProcessErrorArgs[] = [];
    receiver.subscribe({
      processMessage: async (m) => {
        counts.push(m.deliveryCount!);
        if (m.deliveryCount === 0) throw new Error('transient');
      },
      processError: async (args) => {
        errors.push(args);
      },
    });
    await bus.waitUntil(() => counts.length === 2);
    expect(counts).toEqual([0, 1]);
    expect(errors.map((e) => [e.errorSource, e.error.message, e.entityPath])).toEqual([
      ['processMessageCallback', 'transient', 'q'],
    ]);
  });

  it('autoCompleteMessages: false leaves settlement to the handler', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1', messageId: 'x' });
    const receiver = await client.acceptSession('q', 's1');
    const got: ServiceBusReceivedMessage[] = [];
    receiver.subscribe(
      { processMessage: async (m) => void got.push(m), processError: async () => {} },
      { autoCompleteMessages: false },
    );
    await bus.waitUntil(() => got.length === 1);
    await bus.advanceTime(100);
    const peeked = await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) });
    expect(peeked.map((m) => m.messageId)).toEqual(['x']);
    await receiver.completeMessage(got[0]!);
  });

  it('a lapsed lock reaches processError as SessionLockLost, without any call of the handler', async () => {
    const { bus, client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    const errors: ProcessErrorArgs[] = [];
    receiver.subscribe({ processMessage: async () => {}, processError: async (a) => void errors.push(a) });
    await bus.advanceTime(31_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.errorSource).toBe('receive');
    expect(isServiceBusError(errors[0]!.error) && errors[0]!.error.code).toBe('SessionLockLost');
    expect(errors[0]!.error.message).toBe('The session lock has expired on the session with id s1.');
  });

  it('with auto-renewal a subscriber keeps its lock through a long handler', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'slow', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const errors: ProcessErrorArgs[] = [];
    let done = false;
    receiver.subscribe({
      processMessage: async () => {
        await bus.sleep(120_000);
        done = true;
      },
      processError: async (a) => void errors.push(a),
    });
    await bus.waitUntil(() => done, { timeoutMs: 200_000 });
    await bus.advanceTime(100);
    expect(errors).toEqual([]);
    expect(await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) })).toEqual([]);
  });

  it('maxConcurrentCalls: 2 runs two handlers at once', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages([1, 2].map((n) => ({ body: n, sessionId: 's1' })));
    const receiver = await client.acceptSession('q', 's1');
    let running = 0;
    let peak = 0;
    let finished = 0;
    receiver.subscribe(
      {
        processMessage: async () => {
          running++;
          peak = Math.max(peak, running);
          await bus.sleep(1_000);
          running--;
          finished++;
        },
        processError: async () => {},
      },
      { maxConcurrentCalls: 2 },
    );
    await bus.waitUntil(() => finished === 2);
    expect(peak).toBe(2);
  });

  it('close() suspends: no new messages, but the receiver stays open and settles what it has', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 1, sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const got: ServiceBusReceivedMessage[] = [];
    const sub = receiver.subscribe(
      { processMessage: async (m) => void got.push(m), processError: async () => {} },
      { autoCompleteMessages: false },
    );
    await bus.waitUntil(() => got.length === 1);
    await sub.close();
    await sender.sendMessages({ body: 2, sessionId: 's1' });
    await bus.advanceTime(5_000);
    expect(got).toHaveLength(1);
    expect(receiver.isClosed).toBe(false);
    await receiver.completeMessage(got[0]!);
    const [next] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
    expect(next!.body).toBe(2);
  });
});
