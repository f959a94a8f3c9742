import { describe, expect, it } from 'vitest';
import { SimulatedServiceBus } from '../../src/facade/index.ts';

describe('smoke', () => {
  it('send, accept, receive, complete', async () => {
    const bus = new SimulatedServiceBus({ seed: 1 });
    bus.createQueue('orders', { requiresSession: true, lockDurationMs: 30_000 });
    const client = bus.createClient();
    await client.createSender('orders').sendMessages([
      { body: { n: 1 }, sessionId: 's1', messageId: 'a' },
      { body: { n: 2 }, sessionId: 's1', messageId: 'b' },
    ]);
    const r = await client.acceptSession('orders', 's1');
    const got = await r.receiveMessages(10, { maxWaitTimeInMs: 5000 });
    expect(got.map((m) => m.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(got[0]!.deliveryCount).toBe(0);
    await r.completeMessage(got[0]!);
    const peeked = await r.peekMessages(10);
    expect(peeked.map((m) => m.messageId)).toEqual(['b']);
    await r.close();
    expect(bus.now()).toBeLessThan(2000);
  });
});
