/**
 * Hand-made traces for the property tests: a small script of facts, each stamped with a step and a
 * virtual time, turned into a RunRecord (workload, trace, final state, hitBound).
 *
 *   const run = new Script()
 *     .at(0).sent('s1', 1).accepted('s1', 'c1', 's1@1')
 *     .at(10).delivered('s1', 1, 'c1', 's1@1')
 *     .record();
 *
 * `at(t)` starts a new step at time t; facts after it share that step. Consumers are written by their
 * workload id (`c1`) and recorded as actors (`consumer:c1`). Message ids default to `m<seq>`.
 */
import type { FactEvent } from '../../src/trace/types.ts';
import type { EntityState, WorldState } from '../../src/world/world.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import type { RunRecord } from '../../properties/types.ts';

type Fact = FactEvent['fact'];
type Stored = EntityState['messages'][number];

const actor = (c: string): string => (c.includes(':') || c === '' ? c : `consumer:${c}`);

export interface RecordOptions {
  /** What is still in each entity at the end: per entity, session id (or '' without sessions) → seqs. */
  readonly present?: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** Dead-letter queue contents per entity (seqs); by default, every dead-lettered message once. */
  readonly deadLetters?: Readonly<Record<string, readonly number[]>>;
  readonly hitBound?: boolean;
}

export class Script {
  readonly events: FactEvent[] = [];
  private step = 0;
  private t = 0;
  private readonly sentFacts = new Map<string, Extract<Fact, { kind: 'sent' }>>();

  constructor(
    readonly workload: WorkloadInput = { entities: [{ name: 'q' }] },
    private readonly entity: string = workload.entities?.[0]?.name ?? 'q',
  ) {}

  /** A new step (scheduling decision) at virtual time `t`. */
  at(t: number): this {
    this.step++;
    this.t = t;
    return this;
  }

  fact(f: Fact, by = 'broker'): this {
    this.events.push({ k: 'fact', step: this.step, t: this.t, actor: by, fact: f });
    return this;
  }

  sent(
    session: string | null,
    seq: number,
    opts: { messageId?: string; expiresAtMs?: number | null; entity?: string } = {},
  ): this {
    const f = {
      kind: 'sent' as const,
      entity: opts.entity ?? this.entity,
      session,
      seq,
      messageId: opts.messageId ?? `m${seq}`,
      enqueuedAtMs: this.t,
      expiresAtMs: opts.expiresAtMs ?? null,
    };
    this.sentFacts.set(`${f.entity}|${seq}`, f);
    return this.fact(f);
  }

  accepted(session: string, consumer: string, token: string, lockedUntilMs = this.t + 60_000): this {
    return this.fact({
      kind: 'accepted',
      entity: this.entity,
      session,
      consumer: actor(consumer),
      token,
      lockedUntilMs,
      next: false,
    });
  }

  delivered(
    session: string | null,
    seq: number,
    consumer: string,
    token: string | null,
    opts: { deliveryCount?: number; mode?: 'peekLock' | 'receiveAndDelete'; deferred?: boolean } = {},
  ): this {
    return this.fact({
      kind: 'delivered',
      entity: this.entity,
      session,
      seq,
      consumer: actor(consumer),
      token,
      deliveryCount: opts.deliveryCount ?? 0,
      mode: opts.mode ?? 'peekLock',
      deferred: opts.deferred ?? false,
    });
  }

  settled(
    session: string | null,
    seq: number,
    consumer: string,
    token: string | null,
    action: 'complete' | 'abandon' | 'defer' | 'deadLetter',
    deliveryCount = 0,
  ): this {
    return this.fact({
      kind: 'settled',
      entity: this.entity,
      session,
      seq,
      consumer: actor(consumer),
      token,
      action,
      deliveryCount,
    });
  }

  requeued(
    session: string | null,
    seq: number,
    deliveryCount: number,
    cause: 'abandon' | 'lockExpired' | 'close' | 'detach' | 'crash',
  ): this {
    return this.fact({ kind: 'requeued', entity: this.entity, session, seq, deliveryCount, cause });
  }

  deadLettered(session: string | null, seq: number, reason: string, deliveryCount = 0): this {
    return this.fact({ kind: 'deadLettered', entity: this.entity, session, seq, reason, deliveryCount });
  }

