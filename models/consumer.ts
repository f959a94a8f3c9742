/**
 * A consumer: a session receiver driven by a policy. It accepts a named session or the next available
 * one, receives up to N messages, processes each for a chosen virtual duration, settles it by its
 * policy (complete, abandon, defer, dead-letter, crash, close without settling, stall past the lock),
 * renews the lock (none, manual, or SDK-style auto-renew up to a window), closes the session when idle,
 * and accepts the next. On a non-session entity it is a plain competing receiver instead.
 *
 * The consumer only knows what the broker tells it: it learns of a lost lock when an operation fails
 * with SessionLockLost (§2.5), as the SDK does.
 */
import { enqueueActions, setup } from 'xstate';
import type {
  ActorId,
  BrokerError,
  ClientRequest,
  ConsumerEvent,
  Effect,
  ReceivedMessage,
  ReceiveMode,
  ReplyResult,
} from './events.ts';
import { nowOf } from './events.ts';
import { enqueueStep } from './step.ts';

/** What the handler does with a message once processing ends. */
export type Outcome = 'complete' | 'abandon' | 'defer' | 'deadLetter' | 'crash' | 'close' | 'stall';
export const OUTCOMES: readonly Outcome[] = ['complete', 'abandon', 'defer', 'deadLetter', 'crash', 'close', 'stall'];

export interface OutcomeRule {
  readonly messageId?: string | undefined;
  readonly sessionId?: string | undefined;
  /** Applies while the message's raw delivery count is below this. */
  readonly belowDeliveryCount?: number | undefined;
  readonly outcome: Outcome;
}

export type RenewalPolicy =
  | { readonly kind: 'none' }
  /** The handler renews every `everyMs` while it holds the session. */
  | { readonly kind: 'manual'; readonly everyMs: number }
  /** The SDK's auto-renewal (sdk-api §1.2), for at most `maxDurationMs` after accept; 0 disables it. */
  | { readonly kind: 'auto'; readonly maxDurationMs: number };

export interface ConsumerSpec {
  readonly id: string;
  /** Entity path to receive from: a queue, or `topic/Subscriptions/sub`. */
  readonly entity: string;
  /** `next`: accept-next in a loop; or the named sessions, accepted in order. Ignored on a non-session entity. */
  readonly sessions: 'next' | readonly string[];
  readonly receiveMode: ReceiveMode;
  /** Messages asked for per receive. */
  readonly batch: number;
  /** Handlers running at once within one session (maxConcurrentCalls, default 1). */
  readonly concurrency: number;
  /** Processing takes a Chooser-picked virtual duration in this range. */
  readonly processingMs: readonly [number, number];
  /** Outcomes the Chooser picks from, per message; the first matching rule overrides. */
  readonly outcomes: readonly Outcome[];
  readonly rules: readonly OutcomeRule[];
  /** How long a `stall` outcome takes: meant to outlast the lock. */
  readonly stallMs: number;
  readonly renewal: RenewalPolicy;
  /** receiveMessages' maxWaitTimeInMs; an empty receive with nothing in flight closes the session (idle). */
  readonly receiveWaitMs: number;
  /** Stop after this many sessions; `null`: until accept-next times out. */
  readonly maxSessions: number | null;
  /** Record progress in session state after each completion, and read it after accept. */
  readonly checkpoint: boolean;
  readonly startAtMs: number;
  /** Retries of a named accept refused with SessionCannotBeLocked, `acceptRetryMs` apart. */
  readonly acceptRetries: number;
  readonly acceptRetryMs: number;
  /**
   * Let the Chooser place actions exactly at a deadline and 1 ms either side: when processing ends (lock
   * expiry, the message's TTL, the end of the auto-renewal window), when a manual renewal fires (the last
   * millisecond of the lock, or its expiry instant) and when a probe fires. Absent (files written before
   * it existed) means off.
   */
  readonly boundaryTimes?: boolean;
  /**
   * Probe the broker with extra operations — receive, settle, renew, get/set state, peek, receiveDeferred —
   * at Chooser-picked moments while holding a session, and right after learning the lock was lost; the
   * answers are ignored (the broker's facts record them). Absent means off.
   */
  readonly probes?: boolean;
  /**
   * Remember the messages this consumer deferred, and fetch them by sequence number (receiveDeferred, T9)
   * when the session goes idle while it holds it again, then settle them by its policy. Absent means off.
   */
  readonly fetchDeferred?: boolean;
}

export const CONSUMER_DEFAULTS: Omit<ConsumerSpec, 'id' | 'entity'> = {
  sessions: 'next',
  receiveMode: 'peekLock',
  batch: 1,
  concurrency: 1,
  processingMs: [100, 100],
  outcomes: ['complete'],
  rules: [],
  stallMs: 70_000,
  renewal: { kind: 'auto', maxDurationMs: 300_000 },
  receiveWaitMs: 60_000,
  maxSessions: null,
  checkpoint: false,
  startAtMs: 0,
  acceptRetries: 3,
  acceptRetryMs: 1_000,
  boundaryTimes: false,
  probes: false,
  fetchDeferred: false,
};

export function withConsumerDefaults(partial: Partial<ConsumerSpec> & { id: string; entity: string }): ConsumerSpec {
  return { ...CONSUMER_DEFAULTS, ...partial };
}

