/**
 * The event vocabulary shared by the machines, and the effects and facts they emit.
 *
 * Machines never call each other and never touch the world: they emit effects (`fx.*`) that the
 * scheduler routes. A message between two broker actors is delivered within the same step (the broker
 * is one service and its internal hand-offs are atomic); a message between a client and the broker is
 * queued in the target's mailbox and its delivery is a scheduling decision. Facts (`fx.fact`) are what
 * the properties read.
 */
import type { EntityConfig, Switches } from './config.ts';

export type ActorId = string;

/** The @azure/service-bus error codes the model raises (docs/semantics.md §2.7, J1). */
export type ErrorCode =
  | 'SessionCannotBeLocked'
  | 'SessionLockLost'
  | 'ServiceTimeout'
  | 'MessageNotFound'
  | 'MessageLockLost'
  | 'MessageSizeExceeded'
  | 'MessagingEntityNotFound'
  | 'GeneralError';

export interface BrokerError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** What a sender hands to the broker. */
export interface MessageSpec {
  readonly messageId: string;
  readonly sessionId?: string | undefined;
  /** Time to live; the entity default is the ceiling (D2). */
  readonly ttlMs?: number | undefined;
  readonly subject?: string | undefined;
  readonly replyToSessionId?: string | undefined;
  readonly body?: string | undefined;
}

export type MessageState = 'active' | 'locked' | 'deferred';

/** A message as the broker stores it. */
export interface StoredMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly sessionId: string | null;
  readonly subject?: string | undefined;
  readonly replyToSessionId?: string | undefined;
  readonly body?: string | undefined;
  readonly enqueuedAtMs: number;
  /** `null`: never expires. */
  readonly expiresAtMs: number | null;
  /** Raw count: 0 on first delivery (§3.4). */
  readonly deliveryCount: number;
  readonly state: MessageState;
  /** Token of the lock the message is locked under (session lock, or its own message lock). */
  readonly lockToken: string | null;
  /** Token of the lock under which it was last delivered: lock expiry raises the count of these (§2.5). */
  readonly deliveredUnder: string | null;
  /** Fetched by sequence number while deferred: given back, it stays deferred (§3.3). */
  readonly fetchedDeferred?: boolean | undefined;
  /** Non-session entities: when the message's own lock runs out (D4); at that instant it is void. */
  readonly lockedUntilMs?: number | undefined;
}

/** A message as a receiver sees it. */
export interface ReceivedMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly sessionId: string | null;
  readonly deliveryCount: number;
  readonly lockToken: string | null;
  readonly enqueuedAtMs: number;
  readonly expiresAtMs: number | null;
  readonly subject?: string | undefined;
  readonly replyToSessionId?: string | undefined;
  readonly body?: string | undefined;
  readonly state: 'active' | 'deferred';
}

export interface DeadLetterEntry {
  readonly seq: number;
  readonly messageId: string;
  readonly sessionId: string | null;
  readonly reason: string;
  readonly description: string;
  readonly deliveryCount: number;
  readonly atMs: number;
}

export type SettleAction = 'complete' | 'abandon' | 'defer' | 'deadLetter';
export type ReceiveMode = 'peekLock' | 'receiveAndDelete';
export type ReleaseCause = 'close' | 'detach' | 'crash';

// ---------------------------------------------------------------------------------------------------
// Client → broker requests (queued, each delivery a scheduling decision)

interface Req {
  /** The requesting client actor; replies go there. */
  readonly from: ActorId;
  readonly reqId: number;
}
export type ClientRequest =
  | (Req & { type: 'req.send'; message: MessageSpec })
  | (Req & { type: 'req.accept'; sessionId: string | null; mode: ReceiveMode })
  | (Req & {
      type: 'req.receive';
      token: string | null;
      max: number;
      waitMs: number;
      /** A plain receiver's mode. A session receiver's was fixed when it accepted the session (§3.1). */
      mode?: ReceiveMode;
    })
  | (Req & {
      type: 'req.settle';
      token: string | null;
      seq: number;
      action: SettleAction;
      reason?: string | undefined;
      description?: string | undefined;
    })
  | (Req & { type: 'req.renew'; token: string })
  | (Req & { type: 'req.getState'; token: string })
  | (Req & { type: 'req.setState'; token: string; value: string | null })
  | (Req & { type: 'req.receiveDeferred'; token: string; seqs: readonly number[] })
  | (Req & { type: 'req.peek'; token: string | null; fromSeq: number; max: number })
  | (Req & { type: 'req.close'; token: string; cause: ReleaseCause });

export type ReplyResult =
  | { kind: 'sent'; seq: number | null }
  | { kind: 'accepted'; sessionId: string; token: string; lockedUntilMs: number }
  | { kind: 'received'; messages: readonly ReceivedMessage[] }
  | { kind: 'settled' }
  | { kind: 'renewed'; lockedUntilMs: number }
  | { kind: 'state'; value: string | null }
  | { kind: 'stateSet' }
  | { kind: 'peeked'; messages: readonly ReceivedMessage[] }
  | { kind: 'closed' };

