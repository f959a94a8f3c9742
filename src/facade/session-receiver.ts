/**
 * `ServiceBusSessionReceiver`: what `acceptSession` and `acceptNextSession` return. It holds the session
 * lock it was granted; every operation goes to the session's actor with that lock's token.
 *
 * Two clocks run beside the user's calls, both on virtual time:
 * - the lock watch, due at `sessionLockedUntilUtc`: when it fires the link is gone (the lock lapsed), so
 *   `isClosed` turns true, later calls fail with SessionLockLost, a receive in progress is cut short with
 *   it, and a subscriber's `processError` hears of it (`errorSource: 'receive'`) without a call of its own;
 * - auto lock renewal (peekLock, `maxAutoLockRenewalDurationInMs` > 0, default 5 min): the SDK's schedule,
 *   `calculateRenewAfterDuration` (renew `remaining - min(remaining / 2, 10 s)` after each lock), while the
 *   window counted from the accept reaches past the current lock.
 */
import type Long from 'long';
import type { ActorId, ReceivedMessage } from '../../models/events.ts';
import { sessionActorId } from '../../models/entity.ts';
import type { BusContext, ClientContext } from './context.ts';
import { ServiceBusError, TEXT, fromBroker } from './errors.ts';
import { FAULT_LABEL, faultDecisionName } from './faults.ts';
import { decodeState, encodeState, toReceived } from './messages.ts';
import type { Pending } from './runtime.ts';
import { ReceiverBase, checkMaxMessageCount, checkSequenceNumbers, peekFrom } from './receiver.ts';
import type { OperationOptionsBase, PeekMessagesOptions, ReceiveMode, ServiceBusReceivedMessage } from './types.ts';

/** The SDK's default auto-renew window. */
export const DEFAULT_MAX_AUTO_RENEW_MS = 300_000;

/** `calculateRenewAfterDuration`: renew at once under 1 s left, else `remaining - min(remaining / 2, 10 s)`. */
export function renewAfterMs(remainingMs: number): number {
  if (remainingMs < 1000) return 0;
  return remainingMs - Math.min(remainingMs / 2, 10_000);
}

export interface SessionGrant {
  readonly sessionId: string;
  readonly token: string;
  readonly lockedUntilMs: number;
}

export class SimulatedSessionReceiver extends ReceiverBase {
  readonly sessionId: string;
  private readonly token: string;
  private lockedUntilMs: number;
  private lockLost = false;
  private cancelWatch: (() => void) | null = null;
  private cancelRenew: (() => void) | null = null;
  private readonly renewUntilMs: number;

  constructor(
    bus: BusContext,
    client: ClientContext,
    actor: ActorId,
    entityPath: string,
    receiveMode: ReceiveMode,
    grant: SessionGrant,
    options: { identifier?: string | undefined; maxAutoLockRenewalDurationInMs?: number | undefined },
  ) {
    super(bus, client, entityPath, entityPath, receiveMode, options.identifier, actor);
    this.sessionId = grant.sessionId;
    this.token = grant.token;
    this.lockedUntilMs = grant.lockedUntilMs;
    const window = options.maxAutoLockRenewalDurationInMs ?? DEFAULT_MAX_AUTO_RENEW_MS;
    this.renewUntilMs = bus.runtime.nowMs + Math.max(0, window);
    this.watch();
    if (receiveMode === 'peekLock' && window > 0) this.scheduleRenewal();
  }

  get sessionLockedUntilUtc(): Date {
    return new Date(this.lockedUntilMs);
  }

  get linkOpen(): boolean {
    return !this.userClosed && !this.lockLost;
  }

  get settleTarget(): ActorId {
    return sessionActorId(this.entity, this.sessionId);
  }

  protected get sessionForText(): string {
    return this.sessionId;
  }

