/**
 * Reading a replay file: parse, then validate by hand, strictly. Every problem is a ReplayFileError with
 * a code and one sentence naming the JSON path; nothing else escapes. Checked, in this order:
 *
 * 1. the file exists and is readable (`missing`, `unreadable`);
 * 2. it is JSON (`not-json`), or at least the start of a JSON document cut short (`truncated`);
 * 3. it is a replay file (`wrong-format`) of a version this sbsim reads (`newer-version`) — before any
 *    field check, so a newer file is reported as newer rather than as full of unknown fields;
 * 4. every field has the right type (`wrong-type`, `bad-value`), none is missing or unknown
 *    (`missing-field`, `unknown-field`), with the workload checked down to each consumer's renewal policy;
 * 5. every decision picks within its options and sits at its own index (`decision-out-of-range`);
 * 6. the echoed switches are the workload's (`inconsistent`), and the workload passes normalizeWorkload's
 *    entity limits (`invalid-workload`).
 *
 * What is not an error but a warning: a model hash or sbsim version other than the running one (the
 * replay proceeds, and divergence detection says whether the decisions still fit), a property or mutant
 * this sbsim does not know.
 */
import { readFileSync } from 'node:fs';
import type { EntityConfig, Switches } from '../../models/config.ts';
import type { ConsumerSpec, OutcomeRule, RenewalPolicy } from '../../models/consumer.ts';
import { OUTCOMES } from '../../models/consumer.ts';
import { MUTANTS } from '../../models/mutants/index.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { Decision } from '../sim/chooser.ts';
import type { Fault, SendSpec, TopicSpec, Workload, WorkloadInput } from '../world/workload.ts';
import { normalizeWorkload, subscriptionPath, WorkloadError } from '../world/workload.ts';
import { ReplayFileError } from './errors.ts';
import type { ReplayFile, ReplayProperty, ReplaySearch, ReplaySize } from './format.ts';
import { REPLAY_FORMAT, REPLAY_FORMAT_VERSION } from './format.ts';
import { V1_BUG_TO_MUTANT } from './legacy.ts';
import { isJsonPrefix } from './json-prefix.ts';
import { currentTool } from './tool.ts';
import { facadeScript } from './facade-script.ts';
import { USER_CODE_PROPERTY } from '../facade/script.ts';
import type { Check } from './validate.ts';
import {
  arrayOf,
  bool,
  child,
  count,
  describeValue,
  either,
  fields,
  literal,
  ms,
  nullable,
  num,
  oneOf,
  pair,
  refine,
  str,
  tagged,
} from './validate.ts';

export { ReplayFileError } from './errors.ts';
export type { ReplayFileErrorCode } from './errors.ts';

/** The most steps a replayed workload may ask for: a bound on how long a replay can run. */
export const MAX_REPLAY_STEPS = 1_000_000;

export interface ReplayWarning {
  readonly code: 'model-changed' | 'version-changed' | 'unknown-property';
  readonly message: string;
}

export interface ReadReplay {
  readonly file: ReplayFile;
  readonly warnings: readonly ReplayWarning[];
}

// ---------------------------------------------------------------------------------------------------
// The schema

/** Every member of a string union, checked exhaustively by the compiler. */
function enumOf<T extends string>(members: Readonly<Record<T, true>>): Check<T> {
  return oneOf(Object.keys(members) as T[]);
}

const positive = refine(ms, (v) => (v > 0 ? null : `must be more than 0, not ${v}`));

const entityConfig = fields<EntityConfig>(
  {
    name: str,
    kind: enumOf({ queue: true, subscription: true }),
    requiresSession: bool,
    lockDurationMs: ms,
    maxDeliveryCount: count,
    defaultMessageTimeToLiveMs: nullable(ms),
    deadLetteringOnMessageExpiration: bool,
    tier: enumOf({ standard: true, premium: true }),
  },
  {},
);

const switches = fields<Switches>(
  {
    sessionWideExpiry: bool,
    expiryTrigger: enumOf({ lazy: true, gcTick: true }),
    gcTickMs: positive,
    lockExpiryIncrementScope: enumOf({ delivered: true, all: true }),
    crashSemantics: enumOf({ release: true, lockExpiry: true }),
    deferCountsAsAttempt: bool,
    acceptNamedWhenLocked: enumOf({ fail: true, wait: true }),
    acceptNextChoice: enumOf({ nondeterministic: true, oldestFirst: true }),
    deliveryCountView: enumOf({ raw: true, plusOne: true }),
    acceptTimeoutMs: ms,
  },
  {},
);

