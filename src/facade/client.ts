/**
 * `ServiceBusClient`, simulated: senders, session receivers (`acceptSession`, `acceptNextSession`),
 * non-session and dead-letter receivers, close. Entity paths are the SDK's: a queue name, or
 * `topic/Subscriptions/sub` (also accepted in the queue-name position, as the SDK's tests use it).
 */
import { entityActorId } from '../world/world.ts';
import { subscriptionPath } from '../world/workload.ts';
import type { BusContext, ClientContext } from './context.ts';
import { SimulatedDeadLetterReceiver } from './dead-letter-receiver.ts';
import { ServiceBusError, TEXT, fromBroker } from './errors.ts';
import { SimulatedReceiver, checkReceiveMode } from './receiver.ts';
import { SimulatedSender } from './sender.ts';
import { SimulatedSessionReceiver } from './session-receiver.ts';
import type { ServiceBusReceiverOptions, ServiceBusSenderOptions, ServiceBusSessionReceiverOptions } from './types.ts';

interface Closable {
  close(): Promise<void>;
}

export class SimulatedServiceBusClient implements ClientContext {
  readonly fullyQualifiedNamespace: string;
  readonly identifier: string;
  /** @internal */ closed = false;
  private readonly children: Closable[] = [];

  constructor(
    private readonly bus: BusContext,
    identifier: string,
  ) {
    this.fullyQualifiedNamespace = bus.fullyQualifiedNamespace;
    this.identifier = identifier;
  }

  createSender(queueOrTopicName: string, options: ServiceBusSenderOptions = {}): SimulatedSender {
    this.throwIfClosed();
    const sender = new SimulatedSender(this.bus, this, queueOrTopicName, options.identifier);
    this.children.push(sender);
    return sender;
  }

  acceptSession(
    queueName: string,
    sessionId: string,
    options?: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver>;
  acceptSession(
    topicName: string,
    subscriptionName: string,
    sessionId: string,
    options?: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver>;
  async acceptSession(
    a: string,
    b: string,
    c?: string | ServiceBusSessionReceiverOptions,
    d?: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver> {
    if (typeof c === 'string') return this.accept(subscriptionPath(a, b), c, d ?? {});
    return this.accept(a, b, c ?? {});
  }

  acceptNextSession(queueName: string, options?: ServiceBusSessionReceiverOptions): Promise<SimulatedSessionReceiver>;
  acceptNextSession(
    topicName: string,
    subscriptionName: string,
    options?: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver>;
  async acceptNextSession(
    a: string,
    b?: string | ServiceBusSessionReceiverOptions,
    c?: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver> {
    if (typeof b === 'string') return this.accept(subscriptionPath(a, b), null, c ?? {});
    return this.accept(a, null, b ?? {});
  }

  createReceiver(queueName: string, options?: ServiceBusReceiverOptions): SimulatedReceiver;
  createReceiver(topicName: string, subscriptionName: string, options?: ServiceBusReceiverOptions): SimulatedReceiver;
  createReceiver(a: string, b?: string | ServiceBusReceiverOptions, c?: ServiceBusReceiverOptions): SimulatedReceiver {
    this.throwIfClosed();
    const path = typeof b === 'string' ? subscriptionPath(a, b) : a;
    const options = (typeof b === 'string' ? c : b) ?? {};
    const mode = checkReceiveMode(options.receiveMode);
    let receiver: SimulatedReceiver;
    if (options.subQueueType === 'deadLetter')
      receiver = new SimulatedDeadLetterReceiver(this.bus, this, path, mode, options.identifier);
    else if (options.subQueueType === 'transferDeadLetter')
      throw new Error('sbsim: the transfer dead-letter queue is not simulated');
    else receiver = new SimulatedReceiver(this.bus, this, path, mode, options.identifier);
    this.children.push(receiver);
    return receiver;
  }

  createRuleManager(_topicName: string, _subscriptionName: string): never {
    throw new Error('sbsim: rule managers (subscription filters) are not simulated');
  }

  /** Closes every sender and receiver it made (session locks are released); later calls fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const child of this.children) {
      try {
        await child.close();
      } catch {
        // Closing the connection closes its links whatever they answer.
      }
    }
    this.closed = true;
  }

  private throwIfClosed(): void {
    if (this.closed) throw new Error(TEXT.connectionClosed);
  }

  private async accept(
    path: string,
    sessionId: string | null,
    options: ServiceBusSessionReceiverOptions,
  ): Promise<SimulatedSessionReceiver> {
    this.throwIfClosed();
    const mode = checkReceiveMode(options.receiveMode);
    if (sessionId !== null) {
      if (sessionId === undefined || (sessionId as unknown) === null)
        throw new TypeError(TEXT.missingParameter('sessionId'));
      if (typeof sessionId !== 'string') throw new TypeError(TEXT.parameterType('sessionId', 'string'));
    }
    if (!this.bus.entity(path))
      throw new ServiceBusError(TEXT.entityNotFound(this.fullyQualifiedNamespace, path), 'MessagingEntityNotFound');
    const actor = this.bus.newActor('session-receiver');
    const reply = await this.bus.runtime.request<'accepted'>(actor, entityActorId(path), {
      type: 'req.accept',
      sessionId,
      mode,
    }).promise;
    if (!reply.ok) {
      if (sessionId === null && reply.error.code === 'ServiceTimeout')
        throw new ServiceBusError(TEXT.acceptNextTimeout, 'ServiceTimeout');
      throw fromBroker(reply.error);
    }
    const receiver = new SimulatedSessionReceiver(this.bus, this, actor, path, mode, reply.result, {
      identifier: options.identifier,
      maxAutoLockRenewalDurationInMs: options.maxAutoLockRenewalDurationInMs,
    });
    this.children.push(receiver);
    return receiver;
  }
}
