/**
 * What every receiver does the same way: `receiveMessages` with the SDK's batching waits, settlement over
 * a message's own delivery, `subscribe`, `getMessageIterator`, and the closed-state guard. The session
 * receiver (session-receiver.ts) and the non-session receiver (below) differ in where requests go and in
 * what "the link is gone" means.
 */
import type { ActorId, ReceivedMessage, SettleAction } from '../../models/events.ts';
import { entityActorId } from '../world/world.ts';
import type { BusContext, ClientContext, ErrorContext, SubscriptionHost } from './context.ts';
import { DEFAULT_MAX_WAIT_MS } from './context.ts';
import type { Delivery, DeliveryLink, Disposition } from './delivery.ts';
import { ServiceBusError, TEXT, fromBroker } from './errors.ts';
import { isLong, toReceived } from './messages.ts';
import type { Outcome, Pending } from './runtime.ts';
import { Subscription } from './subscription.ts';
import type {
  ApplicationProperties,
  DeadLetterOptions,
  GetMessageIteratorOptions,
  MessageHandlers,
  OperationOptionsBase,
  PeekMessagesOptions,
  ReceiveMessagesOptions,
  ReceiveMode,
  ServiceBusReceivedMessage,
  SubscribeOptions,
} from './types.ts';
import type Long from 'long';

/** `defaultMaxTimeAfterFirstMessageForBatchingMs`: peekLock returns this long after the first message. */
export const AFTER_FIRST_MESSAGE_MS = 1_000;

const ACTION: Record<Disposition, SettleAction> = {
  complete: 'complete',
  abandon: 'abandon',
  defer: 'defer',
  deadletter: 'deadLetter',
};

export function checkReceiveMode(mode: unknown): ReceiveMode {
  if (mode === undefined) return 'peekLock';
  if (mode !== 'peekLock' && mode !== 'receiveAndDelete') throw new TypeError(TEXT.invalidReceiveMode(mode));
  return mode;
}

export function checkMaxMessageCount(max: unknown): number {
  if (max === undefined || max === null) throw new TypeError(TEXT.missingParameter('maxMessageCount'));
  if (typeof max !== 'number') throw new TypeError(TEXT.parameterType('maxMessageCount', 'number'));
  if (Number.isNaN(max) || max < 1) throw new TypeError(TEXT.invalidMaxMessageCount);
  return Math.floor(max);
}

export function checkSequenceNumbers(value: unknown): number[] {
  if (value === undefined || value === null) throw new TypeError(TEXT.missingParameter('sequenceNumbers'));
  if (Array.isArray(value)) {
    if (!value.every((v) => isLong(v))) throw new TypeError(TEXT.notLongArray('sequenceNumbers'));
    return value.map((v: Long) => v.toNumber());
  }
  if (!isLong(value)) throw new TypeError(TEXT.notLong('sequenceNumbers'));
  return [value.toNumber()];
}

export abstract class ReceiverBase implements DeliveryLink, SubscriptionHost {
  readonly identifier: string;
  readonly actor: ActorId;
  protected userClosed = false;
  /** A receiveMessages is in progress. */
  protected receiving = false;
  protected subscription: Subscription | null = null;
  /** Messages a suspended subscription received after it was closed: the next receive gets them first. */
  protected readonly prefetched: ServiceBusReceivedMessage[] = [];
  /** Stop the receive in progress: with an error, or (null) returning what it collected. */
  protected stopReceive: ((error: Error | null) => void) | null = null;

  constructor(
    protected readonly bus: BusContext,
    protected readonly client: ClientContext,
    readonly entityPath: string,
    /** The model's entity (a queue, or `topic/Subscriptions/sub`). */
    protected readonly entity: string,
    readonly receiveMode: ReceiveMode,
    identifier: string | undefined,
    actor: ActorId,
  ) {
    this.actor = actor;
    this.identifier = identifier ?? this.actor.slice('client:'.length);
  }

  abstract get linkOpen(): boolean;
  abstract get settleTarget(): ActorId;
  /** The session id the SDK's texts name, or undefined for a non-session receiver. */
  protected abstract get sessionForText(): string | undefined;
  /** The broker request behind one receive: up to `max` messages, parking up to `waitMs`. */
  abstract receiveRequest(max: number, waitMs: number, fg: boolean): Pending<'received'>;
  /** The SDK's message for the model's, with a delivery when it is locked to this receiver. */
  abstract wrap(m: ReceivedMessage, deferredFetch?: boolean): ServiceBusReceivedMessage;
  abstract close(): Promise<void>;
  abstract peekMessages(maxMessageCount: number, options?: PeekMessagesOptions): Promise<ServiceBusReceivedMessage[]>;
  abstract receiveDeferredMessages(
    sequenceNumbers: Long | Long[],
    options?: OperationOptionsBase,
  ): Promise<ServiceBusReceivedMessage[]>;
  abstract renewMessageLock(message: ServiceBusReceivedMessage): Promise<Date>;