const topic = fields<TopicSpec>({ name: str, subscriptions: arrayOf(entityConfig) }, {});

const message = fields<SendSpec>(
  { messageId: str, to: str, atMs: ms },
  { sessionId: str, ttlMs: ms, subject: str, replyToSessionId: str, body: str },
);

const outcome = oneOf(OUTCOMES);

const rule = fields<OutcomeRule>({ outcome }, { messageId: str, sessionId: str, belowDeliveryCount: count });

const renewal = tagged<RenewalPolicy, 'kind'>('kind', {
  none: fields<Extract<RenewalPolicy, { kind: 'none' }>>({ kind: literal('none') }, {}),
  manual: fields<Extract<RenewalPolicy, { kind: 'manual' }>>({ kind: literal('manual'), everyMs: ms }, {}),
  auto: fields<Extract<RenewalPolicy, { kind: 'auto' }>>({ kind: literal('auto'), maxDurationMs: ms }, {}),
});

const consumer = fields<ConsumerSpec>(
  {
    id: str,
    entity: str,
    sessions: either((v) => typeof v === 'string', literal('next'), arrayOf(str)),
    receiveMode: enumOf({ peekLock: true, receiveAndDelete: true }),
    batch: count,
    concurrency: count,
    processingMs: pair(ms, ms),
    outcomes: arrayOf(outcome),
    rules: arrayOf(rule),
    stallMs: ms,
    renewal,
    receiveWaitMs: ms,
    maxSessions: nullable(count),
    checkpoint: bool,
    startAtMs: ms,
    acceptRetries: count,
    acceptRetryMs: ms,
  },
  // Added after the first files were written: absent means off.
  { boundaryTimes: bool, probes: bool, fetchDeferred: bool },
);

const fault = tagged<Fault, 'kind'>('kind', {
  crash: fields<Extract<Fault, { kind: 'crash' }>>({ kind: literal('crash'), consumer: str, atMs: ms }, {}),
  detach: fields<Extract<Fault, { kind: 'detach' }>>({ kind: literal('detach'), consumer: str, atMs: ms }, {}),
  loseRenewals: fields<Extract<Fault, { kind: 'loseRenewals' }>>(
    { kind: literal('loseRenewals'), consumer: str, fromMs: ms, untilMs: ms },
    {},
  ),
});

/** The zoo's mutant ids: a workload names the mutant it runs by id. */
const MUTANT_IDS = MUTANTS.map((m) => m.id);

const workload = fields<Workload>(
  {
    name: str,
    entities: arrayOf(entityConfig),
    topics: arrayOf(topic),
    switches,
    messages: arrayOf(message),
    consumers: arrayOf(consumer),
    faults: arrayOf(fault),
    maxSteps: num({ int: true, min: 1, max: MAX_REPLAY_STEPS }),
    networkDelayMaxMs: ms,
    mutant: nullable(oneOf(MUTANT_IDS)),
  },
  {},
);

const decision = fields<Decision>(
  {
    i: count,
    kind: enumOf({ schedule: true, choice: true, int: true }),
    name: str,
    n: num({ int: true, min: 1 }),
    pick: num({ int: true }),
    label: str,
  },
  {},
);

const size = fields<ReplaySize>(
  { decisions: count, deviations: count, steps: count, messages: count, consumers: count, sessions: count },
  {},
);

const property = fields<ReplayProperty>({ id: str, message: str, step: nullable(count), t: nullable(ms) }, {});

const search = fields<ReplaySearch>(
  {
    seed: num({ int: true }),
    fastCheck: fields<ReplaySearch['fastCheck']>({ seed: num({ int: true }), path: str }, {}),
  },
  {},
);

const replayFile = fields<ReplayFile>(
  {
    format: literal(REPLAY_FORMAT),
    formatVersion: literal(REPLAY_FORMAT_VERSION),
    tool: fields<ReplayFile['tool']>(
      {
        name: literal('sbsim'),
        version: str,
        modelHash: refine(str, (h) =>
          /^sha256:[0-9a-f]{64}$/.test(h)
            ? null
            : `must be "sha256:" and 64 lowercase hex digits, not ${describeValue(h)}`,
        ),
      },
      {},
    ),
    property,
    mutant: nullable(str),
    switches,
    search,
    original: size,
    shrunk: size,
    workload,
    decisions: arrayOf(decision),
  },
  { facade: facadeScript },
);

