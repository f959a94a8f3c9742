/**
 * The session receiver, in the style of the SDK's live tests (sessionsTests.spec, receiveAndDeleteMode,
 * deferredMessage, sessionState): send, accept, receive, settle, then peek to check what is left. All on
 * virtual time.
 */
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { isServiceBusError } from '../../src/facade/index.ts';
import { rejection, sessionQueue } from './helpers.ts';

describe('facade: session receiver', () => {
  it('send, accept, receive, complete: peek then shows only what is left', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages([
      { body: { n: 1 }, sessionId: 's1', messageId: 'm1', subject: 'order', applicationProperties: { k: 'v' } },
      { body: { n: 2 }, sessionId: 's1', messageId: 'm2' },
    ]);
    const receiver = await client.acceptSession('q', 's1');
    expect(receiver.sessionId).toBe('s1');
    expect(receiver.entityPath).toBe('q');
    expect(receiver.receiveMode).toBe('peekLock');
    const [first, second] = await receiver.receiveMessages(2);
    expect(first!.body).toEqual({ n: 1 });
    expect(first!.messageId).toBe('m1');
    expect(first!.subject).toBe('order');
    expect(first!.applicationProperties).toEqual({ k: 'v' });
    expect(first!.deliveryCount).toBe(0);
    expect(first!.state).toBe('active');
    expect(Long.isLong(first!.sequenceNumber)).toBe(true);
    expect(second!.sequenceNumber!.greaterThan(first!.sequenceNumber!)).toBe(true);
    expect(first!.lockToken).toBeDefined();
    expect(first!.lockToken).not.toBe(second!.lockToken);
    await receiver.completeMessage(first!);
    const left = await receiver.peekMessages(10, { fromSequenceNumber: Long.fromNumber(1) });
    expect(left.map((m) => m.messageId)).toEqual(['m2']);
    expect(left[0]!.lockToken).toBeUndefined();
    await receiver.close();
    expect(receiver.isClosed).toBe(true);
  });

  it('sessionLockedUntilUtc is the accept time plus the lock duration, on the virtual clock', async () => {
    const { bus, client } = sessionQueue();
    await bus.advanceTime(5_000);
    const receiver = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    expect(receiver.sessionLockedUntilUtc.getTime()).toBe(bus.now() + 30_000);
    const renewed = await receiver.renewSessionLock();
    expect(renewed.getTime()).toBe(bus.now() + 30_000);
    expect(receiver.sessionLockedUntilUtc).toEqual(renewed);
  });

  it('abandon: the message comes back with its delivery count raised, and a new lock token', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    await receiver.abandonMessage(m!, { reason: 'retry' });
    const [again] = await receiver.receiveMessages(1);
    expect(again!.deliveryCount).toBe(1);
    expect(again!.lockToken).not.toBe(m!.lockToken);
    expect(again!.applicationProperties).toEqual({ reason: 'retry' });
  });

  it('receiveAndDelete: no lock token, the message is gone at once', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1', { receiveMode: 'receiveAndDelete' });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
    expect(m!.lockToken).toBeUndefined();
    expect(await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) })).toEqual([]);
  });

  it('defer: peek still shows it; receiveDeferredMessages fetches it by sequence number as deferred', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'later', sessionId: 's1', messageId: 'd1' });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    await receiver.deferMessage(m!);
    const peeked = await receiver.peekMessages(1);
    expect(peeked[0]!.messageId).toBe('d1');
    expect(peeked[0]!.state).toBe('deferred');
    expect(await receiver.receiveDeferredMessages([])).toEqual([]);
    const [fetched] = await receiver.receiveDeferredMessages(m!.sequenceNumber!);
    expect(fetched!.state).toBe('deferred');
    expect(fetched!.deliveryCount).toBe(1);
    await receiver.completeMessage(fetched!);
    expect(await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) })).toEqual([]);
  });

  it('receiveDeferredMessages of a message that is not deferred: MessageNotFound', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const e = await rejection(receiver.receiveDeferredMessages(Long.fromNumber(1)));
    expect(isServiceBusError(e) && e.code).toBe('MessageNotFound');
  });

  it('deadLetterMessage: the dead-letter receiver gets it with reason and description', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'poison', sessionId: 's1', messageId: 'p1' });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    await receiver.deadLetterMessage(m!, { deadLetterReason: 'bad', deadLetterErrorDescription: 'unparseable' });
    const dlq = client.createReceiver('q', { subQueueType: 'deadLetter' });
    expect(dlq.entityPath).toBe('q/$DeadLetterQueue');
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
    expect(dead!.messageId).toBe('p1');
    expect(dead!.body).toBe('poison');
    expect(dead!.deadLetterReason).toBe('bad');
    expect(dead!.deadLetterErrorDescription).toBe('unparseable');
    await dlq.completeMessage(dead!);
    expect(await dlq.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) })).toEqual([]);
  });

  it('session state: set and get, a string, an object, and it outlives the receiver', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const first = await client.acceptSession('q', 's1');
    expect(await first.getSessionState()).toBeNull();
    await first.setSessionState('new_state');
    expect(await first.getSessionState()).toBe('new_state');
    await first.setSessionState({ step: 2 });
    await first.close();
    const second = await client.acceptSession('q', 's1');
    expect(await second.getSessionState()).toEqual({ step: 2 });
    await second.setSessionState('');
    expect(await second.getSessionState()).toBe('');
  });

  it('peek cursor: without fromSequenceNumber each peek starts after the last message any peek returned', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages(['a', 'b', 'c'].map((id) => ({ body: id, messageId: id, sessionId: 's1' })));
    const receiver = await client.acceptSession('q', 's1');
    expect((await receiver.peekMessages(1)).map((m) => m.messageId)).toEqual(['a']);
    expect((await receiver.peekMessages(1)).map((m) => m.messageId)).toEqual(['b']);
    expect((await receiver.peekMessages(5)).map((m) => m.messageId)).toEqual(['c']);
    // The cursor is past the last message: the messages are still there, yet the next peek returns none.
    expect(await receiver.peekMessages(1)).toEqual([]);
    const again = await receiver.peekMessages(1, { fromSequenceNumber: Long.fromNumber(1) });
    expect(again.map((m) => m.messageId)).toEqual(['a']);
  });

  it('acceptNextSession: hands out a session with messages; a topic subscription works the same', async () => {
    const { SimulatedServiceBus } = await import('../../src/facade/index.ts');
    const bus = new SimulatedServiceBus({ seed: 3 });
    bus.createTopic('events');
    bus.createSubscription('events', 'billing', { requiresSession: true });
    const client = bus.createClient();
    await client.createSender('events').sendMessages({ body: 'e1', sessionId: 'acct-7' });
    const receiver = await client.acceptNextSession('events', 'billing');
    expect(receiver.sessionId).toBe('acct-7');
    expect(receiver.entityPath).toBe('events/Subscriptions/billing');
    const [m] = await receiver.receiveMessages(1);
    expect(m!.body).toBe('e1');
    // The SDK's tests pass a subscription path in the queue position.
    await receiver.close();
    const again = await client.acceptSession(receiver.entityPath, 'acct-7');
    expect(again.sessionId).toBe('acct-7');
  });

  it('message fields: TTL gives expiresAtUtc, enqueuedTimeUtc is virtual time, replyToSessionId travels', async () => {
    const { bus, client, sender } = sessionQueue();
    await bus.advanceTime(1_000);
    await sender.sendMessages({
      body: 'x',
      sessionId: 's1',
      replyToSessionId: 'r1',
      timeToLive: 10_000,
      correlationId: 'c1',
      contentType: 'application/json',
    });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    expect(m!.enqueuedTimeUtc!.getTime()).toBe(1_000);
    expect(m!.expiresAtUtc!.getTime()).toBe(11_000);
    expect(m!.timeToLive).toBe(10_000);
    expect(m!.replyToSessionId).toBe('r1');
    expect(m!.correlationId).toBe('c1');
    expect(m!.contentType).toBe('application/json');
    expect(m!._rawAmqpMessage.body).toBe('x');
  });
});
