/**
 * An order-processing session consumer, written against @azure/service-bus's types: each order is a
 * session, its events (created, paid, shipped) must be applied in order. The consumer accepts the next
 * session, lets the SDK renew the lock, keeps a checkpoint of what it applied in the session state (so a
 * restart skips what was done), and abandons a message when the ledger fails transiently (it comes back
 * with its delivery count raised).
 *
 * `maxConcurrentCalls` is the knob the naive version turns up "for throughput": several handlers of one
 * session then run at once, each reads the checkpoint, does its work and writes the checkpoint back —
 * so events are applied out of order and one handler's checkpoint overwrites another's.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusSessionReceiver } from '@azure/service-bus';

export type Step = 'created' | 'paid' | 'shipped';

export interface OrderEvent {
  readonly orderId: string;
  readonly step: Step;
}

/** What the session state holds: the steps applied, in order. */
export interface Checkpoint {
  readonly applied: Step[];
}

export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** The downstream system: applying a step takes time and may fail transiently. */
export interface Ledger {
  apply(orderId: string, step: Step): Promise<void>;
}

export type ClientLike = Pick<ServiceBusClient, 'acceptNextSession'>;

export interface ConsumerOptions {
  readonly maxConcurrentCalls?: number;
  /** Called with each error the SDK reports (lock lost, handler failures). */
  readonly onError?: (error: Error) => void;
}

/** Accept the next order (session) and process its events until `stop()`. */
export async function consumeNextOrder(
  client: ClientLike,
  queue: string,
  ledger: Ledger,
  options: ConsumerOptions = {},
): Promise<{ receiver: ServiceBusSessionReceiver; stop(): Promise<void> }> {
  const receiver = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 300_000 });
  const subscription = receiver.subscribe(
    {
      processMessage: async (message: ServiceBusReceivedMessage) => {
        const event = message.body as OrderEvent;
        const checkpoint = ((await receiver.getSessionState()) as Checkpoint | null) ?? { applied: [] };
        if (checkpoint.applied.includes(event.step)) return; // done before a restart: auto-complete
        try {
          await ledger.apply(event.orderId, event.step);
        } catch (e) {
          if (e instanceof TransientError) {
            await receiver.abandonMessage(message);
            return;
          }
          throw e;
        }
        await receiver.setSessionState({ applied: [...checkpoint.applied, event.step] } satisfies Checkpoint);
      },
      processError: async ({ error }) => {
        options.onError?.(error);
      },
    },
    { maxConcurrentCalls: options.maxConcurrentCalls ?? 1 },
  );
  return {
    receiver,
    stop: async () => {
      await subscription.close();
      await receiver.close();
    },
  };
}
