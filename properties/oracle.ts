/**
 * The small, shared oracle the properties build from a run's facts: which messages were sent (with
 * their ids and expiry), who holds each session lock, how to name things in a violation sentence.
 *
 * Nothing here reads the machines: it is rebuilt from the facts alone (the Elle/Jepsen way), so a
 * property can never agree with the model merely because it shares the model's code.
 */
import type { FactEvent, TraceEvent } from '../src/trace/types.ts';
import type { Workload } from '../src/world/workload.ts';
import type { RunRecord, Violation } from './types.ts';

export type Fact = FactEvent['fact'];
export type EntityConfig = Workload['entities'][number];
export type ConsumerSpec = Workload['consumers'][number];

/** A message is identified by its entity and its sequence number (unique per entity, §6). */
export const messageKey = (entity: string, seq: number): string => `${entity}|${seq}`;
/** A session is identified by its entity and its id (the empty string is a valid id, §2.1); `null`: no session. */
export const sessionKey = (entity: string, session: string | null): string =>
  `${entity}|${session === null ? '\u0000' : `s:${session}`}`;
/** Lock tokens are unique within an entity. */
export const tokenKey = (entity: string, token: string): string => `${entity}|${token}`;

export interface SentMessage {
  readonly entity: string;
  readonly session: string | null;
  readonly seq: number;
  readonly messageId: string;
  readonly enqueuedAtMs: number;
  readonly expiresAtMs: number | null;
  readonly step: number;
  readonly t: number;
}

/**
 * What `derive` makes of an append-only list, made once per list and length: every property of a check
 * reads the same facts, messages and steps of the one run, and rebuilding them twelve times was a good
 * part of a check's cost. A list that has grown since (a live trace) is read again.
 */
export function derivedOnce<T, R>(
  cache: WeakMap<readonly T[], { readonly length: number; readonly value: R }>,
  list: readonly T[],
  derive: (list: readonly T[]) => R,
): R {
  const hit = cache.get(list);
  if (hit && hit.length === list.length) return hit.value;
  const value = derive(list);
  cache.set(list, { length: list.length, value });
  return value;
}

const sentCache = new WeakMap<
  readonly FactEvent[],
  { readonly length: number; readonly value: ReadonlyMap<string, SentMessage> }
>();
const factsCache = new WeakMap<
  readonly TraceEvent[],
  { readonly length: number; readonly value: readonly FactEvent[] }
>();

/** Every message the broker accepted, by `messageKey`, from the `sent` facts. */
export function sentMessages(facts: readonly FactEvent[]): ReadonlyMap<string, SentMessage> {
  return derivedOnce(sentCache, facts, readSent);
}

function readSent(facts: readonly FactEvent[]): Map<string, SentMessage> {
  const out = new Map<string, SentMessage>();
  for (const e of facts) {
    const f = e.fact;
    if (f.kind !== 'sent' || out.has(messageKey(f.entity, f.seq))) continue;
    out.set(messageKey(f.entity, f.seq), {
      entity: f.entity,
      session: f.session,
      seq: f.seq,
      messageId: f.messageId,
      enqueuedAtMs: f.enqueuedAtMs,
      expiresAtMs: f.expiresAtMs,
      step: e.step,
      t: e.t,
    });
  }
  return out;
}

/** Every receivable entity of the workload: queues and topic subscriptions. */
export function entityConfigs(workload: Workload): Map<string, EntityConfig> {
  return new Map([...workload.entities, ...workload.topics.flatMap((t) => t.subscriptions)].map((e) => [e.name, e]));
}

/** The workload spec of a consumer actor (`consumer:c1` → spec `c1`), if it is one. */
export function consumerSpec(workload: Workload, actor: string): ConsumerSpec | undefined {
  const id = actor.startsWith('consumer:') ? actor.slice('consumer:'.length) : actor;
  return workload.consumers.find((c) => c.id === id);
}

/** Names messages, sessions and entities the way violations spell them. */
export class Namer {
  private readonly multiEntity: boolean;

  constructor(
    private readonly sent: ReadonlyMap<string, SentMessage>,
    workload: Workload,
  ) {
    this.multiEntity = entityConfigs(workload).size > 1;
  }

