/**
 * A consumer: a session receiver driven by a policy. It accepts a named session or the next available
 * one, receives up to N messages, processes each for a chosen virtual duration, settles it by its
 * policy (complete, abandon, defer, dead-letter, crash, close without settling, stall past the lock),
 * renews the lock (none, manual, or SDK-style auto-renew up to a window), closes the session when idle,
 * and accepts the next. On a non-session entity it is a plain competing receiver instead.
 *
 * The consumer only knows what the broker tells it: it learns of a lost lock when an operation fails
 * with SessionLockLost (§2.5), as the SDK does.
 *
 * The chart: `idle → accepting → holding → closing → accepting | done`, `crashed` from anywhere. While
 * `holding`, two regions run side by side: `receiver` (`ready ⇄ receiving`: one receive in flight at a
 * time, each received message handled on its own timer) and `renewal` (`off | scheduled ⇄ renewing`).
 * A lost lock (§2.5) sends it back to `accepting`; a named session refused with SessionCannotBeLocked
 * (§2.2) waits in `accepting.backingOff` while retries are left. Replies are told apart by the request
 * they answer (the `answered` / `refused` guards); a reply to a request of an earlier session is stale.
 */
import { and, assertEvent, setup } from 'xstate';
import type {
  ActorId,
  ClientRequest,
  ConsumerEvent,
  Effect,
  ReceivedMessage,
  ReceiveMode,
  ReleaseCause,
} from './events.ts';
import { nowOf } from './events.ts';
import type { Enqueue } from './step.ts';
import { actionsFor, enqueueStep } from './step.ts';

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
  /** The SDK's auto-renewal (§2.4, J6), for at most `maxDurationMs` after accept; 0 disables it. */
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

type Op = 'accept' | 'receive' | 'settle' | 'renew' | 'close' | 'getState' | 'setState' | 'fetchDeferred' | 'probe';

