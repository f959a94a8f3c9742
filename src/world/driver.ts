/**
 * Drive a world one command at a time from outside: send, accept, receive, settle, renew, get/set
 * state, close, advance time. Each command is a request from an external client actor; the world runs
 * (through the same scheduler and Chooser) until the reply arrives, and the command returns it.
 *
 * Scenario tests use this, and the @azure/service-bus-shaped facade is built on it.
 */
import type {
  ActorId,
  BrokerError,
  ClientRequest,
  MessageSpec,
  ReceivedMessage,
  ReceiveMode,
  ReplyEvent,
  ReplyResult,
  SettleAction,
  SimEvent,
} from '../../models/events.ts';
import { sessionActorId } from '../../models/entity.ts';
import type { Chooser } from '../sim/chooser.ts';
import { Chooser as ChooserClass } from '../sim/chooser.ts';
import type { WorldState } from './world.ts';
import { World, entityActorId, topicActorId } from './world.ts';
import type { WorkloadInput } from './workload.ts';
import { normalizeWorkload } from './workload.ts';

export type Reply<K extends ReplyResult['kind']> =
  | { ok: true; result: Extract<ReplyResult, { kind: K }> }
  | { ok: false; error: BrokerError }
  | { ok: false; error: { code: 'NoReply'; message: string } };

/** A session receiver handle, as returned by a successful accept. */
export interface SessionHandle {
  readonly client: ActorId;
  readonly entity: string;
  readonly sessionId: string;
  readonly token: string;
  readonly lockedUntilMs: number;
}

export class Driver {
  readonly world: World;
  private reqId = 0;
  private readonly replies = new Map<string, ReplyEvent>();

  /** Machine transitions taken so far (transition id → times): the charts of a scenario mark them. */
  readonly coverage: Map<string, number> = new Map();

  constructor(workload: WorkloadInput, chooser: Chooser = ChooserClass.fromList([])) {
    this.world = new World(normalizeWorkload({ maxSteps: 100_000, ...workload }), { chooser, coverage: this.coverage });
  }

  /** A named external client; replies to it are collected by request id. */
  client(name: string): ActorId {
    const id = `client:${name}`;
    this.world.attachClient(id, (event: SimEvent) => {
      if (event.type === 'reply') {
        const reply = event as ReplyEvent;
        this.replies.set(`${id}#${reply.reqId}`, reply);
      }
    });
    return id;
  }

  get nowMs(): number {
    return this.world.nowMs;
  }

  state(): WorldState {
    return this.world.state();
  }

  /** Let virtual time pass, running whatever falls due. */
  advance(ms: number): void {
    this.world.advanceTo(this.world.nowMs + ms);
  }

  /** Run until nothing is left to do (or the step bound). */
  settleDown(): void {
    this.world.run();
  }

  /** Any request, as a client would send it to `to` (tests use it for requests no command makes). */
  request<K extends ReplyResult['kind']>(
    client: ActorId,
    to: ActorId,
    body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>,
  ): Reply<K> {
    return this.call<K>(client, to, body);
  }

  private call<K extends ReplyResult['kind']>(
    client: ActorId,
    to: ActorId,
    body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>,
  ): Reply<K> {
    const reqId = ++this.reqId;
    const key = `${client}#${reqId}`;
    this.world.inject(to, { ...body, from: client, reqId } as ClientRequest);
    this.world.runUntil(() => this.replies.has(key));
    const reply = this.replies.get(key);
    if (!reply)
      return { ok: false, error: { code: 'NoReply', message: `no reply to ${body.type} (the world went quiet)` } };
    this.replies.delete(key);
    return reply.ok
      ? { ok: true, result: reply.result as Extract<ReplyResult, { kind: K }> }
      : { ok: false, error: reply.error };
  }

  send(client: ActorId, to: string, message: MessageSpec): Reply<'sent'> {
    const target = this.world.workload.topics.some((t) => t.name === to) ? topicActorId(to) : entityActorId(to);
    return this.call(client, target, { type: 'req.send', message });
  }

