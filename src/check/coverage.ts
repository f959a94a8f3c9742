/**
 * Named situations: "sometimes" assertions in the spirit of Antithesis and TigerBeetle's coverage
 * marks. A search that never reaches "lock lost mid-handler" has not tested the lock-loss rules, however
 * many runs it made; the check prints which situations were reached, and how often.
 *
 * Most situations read the facts alone. The boundary ones (an operation exactly at a deadline, ±1 ms)
 * also read the calls as they reached the broker, with their virtual times; the ones about the
 * background expiry tick and the auto-renewal window read the workload.
 */
import type { Fact } from '../../models/events.ts';
import type { TraceEvent } from '../trace/types.ts';
import type { Workload } from '../world/workload.ts';

export const SITUATIONS = {
  lockLostMidHandler: 'lock lost mid-handler (settle fails with SessionLockLost)',
  lockExpiryRedelivery: 'lock expiry returns in-flight messages with +1',
  abandonRedelivery: 'abandon redelivery at the head',
  dlqAtMaxDelivery: 'DLQ at max delivery count',
  ttlExpiryWhileLocked: 'TTL passed while locked, expired on release',
  sessionWideExpiry: 'session-wide TTL expiry',
  sessionHandoff: 'session handoff between consumers',
  staleStateWrite: 'stale session-state write refused',
  closeWithUnsettled: 'close with unsettled messages (no increment)',
  crash: 'consumer crash',
  sessionCannotBeLocked: 'accept of a held session refused',
  acceptNextTimeout: 'accept-next timed out',
  renewal: 'session lock renewed',
  deferred: 'message deferred',
  operationAtLockDeadline: "holder's operation at its lock deadline ±1 ms",
  renewalInLastMs: 'lock renewed in its last millisecond',
  settleAtTtl: "settle at the message's TTL ±1 ms",
  operationAtRenewalWindowEnd: 'operation at the end of the auto-renewal window ±1 ms',
  sendAtAcceptTimeout: 'message arrived as accept-next timed out (±1 ms)',
  receiveAfterLockLost: 'receive after the lock was lost refused',
  renewAfterLockLost: 'renewal after the lock was lost refused',
  stateReadAfterLockLost: 'session-state read after the lock was lost refused',
  peekAfterLockLost: 'peek after the lock was lost refused',
  receiveDeferredAfterLockLost: 'receiveDeferred after the lock was lost refused',
  deferredFetched: 'deferred message fetched by sequence number',
  deferredExpired: 'deferred message expired before it was fetched',
  sessionlessRejected: 'message without session id rejected by a session queue',
  sessionlessToSessionSubscription: "message without session id dead-lettered 'Session id is null.'",
  topicMixedSubscriptions: 'topic delivered on both a session and a plain subscription',
  gcTickWithLockedSession: 'background expiry tick while a session was locked',
  gcExpiryBesideLock: 'background tick expired a message of a locked session',
} as const;

export type Situation = keyof typeof SITUATIONS;

/** Refusals after the lock was lost, by the operation refused (settle and setState have their own above). */
const AFTER_LOSS: Readonly<Record<string, Situation>> = {
  receive: 'receiveAfterLockLost',
  renew: 'renewAfterLockLost',
  getState: 'stateReadAfterLockLost',
  peek: 'peekAfterLockLost',
  receiveDeferred: 'receiveDeferredAfterLockLost',
};

const SESSION_ID_NULL = 'Session id is null.';
const SUBSCRIPTIONS = '/Subscriptions/';

/** Within a millisecond of each other: exactly at a deadline, or 1 ms either side. */
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1;

/** The situations one run reached, from its facts (the time-bound situations need situationsOfRun). */
export function situationsOf(facts: readonly Fact[]): Set<Situation> {
  return situationsOfRun({
    trace: facts.map((fact) => ({ k: 'fact' as const, step: 0, t: Number.NaN, actor: '', fact })),
  });
}

/** A held (or last held) session lock: its deadline and, once it ended, when. */
interface Lock {
  readonly entity: string;
  readonly session: string;
  readonly consumer: string;
  readonly fromMs: number;
  deadlineMs: number;
  endMs: number | null;
}