type Phase = 'idle' | 'accepting' | 'holding' | 'closing' | 'done' | 'crashed';

interface Pending {
  readonly op:
    'accept' | 'receive' | 'settle' | 'renew' | 'close' | 'getState' | 'setState' | 'fetchDeferred' | 'probe';
  readonly epoch: number;
  readonly seq?: number;
  readonly probe?: ProbeKind;
}

interface InFlight {
  readonly message: ReceivedMessage;
  readonly outcome: Outcome | null;
  readonly durationMs: number;
  /** Fetched by sequence number: settled like any other, but never remembered for fetching again. */
  readonly fromDeferred?: boolean;
}

/** The extra operations a probing consumer makes (`probes`). */
export type ProbeKind =
  'receive' | 'complete' | 'deadLetter' | 'renew' | 'getState' | 'setState' | 'peek' | 'receiveDeferred';
export const PROBE_KINDS: readonly ProbeKind[] = [
  'receive',
  'complete',
  'deadLetter',
  'renew',
  'getState',
  'setState',
  'peek',
  'receiveDeferred',
];

export interface ConsumerContext {
  readonly self: ActorId;
  readonly spec: ConsumerSpec;
  readonly entityActor: ActorId;
  /** Whether the entity requires sessions (a session receiver) or not (a plain receiver). */
  readonly sessionful: boolean;
  readonly phase: Phase;
  readonly reqId: number;
  readonly pending: Readonly<Record<number, Pending>>;
  /** Counts sessions accepted; replies from an earlier session's epoch are stale and ignored. */
  readonly epoch: number;
  readonly sessionId: string | null;
  readonly sessionActor: ActorId | null;
  readonly token: string | null;
  readonly lockedUntilMs: number;
  readonly acceptedAtMs: number;
  readonly inflight: Readonly<Record<number, InFlight>>;
  readonly receiving: boolean;
  readonly named: readonly string[];
  readonly retries: number;
  readonly lastCheckpoint: string | null;
  readonly sessionActorFor: (sessionId: string) => ActorId;
  /** `fetchDeferred`: the sequence numbers this consumer deferred, by session, not yet fetched. */
  readonly deferredSeqs: Readonly<Record<string, readonly number[]>>;
  /** The last message this consumer received: what a settle probe aims at. */
  readonly lastSeq: number | null;
  /** `probes`: a probe timer is set. */
  readonly probeArmed: boolean;
}

export interface ConsumerInput {
  readonly self: ActorId;
  readonly spec: ConsumerSpec;
  readonly entityActor: ActorId;
  readonly sessionful: boolean;
  readonly sessionActorFor: (sessionId: string) => ActorId;
}

type Patch = { -readonly [K in keyof ConsumerContext]?: ConsumerContext[K] };
interface Step {
  patch: Patch;
  fx: Effect[];
}

const RENEW_KEY = 'renew';
const PROBE_KEY = 'probe';

/** A deadline the consumer knows of: its session lock's, the end of its auto-renewal window, a message's TTL. */
type Deadline = 'lockedUntil' | 'windowEnd' | 'expiresAt';

interface Instants {
  readonly labels: string[];
  readonly times: number[];
}

function deadlineOf(ctx: ConsumerContext, d: Deadline, expiresAtMs: number | null): number | null {
  const r = ctx.spec.renewal;
  switch (d) {
    case 'lockedUntil':
      return ctx.sessionful && ctx.lockedUntilMs > 0 ? ctx.lockedUntilMs : null;
    case 'windowEnd':
      return ctx.sessionful && r.kind === 'auto' && r.maxDurationMs > 0 ? ctx.acceptedAtMs + r.maxDurationMs : null;
    case 'expiresAt':
      return expiresAtMs;
  }
}

/**
 * Each deadline at each offset (ms), named `lockedUntil-1`, `lockedUntil`, `lockedUntil+1`…, added to
 * `into`; instants already past are left out. Races at a deadline are found by construction (§2.5, §4).
 */
function addInstants(
  ctx: ConsumerContext,
  nowMs: number,
  deadlines: readonly Deadline[],
  offsets: readonly number[],
  expiresAtMs: number | null,
  into: Instants,
): Instants {
  for (const d of deadlines) {
    const at = deadlineOf(ctx, d, expiresAtMs);
    if (at === null) continue;
    for (const o of offsets) {
      if (at + o < nowMs) continue;
      into.labels.push(o === 0 ? d : `${d}${o > 0 ? '+' : ''}${o}`);
      into.times.push(at + o);
    }
  }
  return into;
}

function chooseTiming(ctx: ConsumerContext, purpose: 'finish' | 'renew' | 'probe', seq: number, at: Instants): Effect {
  return {
    type: 'fx.choose',
    name: `${purpose}At:${ctx.self}`,
    options: at.labels,
    event: { type: 'consumer.timingChosen', purpose, seq, options: at.labels, times: at.times, choice: 0 },
  };
}

/** The SDK's `calculateRenewAfterDuration`: renew at `remaining - min(remaining / 2, 10 s)` (sdk-api §1.2). */
export function autoRenewDelayMs(remainingMs: number): number {
  if (remainingMs < 1000) return 0;
  return remainingMs - Math.min(remainingMs / 2, 10_000);
}