  receiveRequest(max: number, waitMs: number, fg: boolean): Pending<'received'> {
    // A subscription's receive is a fault point of its own (receiveMessages made its decision already).
    const fault = fg ? null : this.faultPoint();
    if (fault) {
      const error = { code: 'SessionLockLost' as const, message: TEXT.sessionLockLost(this.sessionId) };
      return { promise: fault.then(() => ({ ok: false, error })), forget: () => undefined };
    }
    return this.bus.runtime.request<'received'>(
      this.actor,
      this.settleTarget,
      { type: 'req.receive', token: this.token, max, waitMs },
      fg,
    );
  }

  wrap(m: ReceivedMessage, deferredFetch = false): ServiceBusReceivedMessage {
    let lockToken: string | undefined;
    if (this.receiveMode === 'peekLock') {
      lockToken = this.bus.nextLockToken();
      this.bus.deliveries.set(lockToken, {
        lockToken,
        entity: this.entity,
        seq: m.seq,
        sessionId: this.sessionId,
        link: this,
        brokerToken: this.token,
        deferredFetch,
        settled: false,
      });
    }
    return toReceived(m, this.bus.store.payloadOf(m), {
      lockToken,
      lockedUntilMs: this.lockedUntilMs,
      overlay: this.bus.store.overlay(this.entity, m.seq),
      ...(deferredFetch ? { state: 'deferred' as const } : {}),
    });
  }