// ---------------------------------------------------------------------------------------------------
// Reading

/** Parse and validate the text of a replay file. `source` names it in messages. */
export function parseReplay(text: string, source?: string): ReadReplay {
  try {
    const file = validateReplay(parseJson(text));
    return { file, warnings: warningsFor(file) };
  } catch (e) {
    if (e instanceof ReplayFileError && source !== undefined) throw e.withSource(source);
    throw e;
  }
}

/** Read, parse and validate a replay file. Throws ReplayFileError, and only that. */
export function readReplayFile(path: string): ReadReplay {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReplayFileError('missing', `${path}: no such file`, null, path);
    throw new ReplayFileError('unreadable', `${path}: cannot be read (${code ?? (e as Error).message})`, null, path);
  }
  return parseReplay(text, path);
}

function parseJson(raw: string): unknown {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  if (text.trim() === '') throw new ReplayFileError('truncated', 'the file is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (isJsonPrefix(text))
      throw new ReplayFileError(
        'truncated',
        `the JSON stops early, after ${text.length} characters: the file was cut short`,
      );
    throw new ReplayFileError('not-json', `not JSON: ${(e as Error).message}`);
  }
}

/** Validate a parsed JSON value as a replay file. */
export function validateReplay(value: unknown): ReplayFile {
  checkEnvelope(value);
  const file = replayFile(upgradeV1(value as Record<string, unknown>), '$');
  checkDecisions(file.decisions);
  checkSwitches(file);
  checkWorkloadLimits(file.workload, '$.workload');
  return file;
}

/**
 * Check a normalized workload as the reader checks a file's: every field known and typed, the entity
 * limits kept. `sbsim check --workload FILE` runs this before searching, so that whatever it finds can
 * be saved as a replay file. `root` names the workload in messages.
 */
export function validateReplayWorkload(value: Workload, root = '$'): Workload {
  const w = workload(value, root);
  checkWorkloadLimits(w, root);
  return w;
}

/** `format` and `formatVersion` first, so a file of another kind or a newer version says so. */
function checkEnvelope(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReplayFileError(
      'wrong-format',
      `not an sbsim replay file: the top level is ${describeValue(value)}, not an object`,
      '$',
    );
  }
  const v = value as Record<string, unknown>;
  if (v.format !== REPLAY_FORMAT) {
    const found = Object.hasOwn(v, 'format') ? `"format" is ${describeValue(v.format)}` : 'there is no "format" field';
    throw new ReplayFileError('wrong-format', `not an sbsim replay file: ${found}, not "${REPLAY_FORMAT}"`, '$.format');
  }
  const version = v.formatVersion;
  if (!Object.hasOwn(v, 'formatVersion'))
    throw new ReplayFileError('missing-field', '$.formatVersion is missing', '$.formatVersion');
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new ReplayFileError(
      'wrong-type',
      `$.formatVersion must be a whole number, not ${describeValue(version)}`,
      '$.formatVersion',
    );
  }
  if (version > REPLAY_FORMAT_VERSION) {
    throw new ReplayFileError(
      'newer-version',
      `written in replay format version ${version}; this sbsim reads version ${REPLAY_FORMAT_VERSION} only — upgrade sbsim`,
      '$.formatVersion',
    );
  }
  if (version < 1)
    throw new ReplayFileError(
      'wrong-format',
      `replay format version ${version} does not exist (versions start at 1)`,
      '$.formatVersion',
    );
}

function checkDecisions(decisions: readonly Decision[]): void {
  decisions.forEach((d, index) => {
    const at = child('$.decisions', index);
    if (d.i !== index)
      throw new ReplayFileError(
        'decision-out-of-range',
        `${at}.i is ${d.i}, but the decision is number ${index} of the list`,
        `${at}.i`,
      );
    if (d.pick < 0 || d.pick >= d.n) {
      throw new ReplayFileError(
        'decision-out-of-range',
        `${at}.pick is ${d.pick}, outside the ${d.n} options [0, ${d.n}) of ${d.kind} "${d.name}"`,
        `${at}.pick`,
      );
    }
  });
}

/**
 * A version-1 file names its mutant by seeded-bug flag (`workload.bugs`); version 2 by id
 * (`workload.mutant`). The flag maps to the id; anything else in `bugs` is an error at `$.workload.bugs`.
 */