function request(
  ctx: ConsumerContext,
  to: ActorId,
  body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>,
  pending: Omit<Pending, 'epoch'>,
  patch: Patch,
): Effect {
  const reqId = (patch.reqId ?? ctx.reqId) + 1;
  patch.reqId = reqId;
  patch.pending = { ...(patch.pending ?? ctx.pending), [reqId]: { ...pending, epoch: patch.epoch ?? ctx.epoch } };
  return { type: 'fx.send', to, event: { ...body, from: ctx.self, reqId } as ClientRequest };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function fact(f: Extract<Effect, { type: 'fx.fact' }>['fact']): Effect {
  return { type: 'fx.fact', fact: f };
}

function beginAccept(ctx: ConsumerContext): Step {
  const patch: Patch = {
    phase: 'accepting',
    sessionId: null,
    sessionActor: null,
    token: null,
    inflight: {},
    receiving: false,
  };
  if (!ctx.sessionful) {
    // A plain receiver needs no session: it receives from the entity straight away.
    const holding = { ...ctx, ...patch, phase: 'holding' as const, epoch: ctx.epoch + 1 };
    const pump = pumpReceive(holding, { phase: 'holding', epoch: ctx.epoch + 1, inflight: {}, receiving: false });
    return pump;
  }
  const limit = ctx.spec.maxSessions;
  if (limit !== null && ctx.epoch >= limit) return { patch: { ...patch, phase: 'done' }, fx: [cancelRenew()] };
  let sessionId: string | null = null;
  if (ctx.spec.sessions !== 'next') {
    const [first, ...rest] = ctx.named;
    if (first === undefined) return { patch: { ...patch, phase: 'done' }, fx: [cancelRenew()] };
    sessionId = first;
    patch.named = rest;
  }
  const fx = [
    request(
      ctx,
      ctx.entityActor,
      { type: 'req.accept', sessionId, mode: ctx.spec.receiveMode },
      { op: 'accept' },
      patch,
    ),
  ];
  return { patch, fx };
}

function cancelRenew(): Effect {
  return { type: 'fx.cancel', key: RENEW_KEY };
}

/** Ask for more messages when nothing is being received and a handler slot is free. */
function pumpReceive(ctx: ConsumerContext, patch: Patch): Step {
  const c = { ...ctx, ...patch };
  const busy = Object.keys(c.inflight).length;
  if (c.phase !== 'holding' || c.receiving || busy >= c.spec.concurrency) return { patch, fx: [] };
  const max = Math.min(c.spec.batch, c.spec.concurrency - busy);
  const to = c.sessionful ? (c.sessionActor ?? '') : c.entityActor;
  const fx = [
    request(
      c,
      to,
      { type: 'req.receive', token: c.token, max, waitMs: c.spec.receiveWaitMs, mode: c.spec.receiveMode },
      { op: 'receive' },
      patch,
    ),
  ];
  patch.receiving = true;
  return { patch, fx };
}

function armRenewal(ctx: ConsumerContext, nowMs: number): Effect[] {
  const r = ctx.spec.renewal;
  if (ctx.spec.receiveMode !== 'peekLock' || !ctx.sessionful) return [];
  if (r.kind === 'manual') {
    const every = { labels: ['every'], times: [nowMs + r.everyMs] };
    // The last millisecond of the lock, and the instant it expires (T10: a lost lock cannot be renewed).
    if (
      ctx.spec.boundaryTimes === true &&
      addInstants(ctx, nowMs, ['lockedUntil'], [-1, 0], null, every).labels.length > 1
    )
      return [chooseTiming(ctx, 'renew', 0, every)];
    return [{ type: 'fx.timer', key: RENEW_KEY, atMs: nowMs + r.everyMs, event: { type: 'consumer.renewTick' } }];
  }
  if (r.kind === 'auto' && r.maxDurationMs > 0) {
    const windowEnd = ctx.acceptedAtMs + r.maxDurationMs;
    if (nowMs >= windowEnd || ctx.lockedUntilMs >= windowEnd) return [];
    return [
      {
        type: 'fx.timer',
        key: RENEW_KEY,
        atMs: nowMs + autoRenewDelayMs(ctx.lockedUntilMs - nowMs),
        event: { type: 'consumer.renewTick' },
      },
    ];
  }
  return [];
}

/**
 * `probes`: pick when to probe the session just accepted or renewed — not at all, soon, halfway to the
 * lock's expiry, or (with `boundaryTimes`) at the lock's expiry or the end of the renewal window, ±1 ms.
 */
function armProbe(ctx: ConsumerContext, nowMs: number): Effect[] {
  if (ctx.spec.probes !== true || !ctx.sessionful || ctx.token === null || ctx.sessionActor === null) return [];
  const half = Math.max(1, Math.floor((ctx.lockedUntilMs - nowMs) / 2));
  const at: Instants = { labels: ['none', 'soon', 'halfway'], times: [-1, nowMs + 1, nowMs + half] };
  if (ctx.spec.boundaryTimes === true) addInstants(ctx, nowMs, ['lockedUntil', 'windowEnd'], [-1, 0, 1], null, at);
  return [chooseTiming(ctx, 'probe', 0, at)];
}

/** `probes`: right after learning the lock is lost, perhaps one more operation under the lost lock (§2.5). */
function probeAfterLoss(ctx: ConsumerContext): Effect[] {
  if (ctx.spec.probes !== true || ctx.token === null || ctx.sessionActor === null || ctx.sessionId === null) return [];
  const options = ['none', ...PROBE_KINDS];
  return [
    {
      type: 'fx.choose',
      name: `probeAfterLoss:${ctx.self}`,
      options,
      event: {
        type: 'consumer.probeChosen',
        token: ctx.token,
        sessionActor: ctx.sessionActor,
        sessionId: ctx.sessionId,
        options,
        choice: 0,
      },
    },
  ];
}

/**
 * One probe: an operation under `target`'s token whose answer is ignored (onProbeReply), except that
 * messages it receives are processed like any others. A settle probe never aims at a message a handler
 * of this session is still processing.
 */
function sendProbe(
  ctx: ConsumerContext,
  kind: string,
  target: { readonly token: string; readonly sessionActor: ActorId; readonly sessionId: string },
): Step {
  const token = target.token;
  const seq = ctx.lastSeq ?? 1;
  let body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>;
  switch (kind) {
    case 'receive':
      body = { type: 'req.receive', token, max: 1, waitMs: 0, mode: ctx.spec.receiveMode };
      break;
    case 'complete':
    case 'deadLetter':
      if (token === ctx.token && ctx.inflight[seq]) return { patch: {}, fx: [] };
      body =
        kind === 'complete'
          ? { type: 'req.settle', token, seq, action: 'complete' }
          : {
              type: 'req.settle',
              token,
              seq,
              action: 'deadLetter',
              reason: 'Probe',
              description: 'dead-lettered by a probe',
            };
      break;
    case 'renew':
      body = { type: 'req.renew', token };
      break;
    case 'getState':
      body = { type: 'req.getState', token };
      break;
    case 'setState':
      body = { type: 'req.setState', token, value: `probe:${ctx.self}` };
      break;
    case 'peek':
      body = { type: 'req.peek', token, fromSeq: 0, max: 10 };
      break;
    case 'receiveDeferred':
      body = { type: 'req.receiveDeferred', token, seqs: [ctx.deferredSeqs[target.sessionId]?.[0] ?? seq] };
      break;
    default:
      return { patch: {}, fx: [] };
  }
  const patch: Patch = {};
  return { patch, fx: [request(ctx, target.sessionActor, body, { op: 'probe', probe: kind as ProbeKind }, patch)] };
}

function onProbeReply(
  ctx: ConsumerContext,
  p: Pending,
  event: Extract<ConsumerEvent, { type: 'reply' }>,
  nowMs: number,
  patch: Patch,
): Step {
  if (!event.ok || p.epoch !== ctx.epoch || ctx.phase !== 'holding') return { patch, fx: [] };
  const r = event.result;
  if (r.kind === 'renewed') return { patch: { ...patch, lockedUntilMs: r.lockedUntilMs }, fx: [] };
  if (r.kind !== 'received' || r.messages.length === 0) return { patch, fx: [] };
  // What a probe received is a real delivery under this lock: it is processed like any other.
  const fx: Effect[] = [];
  const fromDeferred = p.probe === 'receiveDeferred';
  if (fromDeferred)
    patch.deferredSeqs = withoutDeferred(
      ctx,
      r.messages.map((m) => m.seq),
    );
  for (const m of r.messages) fx.push(...startProcessing({ ...ctx, ...patch }, m, nowMs, patch, fromDeferred));
  return { patch, fx };
}

function withoutDeferred(ctx: ConsumerContext, seqs: readonly number[]): Readonly<Record<string, readonly number[]>> {
  const id = ctx.sessionId;
  if (id === null) return ctx.deferredSeqs;
  return { ...ctx.deferredSeqs, [id]: (ctx.deferredSeqs[id] ?? []).filter((s) => !seqs.includes(s)) };
}

/** `fetchDeferred`: ask for the next deferred message of the session held, by sequence number (T9). */
function fetchNext(ctx: ConsumerContext, patch: Patch): Step | null {
  const c = { ...ctx, ...patch };
  if (c.spec.fetchDeferred !== true || !c.sessionful || c.phase !== 'holding') return null;
  if (c.token === null || c.sessionActor === null || c.sessionId === null) return null;
  const seq = c.deferredSeqs[c.sessionId]?.[0];
  if (seq === undefined) return null;
  const fx = [
    request(
      c,
      c.sessionActor,
      { type: 'req.receiveDeferred', token: c.token, seqs: [seq] },
      { op: 'fetchDeferred', seq },
      patch,
    ),
  ];
  patch.receiving = true;
  return { patch, fx };
}

/** A fetch answered (or refused with MessageNotFound; an expired one comes back empty): process, fetch on. */
function afterFetch(
  ctx: ConsumerContext,
  seq: number,
  messages: readonly ReceivedMessage[],
  nowMs: number,
  patch: Patch,
): Step {
  const next: Patch = { ...patch, receiving: false, deferredSeqs: withoutDeferred(ctx, [seq]) };
  const fx: Effect[] = [];
  for (const m of messages) fx.push(...startProcessing({ ...ctx, ...next }, m, nowMs, next, true));
  const more = fetchNext(ctx, next);
  if (more) return { patch: more.patch, fx: [...fx, ...more.fx] };
  const pumped = pumpReceive({ ...ctx, ...next }, next);
  return { patch: pumped.patch, fx: [...fx, ...pumped.fx] };
}

/** The session is gone from under us (lock lost): drop in-flight work and move on. */
function lost(ctx: ConsumerContext, _nowMs: number): Step {
  const next = beginAccept({ ...ctx, inflight: {}, receiving: false });
  return { patch: next.patch, fx: [cancelRenew(), ...cancelProcessing(ctx), ...next.fx] };
}

function cancelProcessing(ctx: ConsumerContext): Effect[] {
  return Object.keys(ctx.inflight).map((seq) => ({ type: 'fx.cancel' as const, key: `process:${seq}` }));
}

function close(ctx: ConsumerContext, cause: 'close' | 'crash' | 'detach'): Step {
  const patch: Patch = { phase: cause === 'crash' ? 'crashed' : 'closing', inflight: {}, receiving: false };
  const fx: Effect[] = [cancelRenew(), ...cancelProcessing(ctx)];
  if (ctx.spec.probes === true) {
    // A closed receiver makes no more calls: its probe goes with it.
    fx.push({ type: 'fx.cancel', key: PROBE_KEY });
    patch.probeArmed = false;
  }
  if (cause === 'crash') fx.push(fact({ kind: 'crashed', consumer: ctx.self }));
  if (ctx.sessionful && ctx.token !== null && ctx.sessionActor !== null) {
    fx.push(request(ctx, ctx.sessionActor, { type: 'req.close', token: ctx.token, cause }, { op: 'close' }, patch));
  } else if (cause !== 'crash') {
    return beginAcceptAfter(ctx, patch, fx);
  }
  return { patch, fx };
}

function beginAcceptAfter(ctx: ConsumerContext, patch: Patch, fx: Effect[]): Step {
  const next = beginAccept({ ...ctx, ...patch });
  return { patch: { ...patch, ...next.patch }, fx: [...fx, ...next.fx] };
}

function chooseOutcome(ctx: ConsumerContext, m: ReceivedMessage): Outcome | readonly Outcome[] {
  for (const rule of ctx.spec.rules) {
    if (rule.messageId !== undefined && rule.messageId !== m.messageId) continue;
    if (rule.sessionId !== undefined && rule.sessionId !== m.sessionId) continue;
    if (rule.belowDeliveryCount !== undefined && m.deliveryCount >= rule.belowDeliveryCount) continue;
    return rule.outcome;
  }
  const options =
    ctx.spec.receiveMode === 'receiveAndDelete'
      ? ctx.spec.outcomes.filter((o) => o === 'crash' || o === 'close' || o === 'complete')
      : ctx.spec.outcomes;
  return options.length === 1 ? (options[0] ?? 'complete') : options.length === 0 ? 'complete' : options;
}

/** Start handling one received message: pick its outcome and duration (Chooser), then set its timer. */
function startProcessing(
  ctx: ConsumerContext,
  m: ReceivedMessage,
  nowMs: number,
  patch: Patch,
  fromDeferred = false,
): Effect[] {
  const entry: InFlight = fromDeferred
    ? { message: m, outcome: null, durationMs: 0, fromDeferred }
    : { message: m, outcome: null, durationMs: 0 };
  const inflight = { ...(patch.inflight ?? ctx.inflight), [m.seq]: entry };
  patch.inflight = inflight;
  patch.lastSeq = m.seq;
  const picked = chooseOutcome(ctx, m);
  if (typeof picked === 'string') return afterOutcome({ ...ctx, ...patch }, m.seq, picked, nowMs, patch);
  return [
    {
      type: 'fx.choose',
      name: `outcome:${ctx.self}`,
      options: picked,
      event: { type: 'consumer.outcomeChosen', seq: m.seq, options: picked, choice: 0 },
    },
  ];
}

function afterOutcome(ctx: ConsumerContext, seq: number, outcome: Outcome, nowMs: number, patch: Patch): Effect[] {
  const f = ctx.inflight[seq];
  if (!f) return [];
  patch.inflight = { ...(patch.inflight ?? ctx.inflight), [seq]: { ...f, outcome } };
  if (outcome === 'stall') return startTimer({ ...ctx, ...patch }, seq, ctx.spec.stallMs, nowMs, patch);
  if (ctx.spec.boundaryTimes === true) {
    // Finish exactly at a deadline or 1 ms either side, or (`range`) after a duration as usual.
    const at = addInstants(ctx, nowMs, ['lockedUntil', 'expiresAt', 'windowEnd'], [-1, 0, 1], f.message.expiresAtMs, {
      labels: ['range'],
      times: [-1],
    });
    if (at.labels.length > 1) return [chooseTiming(ctx, 'finish', seq, at)];
  }
  return chooseDuration(ctx, seq, nowMs, patch);
}

/** Processing takes a Chooser-picked duration in `processingMs`. */
function chooseDuration(ctx: ConsumerContext, seq: number, nowMs: number, patch: Patch): Effect[] {
  const [min, max] = ctx.spec.processingMs;
  if (min >= max) return startTimer({ ...ctx, ...patch }, seq, min, nowMs, patch);
  return [
    {
      type: 'fx.chooseInt',
      name: `duration:${ctx.self}`,
      min,
      max,
      event: { type: 'consumer.durationChosen', seq, choice: min },
    },
  ];
}

function startTimer(ctx: ConsumerContext, seq: number, durationMs: number, nowMs: number, patch: Patch): Effect[] {
  const f = ctx.inflight[seq];
  if (!f) return [];
  patch.inflight = { ...(patch.inflight ?? ctx.inflight), [seq]: { ...f, durationMs } };
  return [
    fact({
      kind: 'processingStarted',
      entity: ctx.spec.entity,
      consumer: ctx.self,
      session: ctx.sessionId,
      seq,
      durationMs,
    }),
    { type: 'fx.timer', key: `process:${seq}`, atMs: nowMs + durationMs, event: { type: 'consumer.processed', seq } },
  ];
}

function finishProcessing(ctx: ConsumerContext, seq: number, _nowMs: number): Step {
  const f = ctx.inflight[seq];
  if (!f || ctx.phase !== 'holding') return { patch: {}, fx: [] };
  const outcome = f.outcome ?? 'complete';
  const fx: Effect[] = [
    fact({
      kind: 'processed',
      entity: ctx.spec.entity,
      consumer: ctx.self,
      session: ctx.sessionId,
      seq,
      messageId: f.message.messageId,
      outcome,
    }),
  ];
  if (outcome === 'crash') {
    const out = close(ctx, 'crash');
    return { patch: out.patch, fx: [...fx, ...out.fx] };
  }
  if (outcome === 'close') {
    const out = close(ctx, 'close');
    return { patch: out.patch, fx: [...fx, ...out.fx] };
  }
  const patch: Patch = {};
  if (ctx.spec.receiveMode === 'receiveAndDelete') {
    const inflight = { ...ctx.inflight };
    delete inflight[seq];
    patch.inflight = inflight;
    const pumped = pumpReceive(ctx, patch);
    return { patch: pumped.patch, fx: [...fx, ...pumped.fx] };
  }
  const action = outcome === 'stall' ? 'complete' : outcome;
  const to = ctx.sessionful ? (ctx.sessionActor ?? '') : ctx.entityActor;
  const token = ctx.sessionful ? ctx.token : f.message.lockToken;
  if (ctx.spec.checkpoint && ctx.sessionful && token !== null && action === 'complete') {
    // Record progress first, then complete (the session-state idiom, §5): if the lock was lost while
    // handling, the write is refused and the next holder resumes from the last good checkpoint.
    const value = `done:${seq}`;
    patch.lastCheckpoint = value;
    fx.push(request(ctx, to, { type: 'req.setState', token, value }, { op: 'setState' }, patch));
  }
  fx.push(
    request(
      ctx,
      to,
      {
        type: 'req.settle',
        token,
        seq,
        action,
        ...(action === 'deadLetter'
          ? { reason: 'HandlerRejected', description: 'dead-lettered by the consumer policy' }
          : {}),
      },
      { op: 'settle', seq },
      patch,
    ),
  );
  return { patch, fx };
}

function onReply(ctx: ConsumerContext, event: Extract<ConsumerEvent, { type: 'reply' }>, nowMs: number): Step {
  const p = ctx.pending[event.reqId];
  if (!p) return { patch: {}, fx: [] };
  const pending = { ...ctx.pending };
  delete pending[event.reqId];
  const base: Patch = { pending };
  const c: ConsumerContext = { ...ctx, pending };
  if (p.op === 'probe') return onProbeReply(c, p, event, nowMs, base);
  if (p.epoch !== ctx.epoch && p.op !== 'accept') return { patch: base, fx: [] };
  if (!event.ok) return onError(c, p, event.error, nowMs, base);
  return onResult(c, p, event.result, nowMs, base);
}

function onError(ctx: ConsumerContext, p: Pending, error: BrokerError, nowMs: number, patch: Patch): Step {
  if (p.op === 'accept') {
    if (
      error.code === 'SessionCannotBeLocked' &&
      ctx.spec.sessions !== 'next' &&
      ctx.retries < ctx.spec.acceptRetries
    ) {
      const retried = ctx.named.length === 0 ? [] : ctx.named;
      const current = ctx.spec.sessions[ctx.spec.sessions.length - ctx.named.length - 1];
      return {
        patch: {
          ...patch,
          retries: ctx.retries + 1,
          named: current === undefined ? retried : [current, ...retried],
          phase: 'accepting',
        },
        fx: [
          { type: 'fx.timer', key: 'retry', atMs: nowMs + ctx.spec.acceptRetryMs, event: { type: 'consumer.retry' } },
        ],
      };
    }
    if (ctx.spec.sessions === 'next' || error.code !== 'SessionCannotBeLocked') {
      if (ctx.spec.sessions === 'next') return { patch: { ...patch, phase: 'done' }, fx: [] };
    }
    // Give up on this named session; try the next one.
    return beginAcceptAfter(ctx, { ...patch, retries: 0 }, []);
  }
  if (p.op === 'close') return beginAcceptAfter(ctx, patch, []);
  if (error.code === 'SessionLockLost') {
    const out = lost({ ...ctx, ...patch }, nowMs);
    return { patch: { ...patch, ...out.patch }, fx: [...out.fx, ...probeAfterLoss(ctx)] };
  }
  if (p.op === 'fetchDeferred') return afterFetch(ctx, p.seq ?? -1, [], nowMs, patch);
  if (p.op === 'settle' && p.seq !== undefined) {
    // A plain receiver whose message lock expired: the message is gone from this handler.
    const inflight = { ...ctx.inflight };
    delete inflight[p.seq];
    return pumpReceive({ ...ctx, ...patch, inflight }, { ...patch, inflight });
  }
  if (p.op === 'receive') return pumpReceive({ ...ctx, ...patch, receiving: false }, { ...patch, receiving: false });
  return { patch, fx: [] };
}

function onResult(ctx: ConsumerContext, p: Pending, result: ReplyResult, nowMs: number, patch: Patch): Step {
  switch (result.kind) {
    case 'accepted': {
      const epoch = ctx.epoch + 1;
      const holding: Patch = {
        ...patch,
        phase: 'holding',
        epoch,
        retries: 0,
        sessionId: result.sessionId,
        sessionActor: ctx.sessionActorFor(result.sessionId),
        token: result.token,
        lockedUntilMs: result.lockedUntilMs,
        acceptedAtMs: nowMs,
        inflight: {},
        receiving: false,
      };
      if (ctx.spec.probes === true) holding.probeArmed = false;
      const c = { ...ctx, ...holding };
      const fx: Effect[] = [...armRenewal(c, nowMs), ...armProbe(c, nowMs)];
      if (ctx.spec.checkpoint)
        fx.push(
          request(c, c.sessionActor ?? '', { type: 'req.getState', token: result.token }, { op: 'getState' }, holding),
        );
      const pumped = pumpReceive({ ...c, ...holding }, holding);
      return { patch: pumped.patch, fx: [...fx, ...pumped.fx] };
    }
    case 'received': {
      if (p.op === 'fetchDeferred') return afterFetch(ctx, p.seq ?? -1, result.messages, nowMs, patch);
      const next: Patch = { ...patch, receiving: false };
      if (result.messages.length === 0) {
        if (Object.keys(ctx.inflight).length > 0) return { patch: next, fx: [] };
        // Before going idle, fetch what this consumer deferred in the session (T9).
        const fetch = fetchNext(ctx, next);
        if (fetch) return fetch;
        // Idle: nothing arrived within the wait (SessionIdleTimeout closes the session, §9).
        if (!ctx.sessionful) return { patch: { ...next, phase: 'done' }, fx: [] };
        const out = close({ ...ctx, ...next }, 'close');
        return { patch: { ...next, ...out.patch }, fx: out.fx };
      }
      const fx: Effect[] = [];
      for (const m of result.messages) fx.push(...startProcessing({ ...ctx, ...next }, m, nowMs, next));
      const pumped = pumpReceive({ ...ctx, ...next }, next);
      return { patch: pumped.patch, fx: [...fx, ...pumped.fx] };
    }
    case 'settled': {
      const inflight = { ...ctx.inflight };
      const seq = p.seq ?? -1;
      const f = inflight[seq];
      delete inflight[seq];
      const next: Patch = { ...patch, inflight };
      if (ctx.spec.fetchDeferred === true && f?.outcome === 'defer' && !f.fromDeferred && ctx.sessionId !== null) {
        // Remember it, to fetch it by sequence number later (a fetched one is not fetched again).
        next.deferredSeqs = { ...ctx.deferredSeqs, [ctx.sessionId]: [...(ctx.deferredSeqs[ctx.sessionId] ?? []), seq] };
      }
      return pumpReceive({ ...ctx, ...next }, next);
    }
    case 'renewed': {
      const c = { ...ctx, ...patch, lockedUntilMs: result.lockedUntilMs };
      const fx = armRenewal(c, nowMs);
      if (!ctx.probeArmed) fx.push(...armProbe(c, nowMs));
      return { patch: { ...patch, lockedUntilMs: result.lockedUntilMs }, fx };
    }
    case 'closed':
      return ctx.phase === 'closing' ? beginAcceptAfter(ctx, patch, []) : { patch, fx: [] };
    case 'state':
      return { patch: { ...patch, lastCheckpoint: result.value }, fx: [] };
    case 'stateSet':
    case 'sent':
    case 'peeked':
      return { patch, fx: [] };
  }
}

/** A Chooser-picked moment (`boundaryTimes`, `probes`): set the timer it names. */
function onTiming(
  ctx: ConsumerContext,
  e: Extract<ConsumerEvent, { type: 'consumer.timingChosen' }>,
  nowMs: number,
): Step {
  const at = e.times[e.choice] ?? -1;
  const patch: Patch = {};
  switch (e.purpose) {
    case 'finish':
      return {
        patch,
        fx: at < 0 ? chooseDuration(ctx, e.seq, nowMs, patch) : startTimer(ctx, e.seq, at - nowMs, nowMs, patch),
      };
    case 'renew':
      if (at < 0 || ctx.phase !== 'holding') return { patch, fx: [] };
      return { patch, fx: [{ type: 'fx.timer', key: RENEW_KEY, atMs: at, event: { type: 'consumer.renewTick' } }] };
    case 'probe': {
      const { token, sessionActor, sessionId } = ctx;
      if (at < 0 || ctx.phase !== 'holding' || token === null || sessionActor === null || sessionId === null)
        return { patch, fx: [] };
      return {
        patch: { probeArmed: true },
        fx: [
          {
            type: 'fx.timer',
            key: PROBE_KEY,
            atMs: at,
            event: { type: 'consumer.probe', token, sessionActor, sessionId },
          },
        ],
      };
    }
  }
}

function handle(ctx: ConsumerContext, event: ConsumerEvent): Step {
  const nowMs = nowOf(event);
  if (ctx.phase === 'crashed' || ctx.phase === 'done') return { patch: {}, fx: [] };
  switch (event.type) {
    case 'consumer.start':
    case 'consumer.retry':
      return beginAccept(ctx);
    case 'reply':
      return onReply(ctx, event, nowMs);
    case 'consumer.outcomeChosen': {
      const patch: Patch = {};
      const outcome = (event.options[event.choice] ?? 'complete') as Outcome;
      return { patch, fx: afterOutcome(ctx, event.seq, outcome, nowMs, patch) };
    }
    case 'consumer.durationChosen': {
      const patch: Patch = {};
      return { patch, fx: startTimer(ctx, event.seq, event.choice, nowMs, patch) };
    }
    case 'consumer.processed':
      return finishProcessing(ctx, event.seq, nowMs);
    case 'consumer.timingChosen':
      return onTiming(ctx, event, nowMs);
    case 'consumer.probe': {
      const options = PROBE_KINDS;
      const { token, sessionActor, sessionId } = event;
      return {
        patch: { probeArmed: false },
        fx: [
          {
            type: 'fx.choose',
            name: `probe:${ctx.self}`,
            options,
            event: { type: 'consumer.probeChosen', token, sessionActor, sessionId, options, choice: 0 },
          },
        ],
      };
    }
    case 'consumer.probeChosen':
      return sendProbe(ctx, event.options[event.choice] ?? 'none', event);
    case 'consumer.renewTick': {
      if (ctx.phase !== 'holding' || ctx.token === null || ctx.sessionActor === null) return { patch: {}, fx: [] };
      const patch: Patch = {};
      return {
        patch,
        fx: [request(ctx, ctx.sessionActor, { type: 'req.renew', token: ctx.token }, { op: 'renew' }, patch)],
      };
    }
    case 'fault.crash':
      return close(ctx, 'crash');
    case 'fault.detach': {
      // The link drops under the consumer: the broker releases the lock; the consumer finds out on its next call.
      if (!ctx.sessionful || ctx.token === null || ctx.sessionActor === null) return { patch: {}, fx: [] };
      const patch: Patch = {};
      return {
        patch,
        fx: [
          request(
            ctx,
            ctx.sessionActor,
            { type: 'req.close', token: ctx.token, cause: 'detach' },
            { op: 'close' },
            patch,
          ),
        ],
      };
    }
  }
}

const phaseIs =
  (phase: Phase) =>
  ({ context }: { context: ConsumerContext }) =>
    context.phase === phase;

export const consumerMachine = setup({
  types: {
    context: {} as ConsumerContext,
    events: {} as ConsumerEvent,
    input: {} as ConsumerInput,
    emitted: {} as Effect,
  },
  actions: {
    apply: enqueueActions(({ context, event, enqueue }) => {
      enqueueStep(enqueue, handle(context, event));
    }),
    scheduleStart: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'fx.timer', key: 'start', atMs: context.spec.startAtMs, event: { type: 'consumer.start' } });
    }),
  },
  guards: {
    accepting: phaseIs('accepting'),
    holding: phaseIs('holding'),
    closing: phaseIs('closing'),
    done: phaseIs('done'),
    crashed: phaseIs('crashed'),
  },
}).createMachine({
  id: 'consumer',
  context: ({ input }) => ({
    self: input.self,
    spec: input.spec,
    entityActor: input.entityActor,
    sessionful: input.sessionful,
    sessionActorFor: input.sessionActorFor,
    phase: 'idle',
    reqId: 0,
    pending: {},
    epoch: 0,
    sessionId: null,
    sessionActor: null,
    token: null,
    lockedUntilMs: 0,
    acceptedAtMs: 0,
    inflight: {},
    receiving: false,
    named: input.spec.sessions === 'next' ? [] : input.spec.sessions,
    retries: 0,
    lastCheckpoint: null,
    deferredSeqs: {},
    lastSeq: null,
    probeArmed: false,
  }),
  initial: 'idle',
  on: { '*': { actions: 'apply' } },
  // The phase is decided by the pure handler; the statechart mirrors it so traces and inspectors show it.
  always: [
    { guard: 'crashed', target: '.crashed' },
    { guard: 'done', target: '.done' },
  ],
  states: {
    idle: {
      entry: 'scheduleStart',
      always: [
        { guard: 'accepting', target: 'accepting' },
        { guard: 'holding', target: 'holding' },
      ],
    },
    accepting: {
      always: [
        { guard: 'holding', target: 'holding' },
        { guard: 'closing', target: 'closing' },
      ],
    },
    holding: {
      always: [
        { guard: 'accepting', target: 'accepting' },
        { guard: 'closing', target: 'closing' },
      ],
    },
    closing: {
      always: [
        { guard: 'accepting', target: 'accepting' },
        { guard: 'holding', target: 'holding' },
      ],
    },
    // Not final: a finished consumer stays addressable, so late replies are delivered and ignored.
    done: {},
    crashed: {},
  },
});