  /** Accept a named session, or the next available one (`sessionId` null). */
  accept(
    client: ActorId,
    entity: string,
    sessionId: string | null,
    mode: ReceiveMode = 'peekLock',
  ): Reply<'accepted'> & { handle?: SessionHandle } {
    const reply = this.call<'accepted'>(client, entityActorId(entity), { type: 'req.accept', sessionId, mode });
    if (!reply.ok) return reply;
    const { sessionId: id, token, lockedUntilMs } = reply.result;
    return { ...reply, handle: { client, entity, sessionId: id, token, lockedUntilMs } };
  }

  /** Receive on a session: in the mode the receiver chose when it accepted the session (§3.1). */
  receive(h: SessionHandle, max = 1, waitMs = 0): Reply<'received'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), {
      type: 'req.receive',
      token: h.token,
      max,
      waitMs,
    });
  }

  /**
   * Start a receive without waiting for its reply: the world runs until nothing is left in the
   * mailboxes, so a receive with `waitMs` parks on the session. `reply()` reads its answer later
   * (undefined while none has arrived).
   */
  receiveLater(
    h: SessionHandle,
    max = 1,
    waitMs = 0,
  ): { readonly reqId: number; reply(): Reply<'received'> | undefined } {
    const reqId = ++this.reqId;
    const key = `${h.client}#${reqId}`;
    this.world.inject(sessionActorId(h.entity, h.sessionId), {
      type: 'req.receive',
      token: h.token,
      max,
      waitMs,
      from: h.client,
      reqId,
    });
    this.world.runUntil(() => this.replies.has(key) || this.world.mailCount() === 0);
    return {
      reqId,
      reply: () => {
        const reply = this.replies.get(key);
        if (!reply) return undefined;
        return reply.ok
          ? { ok: true, result: reply.result as Extract<ReplyResult, { kind: 'received' }> }
          : { ok: false, error: reply.error };
      },
    };
  }

  /** A plain (non-session) receive from an entity. */
  receivePlain(
    client: ActorId,
    entity: string,
    max = 1,
    waitMs = 0,
    mode: ReceiveMode = 'peekLock',
  ): Reply<'received'> {
    return this.call(client, entityActorId(entity), { type: 'req.receive', token: null, max, waitMs, mode });
  }

  settle(
    h: SessionHandle,
    message: ReceivedMessage,
    action: SettleAction,
    reason?: string,
    description?: string,
  ): Reply<'settled'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), {
      type: 'req.settle',
      token: h.token,
      seq: message.seq,
      action,
      reason,
      description,
    });
  }

  settlePlain(client: ActorId, entity: string, message: ReceivedMessage, action: SettleAction): Reply<'settled'> {
    return this.call(client, entityActorId(entity), {
      type: 'req.settle',
      token: message.lockToken,
      seq: message.seq,
      action,
    });
  }

  renew(h: SessionHandle): Reply<'renewed'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), { type: 'req.renew', token: h.token });
  }

  getState(h: SessionHandle): Reply<'state'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), { type: 'req.getState', token: h.token });
  }

  setState(h: SessionHandle, value: string | null): Reply<'stateSet'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), { type: 'req.setState', token: h.token, value });
  }

  receiveDeferred(h: SessionHandle, seqs: readonly number[]): Reply<'received'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), {
      type: 'req.receiveDeferred',
      token: h.token,
      seqs,
    });
  }

  peek(h: SessionHandle, fromSeq = 0, max = 100): Reply<'peeked'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), {
      type: 'req.peek',
      token: h.token,
      fromSeq,
      max,
    });
  }

  /** A plain (non-session) peek of an entity: no lock, nothing changes. */
  peekPlain(client: ActorId, entity: string, fromSeq = 0, max = 100): Reply<'peeked'> {
    return this.call(client, entityActorId(entity), { type: 'req.peek', token: null, fromSeq, max });
  }

  close(h: SessionHandle): Reply<'closed'> {
    return this.call(h.client, sessionActorId(h.entity, h.sessionId), {
      type: 'req.close',
      token: h.token,
      cause: 'close',
    });
  }

  /** The client's connection drops (crash or link detach): no reply is expected. */
  drop(h: SessionHandle, cause: 'crash' | 'detach'): void {
    this.world.inject(sessionActorId(h.entity, h.sessionId), {
      type: 'req.close',
      token: h.token,
      cause,
      from: h.client,
      reqId: ++this.reqId,
    });
    this.world.runUntil(() => this.world.mailCount() === 0);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
