/**
 * A workload: the entities, the messages and when they are sent, the consumers with their policies,
 * the fault plan and the bounds. `normalizeWorkload` fills the documented defaults and rejects what
 * the service would reject (entity limits), with one clear message per problem.
 */
import { MUTANTS } from '../../models/mutants/index.ts';
import type { EntityConfig, Switches } from '../../models/config.ts';
import {
  LOCK_DURATION_MAX_MS,
  SESSION_ID_MAX_LENGTH,
  withEntityDefaults,
  withSwitchDefaults,
} from '../../models/config.ts';
import type { ConsumerSpec } from '../../models/consumer.ts';
import { OUTCOMES, withConsumerDefaults } from '../../models/consumer.ts';
import type { MessageSpec } from '../../models/events.ts';

/** Faults are data: generated, shrunk and replayed like everything else. */
export type Fault =
  /** The consumer's process dies at `atMs`. */
  | { readonly kind: 'crash'; readonly consumer: string; readonly atMs: number }
  /** The consumer's link drops at `atMs`: the broker releases its lock, the consumer learns on its next call. */
  | { readonly kind: 'detach'; readonly consumer: string; readonly atMs: number }
  /** Renewal requests of the consumer are lost between `fromMs` and `untilMs`. */
  | { readonly kind: 'loseRenewals'; readonly consumer: string; readonly fromMs: number; readonly untilMs: number };

export interface SendSpec extends MessageSpec {
  /** Queue or topic to send to; defaults to the first entity. */
  readonly to: string;
  readonly atMs: number;
}

export interface TopicSpec {
  readonly name: string;
  readonly subscriptions: readonly EntityConfig[];
}

export interface Workload {
  readonly name: string;
  readonly entities: readonly EntityConfig[];
  readonly topics: readonly TopicSpec[];
  readonly switches: Switches;
  readonly messages: readonly SendSpec[];
  readonly consumers: readonly ConsumerSpec[];
  readonly faults: readonly Fault[];
  /** Scheduling decisions before the run is cut off (and reported as hitting the bound). */
  readonly maxSteps: number;
  /** How long a message between a client and the broker may be in flight; timers due sooner can overtake it. */
  readonly networkDelayMaxMs: number;
  /** The zoo mutant this run uses (`M03`), or null for the correct model. */
  readonly mutant: string | null;
}

type EntityInput = Partial<EntityConfig> & { name: string };

export interface WorkloadInput {
  readonly name?: string;
  readonly entities?: readonly EntityInput[];
  readonly topics?: readonly { name: string; subscriptions: readonly EntityInput[] }[];
  readonly switches?: Partial<Switches>;
  readonly messages?: readonly (MessageSpec & { to?: string; atMs?: number })[];
  readonly consumers?: readonly (Partial<ConsumerSpec> & { id: string; entity?: string })[];
  readonly faults?: readonly Fault[];
  readonly maxSteps?: number;
  readonly networkDelayMaxMs?: number;
  readonly mutant?: string | null;
}

export class WorkloadError extends Error {
  override readonly name = 'WorkloadError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid workload: ${problems.join('; ')}`);
  }
}

export const DEFAULT_MAX_STEPS = 5_000;

/** `topic/Subscriptions/sub`; a name that is already a full path is kept, so normalizing twice is harmless. */
export function subscriptionPath(topic: string, sub: string): string {
  const prefix = `${topic}/Subscriptions/`;
  return sub.startsWith(prefix) ? sub : `${prefix}${sub}`;
}

/** The shape a workload must have before its values can be checked: lists are lists of objects. */
function shapeProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['a workload must be a JSON object'];
  const w = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['entities', 'topics', 'messages', 'consumers', 'faults'] as const) {
    const list = w[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) problems.push(`"${key}" must be a list, not ${JSON.stringify(list)}`);
    else if (list.some((x) => typeof x !== 'object' || x === null || Array.isArray(x)))
      problems.push(`every entry of "${key}" must be an object`);
  }
  for (const t of Array.isArray(w.topics) ? w.topics : []) {
    const subs = (t as { subscriptions?: unknown } | null)?.subscriptions;
    if (!Array.isArray(subs) || subs.some((x) => typeof x !== 'object' || x === null))
      problems.push('every topic needs a list of subscription objects');
  }
  if (w.switches !== undefined && (typeof w.switches !== 'object' || w.switches === null || Array.isArray(w.switches)))
    problems.push('"switches" must be an object');
  return problems;
}