  async peekMessages(maxMessageCount: number, options: PeekMessagesOptions = {}): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    const max = checkMaxMessageCount(maxMessageCount);
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    // The cursor belongs to the client's management link for the entity: shared by its receivers.
    const cursorKey = `${this.client.identifier}|${this.entity}`;
    const from = peekFrom(options, this.bus.peekCursors.get(cursorKey));
    const reply = await this.bus.runtime.request<'peeked'>(this.actor, this.settleTarget, {
      type: 'req.peek',
      token: this.token,
      fromSeq: from,
      max,
    }).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    const messages = reply.result.messages;
    const last = messages[messages.length - 1];
    if (last) this.bus.peekCursors.set(cursorKey, last.seq);
    return messages.map((m) =>
      toReceived(m, this.bus.store.payloadOf(m), { overlay: this.bus.store.overlay(this.entity, m.seq) }),
    );
  }

  async receiveDeferredMessages(
    sequenceNumbers: Long | Long[],
    _options?: OperationOptionsBase,
  ): Promise<ServiceBusReceivedMessage[]> {
    this.throwIfClosed();
    const seqs = checkSequenceNumbers(sequenceNumbers);
    if (seqs.length === 0) return [];
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    const reply = await this.bus.runtime.request<'received'>(this.actor, this.settleTarget, {
      type: 'req.receiveDeferred',
      token: this.token,
      seqs,
    }).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    return reply.result.messages.map((m) => this.wrap(m, true));
  }

  async getSessionState(_options?: OperationOptionsBase): Promise<unknown> {
    this.throwIfClosed();
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    const reply = await this.bus.runtime.request<'state'>(this.actor, this.settleTarget, {
      type: 'req.getState',
      token: this.token,
    }).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    return decodeState(reply.result.value);
  }

  async setSessionState(state: unknown, _options?: OperationOptionsBase): Promise<void> {
    this.throwIfClosed();
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    const reply = await this.bus.runtime.request<'stateSet'>(this.actor, this.settleTarget, {
      type: 'req.setState',
      token: this.token,
      value: encodeState(state),
    }).promise;
    if (!reply.ok) throw fromBroker(reply.error);
  }

  async renewSessionLock(_options?: OperationOptionsBase): Promise<Date> {
    this.throwIfClosed();
    const fault = this.faultPoint();
    if (fault) await fault;
    this.throwIfClosed();
    await this.renew(true);
    return this.sessionLockedUntilUtc;
  }

  async renewMessageLock(_message: ServiceBusReceivedMessage): Promise<Date> {
    throw new Error(TEXT.renewMessageLockOnSession);
  }

  async close(): Promise<void> {
    if (this.userClosed) return;
    const wasOpen = this.linkOpen && !this.client.closed;
    this.stopReceiving();
    this.stopClocks();
    this.userClosed = true;
    if (!wasOpen) return;
    // Closing the link releases the session lock at the broker; the reply is awaited, its error ignored.
    await this.bus.runtime.request<'closed'>(this.actor, this.settleTarget, {
      type: 'req.close',
      token: this.token,
      cause: 'close',
    }).promise;
  }

  // -------------------------------------------------------------------------------------------------

  private async renew(fg: boolean): Promise<void> {
    const reply = await this.bus.runtime.request<'renewed'>(
      this.actor,
      this.settleTarget,
      { type: 'req.renew', token: this.token },
      fg,
    ).promise;
    if (!reply.ok) throw fromBroker(reply.error);
    if (this.lockLost) return;
    this.lockedUntilMs = reply.result.lockedUntilMs;
    this.watch();
  }

  /** The lock watch: due when the lock lapses, moved by every renewal. */
  private watch(): void {
    this.cancelWatch?.();
    this.cancelWatch = this.bus.runtime.timer(this.actor, this.lockedUntilMs, false, () => {
      this.cancelWatch = null;
      if (this.bus.runtime.nowMs >= this.lockedUntilMs) this.onLockLost();
    });
  }

  override brokerLockLost(): boolean {
    this.onLockLost();
    return true;
  }

  private onLockLost(): void {
    if (this.lockLost || this.userClosed) return;
    this.lockLost = true;
    this.stopClocks();
    this.stopReceive?.(new ServiceBusError(TEXT.sessionLockLost(this.sessionId), 'SessionLockLost'));
    this.subscription?.linkLost(new ServiceBusError(TEXT.sessionLockLostStreaming(this.sessionId), 'SessionLockLost'));
  }

  /**
   * The `detach` fault (faults.ts): the Chooser decides whether this receiver's link drops before the
   * operation reaches the broker. If it does, the receiver loses its lock at once (as when the lock lapses)
   * and the broker hears a close with cause `detach` (it sends no reply); the promise returned resolves
   * once the broker has taken that in, and the operation then fails with SessionLockLost.
   */
  protected override faultPoint(): Promise<void> | null {
    if (!this.bus.faults.detach || !this.linkOpen || this.client.closed) return null;
    const runtime = this.bus.runtime;
    if (!runtime.chooseFault(faultDecisionName('detach', this.faultName), FAULT_LABEL.detach)) return null;
    this.onLockLost();
    return runtime.drop(this.actor, this.settleTarget, { type: 'req.close', token: this.token, cause: 'detach' });
  }

  /** The receiver in fault decisions' names: its actor (unique in the namespace), e.g. `receiver3`. */
  private get faultName(): string {
    return this.actor.slice('client:'.length);
  }

  private scheduleRenewal(): void {
    const now = this.bus.runtime.nowMs;
    if (!(this.renewUntilMs > this.lockedUntilMs && now < this.renewUntilMs)) return;
    const at = now + renewAfterMs(this.lockedUntilMs - now);
    this.cancelRenew = this.bus.runtime.timer(this.actor, at, false, () => {
      this.cancelRenew = null;
      if (!this.linkOpen) return;
      // The `loseRenewals` fault: this renewal never reaches the broker, and none follows it.
      if (
        this.bus.faults.loseRenewals &&
        this.bus.runtime.chooseFault(faultDecisionName('loseRenewals', this.faultName), FAULT_LABEL.loseRenewals)
      )
        return;
      // The `detach` fault: the link drops instead (the subscription, if any, hears of the lost lock).
      const fault = this.faultPoint();
      if (fault) {
        fault.catch(() => undefined);
        return;
      }
      this.renew(false).then(
        () => this.scheduleRenewal(),
        (e: unknown) => this.subscription?.renewFailed(e),
      );
    });
  }

  private stopClocks(): void {
    this.cancelWatch?.();
    this.cancelWatch = null;
    this.cancelRenew?.();
    this.cancelRenew = null;
  }
}
