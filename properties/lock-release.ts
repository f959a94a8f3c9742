/**
 * Lock release (liveness).
 *
 * Rule: a session lock does not outlive its deadline, and a holder that goes away frees it as the
 * switches say. For every lock granted (`accepted`), with its deadline `lockedUntil` moved by each
 * `lockRenewed` of its token:
 *  1. once the trace reaches a time past the deadline (plus the bound below), the lock must have ended
 *     — a `lockReleased` or `lockExpired` of its token (T11); and a run that went quiet (nothing in
 *     flight, no timer pending but the background expiry tick) must leave no lock held at all, whatever
 *     the time, since nothing could ever end it any more;
 *  2. a close by the holder that reaches the broker while the lock is still valid releases it within
 *     the same step (T12): a `req.close` for `close` or a link `detach`, and for a `crash` too when the
 *     switch `crashSemantics` is `'release'` (§2.6);
 *  3. with `crashSemantics: 'lockExpiry'` the broker never hears of a crash: the crashed holder's lock
 *     runs out at its deadline, so it must not be released with cause `crash`.
 *
 * Bound: the deadline is the `lockedUntil` the broker stated at the accept or the last renewal, but never
 * later than the entity's `lockDurationMs` after that accept or renewal (T2, T10: `lockedUntil = now +
 * LD`; a broker that hands out more lock time than configured is caught here); the lock must be gone
 * once the trace passes it by more than `networkDelayMaxMs`. The model needs no allowance — timers fire
 * in time order, so the expiry due at the deadline fires before virtual time moves past it — but a
 * broker whose internal hand-offs travel like client messages may take that long, and no longer, as in
 * accept-progress. When the run hit the step bound (`hitBound`) only the in-run checks apply.
 *
 * Faults: every check applies under crash, detach and lost renewals — they are exactly the cases the
 * rule is about: a lost renewal lets the lock run out at its deadline, a detach releases at once, a crash
 * does one or the other per `crashSemantics`. Message locks of entities without sessions are not judged.
 *
 * Source: docs/semantics.md §1 T10, T11, T12, §2.4 (lock duration, renewal), §2.5 (lock
 * expiry), §2.6 (close, crash; switch `crashSemantics`), §13 — [D1], [D4], [N1], [I:asb#410],
 * [I:js#1050].
 */
import { Namer, entityConfigs, factsOf, ms, sentMessages, tokenKey, violation } from './oracle.ts';
import type { StepEvent } from './trace-steps.ts';
import { QUIESCENT, entityOf, stepsOf } from './trace-steps.ts';
import type { Property, Violation } from './types.ts';

const ID = 'lock-release';

interface Lock {
  readonly entity: string;
  readonly session: string;
  readonly consumer: string;
  readonly token: string;
  lockedUntilMs: number;
  /** When the deadline was last set: the accept, or the last renewal. */
  setAt: number;
  renewed: boolean;
}

interface Close {
  readonly lock: Lock;
  readonly client: string;
  readonly cause: string;
  readonly t: number;
}