  expired(
    session: string | null,
    seq: number,
    opts: { deadLettered?: boolean; rule?: 'message' | 'session' } = {},
  ): this {
    return this.fact({
      kind: 'expired',
      entity: this.entity,
      session,
      seq,
      deadLettered: opts.deadLettered ?? false,
      rule: opts.rule ?? 'message',
    });
  }

  lockReleased(session: string, consumer: string, token: string, cause: 'close' | 'detach' | 'crash' = 'close'): this {
    return this.fact({ kind: 'lockReleased', entity: this.entity, session, consumer: actor(consumer), token, cause });
  }

  lockExpired(session: string | null, consumer: string, token: string): this {
    return this.fact({ kind: 'lockExpired', entity: this.entity, session, consumer: actor(consumer), token });
  }

  lockRenewed(session: string, consumer: string, token: string, lockedUntilMs = this.t + 60_000): this {
    return this.fact({
      kind: 'lockRenewed',
      entity: this.entity,
      session,
      consumer: actor(consumer),
      token,
      lockedUntilMs,
    });
  }

  stateSet(session: string, consumer: string, token: string, value: string | null): this {
    return this.fact({ kind: 'stateSet', entity: this.entity, session, consumer: actor(consumer), token, value });
  }

  stateRead(session: string, consumer: string, value: string | null): this {
    return this.fact({ kind: 'stateRead', entity: this.entity, session, consumer: actor(consumer), value });
  }

  processed(session: string | null, seq: number, consumer: string, outcome = 'complete'): this {
    const messageId = this.sentFacts.get(`${this.entity}|${seq}`)?.messageId ?? `m${seq}`;
    return this.fact(
      { kind: 'processed', entity: 'q', consumer: actor(consumer), session, seq, messageId, outcome },
      actor(consumer),
    );
  }

  /** The RunRecord: the workload normalized, the facts as the trace, and a final state. */
  record(options: RecordOptions = {}): RunRecord {
    const workload = normalizeWorkload(this.workload);
    return { workload, trace: this.events, final: this.final(options), hitBound: options.hitBound ?? false };
  }

  private final(options: RecordOptions): WorldState {
    const entities: Record<string, EntityState> = {};
    const names = new Set([this.entity, ...this.events.map((e) => ('entity' in e.fact ? e.fact.entity : this.entity))]);
    for (const name of names) {
      const present = options.present?.[name] ?? {};
      const sessions: Record<string, EntityState['sessions'][string]> = {};
      let plain: Stored[] = [];
      for (const [session, seqs] of Object.entries(present)) {
        const messages = seqs.map((seq) => this.stored(name, session, seq));
        if (session === '') plain = messages;
        else sessions[session] = { messages, holder: null, state: null, lock: 'free' };
      }
      const dlqSeqs =
        options.deadLetters?.[name] ??
        this.events
          .flatMap((e) => (e.fact.kind === 'deadLettered' && e.fact.entity === name ? [e.fact.seq] : []))
          .filter((s, i, all) => all.indexOf(s) === i);
      const deadLetters = dlqSeqs.map((seq) => ({
        seq,
        messageId: this.sentFacts.get(`${name}|${seq}`)?.messageId ?? `m${seq}`,
        sessionId: null,
        reason: 'test',
        description: '',
        deliveryCount: 0,
        atMs: 0,
      }));
      const nextSeq =
        Math.max(0, ...[...this.sentFacts.values()].filter((f) => f.entity === name).map((f) => f.seq)) + 1;
      entities[name] = { nextSeq, deadLetters, sessions, messages: plain };
    }
    return { nowMs: this.t, entities, consumers: {} };
  }

  private stored(entity: string, session: string, seq: number): Stored {
    const f = this.sentFacts.get(`${entity}|${seq}`);
    return {
      seq,
      messageId: f?.messageId ?? `m${seq}`,
      sessionId: session === '' ? null : session,
      enqueuedAtMs: f?.enqueuedAtMs ?? 0,
      expiresAtMs: f?.expiresAtMs ?? null,
      deliveryCount: 0,
      state: 'active',
      lockToken: null,
      deliveredUnder: null,
    };
  }
}

/** A session queue with these settings (name `q`). */
export function sessionQueue(
  entity: Partial<NonNullable<WorkloadInput['entities']>[number]> = {},
  rest: Omit<WorkloadInput, 'entities'> = {},
): WorkloadInput {
  return { entities: [{ name: 'q', ...entity }], ...rest };
}