function upgradeV1(v: Record<string, unknown>): unknown {
  if (v.formatVersion !== 1) return v;
  const w = v.workload;
  if (typeof w !== 'object' || w === null || Array.isArray(w)) return { ...v, formatVersion: REPLAY_FORMAT_VERSION };
  const { bugs, ...rest } = w as Record<string, unknown>;
  if (typeof bugs !== 'object' || bugs === null || Array.isArray(bugs) || Object.keys(bugs).length > 1)
    throw new ReplayFileError(
      'bad-value',
      `$.workload.bugs must be an object with at most one seeded bug (a version-1 file), not ${describeValue(bugs)}`,
      '$.workload.bugs',
    );
  const flag = Object.keys(bugs)[0];
  const mutant = flag === undefined ? null : V1_BUG_TO_MUTANT[flag];
  if (mutant === undefined)
    throw new ReplayFileError(
      'bad-value',
      `$.workload.bugs.${flag} is not a seeded bug sbsim knows (a version-1 file)`,
      `$.workload.bugs.${flag}`,
    );
  return { ...v, formatVersion: REPLAY_FORMAT_VERSION, workload: { ...rest, mutant } };
}

function checkSwitches(file: ReplayFile): void {
  if (file.mutant !== file.workload.mutant)
    throw new ReplayFileError(
      'inconsistent',
      `$.mutant is ${JSON.stringify(file.mutant)} but $.workload.mutant is ${JSON.stringify(file.workload.mutant)}; the echo must match the workload`,
      '$.mutant',
    );
  for (const key of Object.keys(file.switches) as (keyof Switches)[]) {
    if (file.switches[key] !== file.workload.switches[key]) {
      throw new ReplayFileError(
        'inconsistent',
        `$.switches.${key} is ${JSON.stringify(file.switches[key])} but $.workload.switches.${key} is ${JSON.stringify(file.workload.switches[key])}; the echo must match the workload`,
        `$.switches.${key}`,
      );
    }
  }
}

/**
 * The entity limits, by normalizeWorkload itself. A normalized workload names each subscription by its
 * full path, which normalizeWorkload would prefix again, so the subscriptions go back to their own names.
 */
function checkWorkloadLimits(w: Workload, root: string): void {
  const topics = w.topics.map((t, ti) => ({
    name: t.name,
    subscriptions: t.subscriptions.map((s, si) => {
      const prefix = subscriptionPath(t.name, '');
      if (!s.name.startsWith(prefix)) {
        const at = `${root}.topics[${ti}].subscriptions[${si}].name`;
        throw new ReplayFileError(
          'invalid-workload',
          `${at} is "${s.name}"; a subscription of topic "${t.name}" is named "${prefix}<name>"`,
          at,
        );
      }
      return { ...s, name: s.name.slice(prefix.length) };
    }),
  }));
  const input: WorkloadInput = { ...w, topics };
  try {
    normalizeWorkload(input);
  } catch (e) {
    if (e instanceof WorkloadError)
      throw new ReplayFileError('invalid-workload', `${root} is not a valid workload: ${e.problems.join('; ')}`, root);
    throw e;
  }
}

function warningsFor(file: ReplayFile): ReplayWarning[] {
  const warnings: ReplayWarning[] = [];
  const now = currentTool();
  if (file.tool.modelHash !== now.modelHash) {
    warnings.push({
      code: 'model-changed',
      message: `the model changed since this file was written (model ${short(file.tool.modelHash)}, now ${short(now.modelHash)}); replaying anyway — a divergence will say if the decisions no longer fit`,
    });
  }
  if (file.tool.version !== now.version)
    warnings.push({
      code: 'version-changed',
      message: `written by sbsim ${file.tool.version}; this is sbsim ${now.version}`,
    });
  const userCode = file.facade !== undefined && file.property.id === USER_CODE_PROPERTY;
  if (!userCode && !ALL_PROPERTIES.some((p) => p.id === file.property.id)) {
    warnings.push({
      code: 'unknown-property',
      message: `property "${file.property.id}" is not in this sbsim's library (${ALL_PROPERTIES.map((p) => p.id).join(', ')})`,
    });
  }
  return warnings;
}

function short(hash: string): string {
  return `${hash.slice(0, 'sha256:'.length + 12)}…`;
}
