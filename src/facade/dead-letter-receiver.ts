/**
 * `createReceiver(entity, { subQueueType: 'deadLetter' })`. The model keeps each entity's dead-letter
 * queue as a record (reason, description, delivery count); it has no receive or settle of its own, so this
 * receiver reads that record and keeps what it took and locked itself, beside the model: what happens in
 * a dead-letter queue is outside the session rules the properties check.
 */
import type { ReceivedMessage } from '../../models/events.ts';
import type { BusContext, ClientContext } from './context.ts';
import type { Disposition } from './delivery.ts';
import { TEXT } from './errors.ts';
import { toReceived } from './messages.ts';
import { SimulatedReceiver, checkMaxMessageCount, peekFrom } from './receiver.ts';
import type { Pending } from './runtime.ts';
import type { ApplicationProperties, PeekMessagesOptions, ReceiveMode, ServiceBusReceivedMessage } from './types.ts';

export class SimulatedDeadLetterReceiver extends SimulatedReceiver {
  override readonly entityPath: string;
  private readonly source: string;

  constructor(
    bus: BusContext,
    client: ClientContext,
    path: string,
    receiveMode: ReceiveMode,
    identifier: string | undefined,
  ) {
    super(bus, client, path, receiveMode, identifier);
    this.source = path;
    this.entityPath = `${path}/$DeadLetterQueue`;
  }

  /** Dead-lettered messages not taken, in order; `unlocked` leaves out those locked to a receiver. */
  private entries(unlocked: boolean): ReceivedMessage[] {
    const state = this.bus.state().entities[this.source];
    if (!state) return [];
    return state.deadLetters
      .filter((e) => !this.bus.dlqTaken.has(`${this.source}#${e.seq}`))
      .filter((e) => !unlocked || !this.bus.dlqLocked.has(`${this.source}#${e.seq}`))
      .map((e) => {
        const o = this.bus.store.overlay(this.source, e.seq);
        o.deadLetterReason ??= e.reason;
        o.deadLetterErrorDescription ??= e.description;
        return {
          seq: e.seq,
          messageId: e.messageId,
          sessionId: e.sessionId,
          deliveryCount: e.deliveryCount,
          lockToken: 'dead-letter',
          enqueuedAtMs: e.atMs,
          expiresAtMs: null,
          body: this.bus.store.keyOf(e.messageId),
          state: 'active' as const,
        };
      });
  }

  override receiveRequest(max: number, waitMs: number, _fg: boolean): Pending<'received'> {
    const runtime = this.bus.runtime;
    let stopped = false;
    const take = (): ReceivedMessage[] => {
      const got = this.entries(true).slice(0, max);
      for (const m of got) {
        const key = `${this.source}#${m.seq}`;
        if (this.receiveMode === 'receiveAndDelete') this.bus.dlqTaken.add(key);
        else this.bus.dlqLocked.add(key);
      }
      return got;
    };
    const promise = (async () => {
      let timedOut = waitMs <= 0;
      const cancel = runtime.timer(this.actor, runtime.nowMs + Math.max(0, waitMs), false, () => {
        timedOut = true;
      });
      await runtime.until(() => stopped || timedOut || this.entries(true).length > 0);
      cancel();
      return { ok: true as const, result: { kind: 'received' as const, messages: stopped ? [] : take() } };
    })();
    return {
      promise,
      forget: () => {
        stopped = true;
      },
    };
  }

  override subscribe(): never {
    throw new Error('sbsim: subscribe on a dead-letter receiver is not simulated; use receiveMessages');
  }

  override async peekMessages(
    maxMessageCount: number,
    options: PeekMessagesOptions = {},
  ): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    const max = checkMaxMessageCount(maxMessageCount);
    const cursorKey = `${this.client.identifier}|${this.entityPath}`;
    const from = peekFrom(options, this.bus.peekCursors.get(cursorKey));
    await this.bus.sleep(0);
    const got = this.entries(false)
      .filter((m) => m.seq >= from)
      .slice(0, max);
    const last = got[got.length - 1];
    if (last) this.bus.peekCursors.set(cursorKey, last.seq);
    return got.map((m) =>
      toReceived({ ...m, lockToken: null }, this.bus.store.payloadOf(m), {
        overlay: this.bus.store.overlay(this.source, m.seq),
      }),
    );
  }

  override async settle(
    message: ServiceBusReceivedMessage,
    disposition: Disposition,
    props: ApplicationProperties | undefined,
  ): Promise<void> {
    const d = message.lockToken ? this.bus.deliveries.get(message.lockToken) : undefined;
    if (!d || d.settled) throw new Error(TEXT.alreadySettled);
    await this.bus.sleep(0);
    const key = `${this.source}#${d.seq}`;
    d.settled = true;
    this.bus.dlqLocked.delete(key);
    if (disposition !== 'abandon') this.bus.dlqTaken.add(key);
    this.bus.store.modify(this.source, d.seq, props);
  }
}