/** Broker → client. */
export type ReplyEvent =
  | { type: 'reply'; reqId: number; ok: true; result: ReplyResult }
  | { type: 'reply'; reqId: number; ok: false; error: BrokerError };

// ---------------------------------------------------------------------------------------------------
// Broker-internal events (delivered within the step)

export type SessionEvent =
  | ClientRequest
  | { type: 'session.enqueue'; message: StoredMessage }
  | { type: 'session.acceptNext'; from: ActorId; reqId: number; mode: ReceiveMode }
  | { type: 'session.receiveTimeout'; from: ActorId; reqId: number }
  | { type: 'session.acceptTimeout'; from: ActorId; reqId: number }
  | { type: 'session.gcTick' }
  /** §11: a plain receiver peeks the entity: the session shows its messages from `fromSeq`, lock or no lock. */
  | { type: 'session.peekFor'; from: ActorId; reqId: number; fromSeq: number; max: number }
  | LockReply;

export type LockRequest =
  | {
      type: 'lock.acquire';
      owner: ActorId;
      token: string;
      reqId: number;
      durationMs: number;
      next: boolean;
      mode: ReceiveMode;
    }
  | { type: 'lock.renew'; owner: ActorId; token: string; reqId: number; durationMs: number }
  | { type: 'lock.release'; token: string; cause: ReleaseCause; reqId: number | null }
  | { type: 'lock.expire'; token: string };

export type LockReply =
  | {
      type: 'lock.granted';
      owner: ActorId;
      token: string;
      reqId: number;
      lockedUntilMs: number;
      next: boolean;
      mode: ReceiveMode;
    }
  | { type: 'lock.denied'; owner: ActorId; reqId: number; next: boolean; mode: ReceiveMode }
  | { type: 'lock.renewed'; owner: ActorId; token: string; reqId: number; lockedUntilMs: number }
  | { type: 'lock.renewDenied'; owner: ActorId; token: string; reqId: number }
  | { type: 'lock.released'; owner: ActorId; token: string; cause: ReleaseCause; reqId: number | null }
  | { type: 'lock.expired'; owner: ActorId; token: string };

export type EntityEvent =
  | ClientRequest
  | { type: 'entity.status'; sessionId: string; active: number; locked: boolean; firstSeq: number }
  | { type: 'entity.deadLetter'; entry: DeadLetterEntry }
  | { type: 'entity.acceptNextRetry'; from: ActorId; reqId: number; mode: ReceiveMode }
  | { type: 'entity.acceptTimeout'; from: ActorId; reqId: number }
  | { type: 'entity.messageLockExpire'; seq: number; token: string }
  | { type: 'entity.receiveTimeout'; from: ActorId; reqId: number }
  | { type: 'entity.gcTick' }
  /** A session's answer to `session.peekFor`. */
  | { type: 'entity.peeked'; from: ActorId; reqId: number; messages: readonly ReceivedMessage[] };

export type TopicEvent = ClientRequest;

// ---------------------------------------------------------------------------------------------------
// Effects: how a machine asks the world to do something. Emitted with XState's `emit`.

export type ConsumerEvent =
  | ReplyEvent
  | { type: 'consumer.start' }
  | { type: 'consumer.retry' }
  | { type: 'consumer.durationChosen'; seq: number; choice: number }
  | { type: 'consumer.outcomeChosen'; seq: number; options: readonly string[]; choice: number }
  | { type: 'consumer.processed'; seq: number }
  | { type: 'consumer.renewTick' }
  /**
   * When to act, picked by the Chooser among named instants (`range`/`every`/`none`, or a deadline such as
   * `lockedUntil-1`): `times[choice]` is the virtual time, -1 for the named default.
   */
  | {
      type: 'consumer.timingChosen';
      purpose: 'finish' | 'renew' | 'probe';
      seq: number;
      options: readonly string[];
      times: readonly number[];
      choice: number;
    }
  /** A probe timer fired: an extra operation with the lock token held when it was armed. */
  | { type: 'consumer.probe'; token: string; sessionActor: ActorId; sessionId: string }
  | {
      type: 'consumer.probeChosen';
      token: string;
      sessionActor: ActorId;
      sessionId: string;
      options: readonly string[];
      choice: number;
    }
  | { type: 'fault.crash' }
  | { type: 'fault.detach' };

/** Every event any actor of the world can receive. */
export type SimEvent = SessionEvent | EntityEvent | LockRequest | ConsumerEvent;

