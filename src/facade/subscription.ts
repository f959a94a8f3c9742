/**
 * `subscribe({ processMessage, processError }, { autoCompleteMessages, maxConcurrentCalls })`, as the SDK's
 * streaming receiver runs it (messageSession.ts `_subscribeImpl`): up to `maxConcurrentCalls` handlers at
 * once, each message's handler called as it arrives; after a handler returns, auto-complete (peekLock,
 * unless the handler settled it); if it throws, `processError` with `processMessageCallback`, then abandon.
 * Failures of those settlements go to `processError` as `complete` or `abandon`; a lost session lock as
 * `receive`. `close()` suspends: no new messages, but the receiver stays open and what was delivered can
 * still be settled.
 *
 * The receive loop is background work: it goes on while the test waits on something (advanceTime,
 * waitUntil, a call of its own), as a real subscription goes on while a real test sleeps.
 */
import { fromBroker } from './errors.ts';
import type { SubscriptionHost } from './context.ts';
import { DEFAULT_MAX_WAIT_MS } from './context.ts';
import type { Pending } from './runtime.ts';
import type { ErrorSource, MessageHandlers, ServiceBusReceivedMessage } from './types.ts';

export class Subscription {
  active = true;
  private inFlight = 0;
  private pending: Pending<'received'> | null = null;
  private lossReported = false;

  constructor(
    private readonly receiver: SubscriptionHost,
    private readonly handlers: MessageHandlers,
    private readonly maxConcurrentCalls: number,
    private readonly autoComplete: boolean,
  ) {}

  start(): void {
    this.fill();
  }

  suspend(): void {
    this.active = false;
  }

  /** The session lock lapsed (or the link dropped): tell processError once, as the SDK's receiver error. */
  linkLost(error: Error): void {
    this.pending?.forget();
    this.pending = null;
    if (!this.active || this.lossReported) return;
    this.lossReported = true;
    void this.notify(error, 'receive');
  }

  /** An auto-renewal failed: the SDK tells processError with `renewLock`. */
  renewFailed(error: unknown): void {
    if (this.active) void this.notify(error, 'renewLock');
  }

  /** Ask for as many messages as there are free handler slots. */
  private fill(): void {
    if (!this.active || !this.receiver.linkOpen || this.pending || this.inFlight >= this.maxConcurrentCalls) return;
    const pending = this.receiver.receiveRequest(this.maxConcurrentCalls - this.inFlight, DEFAULT_MAX_WAIT_MS, false);
    this.pending = pending;
    pending.promise.then(
      (reply) => {
        if (this.pending !== pending) return;
        this.pending = null;
        if (!reply.ok) {
          // The broker noticed the lapsed lock before the receiver's own watch did: the same news.
          if (reply.error.code === 'SessionLockLost' && this.receiver.brokerLockLost()) return;
          if (this.receiver.linkOpen) {
            this.active = false;
            void this.notify(fromBroker(reply.error), 'receive');
          }
          return;
        }
        for (const m of reply.result.messages) {
          const message = this.receiver.wrap(m);
          if (this.active) void this.handle(message);
          else this.receiver.keep(message);
        }
        this.fill();
      },
      (e: unknown) => {
        this.pending = null;
        void this.notify(e instanceof Error ? e : new Error(String(e)), 'receive');
      },
    );
  }

  private async handle(message: ServiceBusReceivedMessage): Promise<void> {
    const peekLock = this.receiver.receiveMode === 'peekLock';
    if (peekLock && !this.receiver.linkOpen) return;
    this.inFlight++;
    try {
      await this.handlers.processMessage(message);
      if (this.autoComplete && peekLock && !this.receiver.isSettled(message)) {
        try {
          await this.receiver.settle(message, 'complete', undefined, false);
        } catch (e) {
          await this.notify(e, 'complete');
        }
      }
    } catch (err) {
      await this.notify(err, 'processMessageCallback');
      if (peekLock && !this.receiver.isSettled(message) && this.receiver.linkOpen) {
        try {
          await this.receiver.settle(message, 'abandon', undefined, false);
        } catch (e) {
          await this.notify(e, 'abandon');
        }
      }
    } finally {
      this.inFlight--;
      this.fill();
    }
  }

  private async notify(error: unknown, errorSource: ErrorSource): Promise<void> {
    try {
      await this.handlers.processError({
        error: error instanceof Error ? error : new Error(String(error)),
        errorSource,
        ...this.receiver.errorContext(),
      });
    } catch {
      // The SDK ignores what the error handler throws.
    }
  }
}
