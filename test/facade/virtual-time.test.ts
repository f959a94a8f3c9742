/**
 * Virtual time drives everything: receive waits, auto lock renewal, lock expiry, scheduled enqueue and
 * TTL. A five-minute renewal window runs in milliseconds of wall time; nothing here sleeps.
 */
import { describe, expect, it } from 'vitest';
import { isServiceBusError } from '../../src/facade/index.ts';
import { rejection, sessionQueue } from './helpers.ts';

describe('facade: virtual time', () => {
  it('peekLock receive returns 1 s after the first message arrives', async () => {
    const { bus, client, sender } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1');
    const received = receiver.receiveMessages(10, { maxWaitTimeInMs: 60_000 });
    await bus.sleep(5_000);
    await sender.sendMessages({ body: 'late', sessionId: 's1' });
    const got = await received;
    expect(got.map((m) => m.body)).toEqual(['late']);
    expect(bus.now()).toBe(6_000);
  });

  it('receiveAndDelete waits the whole max wait unless the count is reached', async () => {
    const { bus, client, sender } = sessionQueue();
    await sender.sendMessages({ body: 'a', sessionId: 's1' });
    const receiver = await client.acceptSession('q', 's1', { receiveMode: 'receiveAndDelete' });
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 10_000 });
    expect(got).toHaveLength(1);
    expect(bus.now()).toBe(10_000);
  });

  it('an empty receive returns after maxWaitTimeInMs', async () => {
    const { bus, client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 2_500 })).toEqual([]);
    expect(bus.now()).toBe(2_500);
  });

  it('auto-renewal keeps the lock for the whole 5-minute window, on the SDK schedule, and never past it', async () => {
    const { bus, client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1');
    const renewals: number[] = [];
    let last = receiver.sessionLockedUntilUtc.getTime();
    while (bus.now() < 400_000 && !receiver.isClosed) {
      await bus.advanceTime(1_000);
      const until = receiver.sessionLockedUntilUtc.getTime();
      if (until !== last) renewals.push(bus.now());
      last = until;
    }
    // 30 s lock: renew 10 s before it runs out, i.e. every 20 s, while the window reaches past the lock.
    expect(renewals.slice(0, 3)).toEqual([20_000, 40_000, 60_000]);
    expect(renewals[renewals.length - 1]).toBeLessThanOrEqual(300_000);
    expect(receiver.isClosed).toBe(true);
    expect(bus.now()).toBe(last);
    expect(last).toBeGreaterThanOrEqual(300_000);
    expect(last).toBeLessThanOrEqual(330_000);
  });

  it('maxAutoLockRenewalDurationInMs: 0 disables renewal: the lock lapses after lockDuration', async () => {
    const { bus, client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    await bus.advanceTime(29_999);
    expect(receiver.isClosed).toBe(false);
    await bus.advanceTime(1);
    expect(receiver.isClosed).toBe(true);
  });

  it('a receive in progress when the lock lapses fails with SessionLockLost', async () => {
    const { bus, client } = sessionQueue();
    const receiver = await client.acceptSession('q', 's1', { maxAutoLockRenewalDurationInMs: 0 });
    const e = await rejection(receiver.receiveMessages(1, { maxWaitTimeInMs: 60_000 }));
    expect(isServiceBusError(e) && e.code).toBe('SessionLockLost');
    expect(bus.now()).toBe(30_000);
  });

  it('scheduled messages arrive at their time; a cancelled one never does', async () => {
    const { bus, client, sender } = sessionQueue();
    const [kept] = await sender.scheduleMessages({ body: 'kept', sessionId: 's1' }, new Date(10_000));
    const [cancelled] = await sender.scheduleMessages({ body: 'cancelled', sessionId: 's1' }, new Date(10_000));
    expect(kept!.notEquals(cancelled!)).toBe(true);
    await sender.cancelScheduledMessages(cancelled!);
    expect(await sender.scheduleMessages([], new Date(0))).toEqual([]);
    const receiver = await client.acceptSession('q', 's1');
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 30_000 });
    expect(got.map((m) => m.body)).toEqual(['kept']);
    expect(got[0]!.enqueuedTimeUtc!.getTime()).toBe(10_000);
    expect(bus.now()).toBe(11_000);
  });

  it('TTL: an expired message is gone; with dead-lettering on expiry it is in the DLQ as TTLExpiredException', async () => {
    const { bus, client, sender } = sessionQueue({ deadLetteringOnMessageExpiration: true });
    await sender.sendMessages({ body: 'stale', sessionId: 's1', timeToLive: 5_000 });
    await bus.advanceTime(6_000);
    const receiver = await client.acceptSession('q', 's1');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 1_000 })).toEqual([]);
    const dlq = client.createReceiver('q', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1_000 });
    expect(dead!.body).toBe('stale');
    expect(dead!.deadLetterReason).toBe('TTLExpiredException');
  });

  it('the same seed gives the same trace; the clock never reads the wall', async () => {
    const run = async () => {
      const { bus, client, sender } = sessionQueue({}, { seed: 42 });
      const other = client.createSender('q');
      await Promise.all([
        sender.sendMessages({ body: 'a', sessionId: 's1' }),
        other.sendMessages({ body: 'b', sessionId: 's1' }),
      ]);
      const receiver = await client.acceptSession('q', 's1');
      await receiver.receiveMessages(2);
      await bus.advanceTime(45_000);
      return JSON.stringify(bus.trace());
    };
    expect(await run()).toBe(await run());
  });

  it('which of two concurrent sends reaches the broker first is a Chooser decision', async () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const { client, sender } = sessionQueue({}, { seed });
      const other = client.createSender('q');
      await Promise.all([
        sender.sendMessages({ body: 'a', sessionId: 's1' }),
        other.sendMessages({ body: 'b', sessionId: 's1' }),
      ]);
      const receiver = await client.acceptSession('q', 's1');
      const got = await receiver.receiveMessages(2);
      orders.add(got.map((m) => m.body).join(''));
    }
    expect([...orders].sort()).toEqual(['ab', 'ba']);
  });
});