export type Effect =
  /** Deliver `event` to `to`: within this step between broker actors, else through `to`'s mailbox. */
  | { type: 'fx.send'; to: ActorId; event: SimEvent }
  /** Deliver `event` to the emitter at virtual time `atMs`; a later timer with the same key replaces it. */
  | { type: 'fx.timer'; key: string; atMs: number; event: SimEvent }
  | { type: 'fx.cancel'; key: string }
  /**
   * Ask the Chooser: one of `options` (or an integer in `range`). The choice is written into `event.choice`
   * and the event is delivered to the emitter at once.
   */
  | { type: 'fx.choose'; name: string; options: readonly string[]; event: SimEvent & { choice: number } }
  | { type: 'fx.chooseInt'; name: string; min: number; max: number; event: SimEvent & { choice: number } }
  /**
   * A choice whose answer is a message to another actor: the Chooser picks option i (labelled
   * `options[i]`) and the world sends `sends[i]` as an `fx.send` of the emitter — no round trip back.
   */
  | {
      type: 'fx.chooseSend';
      name: string;
      options: readonly string[];
      sends: readonly { readonly to: ActorId; readonly event: SimEvent }[];
    }
  /** Create the session and session-lock actors of a session seen for the first time. */
  | { type: 'fx.spawnSession'; entity: string; sessionId: string }
  | { type: 'fx.fact'; fact: Fact };

// ---------------------------------------------------------------------------------------------------
// Facts: what happened, in domain terms. The properties are functions over these.

export type Fact =
  | {
      kind: 'sent';
      entity: string;
      session: string | null;
      seq: number;
      messageId: string;
      enqueuedAtMs: number;
      expiresAtMs: number | null;
    }
  | { kind: 'sendRejected'; entity: string; messageId: string; reason: string }
  | {
      kind: 'accepted';
      entity: string;
      session: string;
      consumer: ActorId;
      token: string;
      lockedUntilMs: number;
      next: boolean;
    }
  | { kind: 'acceptFailed'; entity: string; session: string | null; consumer: ActorId; code: ErrorCode }
  | {
      kind: 'delivered';
      entity: string;
      session: string | null;
      seq: number;
      consumer: ActorId;
      token: string | null;
      deliveryCount: number;
      mode: ReceiveMode;
      deferred: boolean;
    }
  | {
      kind: 'settled';
      entity: string;
      session: string | null;
      seq: number;
      consumer: ActorId;
      token: string | null;
      action: SettleAction;
      deliveryCount: number;
    }
  | {
      kind: 'opFailed';
      entity: string;
      session: string | null;
      consumer: ActorId;
      op: string;
      token: string | null;
      seq: number | null;
      code: ErrorCode;
    }
  /** A locked message was given back: active again, or (a fetched deferred message) deferred again (§3.3). */
  | {
      kind: 'requeued';
      entity: string;
      session: string | null;
      seq: number;
      deliveryCount: number;
      cause: 'abandon' | 'lockExpired' | ReleaseCause;
      /** Where it went: `deferred` for a message fetched with receiveDeferred (§3.3). Absent: active. */
      to?: 'deferred';
    }
  | { kind: 'deadLettered'; entity: string; session: string | null; seq: number; reason: string; deliveryCount: number }
  | {
      kind: 'expired';
      entity: string;
      session: string | null;
      seq: number;
      deadLettered: boolean;
      /** `session`: expired by the session-wide rule because another message of the session expired. */
      rule: 'message' | 'session';
    }
  /** The holder closed its receiver (or its link dropped): the lock must be released in the same step (T12). */
  | { kind: 'closeRequested'; entity: string; session: string; consumer: ActorId; token: string; cause: ReleaseCause }
  | { kind: 'lockReleased'; entity: string; session: string; consumer: ActorId; token: string; cause: ReleaseCause }
  | { kind: 'lockExpired'; entity: string; session: string | null; consumer: ActorId; token: string }
  | { kind: 'lockRenewed'; entity: string; session: string; consumer: ActorId; token: string; lockedUntilMs: number }
  | { kind: 'stateSet'; entity: string; session: string; consumer: ActorId; token: string; value: string | null }
  | { kind: 'stateRead'; entity: string; session: string; consumer: ActorId; value: string | null }
  // Consumer-side facts
  | {
      kind: 'processingStarted';
      entity: string;
      consumer: ActorId;
      session: string | null;
      seq: number;
      durationMs: number;
    }
  | {
      kind: 'processed';
      entity: string;
      consumer: ActorId;
      session: string | null;
      seq: number;
      messageId: string;
      outcome: string;
    }
  | { kind: 'crashed'; consumer: ActorId };

export interface EntityContextInput {
  readonly config: EntityConfig;
  readonly switches: Switches;
}

/** Stamp the virtual time on an event: the world sets `nowMs` when it delivers. */
export function nowOf(event: object): number {
  return (event as { nowMs?: number }).nowMs ?? 0;
}