interface Pending {
  readonly reqId: number;
  readonly op: Op;
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

/** The consumer's data. Where it is in its life (accepting, holding, …) is the chart's state, not a field. */
export interface ConsumerContext {
  readonly self: ActorId;
  readonly spec: ConsumerSpec;
  readonly entityActor: ActorId;
  /** Whether the entity requires sessions (a session receiver) or not (a plain receiver). */
  readonly sessionful: boolean;
  readonly reqId: number;
  /** The requests awaiting their reply, oldest first (a handful at most). */
  readonly pending: readonly Pending[];
  /** Counts sessions accepted; replies from an earlier session's epoch are stale and ignored. */
  readonly epoch: number;
  readonly sessionId: string | null;
  readonly sessionActor: ActorId | null;
  readonly token: string | null;
  readonly lockedUntilMs: number;
  readonly acceptedAtMs: number;
  readonly inflight: Readonly<Record<number, InFlight>>;
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

/** Raised by the consumer itself when a handler slot may have come free: ask for more if nothing is asked. */
interface PumpEvent {
  readonly type: 'consumer.pump';
}
type Event = ConsumerEvent | PumpEvent;

type Patch = { -readonly [K in keyof ConsumerContext]?: ConsumerContext[K] };
interface Step {
  patch: Patch;
  fx: Effect[];
}

const RENEW_KEY = 'renew';
const PROBE_KEY = 'probe';

// ---------------------------------------------------------------------------------------------------
// Pure helpers: what a named action computes. Each returns a patch and the effects, in order.

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

/** The SDK's `calculateRenewAfterDuration`: renew at `remaining - min(remaining / 2, 10 s)` (§2.4, J6). */
export function autoRenewDelayMs(remainingMs: number): number {
  if (remainingMs < 1000) return 0;
  return remainingMs - Math.min(remainingMs / 2, 10_000);
}

function request(
  ctx: ConsumerContext,
  to: ActorId,
  body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>,
  pending: Omit<Pending, 'epoch' | 'reqId'>,
  patch: Patch,
): Effect {
  const reqId = (patch.reqId ?? ctx.reqId) + 1;
  patch.reqId = reqId;
  const entry: Pending = { reqId, op: pending.op, epoch: patch.epoch ?? ctx.epoch };
  if (pending.seq !== undefined) (entry as { seq?: number }).seq = pending.seq;
  if (pending.probe !== undefined) (entry as { probe?: ProbeKind }).probe = pending.probe;
  patch.pending = (patch.pending ?? ctx.pending).concat(entry);
  // `body` is always a literal made for this request: it becomes the request itself (from and reqId last,
  // as the trace prints them), without a copy.
  const event = body as Record<string, unknown>;
  event.from = ctx.self;
  event.reqId = reqId;
  return { type: 'fx.send', to, event: event as unknown as ClientRequest };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Send one request and remember it pending, with whatever else the action puts in `patch`. */
function enqueueRequest(
  enqueue: Enqueue<ConsumerContext>,
  ctx: ConsumerContext,
  to: ActorId,
  body: DistributiveOmit<ClientRequest, 'from' | 'reqId'>,
  pending: Omit<Pending, 'epoch' | 'reqId'>,
  patch: Patch = {},
): void {
  const req = request(ctx, to, body, pending, patch);
  enqueueStep(enqueue, { patch, fx: [req] });
}

function fact(f: Extract<Effect, { type: 'fx.fact' }>['fact']): Effect {
  return { type: 'fx.fact', fact: f };
}

const none = (): Step => ({ patch: {}, fx: [] });

/** A handler slot is free (`concurrency`, maxConcurrentCalls; §9). */
function slotFree(ctx: ConsumerContext): boolean {
  return handlersBusy(ctx) < ctx.spec.concurrency;
}

/** How many handlers are processing a message. */
function handlersBusy(ctx: ConsumerContext): number {
  let busy = 0;
  for (const _ in ctx.inflight) busy++;
  return busy;
}

/**
 * How a reply relates to what the consumer asked (the request it answers is `pendingOf`): a probe's
 * answer, stale (an earlier session's), a lost lock, or this session's answer or refusal. Null for any
 * other event. Asked by every reply guard, so it allocates nothing.
 */
type AnswerKind = 'probe' | 'stale' | 'lockLost' | 'answered' | 'refused';

function answerOf(ctx: ConsumerContext, event: Event): AnswerKind | null {
  if (event.type !== 'reply') return null;
  const p = pendingFor(ctx, event.reqId);
  if (!p) return null;
  if (p.op === 'probe') return 'probe';
  // An accept opens the next epoch, so its own answer is never stale.
  if (p.epoch !== ctx.epoch && p.op !== 'accept') return 'stale';
  if (event.ok) return 'answered';
  // Accept and close failures have their own handling; any other operation refused with SessionLockLost
  // means the session is gone (§2.5).
  if (p.op !== 'accept' && p.op !== 'close' && event.error.code === 'SessionLockLost') return 'lockLost';
  return 'refused';
}

/** The request a reply answers (the actions run before the reply's request is forgotten). */
function pendingOf(ctx: ConsumerContext, event: Event): Pending | undefined {
  return event.type === 'reply' ? pendingFor(ctx, event.reqId) : undefined;
}

function pendingFor(ctx: ConsumerContext, reqId: number): Pending | undefined {
  for (const p of ctx.pending) if (p.reqId === reqId) return p;
  return undefined;
}

function messagesOf(event: Event): readonly ReceivedMessage[] {
  return event.type === 'reply' && event.ok && event.result.kind === 'received' ? event.result.messages : [];
}

/** What `armRenewal` would set for a session accepted at `acceptedAtMs` and locked until `lockedUntilMs`. */
function plansRenewal(ctx: ConsumerContext, acceptedAtMs: number, lockedUntilMs: number, nowMs: number): boolean {
  const r = ctx.spec.renewal;
  if (ctx.spec.receiveMode !== 'peekLock' || !ctx.sessionful) return false;
  if (r.kind === 'manual') return true;
  if (r.kind === 'auto' && r.maxDurationMs > 0) {
    const windowEnd = acceptedAtMs + r.maxDurationMs;
    return nowMs < windowEnd && lockedUntilMs < windowEnd;
  }
  return false;
}

function armRenewal(ctx: ConsumerContext, nowMs: number): Effect[] {
  if (!plansRenewal(ctx, ctx.acceptedAtMs, ctx.lockedUntilMs, nowMs)) return [];
  const r = ctx.spec.renewal;
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
  return [
    {
      type: 'fx.timer',
      key: RENEW_KEY,
      atMs: nowMs + autoRenewDelayMs(ctx.lockedUntilMs - nowMs),
      event: { type: 'consumer.renewTick' },
    },
  ];
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
 * One probe: an operation under `target`'s token whose answer is ignored, except that messages it
 * receives are processed like any others. A settle probe never aims at a message a handler of this
 * session is still processing.
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
      if (token === ctx.token && ctx.inflight[seq]) return none();
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
      return none();
  }
  const patch: Patch = {};
  return { patch, fx: [request(ctx, target.sessionActor, body, { op: 'probe', probe: kind as ProbeKind }, patch)] };
}

function withoutDeferred(ctx: ConsumerContext, seqs: readonly number[]): Readonly<Record<string, readonly number[]>> {
  const id = ctx.sessionId;
  if (id === null) return ctx.deferredSeqs;
  return { ...ctx.deferredSeqs, [id]: (ctx.deferredSeqs[id] ?? []).filter((s) => !seqs.includes(s)) };
}

/** `fetchDeferred`: the next message this consumer deferred in the session it holds, if any (T9). */
function nextDeferred(ctx: ConsumerContext, deferredSeqs: ConsumerContext['deferredSeqs']): number | undefined {
  if (ctx.spec.fetchDeferred !== true || !ctx.sessionful) return undefined;
  if (ctx.token === null || ctx.sessionActor === null || ctx.sessionId === null) return undefined;
  return deferredSeqs[ctx.sessionId]?.[0];
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
      // The processing time is asked with the outcome (one delivery for both decisions) whenever it is a
      // plain duration; a stall has its own length, and boundary times are asked after the outcome.
      ...(ctx.spec.boundaryTimes === true ? {} : { then: picked.map((o) => durationQuestion(ctx, o)) }),
    },
  ];
}

/** The duration question `chooseDuration` would ask after this outcome, or null when it asks none. */
function durationQuestion(ctx: ConsumerContext, outcome: Outcome): { name: string; min: number; max: number } | null {
  const [min, max] = ctx.spec.processingMs;
  return outcome === 'stall' || min >= max ? null : { name: `duration:${ctx.self}`, min, max };
}