export function normalizeWorkload(input: WorkloadInput): Workload {
  const shape = shapeProblems(input);
  if (shape.length > 0) throw new WorkloadError(shape);
  const problems: string[] = [];
  const entities = (input.entities ?? [{ name: 'q' }]).map((e) => withEntityDefaults(e));
  const topics: TopicSpec[] = (input.topics ?? []).map((t) => ({
    name: t.name,
    subscriptions: t.subscriptions.map((s) =>
      withEntityDefaults({ ...s, kind: 'subscription', name: subscriptionPath(t.name, s.name) }),
    ),
  }));
  const receivable = [...entities, ...topics.flatMap((t) => t.subscriptions)];
  const names = new Set<string>();
  for (const e of receivable) {
    if (names.has(e.name)) problems.push(`entity "${e.name}" is declared twice`);
    names.add(e.name);
    checkEntity(e, problems);
  }
  const sendable = new Set([...entities.map((e) => e.name), ...topics.map((t) => t.name)]);
  const firstTarget = entities[0]?.name ?? topics[0]?.name ?? 'q';
  const messages: SendSpec[] = (input.messages ?? []).map((m, i) => ({
    ...m,
    to: m.to ?? firstTarget,
    atMs: m.atMs ?? i,
  }));
  const ids = new Set<string>();
  for (const m of messages) {
    if (!sendable.has(m.to))
      problems.push(`message "${m.messageId}" is sent to "${m.to}", which is not a queue or topic of the workload`);
    if (ids.has(m.messageId)) problems.push(`message id "${m.messageId}" is used twice`);
    ids.add(m.messageId);
    if (m.sessionId !== undefined && m.sessionId.length > SESSION_ID_MAX_LENGTH)
      problems.push(`message "${m.messageId}" has a session id longer than ${SESSION_ID_MAX_LENGTH} characters`);
    if (m.ttlMs !== undefined && !(m.ttlMs > 0))
      problems.push(`message "${m.messageId}" has a time to live of ${m.ttlMs} ms; it must be positive`);
    if (!(m.atMs >= 0)) problems.push(`message "${m.messageId}" is sent at ${m.atMs} ms; times start at 0`);
  }
  const consumers = (input.consumers ?? []).map((c) =>
    withConsumerDefaults({ ...c, entity: c.entity ?? receivable[0]?.name ?? 'q' }),
  );
  const consumerIds = new Set<string>();
  for (const c of consumers) {
    if (consumerIds.has(c.id)) problems.push(`consumer "${c.id}" is declared twice`);
    consumerIds.add(c.id);
    checkConsumer(c, names, problems);
  }
  const faults = input.faults ?? [];
  for (const f of faults) {
    if (!consumerIds.has(f.consumer))
      problems.push(`fault ${f.kind} names consumer "${f.consumer}", which the workload does not have`);
  }
  const maxSteps = input.maxSteps ?? DEFAULT_MAX_STEPS;
  if (!Number.isInteger(maxSteps) || maxSteps < 1)
    problems.push(`maxSteps must be a positive whole number, not ${maxSteps}`);
  const networkDelayMaxMs = input.networkDelayMaxMs ?? 0;
  if (!(networkDelayMaxMs >= 0)) problems.push(`networkDelayMaxMs must be 0 or more, not ${networkDelayMaxMs}`);
  const mutant = input.mutant ?? null;
  if (mutant !== null && !MUTANTS.some((m) => m.id === mutant))
    problems.push(`mutant "${mutant}" is not in the zoo (${MUTANTS[0]?.id}–${MUTANTS[MUTANTS.length - 1]?.id})`);
  if (problems.length > 0) throw new WorkloadError(problems);
  return {
    name: input.name ?? 'workload',
    entities,
    topics,
    switches: withSwitchDefaults(input.switches),
    messages,
    consumers,
    faults,
    maxSteps,
    networkDelayMaxMs,
    mutant,
  };
}

function checkEntity(e: EntityConfig, problems: string[]): void {
  if (!(e.lockDurationMs > 0 && e.lockDurationMs <= LOCK_DURATION_MAX_MS)) {
    problems.push(
      `entity "${e.name}" has lockDurationMs ${e.lockDurationMs}; the service allows more than 0 and at most ${LOCK_DURATION_MAX_MS} (5 min)`,
    );
  }
  if (!Number.isInteger(e.maxDeliveryCount) || e.maxDeliveryCount < 1) {
    problems.push(`entity "${e.name}" has maxDeliveryCount ${e.maxDeliveryCount}; the minimum is 1`);
  }
  if (e.defaultMessageTimeToLiveMs !== null && !(e.defaultMessageTimeToLiveMs > 0)) {
    problems.push(
      `entity "${e.name}" has defaultMessageTimeToLiveMs ${e.defaultMessageTimeToLiveMs}; it must be positive, or null for no limit`,
    );
  }
}

function checkConsumer(c: ConsumerSpec, entities: Set<string>, problems: string[]): void {
  if (!entities.has(c.entity))
    problems.push(
      `consumer "${c.id}" receives from "${c.entity}", which is not a queue or subscription of the workload`,
    );
  if (!(c.batch >= 1) || !(c.concurrency >= 1))
    problems.push(`consumer "${c.id}" needs batch and concurrency of at least 1`);
  const [min, max] = c.processingMs;
  if (!(min >= 0 && max >= min))
    problems.push(`consumer "${c.id}" has processingMs [${min}, ${max}]; it must be an increasing range from 0`);
  for (const o of [...c.outcomes, ...c.rules.map((r) => r.outcome)]) {
    if (!OUTCOMES.includes(o))
      problems.push(`consumer "${c.id}" has unknown outcome "${o}"; known: ${OUTCOMES.join(', ')}`);
  }
  if (c.outcomes.length === 0) problems.push(`consumer "${c.id}" needs at least one outcome`);
  if (c.renewal.kind === 'manual' && !(c.renewal.everyMs > 0))
    problems.push(`consumer "${c.id}" renews every ${c.renewal.everyMs} ms; it must be positive`);
  if (!(c.receiveWaitMs >= 0))
    problems.push(`consumer "${c.id}" has receiveWaitMs ${c.receiveWaitMs}; it must be 0 or more`);
  for (const key of ['boundaryTimes', 'probes', 'fetchDeferred'] as const) {
    const v: unknown = c[key];
    if (v !== undefined && typeof v !== 'boolean')
      problems.push(`consumer "${c.id}" has ${key} ${JSON.stringify(v)}; it must be true or false`);
  }
}