  get isClosed(): boolean {
    return this.client.closed || !this.linkOpen;
  }

  get fullyQualifiedNamespace(): string {
    return this.bus.fullyQualifiedNamespace;
  }

  /** The SDK's `_throwIfReceiverOrConnectionClosed`. */
  protected throwIfClosed(): void {
    if (this.client.closed) throw new Error(TEXT.connectionClosed);
    if (!this.isClosed) return;
    const sessionId = this.sessionForText;
    if (this.userClosed || sessionId === undefined) throw new Error(TEXT.receiverClosed(this.entityPath, sessionId));
    throw new ServiceBusError(TEXT.sessionLockLost(sessionId), 'SessionLockLost');
  }

  /**
   * A fault point (faults.ts): called before an operation of this receiver goes to the broker. Only a
   * session receiver has faults to inject (its link may detach); the others make no decision.
   */
  protected faultPoint(): Promise<void> | null {
    return null;
  }

  protected get isReceiving(): boolean {
    return this.receiving || (this.subscription?.active ?? false);
  }

  async receiveMessages(
    maxMessageCount: number,
    options: ReceiveMessagesOptions = {},
  ): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    if (this.isReceiving) throw new Error(TEXT.alreadyReceiving(this.entityPath, this.sessionForText));
    const max = checkMaxMessageCount(maxMessageCount);
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    this.receiving = true;
    try {
      return await this.collect(max, options.maxWaitTimeInMs ?? DEFAULT_MAX_WAIT_MS);
    } finally {
      this.receiving = false;
    }
  }

  /**
   * The SDK's batching receive: wait up to `waitMs` for the first message; in peekLock return
   * `AFTER_FIRST_MESSAGE_MS` after it (receiveAndDelete waits the whole time), or as soon as `max` are in.
   */
  private async collect(max: number, waitMs: number): Promise<ServiceBusReceivedMessage[]> {
    const runtime = this.bus.runtime;
    const out = this.prefetched.splice(0, max);
    let deadline = runtime.nowMs + Math.max(0, waitMs);
    if (out.length > 0 && this.receiveMode === 'peekLock')
      deadline = Math.min(deadline, runtime.nowMs + AFTER_FIRST_MESSAGE_MS);
    while (out.length < max) {
      const wait = Math.max(0, deadline - runtime.nowMs);
      const reply = await this.stoppable(this.receiveRequest(max - out.length, wait, true));
      if (reply === null) break;
      if (!reply.ok) {
        if (reply.error.code === 'SessionLockLost') this.brokerLockLost();
        throw fromBroker(reply.error);
      }
      const got = reply.result.messages;
      const first = out.length === 0;
      for (const m of got) out.push(this.wrap(m));
      if (got.length === 0 || wait === 0) break;
      if (first && this.receiveMode === 'peekLock')
        deadline = Math.min(deadline, runtime.nowMs + AFTER_FIRST_MESSAGE_MS);
    }
    return out;
  }

  /** Await a request that close() or a lost lock may cut short (null: stopped, return what there is). */
  private stoppable(pending: Pending<'received'>): Promise<Outcome<'received'> | null> {
    return new Promise((resolve, reject) => {
      this.stopReceive = (error) => {
        this.stopReceive = null;
        pending.forget();
        if (error) reject(error);
        else resolve(null);
      };
      pending.promise.then(
        (r) => {
          this.stopReceive = null;
          resolve(r);
        },
        (e: unknown) => {
          this.stopReceive = null;
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  completeMessage(message: ServiceBusReceivedMessage): Promise<void> {
    return this.settleChecked(message, 'complete');
  }

  abandonMessage(message: ServiceBusReceivedMessage, propertiesToModify?: ApplicationProperties): Promise<void> {
    return this.settleChecked(message, 'abandon', propertiesToModify);
  }

  deferMessage(message: ServiceBusReceivedMessage, propertiesToModify?: ApplicationProperties): Promise<void> {
    return this.settleChecked(message, 'defer', propertiesToModify);
  }

  deadLetterMessage(
    message: ServiceBusReceivedMessage,
    options?: DeadLetterOptions & ApplicationProperties,
  ): Promise<void> {
    return this.settleChecked(message, 'deadletter', options);
  }

  /** The receiver's checks, then the delivery's (the SDK's settleMessageOperation). */
  private async settleChecked(
    message: ServiceBusReceivedMessage,
    disposition: Disposition,
    props?: ApplicationProperties,
  ): Promise<void> {
    this.throwIfClosed();
    if (this.receiveMode === 'receiveAndDelete') throw new Error(TEXT.receiveAndDelete);
    if (!message?.lockToken) throw new Error(TEXT.peeked);
    await this.settle(message, disposition, props, true);
  }

  /** Settle over the message's own delivery (also what a subscription's auto-complete and abandon do). */
  async settle(
    message: ServiceBusReceivedMessage,
    disposition: Disposition,
    props: ApplicationProperties | undefined,
    fg: boolean,
  ): Promise<void> {
    const d: Delivery | undefined = message.lockToken ? this.bus.deliveries.get(message.lockToken) : undefined;
    if (!d || d.settled) throw new Error(TEXT.alreadySettled);
    const fault = d.link === this ? this.faultPoint() : null;
    if (fault) await fault;
    if (!d.deferredFetch && !d.link.linkOpen && d.sessionId !== null)
      throw new ServiceBusError(TEXT.linkGone(disposition), 'SessionLockLost');
    const { deadLetterReason, deadLetterErrorDescription, ...rest } = (props ?? {}) as ApplicationProperties &
      Partial<DeadLetterOptions>;
    const reply = await this.bus.runtime.request<'settled'>(
      d.link.actor,
      d.link.settleTarget,
      {
        type: 'req.settle',
        token: d.brokerToken,
        seq: d.seq,
        action: ACTION[disposition],
        ...(disposition === 'deadletter' && deadLetterReason !== undefined ? { reason: String(deadLetterReason) } : {}),
        ...(disposition === 'deadletter' && deadLetterErrorDescription !== undefined
          ? { description: String(deadLetterErrorDescription) }
          : {}),
      },
      fg,
    ).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    d.settled = true;
    this.bus.store.modify(d.entity, d.seq, disposition === 'complete' ? undefined : rest);
    if (disposition === 'deadletter') {
      const o = this.bus.store.overlay(d.entity, d.seq);
      if (deadLetterReason !== undefined) o.deadLetterReason = String(deadLetterReason);
      if (deadLetterErrorDescription !== undefined) o.deadLetterErrorDescription = String(deadLetterErrorDescription);
    }
  }

  /** True when the message's delivery was settled (or it has none). */
  isSettled(message: ServiceBusReceivedMessage): boolean {
    const d = message.lockToken ? this.bus.deliveries.get(message.lockToken) : undefined;
    return d === undefined || d.settled;
  }

  subscribe(handlers: MessageHandlers, options: SubscribeOptions = {}): { close(): Promise<void> } {
    if (!handlers || typeof handlers.processMessage !== 'function' || typeof handlers.processError !== 'function')
      throw new TypeError(TEXT.invalidHandlers);
    this.throwIfClosed();
    if (this.isReceiving) throw new Error(TEXT.alreadyReceiving(this.entityPath, this.sessionForText));
    const max =
      typeof options.maxConcurrentCalls === 'number' && options.maxConcurrentCalls > 0 ? options.maxConcurrentCalls : 1;
    const subscription = new Subscription(this, handlers, max, options.autoCompleteMessages !== false);
    this.subscription = subscription;
    subscription.start();
    return {
      close: async () => {
        subscription.suspend();
      },
    };
  }

  /** The broker answered SessionLockLost: a session receiver treats it as its lock lapsing (true). */
  brokerLockLost(): boolean {
    return false;
  }

  /** A suspended subscription hands over what arrived after it was closed. */
  keep(message: ServiceBusReceivedMessage): void {
    this.prefetched.push(message);
  }

  async *getMessageIterator(_options?: GetMessageIteratorOptions): AsyncIterableIterator<ServiceBusReceivedMessage> {
    for (;;) {
      const [message] = await this.receiveMessages(1);
      if (message) yield message;
    }
  }

  /** Receive-side teardown shared by close(): stop the subscription and a receive in progress. */
  protected stopReceiving(): void {
    this.subscription?.suspend();
    this.stopReceive?.(null);
  }

  /** @internal For Subscription: report an error to processError's caller context. */
  errorContext(): ErrorContext {
    return {
      entityPath: this.entityPath,
      fullyQualifiedNamespace: this.bus.fullyQualifiedNamespace,
      identifier: this.identifier,
    };
  }
}

/** `createReceiver(queue)`: a receiver of a non-session queue or subscription. */
export class SimulatedReceiver extends ReceiverBase {
  constructor(
    bus: BusContext,
    client: ClientContext,
    entityPath: string,
    receiveMode: ReceiveMode,
    identifier: string | undefined,
  ) {
    super(bus, client, entityPath, entityPath, receiveMode, identifier, bus.newActor('receiver'));
  }

  get linkOpen(): boolean {
    return !this.userClosed;
  }

  get settleTarget(): ActorId {
    return entityActorId(this.entity);
  }

  protected get sessionForText(): string | undefined {
    return undefined;
  }

  receiveRequest(max: number, waitMs: number, fg: boolean): Pending<'received'> {
    if (!this.bus.entity(this.entity)) return this.missing();
    return this.bus.runtime.request<'received'>(
      this.actor,
      entityActorId(this.entity),
      { type: 'req.receive', token: null, max, waitMs, mode: this.receiveMode },
      fg,
    );
  }

  private missing(): Pending<'received'> {
    const error = {
      code: 'MessagingEntityNotFound' as const,
      message: TEXT.entityNotFound(this.bus.fullyQualifiedNamespace, this.entity),
    };
    return { promise: Promise.resolve({ ok: false, error }), forget: () => undefined };
  }

  wrap(m: ReceivedMessage, deferredFetch = false): ServiceBusReceivedMessage {
    let lockToken: string | undefined;
    if (this.receiveMode === 'peekLock' && m.lockToken !== null) {
      lockToken = this.bus.nextLockToken();
      this.bus.deliveries.set(lockToken, {
        lockToken,
        entity: this.entity,
        seq: m.seq,
        sessionId: m.sessionId,
        link: this,
        brokerToken: m.lockToken,
        deferredFetch,
        settled: false,
      });
    }
    return toReceived(m, this.bus.store.payloadOf(m), {
      lockToken,
      overlay: this.bus.store.overlay(this.entity, m.seq),
      ...(deferredFetch ? { state: 'deferred' as const } : {}),
    });
  }

  async peekMessages(maxMessageCount: number, options: PeekMessagesOptions = {}): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    const max = checkMaxMessageCount(maxMessageCount);
    const cursorKey = `${this.client.identifier}|${this.entity}`;
    const from = peekFrom(options, this.bus.peekCursors.get(cursorKey));
    if (!this.bus.entity(this.entity))
      throw new ServiceBusError(
        TEXT.entityNotFound(this.bus.fullyQualifiedNamespace, this.entity),
        'MessagingEntityNotFound',
      );
    const reply = await this.bus.runtime.request<'peeked'>(this.actor, entityActorId(this.entity), {
      type: 'req.peek',
      token: null,
      fromSeq: from,
      max,
    }).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    const out = reply.result.messages.map((m) =>
      toReceived(m, this.bus.store.payloadOf(m), { overlay: this.bus.store.overlay(this.entity, m.seq) }),
    );
    const last = reply.result.messages[reply.result.messages.length - 1];
    if (last) this.bus.peekCursors.set(cursorKey, last.seq);
    return out;
  }

  async receiveDeferredMessages(sequenceNumbers: Long | Long[]): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    checkSequenceNumbers(sequenceNumbers);
    throw new Error('sbsim: receiveDeferredMessages on a non-session receiver is not simulated');
  }

  async renewMessageLock(_message: ServiceBusReceivedMessage): Promise<Date> {
    this.throwIfClosed();
    throw new Error('sbsim: renewMessageLock (non-session message locks) is not simulated');
  }

  async close(): Promise<void> {
    if (this.userClosed) return;
    this.stopReceiving();
    this.userClosed = true;
  }
}

/** Where a peek starts: `fromSequenceNumber`, or one past the cursor (the SDK's `lastPeekedSequenceNumber + 1`). */
export function peekFrom(options: PeekMessagesOptions, cursor: number | undefined): number {
  if (options.fromSequenceNumber !== undefined) {
    if (!isLong(options.fromSequenceNumber)) throw new TypeError(TEXT.notLong('fromSequenceNumber'));
    return options.fromSequenceNumber.toNumber();
  }
  return (cursor ?? 0) + 1;
}