/** Handle each of `messages`: every receipt is a delivery to this consumer (§3.4). */
function startAll(
  ctx: ConsumerContext,
  messages: readonly ReceivedMessage[],
  nowMs: number,
  patch: Patch,
  fromDeferred = false,
): Step {
  const fx: Effect[] = [];
  for (const m of messages) fx.push(...startProcessing({ ...ctx, ...patch }, m, nowMs, patch, fromDeferred));
  return { patch, fx };
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

/** The outcome and the processing time were chosen together: the handler's timer is set at once. */
function startWithDuration(
  ctx: ConsumerContext,
  seq: number,
  outcome: Outcome,
  durationMs: number,
  nowMs: number,
  patch: Patch,
): Effect[] {
  const f = ctx.inflight[seq];
  if (!f) return [];
  patch.inflight = { ...(patch.inflight ?? ctx.inflight), [seq]: { ...f, outcome } };
  return startTimer({ ...ctx, ...patch }, seq, durationMs, nowMs, patch);
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

function withoutHandler(ctx: ConsumerContext, seq: number): ConsumerContext['inflight'] {
  const inflight = { ...ctx.inflight };
  delete inflight[seq];
  return inflight;
}

function timingAt(e: Extract<Event, { type: 'consumer.timingChosen' }>): number {
  return e.times[e.choice] ?? -1;
}

// ---------------------------------------------------------------------------------------------------
// The chart

type GuardRef = string | { type: string; params: Record<string, unknown> };
type ActionRef = string | { type: string; params: Record<string, unknown> };
/**
 * A transition built by the helpers below. Typed `never` so that it fits any event's transition list:
 * XState's types cannot follow guard and action names through a helper; test/models/consumer.test.ts
 * checks that every name the chart uses is implemented.
 */
type TransitionConfig = never;

/** All of `guards` (none: always). */
function all(guards: readonly GuardRef[]): unknown {
  if (guards.length === 0) return undefined;
  if (guards.length === 1) return guards[0];
  return and(guards as never);
}

function branch(
  guards: readonly GuardRef[],
  target: string | undefined,
  actions: readonly ActionRef[],
): TransitionConfig {
  const guard = all(guards);
  const config = {
    ...(guard === undefined ? {} : { guard }),
    ...(target === undefined ? {} : { target }),
    actions,
  };
  return config as never;
}

/**
 * Move on to the next session: `before`, then the accept (or the end), then `after`. With `maxSessions`
 * reached or the named sessions used up the consumer is done; otherwise it asks to accept (T2, T3). Only
 * a session receiver gets here: a plain receiver never accepts, backs off, closes or loses a session lock.
 */
function toNextSession(
  guards: readonly GuardRef[],
  before: readonly ActionRef[],
  after: readonly ActionRef[] = [],
): TransitionConfig[] {
  return [
    branch([...guards, 'noSessionLeft'], '#consumer.done', [...before, 'stopRenewal', ...after, 'clearSession']),
    branch(guards, '#consumer.accepting', [...before, 'requestAccept', ...after, 'clearSession']),
  ];
}

/** A plain receiver needs no session: `before`, then straight back to receiving, in a new epoch (§8). */
function toPlainReceiving(guards: readonly GuardRef[], before: readonly ActionRef[]): TransitionConfig {
  return branch([...guards, 'plainReceiver'], '#consumer.holding', [
    ...before,
    'beginPlainReceiving',
    'askForMessages',
  ]);
}

/**
 * Close the receiver while holding (T12: the broker releases the lock and gives the locked messages back
 * at once); a plain receiver holds no session and goes straight back to receiving.
 */
function closeReceiver(guards: readonly GuardRef[], before: readonly ActionRef[]): TransitionConfig[] {
  const stop: ActionRef[] = [...before, 'stopRenewal', 'stopHandlers', 'disarmProbe'];
  return [
    branch([...guards, 'holdsSession'], '#consumer.closing', [
      ...stop,
      { type: 'requestClose', params: { cause: 'close' } },
    ]),
    toPlainReceiving(guards, stop),
  ];
}

/** A crash (the process dies): the broker hears of it as a close with cause `crash` (§2.6). */
function crash(guards: readonly GuardRef[], before: readonly ActionRef[]): TransitionConfig[] {
  const stop: ActionRef[] = [...before, 'stopRenewal', 'stopHandlers', 'disarmProbe', 'recordCrash'];
  return [
    branch([...guards, 'holdsSession'], '#consumer.crashed', [
      ...stop,
      { type: 'requestClose', params: { cause: 'crash' } },
    ]),
    branch(guards, '#consumer.crashed', stop),
  ];
}

const answered = (op: Op): GuardRef => ({ type: 'answered', params: { op } });
const refused = (op: Op): GuardRef => ({ type: 'refused', params: { op } });

/**
 * Replies to the receive, settle, fetch and renew requests of a session the consumer has just given up
 * (closing it, or accepting the next while they were in flight): handled as while holding, except that
 * nothing new is asked for. Receives and renewals are never refused but for a lost lock (root `lockLost`).
 */
const LATE_SESSION_REPLIES: TransitionConfig[] = [
  branch([answered('receive')], undefined, ['takeMessages', 'forgetRequest']),
  branch([answered('fetchDeferred')], undefined, ['takeFetched', 'forgetRequest']),
  branch([refused('fetchDeferred')], undefined, ['takeFetched', 'forgetRequest']),
  branch([answered('settle')], undefined, ['settleDone', 'forgetRequest']),
  branch([refused('settle')], undefined, ['dropHandler', 'forgetRequest']),
  branch([answered('renew')], undefined, ['extendLock', 'armRenewal', 'armProbeIfUnarmed', 'forgetRequest']),
];

/** An accept answered: hold the session, renew and probe as the policy says, read the checkpoint, receive (T2, T3). */
const TAKE_SESSION: readonly ActionRef[] = [
  'takeSession',
  'armRenewal',
  'armProbe',
  'readCheckpoint',
  'forgetRequest',
  'askForMessages',
];

/** An empty receive with no handler left: the session is over (§9). */
const RECEIVED_NOTHING: readonly GuardRef[] = [answered('receive'), 'receivedNothing'];

/**
 * Not final: a finished consumer stays addressable, so late events are delivered and ignored. Only the
 * events that can still arrive are listed: a Chooser answer arrives in the state that asked for it, and
 * no transition into `done` or `crashed` asks for an outcome, a duration or a moment.
 */
const IGNORE_LATE_EVENTS = {
  reply: {},
  'fault.crash': {},
  'fault.detach': {},
};
/**
 * A lost lock may end the consumer with a probe timer set, and probe once more under the lost lock (a
 * crash cancels the probe timer). A retry timer runs only while backing off, which ends in an accept or
 * a crash, never in `done`.
 */
const IGNORE_WHEN_DONE = {
  ...IGNORE_LATE_EVENTS,
  'consumer.probe': {},
  'consumer.probeChosen': {},
};
const IGNORE_WHEN_CRASHED = { ...IGNORE_LATE_EVENTS, 'consumer.retry': {} };

const { patch, act } = actionsFor<ConsumerContext, Event>();

export const consumerMachine = setup({
  types: {
    context: {} as ConsumerContext,
    events: {} as Event,
    input: {} as ConsumerInput,
    emitted: {} as Effect,
  },
  guards: {
    /** The reply answers a request of this session (or an accept) with a result (§2, §3). */
    answered: ({ context, event }, params: { op: Op }) =>
      answerOf(context, event) === 'answered' && pendingOf(context, event)?.op === params.op,
    /** The reply refuses a request of this session (or an accept), not for a lost lock (§2.2, §3.3, §2.7, J1). */
    refused: ({ context, event }, params: { op: Op }) =>
      answerOf(context, event) === 'refused' && pendingOf(context, event)?.op === params.op,
    /** An operation under the session lock failed with SessionLockLost: the session is gone (§2.5, T11). */
    lockLost: ({ context, event }) => answerOf(context, event) === 'lockLost',
    /** The reply answers a request made for an earlier session: it no longer counts (§2.5). */
    staleAnswer: ({ context, event }) => answerOf(context, event) === 'stale',
    /** The reply answers a probe: the broker's facts record it; the consumer takes no decision on it. */
    probeAnswered: ({ context, event }) => answerOf(context, event) === 'probe',
    /** A probe of the session held renewed its lock (T10). */
    probeRenewed: ({ context, event }) => {
      return (
        answerOf(context, event) === 'probe' &&
        pendingOf(context, event)?.epoch === context.epoch &&
        event.type === 'reply' &&
        event.ok &&
        event.result.kind === 'renewed'
      );
    },
    /** A probe of the session held received messages: real deliveries under this lock (T4, T9). */
    probeReceived: ({ context, event }) =>
      answerOf(context, event) === 'probe' &&
      pendingOf(context, event)?.epoch === context.epoch &&
      messagesOf(event).length > 0,
    /** The receive came back empty: nothing arrived within its wait (§9). */
    receivedNothing: ({ event }) =>
      event.type === 'reply' && event.ok && event.result.kind === 'received' && event.result.messages.length === 0,
    /** Some handler is still processing a message. */
    handlersBusy: ({ context }) => handlersBusy(context) > 0,
    /** A handler slot is free (`concurrency`, maxConcurrentCalls; §9). */
    handlerSlotFree: ({ context }) => slotFree(context),
    /** `fetchDeferred`: a message this consumer deferred in the session held is waiting to be fetched (T9). */
    deferredToFetch: ({ context }) => nextDeferred(context, context.deferredSeqs) !== undefined,
    /** `fetchDeferred`: after the fetch answered, another deferred message is waiting (T9). */
    moreDeferredAfterFetch: ({ context, event }) =>
      nextDeferred(context, withoutDeferred(context, [pendingOf(context, event)?.seq ?? -1])) !== undefined,
    /** The entity does not require sessions: a plain competing receiver (§8). */
    plainReceiver: ({ context }) => !context.sessionful,
    /** `maxSessions` reached, or every named session tried: nothing left to accept. */
    noSessionLeft: ({ context }) => {
      const limit = context.spec.maxSessions;
      if (limit !== null && context.epoch >= limit) return true;
      return context.spec.sessions !== 'next' && context.named.length === 0;
    },
    /** The consumer holds a session lock token it can close, renew or detach under (T10, T12). */
    holdsSession: ({ context }) => context.sessionful && context.token !== null && context.sessionActor !== null,
    /** A named accept refused with SessionCannotBeLocked, retries left: try again later (T2, §2.2). */
    acceptRetryLeft: ({ context, event }) =>
      event.type === 'reply' &&
      !event.ok &&
      event.error.code === 'SessionCannotBeLocked' &&
      context.spec.sessions !== 'next' &&
      context.retries < context.spec.acceptRetries,
    /** The consumer accepts the next available session: a failed accept-next ends it (T3, §2.3). */
    acceptsNext: ({ context }) => context.spec.sessions === 'next',
    /** The policy renews the session just accepted (manual, or auto within its window; §2.4, J6). */
    renewsAfterAccept: ({ context, event }) =>
      event.type === 'reply' &&
      event.ok &&
      event.result.kind === 'accepted' &&
      plansRenewal(context, nowOf(event), event.result.lockedUntilMs, nowOf(event)),
    /** The policy renews again after this renewal (manual, or auto within its window; §2.4, J6). */
    renewsAfterRenewal: ({ context, event }) =>
      event.type === 'reply' &&
      event.ok &&
      event.result.kind === 'renewed' &&
      plansRenewal(context, context.acceptedAtMs, event.result.lockedUntilMs, nowOf(event)),
    /** The message is still being handled here (not given up with its session). */
    handlerRunning: ({ context, event }) => event.type === 'consumer.processed' && !!context.inflight[event.seq],
    /** The handler's outcome for the message that finished processing. */
    outcomeIs: ({ context, event }, params: { outcome: Outcome }) =>
      event.type === 'consumer.processed' && (context.inflight[event.seq]?.outcome ?? 'complete') === params.outcome,
    /** ReceiveAndDelete: the message was removed on receipt; there is nothing to settle (T4', §3.1). */
    receiveAndDelete: ({ context }) => context.spec.receiveMode === 'receiveAndDelete',
    /** A chosen moment for the given purpose. */
    timingFor: ({ event }, params: { purpose: 'finish' | 'renew' | 'probe' }) =>
      event.type === 'consumer.timingChosen' && event.purpose === params.purpose,
    /** A renewal moment was chosen (`boundaryTimes`: the lock's last millisecond or its expiry, T10). */
    renewTimeChosen: ({ event }) =>
      event.type === 'consumer.timingChosen' && event.purpose === 'renew' && timingAt(event) >= 0,
    /** A probe moment was chosen for the session held (`probes`). */
    probeTimeChosen: ({ context, event }) =>
      event.type === 'consumer.timingChosen' &&
      event.purpose === 'probe' &&
      timingAt(event) >= 0 &&
      context.token !== null &&
      context.sessionActor !== null &&
      context.sessionId !== null,
  },
  actions: {
    /** The consumer starts at `startAtMs`. */
    scheduleStart: act(({ context, enqueue }) => {
      enqueue.emit({ type: 'fx.timer', key: 'start', atMs: context.spec.startAtMs, event: { type: 'consumer.start' } });
    }),
    /** The reply is in: its request is no longer pending. */
    forgetRequest: patch(({ context, event }) => {
      assertEvent(event, 'reply');
      return { pending: context.pending.filter((p) => p.reqId !== event.reqId) };
    }),
    /** Ask to accept the next named session, or the next available one (T2, T3). */
    requestAccept: act(({ context, enqueue }) => {
      const patch: Patch = {};
      let sessionId: string | null = null;
      if (context.spec.sessions !== 'next') {
        const [first, ...rest] = context.named;
        sessionId = first ?? null;
        patch.named = rest;
      }
      enqueueRequest(
        enqueue,
        context,
        context.entityActor,
        { type: 'req.accept', sessionId, mode: context.spec.receiveMode },
        { op: 'accept' },
        patch,
      );
    }),
    /**
     * No session held any more: forget it and its handlers, in a new epoch — replies still due for requests
     * of the session given up (a second SessionLockLost, a late settle) are stale, never a reason to accept
     * again.
     */
    clearSession: patch(({ context }) => ({
      sessionId: null,
      sessionActor: null,
      token: null,
      inflight: {},
      epoch: context.epoch + 1,
    })),
    /** A plain receiver needs no session: a new epoch of receiving from the entity straight away (§8). */
    beginPlainReceiving: patch(({ context }) => ({ epoch: context.epoch + 1, inflight: {} })),
    /** A handler slot may be free: the receiver asks for more if it is not already asking. */
    askForMessages: act(({ context, enqueue }) => {
      // Only when a slot is free: the pump is taken only then (`handlerSlotFree`), so a pump that could
      // not be taken is not raised at all.
      if (slotFree(context)) enqueue.raise({ type: 'consumer.pump' });
    }),
    /** Receive up to the free handler slots, waiting up to `receiveWaitMs` (T4, T4', §9). */
    requestMessages: act(({ context, enqueue }) => {
      const max = Math.min(context.spec.batch, context.spec.concurrency - handlersBusy(context));
      const to = context.sessionful ? (context.sessionActor ?? '') : context.entityActor;
      enqueueRequest(
        enqueue,
        context,
        to,
        {
          type: 'req.receive',
          token: context.token,
          max,
          waitMs: context.spec.receiveWaitMs,
          mode: context.spec.receiveMode,
        },
        { op: 'receive' },
      );
    }),
    /** Stop renewing: cancel the renewal timer (§2.4, J6). */
    stopRenewal: act(({ enqueue }) => {
      enqueue.emit({ type: 'fx.cancel', key: RENEW_KEY });
    }),
    /** Abandon every handler still processing: their timers are cancelled, their messages forgotten (T11, T12). */
    stopHandlers: act(({ context, enqueue }) => {
      for (const seq of Object.keys(context.inflight)) enqueue.emit({ type: 'fx.cancel', key: `process:${seq}` });
      enqueue.assign({ inflight: {} });
    }),
    /** A closed receiver makes no more calls: its probe goes with it (`probes`). */
    disarmProbe: act(({ context, enqueue }) => {
      if (context.spec.probes !== true) return;
      enqueue.emit({ type: 'fx.cancel', key: PROBE_KEY });
      enqueue.assign({ probeArmed: false });
    }),
    /** The consumer process died (a fault, or a handler outcome `crash`). */
    recordCrash: act(({ context, enqueue }) => {
      enqueue.emit(fact({ kind: 'crashed', consumer: context.self }));
    }),
    /** Close the receiver (`close`), or the link drops (`detach`) or the process dies (`crash`) under it (T12, §2.6). */
    requestClose: act(({ context, enqueue }, params: { cause: ReleaseCause }) => {
      enqueueRequest(
        enqueue,
        context,
        context.sessionActor ?? '',
        { type: 'req.close', token: context.token ?? '', cause: params.cause },
        { op: 'close' },
      );
    }),
    /** `probes`: perhaps one more operation under the lock just lost (§2.5). */
    probeLostSession: act(({ context, enqueue }) => {
      enqueueStep(enqueue, { patch: {}, fx: probeAfterLoss(context) });
    }),
    /** SessionCannotBeLocked on a named session: try the same one again after `acceptRetryMs` (§2.2). */
    backOff: act(({ context, event, enqueue }) => {
      const retried = context.named.length === 0 ? [] : context.named;
      const sessions = context.spec.sessions === 'next' ? [] : context.spec.sessions;
      const current = sessions[sessions.length - context.named.length - 1];
      enqueue.assign({ retries: context.retries + 1, named: current === undefined ? retried : [current, ...retried] });
      enqueue.emit({
        type: 'fx.timer',
        key: 'retry',
        atMs: nowOf(event) + context.spec.acceptRetryMs,
        event: { type: 'consumer.retry' },
      });
    }),
    /** A named session given up: the next one starts with a full set of retries. */
    resetRetries: act(({ enqueue }) => {
      enqueue.assign({ retries: 0 });
    }),
    /** The session is ours: its lock token and deadline (T2, T3); a new epoch. */
    takeSession: act(({ context, event, enqueue }) => {
      assertEvent(event, 'reply');
      if (!event.ok || event.result.kind !== 'accepted') return;
      const r = event.result;
      const patch: Patch = {
        epoch: context.epoch + 1,
        retries: 0,
        sessionId: r.sessionId,
        sessionActor: context.sessionActorFor(r.sessionId),
        token: r.token,
        lockedUntilMs: r.lockedUntilMs,
        acceptedAtMs: nowOf(event),
        inflight: {},
      };
      if (context.spec.probes === true) patch.probeArmed = false;
      enqueue.assign(patch);
    }),
    /** Set the next renewal: manual every `everyMs`, or the SDK's auto-renewal within its window (T10, §2.4, J6). */
    armRenewal: act(({ context, event, enqueue }) => {
      enqueueStep(enqueue, { patch: {}, fx: armRenewal(context, nowOf(event)) });
    }),
    /** `probes`: pick a moment to probe the session just accepted. */
    armProbe: act(({ context, event, enqueue }) => {
      enqueueStep(enqueue, { patch: {}, fx: armProbe(context, nowOf(event)) });
    }),
    /** `probes`: after a renewal, pick a moment to probe unless a probe is already set. */
    armProbeIfUnarmed: act(({ context, event, enqueue }) => {
      if (!context.probeArmed) enqueueStep(enqueue, { patch: {}, fx: armProbe(context, nowOf(event)) });
    }),
    /** `checkpoint`: read the progress the last holder recorded in the session state (T13, §5). */
    readCheckpoint: act(({ context, enqueue }) => {
      if (!context.spec.checkpoint) return;
      enqueueRequest(
        enqueue,
        context,
        context.sessionActor ?? '',
        { type: 'req.getState', token: context.token ?? '' },
        { op: 'getState' },
      );
    }),
    /** `checkpoint`: the progress read from the session state (T13). */
    recordCheckpoint: act(({ event, enqueue }) => {
      assertEvent(event, 'reply');
      if (event.ok && event.result.kind === 'state') enqueue.assign({ lastCheckpoint: event.result.value });
    }),
    /** Handle each received message (T4, T4'). */
    takeMessages: act(({ context, event, enqueue }) => {
      enqueueStep(enqueue, startAll(context, messagesOf(event), nowOf(event), {}));
    }),
    /** A fetch by sequence number answered (an expired or missing one comes back empty): handle what came (T9). */
    takeFetched: act(({ context, event, enqueue }) => {
      const seq = pendingOf(context, event)?.seq ?? -1;
      const patch: Patch = { deferredSeqs: withoutDeferred(context, [seq]) };
      enqueueStep(enqueue, startAll(context, messagesOf(event), nowOf(event), patch, true));
    }),
    /** `fetchDeferred`: fetch the next message this consumer deferred in the session held, by sequence number (T9). */
    fetchDeferred: act(({ context, enqueue }) => {
      const seq = nextDeferred(context, context.deferredSeqs);
      if (seq === undefined) return;
      enqueueRequest(
        enqueue,
        context,
        context.sessionActor ?? '',
        { type: 'req.receiveDeferred', token: context.token ?? '', seqs: [seq] },
        { op: 'fetchDeferred', seq },
      );
    }),
    /** What a probe received is a real delivery under this lock: it is handled like any other (T4, T9). */
    takeProbed: act(({ context, event, enqueue }) => {
      const p = pendingOf(context, event);
      const fromDeferred = p?.probe === 'receiveDeferred';
      const messages = messagesOf(event);
      const patch: Patch = {};
      if (fromDeferred)
        patch.deferredSeqs = withoutDeferred(
          context,
          messages.map((m) => m.seq),
        );
      enqueueStep(enqueue, startAll(context, messages, nowOf(event), patch, fromDeferred));
    }),
    /** The lock's new deadline (T10). */
    extendLock: act(({ event, enqueue }) => {
      assertEvent(event, 'reply');
      if (event.ok && event.result.kind === 'renewed') enqueue.assign({ lockedUntilMs: event.result.lockedUntilMs });
    }),
    /** The message is settled (T5–T8); a deferred one is remembered, to fetch by sequence number later (T9). */
    settleDone: act(({ context, event, enqueue }) => {
      const seq = pendingOf(context, event)?.seq ?? -1;
      const f = context.inflight[seq];
      const patch: Patch = { inflight: withoutHandler(context, seq) };
      if (
        context.spec.fetchDeferred === true &&
        f?.outcome === 'defer' &&
        !f.fromDeferred &&
        context.sessionId !== null
      ) {
        // A fetched one is not remembered again.
        const id = context.sessionId;
        patch.deferredSeqs = { ...context.deferredSeqs, [id]: [...(context.deferredSeqs[id] ?? []), seq] };
      }
      enqueue.assign(patch);
    }),
    /** The message is gone from this handler: settled on receipt (T4'), or its lock lost (a plain receiver, D4). */
    dropHandler: act(({ context, event, enqueue }) => {
      const seq = event.type === 'consumer.processed' ? event.seq : (pendingOf(context, event)?.seq ?? -1);
      enqueue.assign({ inflight: withoutHandler(context, seq) });
    }),
    /** The handler picked the message's outcome (Chooser), then its processing time. */
    applyOutcome: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.outcomeChosen');
      const patch: Patch = {};
      const outcome = (event.options[event.choice] ?? 'complete') as Outcome;
      const fx =
        event.then === undefined
          ? afterOutcome(context, event.seq, outcome, nowOf(event), patch)
          : startWithDuration(context, event.seq, outcome, event.then, nowOf(event), patch);
      enqueueStep(enqueue, { patch, fx });
    }),
    /** Processing takes the chosen duration: its timer is set. */
    startHandlerTimer: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.durationChosen');
      const patch: Patch = {};
      const fx = startTimer(context, event.seq, event.choice, nowOf(event), patch);
      enqueueStep(enqueue, { patch, fx });
    }),
    /** `boundaryTimes`: processing ends at the chosen deadline, or (`range`) after a chosen duration (§2.5, §4). */
    finishAtChosenTime: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.timingChosen');
      const at = timingAt(event);
      const nowMs = nowOf(event);
      const patch: Patch = {};
      const fx =
        at < 0
          ? chooseDuration(context, event.seq, nowMs, patch)
          : startTimer(context, event.seq, at - nowMs, nowMs, patch);
      enqueueStep(enqueue, { patch, fx });
    }),
    /** `boundaryTimes`: renew at the chosen moment (T10). */
    setRenewTimer: act(({ event, enqueue }) => {
      assertEvent(event, 'consumer.timingChosen');
      enqueue.emit({ type: 'fx.timer', key: RENEW_KEY, atMs: timingAt(event), event: { type: 'consumer.renewTick' } });
    }),
    /** `probes`: probe at the chosen moment, under the token held now. */
    setProbeTimer: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.timingChosen');
      const { token, sessionActor, sessionId } = context;
      if (token === null || sessionActor === null || sessionId === null) return;
      enqueue.assign({ probeArmed: true });
      enqueue.emit({
        type: 'fx.timer',
        key: PROBE_KEY,
        atMs: timingAt(event),
        event: { type: 'consumer.probe', token, sessionActor, sessionId },
      });
    }),
    /** Renew the session lock (T10). */
    requestRenewal: act(({ context, enqueue }) => {
      enqueueRequest(
        enqueue,
        context,
        context.sessionActor ?? '',
        { type: 'req.renew', token: context.token ?? '' },
        { op: 'renew' },
      );
    }),
    /** `probes`: the probe timer fired; the Chooser picks the operation. */
    chooseProbe: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.probe');
      const { token, sessionActor, sessionId } = event;
      enqueue.assign({ probeArmed: false });
      enqueue.emit({
        type: 'fx.choose',
        name: `probe:${context.self}`,
        options: PROBE_KINDS,
        event: { type: 'consumer.probeChosen', token, sessionActor, sessionId, options: PROBE_KINDS, choice: 0 },
      });
    }),
    /** `probes`: make the chosen operation under the probe's token; its answer is not acted on. */
    sendProbe: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.probeChosen');
      enqueueStep(enqueue, sendProbe(context, event.options[event.choice] ?? 'none', event));
    }),
    /** The handler finished with the message. */
    recordProcessed: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.processed');
      const f = context.inflight[event.seq];
      if (!f) return;
      enqueue.emit(
        fact({
          kind: 'processed',
          entity: context.spec.entity,
          consumer: context.self,
          session: context.sessionId,
          seq: event.seq,
          messageId: f.message.messageId,
          outcome: f.outcome ?? 'complete',
        }),
      );
    }),
    /**
     * `checkpoint`: record progress in the session state before completing (the session-state idiom, §5):
     * if the lock was lost while handling, the write is refused and the next holder resumes from the
     * last good checkpoint (T13).
     */
    saveCheckpoint: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.processed');
      const f = context.inflight[event.seq];
      const outcome = f?.outcome ?? 'complete';
      const action = outcome === 'stall' ? 'complete' : outcome;
      if (!context.spec.checkpoint || !context.sessionful || context.token === null || action !== 'complete') return;
      const value = `done:${event.seq}`;
      const patch: Patch = { lastCheckpoint: value };
      enqueueRequest(
        enqueue,
        context,
        context.sessionActor ?? '',
        { type: 'req.setState', token: context.token, value },
        { op: 'setState' },
        patch,
      );
    }),
    /** Settle the message by the handler's outcome (T5–T8; a stalled handler completes, too late). */
    settleMessage: act(({ context, event, enqueue }) => {
      assertEvent(event, 'consumer.processed');
      const f = context.inflight[event.seq];
      if (!f) return;
      const outcome = f.outcome ?? 'complete';
      const action = outcome === 'stall' ? 'complete' : (outcome as 'complete' | 'abandon' | 'defer' | 'deadLetter');
      const to = context.sessionful ? (context.sessionActor ?? '') : context.entityActor;
      const token = context.sessionful ? context.token : f.message.lockToken;
      enqueueRequest(
        enqueue,
        context,
        to,
        {
          type: 'req.settle',
          token,
          seq: event.seq,
          action,
          ...(action === 'deadLetter'
            ? { reason: 'HandlerRejected', description: 'dead-lettered by the consumer policy' }
            : {}),
        },
        { op: 'settle', seq: event.seq },
      );
    }),
  },
}).createMachine({
  id: 'consumer',
  context: ({ input }) => ({
    self: input.self,
    spec: input.spec,
    entityActor: input.entityActor,
    sessionful: input.sessionful,
    sessionActorFor: input.sessionActorFor,
    reqId: 0,
    pending: [],
    epoch: 0,
    sessionId: null,
    sessionActor: null,
    token: null,
    lockedUntilMs: 0,
    acceptedAtMs: 0,
    inflight: {},
    named: input.spec.sessions === 'next' ? [] : input.spec.sessions,
    retries: 0,
    lastCheckpoint: null,
    deferredSeqs: {},
    lastSeq: null,
    probeArmed: false,
  }),
  initial: 'idle',
  // In every state but `done` and `crashed` (which ignore late events).
  on: {
    'fault.crash': crash([], []),
    // The link drops under the consumer: the broker releases the lock; the consumer finds out on its next call.
    'fault.detach': branch(['holdsSession'], undefined, [{ type: 'requestClose', params: { cause: 'detach' } }]),
    'consumer.retry': toNextSession([], []),
    'consumer.outcomeChosen': { actions: 'applyOutcome' },
    'consumer.durationChosen': { actions: 'startHandlerTimer' },
    'consumer.timingChosen': branch([{ type: 'timingFor', params: { purpose: 'finish' } }], undefined, [
      'finishAtChosenTime',
    ]),
    'consumer.probe': { actions: 'chooseProbe' },
    'consumer.probeChosen': { actions: 'sendProbe' },
    reply: [
      branch(['staleAnswer'], undefined, ['forgetRequest']),
      branch(['probeAnswered'], undefined, ['forgetRequest']),
      branch([answered('accept'), 'renewsAfterAccept'], '#consumer.holding.renewal.scheduled', TAKE_SESSION),
      branch([answered('accept')], '#consumer.holding', TAKE_SESSION),
      branch([refused('accept'), 'acceptRetryLeft'], '#consumer.accepting.backingOff', ['backOff', 'forgetRequest']),
      branch([refused('accept'), 'acceptsNext'], '#consumer.done', ['forgetRequest']),
      ...toNextSession([refused('accept')], ['forgetRequest', 'resetRetries']),
      ...toNextSession(['lockLost'], ['forgetRequest', 'stopRenewal', 'stopHandlers'], ['probeLostSession']),
      // getState and setState are refused only for a lost lock (the consumer's checkpoints fit). A close is
      // answered in `closing` (and a detach's close is not answered at all).
      branch([answered('getState')], undefined, ['recordCheckpoint', 'forgetRequest']),
      branch([answered('setState')], undefined, ['forgetRequest']),
    ],
  },
  states: {
    idle: {
      entry: 'scheduleStart',
      on: { 'consumer.start': [toPlainReceiving([], []), ...toNextSession([], [])] },
    },
    accepting: {
      initial: 'requesting',
      // The session given up opened a new epoch (`clearSession`): replies still due for its requests are
      // stale (root `staleAnswer`), so nothing here but the accept's own answer (root) and the retry timer.
      states: {
        /** The accept is in flight (T2, T3). */
        requesting: {},
        /** SessionCannotBeLocked: waiting `acceptRetryMs` to try the named session again (§2.2). */
        backingOff: {},
      },
    },
    holding: {
      type: 'parallel',
      on: {
        reply: [
          branch(['probeRenewed'], undefined, ['extendLock', 'forgetRequest']),
          branch(['probeReceived'], undefined, ['takeProbed', 'forgetRequest']),
        ],
        'consumer.timingChosen': branch(['probeTimeChosen'], undefined, ['setProbeTimer']),
      },
      states: {
        receiver: {
          initial: 'ready',
          on: {
            'consumer.processed': [
              ...crash(['handlerRunning', { type: 'outcomeIs', params: { outcome: 'crash' } }], ['recordProcessed']),
              ...closeReceiver(
                ['handlerRunning', { type: 'outcomeIs', params: { outcome: 'close' } }],
                ['recordProcessed'],
              ),
              branch(['handlerRunning', 'receiveAndDelete'], undefined, [
                'recordProcessed',
                'dropHandler',
                'askForMessages',
              ]),
              branch(['handlerRunning'], undefined, ['recordProcessed', 'saveCheckpoint', 'settleMessage']),
            ],
            reply: [
              branch([answered('receive'), 'receivedNothing', 'handlersBusy'], '.ready', ['forgetRequest']),
              // Before going idle, fetch what this consumer deferred in the session (T9).
              branch([answered('receive'), 'receivedNothing', 'deferredToFetch'], '.receiving', [
                'fetchDeferred',
                'forgetRequest',
              ]),
              // Idle: nothing arrived within the wait (SessionIdleTimeout closes the session, §9).
              branch([answered('receive'), 'receivedNothing', 'plainReceiver'], '#consumer.done', ['forgetRequest']),
              branch([...RECEIVED_NOTHING, 'holdsSession'], '#consumer.closing', [
                'forgetRequest',
                'stopRenewal',
                'stopHandlers',
                'disarmProbe',
                { type: 'requestClose', params: { cause: 'close' } },
              ]),
              branch([answered('receive')], '.ready', ['takeMessages', 'forgetRequest', 'askForMessages']),
              branch([answered('fetchDeferred'), 'moreDeferredAfterFetch'], '.receiving', [
                'takeFetched',
                'fetchDeferred',
                'forgetRequest',
              ]),
              branch([answered('fetchDeferred')], '.ready', ['takeFetched', 'forgetRequest', 'askForMessages']),
              branch([refused('fetchDeferred'), 'moreDeferredAfterFetch'], '.receiving', [
                'takeFetched',
                'fetchDeferred',
                'forgetRequest',
              ]),
              branch([refused('fetchDeferred')], '.ready', ['takeFetched', 'forgetRequest', 'askForMessages']),
              branch([answered('settle')], undefined, ['settleDone', 'forgetRequest', 'askForMessages']),
              branch([refused('settle')], undefined, ['dropHandler', 'forgetRequest', 'askForMessages']),
            ],
          },
          states: {
            /** No receive in flight: ask when a handler slot is free. */
            ready: {
              on: { 'consumer.pump': branch(['handlerSlotFree'], 'receiving', ['requestMessages']) },
            },
            /** A receive (or a fetch by sequence number) is in flight. */
            receiving: {},
          },
        },
        renewal: {
          initial: 'off',
          on: {
            'consumer.renewTick': branch(['holdsSession'], '.renewing', ['requestRenewal']),
            'consumer.timingChosen': branch(['renewTimeChosen'], undefined, ['setRenewTimer']),
            reply: [
              branch([answered('renew'), 'renewsAfterRenewal'], '.scheduled', [
                'extendLock',
                'armRenewal',
                'armProbeIfUnarmed',
                'forgetRequest',
              ]),
              branch([answered('renew')], '.off', ['extendLock', 'armRenewal', 'armProbeIfUnarmed', 'forgetRequest']),
            ],
          },
          states: {
            /** Not renewing: the policy renews no more (none, outside its window, or a renewal failed). */
            off: {},
            /** The next renewal is set (§2.4, J6). */
            scheduled: {},
            /** A renewal is in flight (T10). */
            renewing: {},
          },
        },
      },
    },
    closing: {
      on: {
        // Still under the session's lock token until the close is answered.
        reply: [
          ...toNextSession([answered('close')], ['forgetRequest']),
          branch([...RECEIVED_NOTHING, 'handlersBusy'], undefined, ['forgetRequest']),
          branch([...RECEIVED_NOTHING, 'holdsSession'], '#consumer.closing', [
            'forgetRequest',
            'stopRenewal',
            'stopHandlers',
            'disarmProbe',
            { type: 'requestClose', params: { cause: 'close' } },
          ]),
          ...LATE_SESSION_REPLIES,
        ],
      },
    },
    done: { on: IGNORE_WHEN_DONE },
    crashed: { on: IGNORE_WHEN_CRASHED },
  },
});
