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
  const off = (description: string) =>
    file ? z.boolean().describe(description).default(false) : z.boolean().describe(description).optional();
  /** What a workload file may leave out, and what then stands in (a default that depends on other fields). */
  const leftOut = (text: string) => (file ? ` Left out: ${text}.` : '');

  const entity = z
    .strictObject({
      name: z
        .string()
        .describe(
          "Entity path: `q1`. Under a topic, the subscription's own name (`billing`), which becomes `<topic>/Subscriptions/billing`; a name that is already that full path is kept.",
        ),
      kind: dflt(
        z
          .enum(['queue', 'subscription'])
          .describe('A queue, or a subscription; the subscriptions under `topics` are always `subscription`.'),
        'queue',
      ),
      requiresSession: dflt(
        z
          .boolean()
          .describe(
            'Whether the entity requires sessions; fixed when it is created (D10). `false`: a plain entity, whose consumers are competing receivers with a lock per message.',
          ),
        true,
      ),
      lockDurationMs: dflt(
        z
          .int()
          .min(1, { error: limit(`the service allows more than 0 and at most ${LOCK_DURATION_MAX_MS} (5 min)`) })
          .max(LOCK_DURATION_MAX_MS, {
            error: limit(`the service allows more than 0 and at most ${LOCK_DURATION_MAX_MS} (5 min)`),
          })
          .describe(
            'LockDuration: how long a session lock (or a message lock) lasts from accept or renewal (§2.4; D4, N12).',
          ),
        60_000,
      ),
      maxDeliveryCount: dflt(
        z
          .int()
          .min(1, { error: limit('the minimum is 1') })
          .describe(
            'MaxDeliveryCount: the failed attempt with this number dead-letters the message with `MaxDeliveryCountExceeded` (§3.4, §3.5; D3).',
          ),
        10,
      ),
      defaultMessageTimeToLiveMs: dflt(
        z
          .int()
          .min(1, { error: limit('it must be positive, or null for no limit') })
          .nullable()
          .describe("Default time to live, and the ceiling of a message's own `ttlMs` (§4; D2). `null`: no limit."),
        null,
      ),
      deadLetteringOnMessageExpiration: dflt(
        z
          .boolean()
          .describe(
            'Expired messages go to the dead-letter queue with reason `TTLExpiredException` instead of being dropped (§4, §3.5; D2, D3).',
          ),
        false,
      ),
      tier: dflt(
        z
          .enum(['standard', 'premium'])
          .describe('The session state size limit: 256 KB on Standard, 100 MB on Premium (§5, §8.2; D1).'),
        'standard',
      ),
    })
    .meta({ title: 'Entity', description: 'A queue, or a subscription of a topic, with its settings (§1).' });

  const topic = z
    .strictObject({
      name: z.string().describe("The topic's name: what a message is sent `to`."),
      subscriptions: z
        .array(entity)
        .describe('Its subscriptions. A consumer receives from one by its full path, `<topic>/Subscriptions/<name>`.'),
    })
    .meta({
      title: 'Topic',
      description: 'A topic: every message sent to it is copied to each of its subscriptions (§8.3).',
    });

  const switches = z
    .strictObject({
      sessionWideExpiry: dflt(
        z
          .boolean()
          .describe(
            '[M] §4: one expired message expires every active message of an unlocked session. `false`: expiry per message only.',
          ),
        true,
      ),
      expiryTrigger: dflt(
        z
          .enum(['lazy', 'gcTick'])
          .describe(
            '[M] §4: expiry happens on receive, accept and lock release (`lazy`), or also on a background tick every `gcTickMs` (`gcTick`).',
          ),
        'lazy',
      ),
      gcTickMs: dflt(
        positiveMs.describe('§4: the period of the background expiry tick, when `expiryTrigger` is `gcTick`.'),
        10_000,
      ),
      lockExpiryIncrementScope: dflt(
        z
          .enum(['delivered', 'all'])
          .describe(
            '[M] §2.5: a lock expiry raises the delivery count of the messages delivered under that lock (`delivered`), or of every message of the session (`all`).',
          ),
        'delivered',
      ),
      crashSemantics: dflt(
        z
          .enum(['release', 'lockExpiry'])
          .describe(
            "[M] §2.6: a crashed consumer's lock is released at once, no increment, like close (`release`); or it runs out at its deadline, +1, like a lock expiry (`lockExpiry`).",
          ),
        'release',
      ),
      deferCountsAsAttempt: dflt(
        z.boolean().describe('[L] §3.3 (asb#375): defer counts as a failed delivery attempt toward MaxDeliveryCount.'),
        false,
      ),
      acceptNamedWhenLocked: dflt(
        z
          .enum(['fail', 'wait'])
          .describe(
            '[L] §2.2: accepting a session another receiver holds fails at once with SessionCannotBeLocked (`fail`), or waits for it up to `acceptTimeoutMs` (`wait`).',
          ),
        'fail',
      ),
      acceptNextChoice: dflt(
        z
          .enum(['nondeterministic', 'oldestFirst'])
          .describe(
            '[L] §2.3: which available session accept-next grants: any, explored by the search (`nondeterministic`), or the oldest (`oldestFirst`).',
          ),
        'nondeterministic',
      ),
      deliveryCountView: dflt(
        z
          .enum(['raw', 'plusOne'])
          .describe(
            '§3.4: the delivery count a consumer sees: raw, 0 on the first delivery (`raw`: JS, Java), or raw + 1 (`plusOne`: .NET, Go).',
          ),
        'raw',
      ),
      acceptTimeoutMs: dflt(
        ms.describe(
          '§2.3: how long accept-next (and a waiting named accept) waits before it fails with ServiceTimeout: the SDK operation timeout.',
        ),
        60_000,
      ),
    })
    .meta({
      title: 'Switches',
      description:
        'The rules the semantics reference marks uncertain ([M], [L]) or that it parameterises, each a switch with the documented default (§13). Every replay file echoes the switches in force.',
    });

  const sessionId = z
    .string()
    .max(SESSION_ID_MAX_LENGTH, { error: limit(`the service allows at most ${SESSION_ID_MAX_LENGTH}`) });

  const message = z
    .strictObject({
      messageId: id.describe("The message's id, unique in the workload: traces, rules and properties name it."),
      // In a workload file: the first queue or topic, and the message's index as its send time.
      to: (file ? z.string().optional() : z.string()).describe(
        `The queue or topic it is sent to.${leftOut('the first queue, else the first topic')}`,
      ),
      atMs: (file ? ms.optional() : ms).describe(
        `When it is sent, in virtual milliseconds.${leftOut('its index in `messages` (0, 1, 2, …)')}`,
      ),
      sessionId: sessionId
        .describe(
          'Its session (T1). Left out: no session; a session queue refuses such a send, a session subscription dead-letters the message (§8.1).',
        )
        .optional(),
      ttlMs: z
        .int()
        .min(1, { error: limit('a time to live must be positive') })
        .describe("Its own time to live; the entity's `defaultMessageTimeToLiveMs` is the ceiling (§4; D2).")
        .optional(),
      subject: z.string().describe('Subject (label): carried along and shown in traces.').optional(),
      replyToSessionId: sessionId
        .describe('ReplyToSessionId: the session a reply should go to, for request-response (§7).')
        .optional(),
      body: z.string().describe('Body text: carried along.').optional(),
    })
    .meta({ title: 'Message', description: 'A message the workload sends, at a virtual time.' });

  const outcome = z
    .enum(OUTCOMES as [ConsumerSpec['outcomes'][number], ...ConsumerSpec['outcomes'][number][]])
    .describe(
      'What a handler does with a message when its processing ends: `complete` (T5), `abandon` (T6), `defer` (T7), `deadLetter` (T8), `crash` (the process dies, §2.6), `close` (close the receiver without settling, T12), `stall` (take `stallMs`, past the lock, T11).',
    );

  const rule = z
    .strictObject({
      outcome: outcome.describe('The outcome for a message the rule matches.'),
      messageId: z.string().describe('Matches this message only.').optional(),
      sessionId: z.string().describe('Matches the messages of this session only.').optional(),
      belowDeliveryCount: count
        .describe(
          "Matches while the message's raw delivery count (§3.4) is below this: `abandon` below 2, say, then the next rule.",
        )
        .optional(),
    })
    .meta({
      title: 'Outcome rule',
      description:
        "Overrides the consumer's `outcomes` for the messages it matches; every condition given must hold, and the first matching rule wins.",
    });

  const renewal = z
    .discriminatedUnion('kind', [
      z
        .strictObject({ kind: z.literal('none').describe('No renewal.') })
        .meta({ title: 'Renewal: none', description: 'No renewal: the lock lasts `lockDurationMs` from accept.' }),
      z
        .strictObject({
          kind: z.literal('manual').describe('Manual renewal.'),
          everyMs: positiveMs.describe('How often the handler renews (T10).'),
        })
        .meta({
          title: 'Renewal: manual',
          description: 'The handler renews the session lock every `everyMs` while it holds the session (T10).',
        }),
      z
        .strictObject({
          kind: z.literal('auto').describe("The SDK's auto-renewal."),
          maxDurationMs: ms.describe(
            'The renewal window after accept (maxAutoLockRenewalDurationInMs); 0 turns auto-renewal off.',
          ),
        })
        .meta({
          title: 'Renewal: auto',
          description:
            "The SDK's auto-renewal (§2.4; J6): the lock is renewed shortly before it runs out, for at most `maxDurationMs` after accept.",
        }),
    ])
    .describe('How the consumer renews its session lock (§2.4, T10).');

  const consumer = z
    .strictObject({
      id: id.describe("The consumer's id, unique in the workload: its actor is `consumer:<id>`, and faults name it."),
      // In a workload file: the first queue or subscription.
      entity: (file ? z.string().optional() : z.string()).describe(
        `The entity it receives from: a queue, or a subscription by its full path \`<topic>/Subscriptions/<name>\`.${leftOut('the first queue, else the first subscription')}`,
      ),
      sessions: dflt(
        z
          .union([z.literal('next'), z.array(z.string())], {
            error: 'must be "next" or a list of session ids',
          })
          .describe(
            '`"next"`: accept the next available session, in a loop (T3); or the named sessions, accepted in order (T2). Ignored on an entity without sessions.',
          ),
        'next',
      ),
      receiveMode: dflt(
        z
          .enum(['peekLock', 'receiveAndDelete'])
          .describe(
            "§3.1: `peekLock` settles each message; `receiveAndDelete` deletes it as it is received (T4'), and only the `complete`, `crash` and `close` outcomes apply.",
          ),
        'peekLock',
      ),
      batch: dflt(z.int().min(1).describe('Messages asked for per receive (§9.5).'), 1),
      concurrency: dflt(
        z
          .int()
          .min(1)
          .describe(
            'Handlers running at once within one session (maxConcurrentCalls); above 1, processing order is given up (§9.1).',
          ),
        1,
      ),
      processingMs: dflt(
        z
          .tuple([ms, ms])
          .describe(
            '[min, max], min ≤ max: each message takes a virtual duration in this range, picked by the search.',
          ),
        [100, 100],
      ),
      outcomes: dflt(
        z
          .array(outcome)
          .min(1)
          .describe(
            'What the handler may do with each message; the search picks one per message. `complete` (T5), `abandon` (T6), `defer` (T7), `deadLetter` (T8), `crash` (the process dies, §2.6), `close` (close the receiver without settling, T12), `stall` (take `stallMs`, past the lock, T11).',
          ),
        ['complete'],
      ),
      rules: dflt(
        z.array(rule).describe('Outcome rules: the first that matches a message decides its outcome instead.'),
        [],
      ),
      stallMs: dflt(ms.describe('How long a `stall` outcome takes: meant to outlast the lock (T11).'), 70_000),
      renewal: dflt(renewal, { kind: 'auto', maxDurationMs: 300_000 }),
      receiveWaitMs: dflt(
        ms.describe(
          "receiveMessages' maxWaitTimeInMs; an empty receive with nothing in flight closes the session (idle, T12).",
        ),
        60_000,
      ),
      maxSessions: dflt(
        count.nullable().describe('Stop after this many sessions. `null`: go on until accept-next times out.'),
        null,
      ),
      checkpoint: dflt(
        z
          .boolean()
          .describe('Record progress in the session state after each completion, and read it after accept (§5, T13).'),
        false,
      ),
      startAtMs: dflt(ms.describe('When the consumer starts, in virtual milliseconds.'), 0),
      acceptRetries: dflt(
        count.describe('Retries of a named accept refused with SessionCannotBeLocked (§2.2), `acceptRetryMs` apart.'),
        3,
      ),
      acceptRetryMs: dflt(ms.describe('The wait between those retries.'), 1_000),
      boundaryTimes: off(
        "Let the search place actions exactly at a deadline and 1 ms either side: the lock expiry, the message's TTL, the end of the auto-renewal window (when processing ends, a manual renewal fires or a probe fires).",
      ),
      probes: off(
        'Probe the broker with extra operations (receive, settle, renew, get/set state, peek, receiveDeferred) at moments the search picks while holding a session, and right after learning the lock was lost (§12.7); the answers are ignored, the trace records them.',
      ),
      fetchDeferred: off(
        'Remember the messages this consumer deferred, fetch them by sequence number (receiveDeferred, T9) when the session goes idle while it holds it again, and settle them by its policy.',
      ),
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
    })
    .meta({
      title: 'Consumer',
      description:
        'A session receiver driven by a policy: it accepts a session (named, or the next available), receives, processes each message for a virtual duration, settles it by its policy, renews the lock, closes the session when idle and accepts the next. On an entity without sessions it is a plain competing receiver.',
    });

  const who = z.string().describe('The `id` of the consumer it strikes.');
  const at = { consumer: who, atMs: ms.describe('When it strikes, in virtual milliseconds.') };
  const kind = <K extends string>(k: K) => z.literal(k).describe('Which fault.');
  const fault = z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: kind('crash'), ...at }).meta({
        title: 'Fault: crash',
        description:
          "The consumer's process dies: its session lock is released at once or runs out, as `crashSemantics` says (§2.6).",
      }),
      z.strictObject({ kind: kind('detach'), ...at }).meta({
        title: 'Fault: detach',
        description:
          "The consumer's link drops: the broker releases its lock with no increment (T12); the consumer learns of it on its next call (SessionLockLost).",
      }),
      z
        .strictObject({
          kind: kind('loseRenewals'),
          consumer: who,
          fromMs: ms.describe('Renewals sent from this moment on are lost.'),
          untilMs: ms.describe('From this moment on renewals get through again; not before `fromMs`.'),
        })
        .superRefine((f, ctx) => {
          if (f.fromMs > f.untilMs)
            ctx.addIssue({
              code: 'custom',
              path: ['untilMs'],
              message: `is ${f.untilMs}, before fromMs ${f.fromMs}; renewals are lost from fromMs until untilMs`,
              params: { code: 'bad-value' },
            });
        })
        .meta({
          title: 'Fault: loseRenewals',
          description:
            "The consumer's renewal requests sent from `fromMs` until `untilMs` are lost, so its lock can run out under it (T11).",
        }),
    ])
    .describe('A fault at a fixed virtual time.');

  const mutantIds = MUTANTS.map((m) => m.id) as [string, ...string[]];

  return z.strictObject({
    // A workload file may name its JSON Schema, for editors; it is not part of the workload.
    ...(file
      ? {
          $schema: z
            .string()
            .describe('The JSON Schema of the file, for editors (relative to the file); not part of the workload.')
            .optional(),
        }
      : {}),
    name: (file ? z.string().optional() : z.string()).describe(
      `The workload's name in reports and replay files.${leftOut('the file name')}`,
    ),
    entities: (file ? z.array(entity).prefault([{ name: 'q' }] as never) : z.array(entity)).describe(
      'The queues (and subscriptions named by their full path) the workload uses.',
    ),
    topics: dflt(z.array(topic).describe('Topics and their subscriptions (§8.3).'), []),
    switches: file ? switches.prefault({} as never) : switches,
    messages: dflt(
      z
        .array(message)
        .max(MAX_MESSAGES, {
          error: limit(`sbsim runs at most ${MAX_MESSAGES} messages in one workload (README, Limits)`),
        })
        .describe('The messages the workload sends.'),
      [],
    ),
    consumers: dflt(
      z
        .array(consumer)
        .max(MAX_CONSUMERS, {
          error: limit(`sbsim runs at most ${MAX_CONSUMERS} consumers in one workload (README, Limits)`),
        })
        .describe('The consumers, each with its policy.'),
      [],
    ),
    faults: dflt(z.array(fault).describe('Faults at fixed virtual times: a crash, a dropped link, lost renewals.'), []),
    maxSteps: dflt(
      z
        .int()
        .min(1)
        .max(MAX_STEPS)
        .describe('Scheduling steps before a run is cut off (and reported as hitting the step bound).'),
      DEFAULT_MAX_STEPS,
    ),
    networkDelayMaxMs: dflt(
      ms.describe(
        'How long a request or reply between a client and the broker may be in flight: a timer due sooner may overtake it. 0: none can.',
      ),
      0,
    ),
    mutant: dflt(
      z
        .enum(mutantIds)
        .nullable()
        .describe(
          'A mutant of the zoo (`sbsim mutants`) to run instead of the correct model; `null`: the correct model.',
        ),
      null,
    ),
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