/** The situations one run reached, from its trace (facts and calls) and, where it has one, its workload. */
export function situationsOfRun(run: {
  readonly trace: readonly TraceEvent[];
  readonly workload?: Workload;
}): Set<Situation> {
  const reached = new Set<Situation>();
  const lastHolder = new Map<string, string>();
  const abandoned = new Set<string>();
  /** Locks by `entity/session|token`, and by token alone for the calls (which name the session actor). */
  const locks = new Map<string, Lock>();
  const lockByCall = new Map<string, Lock>();
  const expiresAt = new Map<string, number | null>();
  /** `consumer|seq` → the TTL deadline of the message it holds under that seq. */
  const heldExpiry = new Map<string, number>();
  const everDeferred = new Set<string>();
  const lastSentAt = new Map<string, number>();
  const timedOutAt = new Map<string, number>();
  const topicDeliveries = new Map<string, { session: boolean; plain: boolean }>();
  const acceptedAt = new Map<string, number>();
  const windowMs = renewalWindows(run.workload);
  const gcTickMs = run.workload?.switches.expiryTrigger === 'gcTick' ? run.workload.switches.gcTickMs : null;
  let prev: Fact | undefined;
  let endMs = 0;
  for (const e of run.trace) {
    if (Number.isFinite(e.t)) endMs = e.t;
    if (e.k === 'call') {
      const req = e.req;
      const token = 'token' in req ? req.token : null;
      const lock = token === null ? undefined : lockByCall.get(`${e.to}|${token}`);
      if (lock && lock.endMs === null && near(e.t, lock.deadlineMs)) reached.add('operationAtLockDeadline');
      if (req.type === 'req.settle') {
        const due = heldExpiry.get(`${e.client}|${req.seq}`);
        if (due !== undefined && near(e.t, due)) reached.add('settleAtTtl');
      }
      const window = windowMs.get(e.client);
      const since = acceptedAt.get(e.client);
      if (window !== undefined && since !== undefined && token !== null && near(e.t, since + window))
        reached.add('operationAtRenewalWindowEnd');
      continue;
    }
    if (e.k !== 'fact') continue;
    const f = e.fact;
    const before = prev;
    prev = f;
    switch (f.kind) {
      case 'sent': {
        expiresAt.set(`${f.entity}|${f.seq}`, f.expiresAtMs);
        lastSentAt.set(f.entity, e.t);
        const timedOut = timedOutAt.get(f.entity);
        if (timedOut !== undefined && near(e.t, timedOut)) reached.add('sendAtAcceptTimeout');
        break;
      }
      case 'sendRejected':
        reached.add('sessionlessRejected');
        break;
      case 'opFailed':
        if (f.code === 'SessionLockLost' && f.op === 'settle') reached.add('lockLostMidHandler');
        if (f.code === 'SessionLockLost' && f.op === 'setState') reached.add('staleStateWrite');
        if (f.code === 'SessionLockLost' && AFTER_LOSS[f.op] !== undefined) reached.add(AFTER_LOSS[f.op] as Situation);
        break;
      case 'requeued': {
        const key = `${f.session}#${f.seq}`;
        if (f.cause === 'lockExpired') reached.add('lockExpiryRedelivery');
        if (f.cause === 'close') reached.add('closeWithUnsettled');
        if (f.cause === 'abandon') abandoned.add(key);
        break;
      }
      case 'delivered': {
        const key = `${f.session}#${f.seq}`;
        if (abandoned.has(key)) {
          reached.add('abandonRedelivery');
          abandoned.delete(key);
        }
        if (f.deferred) reached.add('deferredFetched');
        const due = expiresAt.get(`${f.entity}|${f.seq}`);
        if (due !== undefined && due !== null) heldExpiry.set(`${f.consumer}|${f.seq}`, due);
        const at = f.entity.indexOf(SUBSCRIPTIONS);
        if (at > 0) {
          const topic = f.entity.slice(0, at);
          const seen = topicDeliveries.get(topic) ?? { session: false, plain: false };
          if (f.session === null) seen.plain = true;
          else seen.session = true;
          topicDeliveries.set(topic, seen);
          if (seen.plain && seen.session) reached.add('topicMixedSubscriptions');
        }
        break;
      }
      case 'deadLettered':
        if (f.reason === 'MaxDeliveryCountExceeded') reached.add('dlqAtMaxDelivery');
        if (f.reason === SESSION_ID_NULL) reached.add('sessionlessToSessionSubscription');
        break;
      case 'expired':
        if (f.rule === 'session') reached.add('sessionWideExpiry');
        // Released and expired in one breath: its TTL passed while it was locked (D2).
        if (before?.kind === 'requeued' && before.session === f.session && before.seq === f.seq)
          reached.add('ttlExpiryWhileLocked');
        if (everDeferred.has(`${f.entity}|${f.seq}`)) reached.add('deferredExpired');
        if (gcTickMs !== null && f.session !== null && e.t > 0 && e.t % gcTickMs === 0) {
          for (const lock of locks.values())
            if (lock.entity === f.entity && lock.session === f.session && lock.endMs === null && lock.fromMs < e.t)
              reached.add('gcExpiryBesideLock');
        }
        break;
      case 'accepted': {
        const key = `${f.entity}/${f.session}`;
        const holder = lastHolder.get(key);
        if (holder !== undefined && holder !== f.consumer) reached.add('sessionHandoff');
        lastHolder.set(key, f.consumer);
        const lock: Lock = {
          entity: f.entity,
          session: f.session,
          consumer: f.consumer,
          fromMs: e.t,
          deadlineMs: f.lockedUntilMs,
          endMs: null,
        };
        locks.set(`${key}|${f.token}`, lock);
        lockByCall.set(`session:${key}|${f.token}`, lock);
        acceptedAt.set(f.consumer, e.t);
        break;
      }
      case 'lockRenewed': {
        reached.add('renewal');
        const lock = locks.get(`${f.entity}/${f.session}|${f.token}`);
        if (lock) {
          if (e.t === lock.deadlineMs - 1) reached.add('renewalInLastMs');
          lock.deadlineMs = f.lockedUntilMs;
        }
        break;
      }
      case 'lockReleased':
      case 'lockExpired': {
        const lock = locks.get(`${f.entity}/${f.session ?? ''}|${f.token}`);
        if (lock && lock.endMs === null) {
          lock.endMs = e.t;
          if (gcTickMs !== null && tickWithin(gcTickMs, lock.fromMs, e.t)) reached.add('gcTickWithLockedSession');
        }
        break;
      }
      case 'acceptFailed':
        if (f.code === 'SessionCannotBeLocked') reached.add('sessionCannotBeLocked');
        if (f.code === 'ServiceTimeout') {
          reached.add('acceptNextTimeout');
          timedOutAt.set(f.entity, e.t);
          const sent = lastSentAt.get(f.entity);
          if (sent !== undefined && near(e.t, sent)) reached.add('sendAtAcceptTimeout');
        }
        break;
      case 'crashed':
        reached.add('crash');
        break;
      case 'settled':
        if (f.action === 'defer') {
          reached.add('deferred');
          everDeferred.add(`${f.entity}|${f.seq}`);
        }
        break;
      default:
        break;
    }
  }
  // Locks still held when the run ended saw the ticks up to then.
  if (gcTickMs !== null) {
    for (const lock of locks.values())
      if (lock.endMs === null && tickWithin(gcTickMs, lock.fromMs, endMs)) reached.add('gcTickWithLockedSession');
  }
  return reached;
}

/** A background tick (at every multiple of `tickMs`) fell strictly inside (fromMs, toMs). */
function tickWithin(tickMs: number, fromMs: number, toMs: number): boolean {
  const next = (Math.floor(fromMs / tickMs) + 1) * tickMs;
  return next < toMs;
}

/** Each consumer's auto-renewal window, by consumer actor id. */
function renewalWindows(workload: Workload | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of workload?.consumers ?? []) {
    if (c.renewal.kind === 'auto' && c.renewal.maxDurationMs > 0) out.set(`consumer:${c.id}`, c.renewal.maxDurationMs);
  }
  return out;
}