  /** `s1#3 (m3)`; `q#3 (m3)` without a session; entity appended when the workload has several. */
  message(entity: string, seq: number, session?: string | null): string {
    const m = this.sent.get(messageKey(entity, seq));
    const where = m?.session ?? session ?? entity;
    const id = m ? ` (${m.messageId})` : ' (never sent)';
    return `${where}#${seq}${id}${this.in(entity)}`;
  }

  session(entity: string, session: string): string {
    return `${session}${this.in(entity)}`;
  }

  in(entity: string): string {
    return this.multiEntity ? ` of ${entity}` : '';
  }
}

export const ms = (t: number | null): string => (t === null ? 'never' : `t=${t}ms`);

export function violation(
  property: string,
  message: string,
  at?: { step: number | null; t: number | null },
): Violation {
  return { property, message, step: at?.step ?? null, t: at?.t ?? null };
}

/** The facts of the run, in order. */
export function factsOf(run: RunRecord): readonly FactEvent[] {
  return derivedOnce(factsCache, run.trace, (trace) => trace.filter((e): e is FactEvent => e.k === 'fact'));
}

export interface Hold {
  readonly entity: string;
  readonly session: string;
  readonly consumer: string;
  readonly token: string;
  readonly sinceStep: number;
  readonly sinceT: number;
  readonly lockedUntilMs: number;
}

export interface LockEnd {
  readonly how: 'released' | 'expired';
  readonly cause: string;
  readonly consumer: string;
  readonly step: number;
  readonly t: number;
}

/**
 * Who holds each session lock, from `accepted` (start), `lockRenewed` (new deadline) and
 * `lockReleased` / `lockExpired` (end). Feed it every fact in order with `apply`.
 */
export class LockTable {
  private readonly held = new Map<string, Hold>();
  private readonly ends = new Map<string, LockEnd>();
  private readonly tokens = new Map<string, Hold>();

  apply(e: FactEvent): void {
    const f = e.fact;
    switch (f.kind) {
      case 'accepted': {
        const hold: Hold = {
          entity: f.entity,
          session: f.session,
          consumer: f.consumer,
          token: f.token,
          sinceStep: e.step,
          sinceT: e.t,
          lockedUntilMs: f.lockedUntilMs,
        };
        this.held.set(sessionKey(f.entity, f.session), hold);
        this.tokens.set(tokenKey(f.entity, f.token), hold);
        break;
      }
      case 'lockRenewed': {
        const k = sessionKey(f.entity, f.session);
        const h = this.held.get(k);
        if (h && h.token === f.token) {
          const renewed = { ...h, lockedUntilMs: f.lockedUntilMs };
          this.held.set(k, renewed);
          this.tokens.set(tokenKey(f.entity, f.token), renewed);
        }
        break;
      }
      case 'lockReleased':
      case 'lockExpired': {
        if (f.session === null) break;
        const k = sessionKey(f.entity, f.session);
        const h = this.held.get(k);
        if (h && h.token === f.token) this.held.delete(k);
        const how = f.kind === 'lockReleased' ? 'released' : 'expired';
        const cause = f.kind === 'lockReleased' ? f.cause : 'expiry';
        this.ends.set(tokenKey(f.entity, f.token), { how, cause, consumer: f.consumer, step: e.step, t: e.t });
        break;
      }
      default:
        break;
    }
  }

  holder(entity: string, session: string): Hold | undefined {
    return this.held.get(sessionKey(entity, session));
  }

  /** The grant of a token, whether or not it is still held. */
  grant(entity: string, token: string): Hold | undefined {
    return this.tokens.get(tokenKey(entity, token));
  }

  /** How and when a token's lock ended, if it did. */
  end(entity: string, token: string): LockEnd | undefined {
    return this.ends.get(tokenKey(entity, token));
  }
}

/** `consumer:c1 held the session lock s1@1 until t=60000ms`, or that nobody held it. */
export function describeHolder(h: Hold | undefined): string {
  return h
    ? `${h.consumer} held the session lock ${h.token} until ${ms(h.lockedUntilMs)}`
    : 'no consumer held the session lock';
}
