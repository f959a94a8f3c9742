/**
 * Settlement rules and errors as the SDK raises them: ServiceBusError with a code for what the service
 * refuses, a plain Error with the SDK's text for what the SDK refuses, TypeError for bad arguments.
 */
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { ServiceBusError, SimulatedServiceBus, isServiceBusError } from '../../src/facade/index.ts';
import { rejection, sessionQueue, thrown } from './helpers.ts';

const CLOSED =
  'The receiver for session "s1" in "q" has been closed and can no longer be used. Please create a new receiver using the "acceptSession" or "acceptNextSession" method on the ServiceBusClient.';

describe('facade: settlement rules', () => {
  it('settling a peeked message fails with the SDK text', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const [peeked] = await receiver.peekMessages(1);
    const e = await rejection(receiver.completeMessage(peeked!));
    expect(e.constructor).toBe(Error);
    expect(e.message).toMatch(/^This operation is not supported for peeked messages\./);
  });

  it('settling a message twice: "The message has either been deleted or already settled"', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    await receiver.completeMessage(m!);
    for (const settle of [
      () => receiver.completeMessage(m!),
      () => receiver.abandonMessage(m!),
      () => receiver.deferMessage(m!),
      () => receiver.deadLetterMessage(m!),
    ]) {
      const e = await rejection(settle());
      expect(isServiceBusError(e)).toBe(false);
      expect(e.message).toBe('The message has either been deleted or already settled');
    }
  });

  it('settling the copy of an earlier delivery fails; the current one settles', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const [first] = await receiver.receiveMessages(1);
    await receiver.abandonMessage(first!);
    const [second] = await receiver.receiveMessages(1);
    expect((await rejection(receiver.completeMessage(first!))).message).toBe(
      'The message has either been deleted or already settled',
    );
    await receiver.completeMessage(second!);
  });

  it('a message from a receiver whose lock lapsed cannot be settled through a new receiver', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const old = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await old.receiveMessages(1);
    await bus.advanceTime(31_000);
    const fresh = await client.acceptSession('q', 's1');
    const e = await rejection(fresh.completeMessage(m!));
    expect(isServiceBusError(e) && e.code).toBe('SessionLockLost');
    expect(e.message).toBe(
      'Failed to complete the message as the AMQP link with which the message was received is no longer alive.',
    );
    const [again] = await fresh.receiveMessages(1);
    expect(again!.deliveryCount).toBe(1);
  });

  it('settlement in receiveAndDelete mode is refused', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages([
      { body: 'x', sessionId: 's1' },
      { body: 'y', sessionId: 's1' },
    ]);
    const receiver = await client.acceptSession('q', 's1', { receiveMode: 'receiveAndDelete' });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 100 });
    const e = await rejection(receiver.completeMessage(m!));
    expect(e.message).toBe("The operation is not supported in 'receiveAndDelete' receive mode.");
  });
});

