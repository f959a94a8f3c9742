/**
 * Type conformance: the simulated client, sender, receivers, messages and errors are assignable to the
 * matching @azure/service-bus 7.9 types (a dev dependency, used here for types only), so code written
 * against the SDK's interfaces takes the simulated ones unchanged. `npm run typecheck` is the test; the
 * runtime part below only makes vitest count it.
 *
 * Not covered: `ServiceBusClient` is a class with private members, so nothing outside the SDK is
 * assignable to the class itself; the simulated client conforms to its public members (`SdkClientShape`),
 * which is the type a swappable dependency should be declared with.
 */
import type {
  MessageHandlers,
  ProcessErrorArgs,
  ServiceBusClient,
  ServiceBusError as SdkServiceBusError,
  ServiceBusMessage,
  ServiceBusMessageBatch,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
  ServiceBusSessionReceiver,
} from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import type {
  ServiceBusError,
  SimulatedDeadLetterReceiver,
  SimulatedMessageBatch,
  SimulatedReceiver,
  SimulatedSender,
  SimulatedServiceBusClient,
  SimulatedServiceBusMessage,
  SimulatedServiceBusReceivedMessage,
  SimulatedSessionReceiver,
  SimulatedMessageHandlers,
  SimulatedProcessErrorArgs,
} from '../../src/index.ts';
import { SimulatedServiceBus } from '../../src/index.ts';

/** Compiles only when `Actual` is assignable to `Expected`. */
type Assignable<Expected, Actual extends Expected> = Actual;

/** The public members of the SDK's client: what a dependency on "a ServiceBusClient" should be typed as. */
export type SdkClientShape = Pick<
  ServiceBusClient,
  | 'acceptSession'
  | 'acceptNextSession'
  | 'createSender'
  | 'createReceiver'
  | 'createRuleManager'
  | 'close'
  | 'fullyQualifiedNamespace'
  | 'identifier'
>;

export type Conformance = [
  Assignable<SdkClientShape, SimulatedServiceBusClient>,
  Assignable<ServiceBusSender, SimulatedSender>,
  Assignable<ServiceBusMessageBatch, SimulatedMessageBatch>,
  Assignable<ServiceBusReceiver, SimulatedReceiver>,
  Assignable<ServiceBusReceiver, SimulatedDeadLetterReceiver>,
  Assignable<ServiceBusSessionReceiver, SimulatedSessionReceiver>,
  Assignable<ServiceBusReceivedMessage, SimulatedServiceBusReceivedMessage>,
  Assignable<ServiceBusMessage, SimulatedServiceBusMessage>,
  Assignable<SdkServiceBusError, ServiceBusError>,
  Assignable<ProcessErrorArgs, SimulatedProcessErrorArgs>,
  // Handlers written for the SDK plug into the simulated receiver's subscribe.
  Assignable<SimulatedMessageHandlers, MessageHandlers>,
];

/** Application code typed against the SDK, as a user writes it. */
async function drainOne(client: SdkClientShape, queue: string, sessionId: string): Promise<string[]> {
  const receiver: ServiceBusSessionReceiver = await client.acceptSession(queue, sessionId);
  const messages: ServiceBusReceivedMessage[] = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1_000 });
  for (const m of messages) await receiver.completeMessage(m);
  await receiver.close();
  return messages.map((m) => String(m.body));
}

describe('facade: type conformance with @azure/service-bus', () => {
  it('code typed against the SDK runs on the simulated client', async () => {
    const bus = new SimulatedServiceBus({ seed: 1 });
    bus.createQueue('q', { requiresSession: true });
    const client = bus.createClient();
    const sender: ServiceBusSender = client.createSender('q');
    await sender.sendMessages({ body: 'hello', sessionId: 's' });
    expect(await drainOne(client, 'q', 's')).toEqual(['hello']);
  });
});
