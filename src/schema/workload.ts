/**
 * The workload file format, described once: the entities, the messages and when they are sent, the
 * consumers with their policies, the fault plan and the bounds, with every documented default in the
 * schema. `parseWorkload` is the one way in from outside (a file, a programmatic input); inside, code
 * takes the `Workload` it returns and never normalizes again.
 *
 * The schema library is zod 4, chosen for its built-in JSON Schema output (`z.toJSONSchema`: the files
 * under schema/ come from this same source, see scripts/schema.ts), its strict objects (an unknown key at
 * any level is an error, so a misspelt field cannot silently fall back to a default) and its errors that
 * carry the JSON path of each problem (problems.ts turns them into one sentence).
 *
 * The same description, with every default required instead of filled in (`complete`), is the workload
 * a replay file carries (src/schema/replay.ts): a replay must not depend on the defaults of the sbsim
 * that reads it.
 */
import { z } from 'zod';
import type { EntityConfig, Switches } from '../../models/config.ts';
import { LOCK_DURATION_MAX_MS, SESSION_ID_MAX_LENGTH } from '../../models/config.ts';
import type { ConsumerSpec } from '../../models/consumer.ts';
import { OUTCOMES } from '../../models/consumer.ts';
import type { MessageSpec } from '../../models/events.ts';
import { MUTANTS } from '../../models/mutants/index.ts';
import type { Problem } from './problems.ts';
import { firstProblem, generated, pathText } from './problems.ts';

// ---------------------------------------------------------------------------------------------------
// The types

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

/** A workload as a program writes it: every field with a default may be left out. */
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

