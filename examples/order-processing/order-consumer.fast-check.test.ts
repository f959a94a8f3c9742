/**
 * The order consumer under @fast-check/vitest: `test.prop` generates decision lists (each value picks one
 * of the Chooser's options in turn: which concurrent call reaches the broker first, how long a ledger
 * call takes, whether an enabled fault strikes; past the list's end every pick is the default), runs the
 * consumer on a `SimulatedServiceBus({ picks })`, and shrinks a failing list as fast-check shrinks arrays.
 * Fixed seeds keep both properties deterministic.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { SimulatedServiceBus, isServiceBusError } from '../../src/index.ts';
import type { Checkpoint, Ledger, Step } from './order-consumer.ts';
import { consumeNextOrder } from './order-consumer.ts';

const STEPS: Step[] = ['created', 'paid', 'shipped'];

/** Decision lists: short lists of small picks shrink to the default schedule, no fault. */
const picks = fc.array(fc.nat({ max: 7 }), { maxLength: 30 });

/** One order's three events on a fresh namespace; a ledger whose calls take 5–50 ms (the Chooser picks). */
async function setUp(bus: SimulatedServiceBus) {
  bus.createQueue('orders', { requiresSession: true, lockDurationMs: 30_000, maxDeliveryCount: 100 });
  const client = bus.createClient();
  await client
    .createSender('orders')
    .sendMessages(STEPS.map((step) => ({ body: { orderId: 'o1', step }, sessionId: 'o1', messageId: `o1-${step}` })));
  const log: Step[] = [];
  const ledger: Ledger = {
    apply: async (_orderId, step) => {
      await bus.sleep([5, 50]);
      log.push(step);
    },
  };
  return { client, ledger, log };
}

describe('example: order consumer, with @fast-check/vitest', () => {
  test.prop([picks], { numRuns: 25, seed: 1 })(
    'applies an order in order and checkpoints it, for any decision list (maxConcurrentCalls: 1)',
    async (list) => {
      const bus = new SimulatedServiceBus({ picks: list });
      const { client, ledger, log } = await setUp(bus);
      const consumer = await consumeNextOrder(client, 'orders', ledger, { maxConcurrentCalls: 1 });
      expect(await bus.waitUntil(() => log.length >= 3, { timeoutMs: 120_000 })).toBe(true);
      await bus.advanceTime(1_000);
      expect(log).toEqual(STEPS);
      expect(((await consumer.receiver.getSessionState()) as Checkpoint).applied).toEqual(STEPS);
      await consumer.stop();
    },
  );

  test.prop([picks], { numRuns: 25, seed: 1 })(
    'with link detaches as faults, restarting on SessionLockLost still applies every step, first in order',
    async (list) => {
      // Every operation of a session receiver is a fault point: an odd pick there detaches its link.
      const bus = new SimulatedServiceBus({ picks: list, faults: { detach: true } });
      const { client, ledger, log } = await setUp(bus);
      const done = () => STEPS.every((s) => log.includes(s));
      for (let restart = 0; !done(); restart++) {
        expect(restart).toBeLessThan(20);
        let lost = false;
        const onError = (e: Error) => {
          if (isServiceBusError(e) && e.code === 'SessionLockLost') lost = true;
        };
        const consumer = await consumeNextOrder(client, 'orders', ledger, { onError });
        await bus.waitUntil(() => lost || done(), { timeoutMs: 120_000 });
        await consumer.stop();
      }
      // At least once: a detach between the ledger call and the checkpoint makes a restart apply that step
      // again, but the first application of each step is in order.
      expect(log.filter((s, i) => log.indexOf(s) === i)).toEqual(STEPS);
    },
  );
});