export const lockRelease: Property = {
  id: ID,
  title: 'A session lock ends by its deadline, and at once when its holder closes',
  rule: 'Each lock ends (released or expired) by its deadline — lockedUntil, at most lockDurationMs after its accept or last renewal — plus networkDelayMaxMs, and none is left held when the run goes quiet; a close or detach by the holder (and a crash under crashSemantics release) releases it in the same step; under crashSemantics lockExpiry a crash never releases it (T11, T12, §2.4, §2.5, §2.6; D1, D4).',
  check(run) {
    const w = run.workload;
    const name = new Namer(sentMessages(factsOf(run)), w);
    const configs = entityConfigs(w);
    const entities = [...configs.keys()];
    const toleranceMs = w.networkDelayMaxMs;
    const crashReleases = w.switches.crashSemantics === 'release';
    const live = new Map<string, Lock>();
    const describe = (l: Lock): string =>
      `session lock ${l.token} of ${l.consumer} on session ${name.session(l.entity, l.session)}`;
    const durationMs = (l: Lock): number => configs.get(l.entity)?.lockDurationMs ?? Infinity;
    /** The lock's deadline: what the broker stated, but never later than lockDurationMs after it was set. */
    const until = (l: Lock): number => Math.min(l.lockedUntilMs, l.setAt + durationMs(l));
    const deadline = (l: Lock): string => {
      const how = `its ${l.renewed ? 'last renewal' : 'accept'} at ${ms(l.setAt)}`;
      const duration = `lockDurationMs=${durationMs(l)}ms of ${l.entity}`;
      return l.lockedUntilMs > until(l)
        ? `its deadline ${ms(until(l))} (${duration} after ${how}, although the broker stated lockedUntil ${ms(l.lockedUntilMs)})`
        : `its deadline ${ms(until(l))} (lockedUntil set by ${how}, ${duration})`;
    };

    const overdue = (t: number): Lock | undefined => {
      for (const l of live.values()) if (t - until(l) > toleranceMs) return l;
      return undefined;
    };

    const visit = (e: StepEvent, closes: Close[]): Violation | undefined => {
      if (e.k === 'call') {
        if (e.req.type !== 'req.close') return undefined;
        const entity = entityOf(e.to, entities);
        const l = entity === undefined ? undefined : live.get(tokenKey(entity, e.req.token));
        // Past the deadline the lock is already lost (T11): the close finds nothing to release.
        if (!l || e.t >= until(l)) return undefined;
        if (e.req.cause !== 'crash' || crashReleases)
          closes.push({ lock: l, client: e.client, cause: e.req.cause, t: e.t });
        return undefined;
      }
      if (e.k !== 'fact') return undefined;
      const f = e.fact;
      switch (f.kind) {
        case 'accepted':
          live.set(tokenKey(f.entity, f.token), {
            entity: f.entity,
            session: f.session,
            consumer: f.consumer,
            token: f.token,
            lockedUntilMs: f.lockedUntilMs,
            setAt: e.t,
            renewed: false,
          });
          return undefined;
        case 'lockRenewed': {
          const l = live.get(tokenKey(f.entity, f.token));
          if (l) Object.assign(l, { lockedUntilMs: f.lockedUntilMs, setAt: e.t, renewed: true });
          return undefined;
        }
        case 'lockReleased': {
          const l = live.get(tokenKey(f.entity, f.token));
          live.delete(tokenKey(f.entity, f.token));
          if (f.cause !== 'crash' || crashReleases || !l) return undefined;
          return violation(
            ID,
            `${describe(l)} was released on its holder's crash at ${ms(e.t)}, but with crashSemantics 'lockExpiry' (switch) the broker never hears of a crash: the lock runs out at ${deadline(l)} (§2.6).`,
            e,
          );
        }
        case 'lockExpired':
          if (f.session !== null) live.delete(tokenKey(f.entity, f.token));
          return undefined;
        default:
          return undefined;
      }
    };

    const steps = stepsOf(run.trace);
    for (const step of steps) {
      const late = overdue(step.t);
      if (late) {
        return violation(
          ID,
          `${describe(late)} was still held at ${ms(step.t)}, past ${deadline(late)} by more than networkDelayMaxMs=${toleranceMs}ms (the workload's network delay bound): a session lock that is not renewed expires at its deadline (T11, §2.5).`,
          step,
        );
      }
      const closes: Close[] = [];
      for (const e of step.events) {
        const v = visit(e, closes);
        if (v) return v;
      }
      for (const c of closes) {
        if (!live.has(tokenKey(c.lock.entity, c.lock.token))) continue;
        const why =
          c.cause === 'crash'
            ? "a crash releases the lock like a close when crashSemantics is 'release' (switch, §2.6)"
            : 'close and link detach release the session lock at once (T12, §2.6)';
        return violation(
          ID,
          `${c.client} closed its receiver (${c.cause}) on session ${name.session(c.lock.entity, c.lock.session)} at ${ms(c.t)}, holding session lock ${c.lock.token} before ${deadline(c.lock)}, but the lock was not released in that step: ${why}.`,
          step,
        );
      }
    }
    const last = steps[steps.length - 1];
    const stillHeld = live.values().next();
    if (run.hitBound || stillHeld.done === true || !last) return undefined;
    const l = stillHeld.value;
    return violation(
      ID,
      `${describe(l)} was still held ${QUIESCENT}, at ${ms(run.final.nowMs)} — ${until(l) <= run.final.nowMs ? `past ${deadline(l)}` : `with ${deadline(l)} still ahead but no expiry pending`}: every lock ends, by release or at its deadline (T11, T12).`,
      last,
    );
  },
};