/** A workload that cannot run: each problem one sentence naming its JSON path. */
export class WorkloadError extends Error {
  override readonly name = 'WorkloadError';
  constructor(
    readonly problems: readonly Problem[],
    /** The file read, when there is one. */
    readonly source: string | null = null,
  ) {
    const first = problems[0]?.message ?? 'invalid workload';
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(`${source !== null ? `${source}: ` : 'invalid workload: '}${first}${more}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Limits (README, "Limits"): what the service refuses, and what sbsim will not attempt.

export const DEFAULT_MAX_STEPS = 5_000;
/** The most steps a workload may ask for: a bound on how long one run (or a replay) can take. */
export const MAX_STEPS = 10_000_000;
/** The most messages a workload may send: beyond this one run no longer fits in memory. */
export const MAX_MESSAGES = 100_000;
/** The most consumers a workload may declare. */
export const MAX_CONSUMERS = 1_000;

/** `topic/Subscriptions/sub`; a name that is already a full path is kept. */
export function subscriptionPath(topic: string, sub: string): string {
  const prefix = `${topic}/Subscriptions/`;
  return sub.startsWith(prefix) ? sub : `${prefix}${sub}`;
}

// ---------------------------------------------------------------------------------------------------
// The schema

/**
 * `file`: a workload file or a programmatic input; fields with a documented default may be left out.
 * `complete`: the workload of a replay file, every field present (only those added after the first
 * replay files were written may be absent).
 */
export type WorkloadMode = 'file' | 'complete';

/** A limit's own message, reported as `<path> <message>`: what was found, then the limit. */
const limit =
  (text: string) =>
  ({ input }: { input?: unknown }): string => {
    const found = Array.isArray(input)
      ? `has ${input.length} entries`
      : typeof input === 'string'
        ? `is ${input.length} characters long`
        : `is ${JSON.stringify(input)}`;
    return `${found}; ${text}`;
  };

/** Whole milliseconds of virtual time, 0 or more: the model's clock has no fractions. */
const ms = z.int().min(0);
const positiveMs = z.int().min(1);
const count = z.int().min(0);
const id = z.string().min(1);

export function workloadSchema(mode: WorkloadMode) {
  const file = mode === 'file';
  /** The documented default, in a workload file; in a replay file the field must be there. */
  const dflt = <T extends z.ZodType>(schema: T, value: z.output<T>): T =>
    (file ? schema.default(value as never) : schema) as T;
  /** Absent means off: a field added after replay files were first written. */
  const off = file ? z.boolean().default(false) : z.boolean().optional();

  const entity = z.strictObject({
    name: z.string(),
    kind: dflt(z.enum(['queue', 'subscription']), 'queue'),
    requiresSession: dflt(z.boolean(), true),
    lockDurationMs: dflt(
      z
        .int()
        .min(1, { error: limit(`the service allows more than 0 and at most ${LOCK_DURATION_MAX_MS} (5 min)`) })
        .max(LOCK_DURATION_MAX_MS, {
          error: limit(`the service allows more than 0 and at most ${LOCK_DURATION_MAX_MS} (5 min)`),
        }),
      60_000,
    ),
    maxDeliveryCount: dflt(z.int().min(1, { error: limit('the minimum is 1') }), 10),
    defaultMessageTimeToLiveMs: dflt(
      z
        .int()
        .min(1, { error: limit('it must be positive, or null for no limit') })
        .nullable(),
      null,
    ),
    deadLetteringOnMessageExpiration: dflt(z.boolean(), false),
    tier: dflt(z.enum(['standard', 'premium']), 'standard'),
  });

  const switches = z.strictObject({
    sessionWideExpiry: dflt(z.boolean(), true),
    expiryTrigger: dflt(z.enum(['lazy', 'gcTick']), 'lazy'),
    gcTickMs: dflt(positiveMs, 10_000),
    lockExpiryIncrementScope: dflt(z.enum(['delivered', 'all']), 'delivered'),
    crashSemantics: dflt(z.enum(['release', 'lockExpiry']), 'release'),
    deferCountsAsAttempt: dflt(z.boolean(), false),
    acceptNamedWhenLocked: dflt(z.enum(['fail', 'wait']), 'fail'),
    acceptNextChoice: dflt(z.enum(['nondeterministic', 'oldestFirst']), 'nondeterministic'),
    deliveryCountView: dflt(z.enum(['raw', 'plusOne']), 'raw'),
    acceptTimeoutMs: dflt(ms, 60_000),
  });

  const sessionId = z
    .string()
    .max(SESSION_ID_MAX_LENGTH, { error: limit(`the service allows at most ${SESSION_ID_MAX_LENGTH}`) });

  const message = z.strictObject({
    messageId: id,
    // In a workload file: the first queue or topic, and the message's index as its send time.
    to: file ? z.string().optional() : z.string(),
    atMs: file ? ms.optional() : ms,
    sessionId: sessionId.optional(),
    ttlMs: z
      .int()
      .min(1, { error: limit('a time to live must be positive') })
      .optional(),
    subject: z.string().optional(),
    replyToSessionId: sessionId.optional(),
    body: z.string().optional(),
  });

  const outcome = z.enum(OUTCOMES as [ConsumerSpec['outcomes'][number], ...ConsumerSpec['outcomes'][number][]]);

  const rule = z.strictObject({
    outcome,
    messageId: z.string().optional(),
    sessionId: z.string().optional(),
    belowDeliveryCount: count.optional(),
  });

  const renewal = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('none') }),
    z.strictObject({ kind: z.literal('manual'), everyMs: positiveMs }),
    z.strictObject({ kind: z.literal('auto'), maxDurationMs: ms }),
  ]);

  const consumer = z
    .strictObject({
      id,
      // In a workload file: the first queue or subscription.
      entity: file ? z.string().optional() : z.string(),
      sessions: dflt(
        z.union([z.literal('next'), z.array(z.string())], {
          error: 'must be "next" or a list of session ids',
        }),
        'next',
      ),
      receiveMode: dflt(z.enum(['peekLock', 'receiveAndDelete']), 'peekLock'),
      batch: dflt(z.int().min(1), 1),
      concurrency: dflt(z.int().min(1), 1),
      processingMs: dflt(z.tuple([ms, ms]), [100, 100]),
      outcomes: dflt(z.array(outcome).min(1), ['complete']),
      rules: dflt(z.array(rule), []),
      stallMs: dflt(ms, 70_000),
      renewal: dflt(renewal, { kind: 'auto', maxDurationMs: 300_000 }),
      receiveWaitMs: dflt(ms, 60_000),
      maxSessions: dflt(count.nullable(), null),
      checkpoint: dflt(z.boolean(), false),
      startAtMs: dflt(ms, 0),
      acceptRetries: dflt(count, 3),
      acceptRetryMs: dflt(ms, 1_000),
      boundaryTimes: off,
      probes: off,
      fetchDeferred: off,
    })
    .superRefine((c, ctx) => {
      const [min, max] = c.processingMs;
      if (max < min)
        ctx.addIssue({
          code: 'custom',
          path: ['processingMs'],
          message: `is [${min}, ${max}]; it must be an increasing range`,
          params: { code: 'bad-value' },
        });
    });

  const at = { consumer: z.string(), atMs: ms };
  const fault = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('crash'), ...at }),
    z.strictObject({ kind: z.literal('detach'), ...at }),
    z
      .strictObject({ kind: z.literal('loseRenewals'), consumer: z.string(), fromMs: ms, untilMs: ms })
      .superRefine((f, ctx) => {
        if (f.fromMs > f.untilMs)
          ctx.addIssue({
            code: 'custom',
            path: ['untilMs'],
            message: `is ${f.untilMs}, before fromMs ${f.fromMs}; renewals are lost from fromMs until untilMs`,
            params: { code: 'bad-value' },
          });
      }),
  ]);

  const mutantIds = MUTANTS.map((m) => m.id) as [string, ...string[]];

  return z.strictObject({
    // A workload file may name its JSON Schema, for editors; it is not part of the workload.
    ...(file ? { $schema: z.string().optional() } : {}),
    name: file ? z.string().optional() : z.string(),
    entities: file ? z.array(entity).prefault([{ name: 'q' }] as never) : z.array(entity),
    topics: dflt(z.array(z.strictObject({ name: z.string(), subscriptions: z.array(entity) })), []),
    switches: file ? switches.prefault({} as never) : switches,
    messages: dflt(
      z.array(message).max(MAX_MESSAGES, {
        error: limit(`sbsim runs at most ${MAX_MESSAGES} messages in one workload (README, Limits)`),
      }),
      [],
    ),
    consumers: dflt(
      z.array(consumer).max(MAX_CONSUMERS, {
        error: limit(`sbsim runs at most ${MAX_CONSUMERS} consumers in one workload (README, Limits)`),
      }),
      [],
    ),
    faults: dflt(z.array(fault), []),
    maxSteps: dflt(z.int().min(1).max(MAX_STEPS), DEFAULT_MAX_STEPS),
    networkDelayMaxMs: dflt(ms, 0),
    mutant: dflt(z.enum(mutantIds).nullable(), null),
  });
}

/** The workload file format. */
export const WORKLOAD_FILE = workloadSchema('file');
/** The workload of a replay file: every default written out. */
export const COMPLETE_WORKLOAD = workloadSchema('complete');

type Parsed = z.output<typeof WORKLOAD_FILE>;

/** The documented defaults, as the schema fills them in. */
export const SWITCH_DEFAULTS: Switches = WORKLOAD_FILE.parse({}).switches;
export const ENTITY_DEFAULTS: Omit<EntityConfig, 'name'> = (() => {
  const { name: _, ...rest } = WORKLOAD_FILE.parse({ entities: [{ name: 'q' }] }).entities[0] as EntityConfig;
  return rest;
})();
export const CONSUMER_DEFAULTS: Omit<ConsumerSpec, 'id' | 'entity'> = (() => {
  const c = WORKLOAD_FILE.parse({ consumers: [{ id: 'c', entity: 'q' }] }).consumers[0] as ConsumerSpec;
  const { id: _i, entity: _e, ...rest } = c;
  return rest;
})();

// ---------------------------------------------------------------------------------------------------
// Parsing

/**
 * A workload from outside: a parsed JSON file or a programmatic input. Fills the documented defaults
 * and refuses what the service would refuse, every problem with its JSON path. Throws WorkloadError.
 * `source` (a file name) names the workload when it has no `name`, and prefixes the messages.
 */
export function parseWorkload(value: unknown, source?: string): Workload {
  const result = WORKLOAD_FILE.safeParse(value, { error: generated });
  if (!result.success) throw new WorkloadError([firstProblem(result.error, value, WORKLOAD_FILE)], source ?? null);
  const workload = resolve(result.data, source);
  const problems = crossProblems(workload, 'file', '$');
  if (problems.length > 0) throw new WorkloadError(problems, source ?? null);
  return workload;
}

/** For programs (tests, scenarios, the facade): `parseWorkload` of a typed input. */
export function normalizeWorkload(input: WorkloadInput): Workload {
  return parseWorkload(input);
}

/** The defaults that depend on other fields: a message's target and send time, a consumer's entity. */
function resolve(w: Parsed, source: string | undefined): Workload {
  const entities: EntityConfig[] = w.entities;
  const topics: TopicSpec[] = w.topics.map((t) => ({
    name: t.name,
    subscriptions: t.subscriptions.map((s) => ({ ...s, kind: 'subscription', name: subscriptionPath(t.name, s.name) })),
  }));
  const firstTarget = entities[0]?.name ?? topics[0]?.name ?? 'q';
  const firstReceivable = entities[0]?.name ?? topics[0]?.subscriptions[0]?.name ?? 'q';
  return {
    name: w.name ?? source ?? 'workload',
    entities,
    topics,
    switches: w.switches,
    messages: w.messages.map(({ messageId, to, atMs, ...rest }, i) => ({
      messageId,
      to: to ?? firstTarget,
      atMs: atMs ?? i,
      ...rest,
    })),
    consumers: w.consumers.map(({ id, entity, ...rest }) => ({ id, entity: entity ?? firstReceivable, ...rest })),
    faults: w.faults,
    maxSteps: w.maxSteps,
    networkDelayMaxMs: w.networkDelayMaxMs,
    mutant: w.mutant,
  };
}

/**
 * What one field cannot tell alone: names declared twice, and names used but not declared. In a complete
 * workload (a replay file's) a subscription must also carry its full path.
 */
export function crossProblems(w: Workload, mode: WorkloadMode, root: string): Problem[] {
  const problems: Problem[] = [];
  const add = (path: (string | number)[], text: string): void => {
    const at = pathText(root, path);
    problems.push({ code: 'invalid-workload', path: at, message: `${at}: ${text}` });
  };
  const names = new Set<string>();
  const declare = (name: string, path: (string | number)[]): void => {
    if (names.has(name)) add(path, `entity "${name}" is declared twice`);
    names.add(name);
  };
  w.entities.forEach((e, i) => declare(e.name, ['entities', i, 'name']));
  w.topics.forEach((t, ti) =>
    t.subscriptions.forEach((s, si) => {
      const prefix = subscriptionPath(t.name, '');
      if (mode === 'complete' && !s.name.startsWith(prefix))
        add(
          ['topics', ti, 'subscriptions', si, 'name'],
          `is "${s.name}"; a subscription of topic "${t.name}" is named "${prefix}<name>"`,
        );
      declare(s.name, ['topics', ti, 'subscriptions', si, 'name']);
    }),
  );
  const sendable = new Set([...w.entities.map((e) => e.name), ...w.topics.map((t) => t.name)]);
  const ids = new Set<string>();
  w.messages.forEach((m, i) => {
    if (!sendable.has(m.to))
      add(
        ['messages', i, 'to'],
        `message "${m.messageId}" is sent to "${m.to}", which is not a queue or topic of the workload`,
      );
    if (ids.has(m.messageId)) add(['messages', i, 'messageId'], `message id "${m.messageId}" is used twice`);
    ids.add(m.messageId);
  });
  const consumerIds = new Set<string>();
  w.consumers.forEach((c, i) => {
    if (consumerIds.has(c.id)) add(['consumers', i, 'id'], `consumer "${c.id}" is declared twice`);
    consumerIds.add(c.id);
    if (!names.has(c.entity))
      add(
        ['consumers', i, 'entity'],
        `consumer "${c.id}" receives from "${c.entity}", which is not a queue or subscription of the workload`,
      );
  });
  w.faults.forEach((f, i) => {
    if (!consumerIds.has(f.consumer))
      add(
        ['faults', i, 'consumer'],
        `fault ${f.kind} names consumer "${f.consumer}", which the workload does not have`,
      );
  });
  return problems;
}
