/**
 * What the facade's parts need of each other, as interfaces: the bus (its runtime, message store,
 * deliveries and counters) as senders, receivers and clients use it; the client as its senders and
 * receivers see it; a receiver as its subscription drives it. The concrete classes (bus.ts, client.ts,
 * receiver.ts) implement these, and the modules that use them import only this one: no import circles.
 */
import type { EntityConfig } from '../../models/config.ts';
import type { ActorId, ReceivedMessage } from '../../models/events.ts';
import type { WorldState } from '../world/world.ts';
import type { Workload } from '../world/workload.ts';
import type { Delivery, Disposition } from './delivery.ts';
import type { FaultOptions } from './faults.ts';
import type { MessageStore } from './messages.ts';
import type { Pending, Runtime } from './runtime.ts';
import type { ApplicationProperties, ReceiveMode, ServiceBusReceivedMessage } from './types.ts';

/** `Constants.defaultOperationTimeoutInMs`: receiveMessages' default wait (and a subscription's per request). */
export const DEFAULT_MAX_WAIT_MS = 60_000;

/** What clients, senders and receivers share: the `SimulatedServiceBus` they were made by. */
export interface BusContext {
  readonly fullyQualifiedNamespace: string;
  readonly store: MessageStore;
  /** Deliveries by lock token. */
  readonly deliveries: Map<string, Delivery>;
  /** Dead-letter queue entries received and settled (`entity#seq`), and those locked. */
  readonly dlqTaken: Set<string>;
  readonly dlqLocked: Set<string>;
  /** The SDK's peek cursor: per client and entity (its management link). */
  readonly peekCursors: Map<string, number>;
  /** The runtime, built on first use from the entities declared so far. */
  readonly runtime: Runtime;
  /** The faults enabled for this namespace (faults.ts); none by default. */
  readonly faults: FaultOptions;
  /** A new external client actor (one per sender and receiver), attached to the world. */
  newActor(kind: string): ActorId;
  nextScheduled(): number;
  nextLockToken(): string;
  /** The receivable entity at `path` (a queue, or `topic/Subscriptions/sub`). */
  entity(path: string): EntityConfig | undefined;
  /** The actor a sender to `name` addresses: the queue, or the topic. */
  sendTarget(name: string): ActorId | undefined;
  sleep(ms: number | readonly [number, number]): Promise<void>;
  state(): WorldState;
  workload(): Workload;
}

/** What senders and receivers need of the `SimulatedServiceBusClient` that made them. */
export interface ClientContext {
  readonly closed: boolean;
  readonly identifier: string;
}

/** Where a subscription's errors are reported from (processError's context). */
export interface ErrorContext {
  entityPath: string;
  fullyQualifiedNamespace: string;
  identifier: string;
}

/** What a `Subscription` drives: the receiver it was started on. */
export interface SubscriptionHost {
  readonly receiveMode: ReceiveMode;
  /** The link is open: not closed by the user, its session lock not lost. */
  readonly linkOpen: boolean;
  /** The broker request behind one receive: up to `max` messages, parking up to `waitMs`. */
  receiveRequest(max: number, waitMs: number, fg: boolean): Pending<'received'>;
  /** The SDK's message for the model's, with a delivery when it is locked to this receiver. */
  wrap(m: ReceivedMessage, deferredFetch?: boolean): ServiceBusReceivedMessage;
  /** A suspended subscription hands over what arrived after it was closed. */
  keep(message: ServiceBusReceivedMessage): void;
  /** True when the message's delivery was settled (or it has none). */
  isSettled(message: ServiceBusReceivedMessage): boolean;
  settle(
    message: ServiceBusReceivedMessage,
    disposition: Disposition,
    props: ApplicationProperties | undefined,
    fg: boolean,
  ): Promise<void>;
  /** The broker answered SessionLockLost: true when the receiver treats it as its lock lapsing. */
  brokerLockLost(): boolean;
  errorContext(): ErrorContext;
}
