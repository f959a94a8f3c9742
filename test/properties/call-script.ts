/**
 * Hand-made traces with client calls and broker returns besides the facts, for the liveness
 * properties: a `Script` (helpers.ts) that also records `call` and `return` events in trace order.
 *
 *   const run = new CallScript()
 *     .at(0).acceptNext('c1', 1)
 *     .at(500).sent('s1', 1).accepted('s1', 'c1', 's1@1').granted('c1', 1, 's1', 's1@1')
 *     .record();
 *
 * Consumers are written by their workload id (`c1`) and recorded as actors (`consumer:c1`); calls go
 * to the entity actor `entity:q`, or to the session actor `session:q/<session>` for session operations.
 */
import type { ClientRequest, ReceivedMessage, ReceiveMode, ReleaseCause } from '../../models/events.ts';
import type { RunRecord } from '../../properties/types.ts';
import type { FactEvent, TraceEvent } from '../../src/trace/types.ts';
import type { RecordOptions } from './helpers.ts';
import { Script } from './helpers.ts';

type Fact = FactEvent['fact'];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const actor = (c: string): string => (c.includes(':') || c === '' ? c : `consumer:${c}`);

export class CallScript extends Script {
  private readonly trace: TraceEvent[] = [];
  private now = { step: 0, t: 0 };

  override at(t: number): this {
    super.at(t);
    this.now = { step: this.now.step + 1, t };
    return this;
  }

  override fact(f: Fact, by = 'broker'): this {
    super.fact(f, by);
    const last = this.events[this.events.length - 1];
    if (last) this.trace.push(last);
    return this;
  }

  /** A client request reaching the broker actor `to` (default: the entity). */
  call(client: string, req: DistributiveOmit<ClientRequest, 'from'>, to = `entity:${this.entityName}`): this {
    const from = actor(client);
    this.trace.push({ k: 'call', ...this.now, client: from, to, req: { ...req, from } as ClientRequest });
    return this;
  }

  acceptNext(client: string, reqId: number, mode: ReceiveMode = 'peekLock'): this {
    return this.call(client, { type: 'req.accept', reqId, sessionId: null, mode });
  }

  acceptSession(client: string, reqId: number, session: string): this {
    return this.call(client, { type: 'req.accept', reqId, sessionId: session, mode: 'peekLock' });
  }

  receive(client: string, reqId: number, session: string, token: string, waitMs = 60_000): this {
    return this.call(
      client,
      { type: 'req.receive', reqId, token, max: 1, waitMs, mode: 'peekLock' },
      `session:${this.entityName}/${session}`,
    );
  }

  close(client: string, reqId: number, session: string, token: string, cause: ReleaseCause = 'close'): this {
    return this.call(client, { type: 'req.close', reqId, token, cause }, `session:${this.entityName}/${session}`);
  }

  /** The broker grants an accept. */
  granted(client: string, reqId: number, session: string, token: string, lockedUntilMs = this.now.t + 60_000): this {
    return this.returned(client, {
      type: 'reply',
      reqId,
      ok: true,
      result: { kind: 'accepted', sessionId: session, token, lockedUntilMs },
    });
  }

  /** The broker answers a receive with these messages (sequence numbers; none: an empty receive). */
  received(client: string, reqId: number, seqs: readonly number[] = []): this {
    const messages: ReceivedMessage[] = seqs.map((seq) => ({
      seq,
      messageId: `m${seq}`,
      sessionId: null,
      deliveryCount: 0,
      lockToken: null,
      enqueuedAtMs: 0,
      expiresAtMs: null,
      state: 'active',
    }));
    return this.returned(client, { type: 'reply', reqId, ok: true, result: { kind: 'received', messages } });
  }

  failed(client: string, reqId: number, code: 'ServiceTimeout' | 'SessionCannotBeLocked' | 'SessionLockLost'): this {
    return this.returned(client, { type: 'reply', reqId, ok: false, error: { code, message: code } });
  }

  private returned(client: string, reply: Extract<TraceEvent, { k: 'return' }>['reply']): this {
    this.trace.push({ k: 'return', ...this.now, client: actor(client), from: `entity:${this.entityName}`, reply });
    return this;
  }

  override record(options: RecordOptions = {}): RunRecord {
    return { ...super.record(options), trace: this.trace };
  }

  private get entityName(): string {
    return this.workload.entities?.[0]?.name ?? 'q';
  }
}