describe('facade: errors', () => {
  it('after close: a plain Error with the SDK text on every call', async () => {
    const { client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const [m] = await receiver.receiveMessages(1);
    await receiver.close();
    for (const call of [
      () => receiver.receiveMessages(1),
      () => receiver.peekMessages(1),
      () => receiver.completeMessage(m!),
      () => receiver.getSessionState(),
      () => receiver.setSessionState('s'),
      () => receiver.renewSessionLock(),
      () => receiver.receiveDeferredMessages(Long.fromNumber(1)),
    ]) {
      const e = await rejection(call());
      expect(isServiceBusError(e)).toBe(false);
      expect(e.message).toBe(CLOSED);
    }
    expect(
      thrown(() => receiver.subscribe({ processMessage: async () => {}, processError: async () => {} })).message,
    ).toBe(CLOSED);
  });

  it('after the lock lapsed: ServiceBusError SessionLockLost, and isClosed is true', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    await bus.advanceTime(30_000);
    expect(receiver.isClosed).toBe(true);
    const e = await rejection(receiver.receiveMessages(1));
    expect(e).toBeInstanceOf(ServiceBusError);
    expect(e.code).toBe('SessionLockLost');
    expect(e.message).toBe('The session lock has expired on the session with id s1');
  });

  it('accepting a session another receiver holds: SessionCannotBeLocked, at once', async () => {
    const { bus, client } = sessionQueue();
    await client.acceptSession('q', 's1');
    const e = await rejection(client.acceptSession('q', 's1'));
    expect(isServiceBusError(e) && e.code).toBe('SessionCannotBeLocked');
    expect(bus.now()).toBe(0);
  });

  it('acceptNextSession with nothing to hand out: ServiceTimeout after 60 s of virtual time', async () => {
    const { bus, client } = sessionQueue();
    const e = await rejection(client.acceptNextSession('q'));
    expect(isServiceBusError(e) && e.code).toBe('ServiceTimeout');
    expect(e.message).toBe('Failed to create a receiver within allocated time and retry attempts.');
    expect(bus.now()).toBe(60_000);
  });

  it('a missing entity: MessagingEntityNotFound with the service text', async () => {
    const { client } = sessionQueue();
    const e = await rejection(client.acceptSession('nope', 's1'));
    expect(isServiceBusError(e) && e.code).toBe('MessagingEntityNotFound');
    expect(e.message).toBe("The messaging entity 'sb://sbsim.servicebus.windows.net/nope' could not be found.");
    const s = await rejection(client.createSender('nope').sendMessages({ body: 1 }));
    expect(isServiceBusError(s) && s.code).toBe('MessagingEntityNotFound');
  });

  it('a send without sessionId to a session queue: GeneralError, as the service refuses it', async () => {
    const { sender } = sessionQueue();
    const e = await rejection(sender.sendMessages({ body: 'x' }));
    expect(isServiceBusError(e) && e.code).toBe('GeneralError');
    expect(e.message).toMatch(/^InvalidOperationError: The SessionId was not set on a message/);
  });

  it('a session receiver on a queue without sessions: GeneralError', async () => {
    const bus = new SimulatedServiceBus();
    bus.createQueue('plain');
    const client = bus.createClient();
    const e = await rejection(client.acceptSession('plain', 's1'));
    expect(isServiceBusError(e) && e.code).toBe('GeneralError');
  });

  it('too big for one batch: MessageSizeExceeded', async () => {
    const { sender } = sessionQueue();
    const big = 'x'.repeat(100 * 1024);
    const e = await rejection(sender.sendMessages([1, 2, 3].map(() => ({ body: big, sessionId: 's1' }))));
    expect(isServiceBusError(e) && e.code).toBe('MessageSizeExceeded');
    expect(e.message).toMatch(/^Messages were too big to fit in a single batch/);
  });

  it('bad arguments: TypeError (and Error for a too-long id) with the SDK texts', async () => {
    const { client, sender } = sessionQueue();
    const mode = await rejection(client.acceptSession('q', 's1', { receiveMode: 123 as never }));
    expect(mode).toBeInstanceOf(TypeError);
    expect(mode.message).toBe("Invalid receiveMode '123' provided. Valid values are 'peekLock' and 'receiveAndDelete'");
    expect(thrown(() => client.createReceiver('q', { receiveMode: 'x' as never }))).toBeInstanceOf(TypeError);

    const long = await rejection(sender.sendMessages({ body: 'x', sessionId: 's'.repeat(129) }));
    expect(long.message).toBe("Length of 'sessionId' property on the message cannot be greater than 128 characters.");
    const typed = await rejection(sender.sendMessages({ body: 'x', sessionId: 5 as never }));
    expect(typed).toBeInstanceOf(TypeError);
    expect(typed.message).toBe("The property 'sessionId' on the message must be of type 'string'");
    const ttl = await rejection(sender.sendMessages({ body: 'x', sessionId: 's', timeToLive: '1' as never }));
    expect(ttl.message).toBe("The property 'timeToLive' on the message must be of type 'number'");
    const notMessage = await rejection(sender.sendMessages('hello' as never));
    expect(notMessage).toBeInstanceOf(TypeError);
    const mismatch = await rejection(sender.sendMessages({ body: 1, sessionId: 'a', partitionKey: 'b' }));
    expect(mismatch.message).toBe("The fields 'partitionKey' and 'sessionId' cannot have different values.");

    await sender.sendMessages({ body: 'x', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1');
    const zero = await rejection(receiver.receiveMessages(0));
    expect(zero).toBeInstanceOf(TypeError);
    expect(zero.message).toBe("'maxMessageCount' must be a number greater than 0.");
    const seq = await rejection(receiver.receiveDeferredMessages(1 as never));
    expect(seq.message).toBe('The parameter "sequenceNumbers" should be of type "Long"');
    const seqs = await rejection(receiver.receiveDeferredMessages([1] as never));
    expect(seqs.message).toBe('The parameter "sequenceNumbers" should be an array of type "Long"');
    expect(thrown(() => receiver.subscribe({} as never))).toBeInstanceOf(TypeError);
    expect((await rejection(receiver.renewMessageLock({} as never))).message).toBe(
      'Renewing message lock is an invalid operation when working with sessions.',
    );
  });

  it('one receive at a time: a second receiveMessages or subscribe fails', async () => {
    const { client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1');
    const first = receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    const text = 'The receiver for session "s1" for "q" is already receiving messages.';
    expect((await rejection(receiver.receiveMessages(1))).message).toBe(text);
    expect(
      thrown(() => receiver.subscribe({ processMessage: async () => {}, processError: async () => {} })).message,
    ).toBe(text);
    expect(await first).toEqual([]);
  });

  it('after client.close(): "The underlying AMQP connection is closed."', async () => {
    const { bus, client, sender } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1');
    await client.close();
    expect((await rejection(receiver.receiveMessages(1))).message).toBe('The underlying AMQP connection is closed.');
    expect((await rejection(sender.sendMessages({ body: 1, sessionId: 's1' }))).message).toBe(
      'The underlying AMQP connection is closed.',
    );
    // The lock was released: another client can take the session at once.
    const other = await bus.createClient().acceptSession('q', 's1');
    expect(other.sessionId).toBe('s1');
    expect(bus.now()).toBe(0);
  });
});
