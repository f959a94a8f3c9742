/**
 * `ServiceBusSender`: sends go to the queue's (or topic's) actor, one request per message, in order (one
 * link is FIFO); an array is refused whole when it would not fit in one batch, as the SDK refuses it.
 * Scheduled messages are timers on the virtual clock that deliver the send to the entity when due.
 *
 * Not as the service: a scheduled message gets its sequence number when it is enqueued, not when it is
 * scheduled, so `scheduleMessages` returns handles for `cancelScheduledMessages` (numbered from
 * SCHEDULED_BASE), not the sequence numbers the messages will have; nor is it visible to peek before then.
 */
import Long from 'long';
import type { ActorId } from '../../models/events.ts';
import type { BusContext, ClientContext } from './context.ts';
import { ServiceBusError, TEXT, fromBroker } from './errors.ts';
import type { Payload } from './messages.ts';
import { MAX_MESSAGE_BYTES, isLong, isObjectWith, sizeOf, validateMessage } from './messages.ts';
import type {
  AmqpAnnotatedMessage,
  CreateMessageBatchOptions,
  OperationOptionsBase,
  ServiceBusMessage,
} from './types.ts';

export const SCHEDULED_BASE = 1_000_000_000_000;

export class SimulatedMessageBatch {
  readonly maxSizeInBytes: number;
  private readonly items: Payload[] = [];
  private bytes = 0;

  constructor(maxSizeInBytes: number) {
    this.maxSizeInBytes = maxSizeInBytes;
  }

  get count(): number {
    return this.items.length;
  }

  get sizeInBytes(): number {
    return this.bytes;
  }

  tryAddMessage(message: ServiceBusMessage | AmqpAnnotatedMessage, _options?: unknown): boolean {
    const payload = validateMessage(message, TEXT.invalidMessage);
    const size = sizeOf(payload);
    if (this.bytes + size > this.maxSizeInBytes) return false;
    this.items.push(payload);
    this.bytes += size;
    return true;
  }

  /** @internal */
  payloads(): readonly Payload[] {
    return this.items;
  }
}

export class SimulatedSender {
  readonly entityPath: string;
  readonly identifier: string;
  private readonly actor: ActorId;
  private closed = false;
  private readonly scheduled = new Map<number, string>();

  constructor(
    private readonly bus: BusContext,
    private readonly client: ClientContext,
    entityPath: string,
    identifier: string | undefined,
  ) {
    this.entityPath = entityPath;
    this.actor = bus.newActor('sender');
    this.identifier = identifier ?? this.actor.slice('client:'.length);
  }

  get isClosed(): boolean {
    return this.closed || this.client.closed;
  }

  async sendMessages(
    messages:
      ServiceBusMessage | ServiceBusMessage[] | SimulatedMessageBatch | AmqpAnnotatedMessage | AmqpAnnotatedMessage[],
    _options?: OperationOptionsBase,
  ): Promise<void> {
    this.throwIfClosed();
    const payloads = this.payloadsOf(messages);
    const limit = MAX_MESSAGE_BYTES[this.tier()];
    if (payloads.reduce((n, p) => n + sizeOf(p), 0) > limit) {
      throw new ServiceBusError(
        payloads.length > 1 || Array.isArray(messages)
          ? TEXT.tooBigForBatch
          : `The received message exceeds the limit (${limit} bytes) of the entity '${this.entityPath}'.`,
        'MessageSizeExceeded',
      );
    }
    const target = this.target();
    const replies = await Promise.all(
      payloads.map(
        (p) =>
          this.bus.runtime.request<'sent'>(this.actor, target, { type: 'req.send', message: this.bus.store.add(p) })
            .promise,
      ),
    );
    const failed = replies.find((r) => !r.ok);
    if (failed && !failed.ok) throw fromBroker(failed.error);
  }

  async scheduleMessages(
    messages: ServiceBusMessage | ServiceBusMessage[] | AmqpAnnotatedMessage | AmqpAnnotatedMessage[],
    scheduledEnqueueTimeUtc: Date,
    _options?: OperationOptionsBase,
  ): Promise<Long[]> {
    this.throwIfClosed();
    if (scheduledEnqueueTimeUtc === undefined || scheduledEnqueueTimeUtc === null)
      throw new TypeError(TEXT.missingParameter('scheduledEnqueueTimeUtc'));
    const list = Array.isArray(messages) ? messages : [messages];
    const payloads = list.map((m) => validateMessage(m, TEXT.invalidMessages));
    const target = this.target();
    const runtime = this.bus.runtime;
    const atMs = Math.max(runtime.nowMs, scheduledEnqueueTimeUtc.getTime());
    return payloads.map((p) => {
      const n = this.bus.nextScheduled();
      const id = `${this.actor}|scheduled:${n}`;
      runtime.setWorldTimer(id, atMs, target, {
        type: 'req.send',
        from: this.actor,
        reqId: 0,
        message: this.bus.store.add(p),
      });
      this.scheduled.set(SCHEDULED_BASE + n, id);
      return Long.fromNumber(SCHEDULED_BASE + n);
    });
  }

  async cancelScheduledMessages(sequenceNumbers: Long | Long[], _options?: OperationOptionsBase): Promise<void> {
    this.throwIfClosed();
    if (sequenceNumbers === undefined || sequenceNumbers === null)
      throw new TypeError(TEXT.missingParameter('sequenceNumbers'));
    const list = Array.isArray(sequenceNumbers) ? sequenceNumbers : [sequenceNumbers];
    if (!list.every((s) => isLong(s)))
      throw new TypeError(
        Array.isArray(sequenceNumbers) ? TEXT.notLongArray('sequenceNumbers') : TEXT.notLong('sequenceNumbers'),
      );
    for (const s of list) {
      const id = this.scheduled.get(s.toNumber());
      if (id === undefined) continue;
      this.scheduled.delete(s.toNumber());
      this.bus.runtime.cancelWorldTimer(id);
    }
  }

  async createMessageBatch(options: CreateMessageBatchOptions = {}): Promise<SimulatedMessageBatch> {
    this.throwIfClosed();
    return new SimulatedMessageBatch(options.maxSizeInBytes ?? MAX_MESSAGE_BYTES[this.tier()]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private throwIfClosed(): void {
    if (this.client.closed) throw new Error(TEXT.connectionClosed);
    if (this.closed) throw new Error(TEXT.senderClosed(this.entityPath));
  }

  private payloadsOf(messages: unknown): readonly Payload[] {
    if (messages instanceof SimulatedMessageBatch) return messages.payloads();
    if (Array.isArray(messages)) return messages.map((m) => validateMessage(m, TEXT.invalidMessages));
    if (!isObjectWith(messages, 'body')) throw new TypeError(TEXT.invalidMessages);
    return [validateMessage(messages, TEXT.invalidMessages)];
  }

  private target(): ActorId {
    const target = this.bus.sendTarget(this.entityPath);
    if (!target)
      throw new ServiceBusError(
        TEXT.entityNotFound(this.bus.fullyQualifiedNamespace, this.entityPath),
        'MessagingEntityNotFound',
      );
    return target;
  }

  private tier(): 'standard' | 'premium' {
    const w = this.bus.workload();
    const e = [...w.entities, ...w.topics.flatMap((t) => t.subscriptions)].find(
      (x) => x.name === this.entityPath || x.name.startsWith(`${this.entityPath}/`),
    );
    return e?.tier ?? 'standard';
  }
}
