/**
 * Accept progress (liveness).
 *
 * Rule: an accept that waits is granted as soon as there is something to grant. Accept-next (a
 * `req.accept` with no session id) waits only while no session of its entity is *available* —
 * unlocked, with an active message that is neither deferred nor expired, and, with the switch
 * `sessionWideExpiry` on, no expired active message (see availability.ts); a named accept that waits
 * (switch `acceptNamedWhenLocked: 'wait'`) waits only while its session has a lock holder. So:
 *  1. an accept still waiting (its call reached the broker, no return yet) while a session it could be
 *     given has been available for longer than the bound is a violation, whether it is then granted late,
 *     fails with ServiceTimeout, or is never answered;
 *  2. a named accept refused with SessionCannotBeLocked while nobody held its session is a violation;
 *  3. every accept is answered: accept-next and a waiting named accept within the accept timeout, a named
 *     accept under `acceptNamedWhenLocked: 'fail'` at once.
 *
 * Bounds, all from the workload: the hand-off bound is `networkDelayMaxMs` — the model hands a session
 * out within the very step in which it becomes available (or the call arrives), and the property allows
 * a broker whose internal hand-offs travel like client messages that much virtual time and no more; the
 * answer bound is the switch `acceptTimeoutMs` (the SDK's operation timeout) plus that same allowance.
 * Calls are stamped when they reach the broker and returns when the broker gives them, so the client's
 * own network delay is outside both. At the end of a run that went quiet, a waiting accept can never be
 * answered any more, so the bounds are judged as if time ran on; at the step bound (`hitBound`) they
 * are judged only up to the last instant reached.
 *
 * Faults: all three checks apply under crash, detach and lost renewals. They judge the broker's
 * answers, not the consumers' loops: a crashed consumer's accept still in flight must still be granted
 * or timed out, and a lock a crash leaves behind keeps its session unavailable until it ends.
 *
 * Source: docs/semantics.md §1 T2 and T3, §2.2 (accept of a held session, switch
 * `acceptNamedWhenLocked`), §2.3 (accept-next: only unlocked sessions with an active message; waits up
 * to the operation timeout, then ServiceTimeout), §4 (session-wide expiry), §12 property 8, §13 —
 * [D1], [N5], [I:net#30003], [I:js#31234], [I:go#19039].
 */
import type { Window } from './availability.ts';
import { SessionBoard } from './availability.ts';
import { Namer, entityConfigs, factsOf, ms, sentMessages, violation } from './oracle.ts';
import type { Step } from './trace-steps.ts';
import { QUIESCENT, callKey, entityOf, stepsOf } from './trace-steps.ts';
import type { Property, RunRecord, Violation } from './types.ts';

const ID = 'accept-progress';

interface Waiting {
  readonly key: string;
  readonly client: string;
  readonly entity: string;
  /** `null`: accept-next. */
  readonly session: string | null;
  readonly step: number;
  readonly t: number;
}

/** Why a waiting accept is overdue. */
type Overdue =
  | { readonly kind: 'available'; readonly w: Waiting; readonly window: Window; readonly from: number }
  | { readonly kind: 'free'; readonly w: Waiting; readonly since: number; readonly from: number }
  | { readonly kind: 'unanswered'; readonly w: Waiting; readonly boundMs: number };

export const acceptProgress: Property = {
  id: ID,
  title: 'A waiting accept is granted as soon as a session it could get is available, and is always answered',
  rule: 'Accept-next waits only while no session is available (unlocked, with an active message neither deferred nor expired); a waiting named accept only while its session is held; every accept is answered within acceptTimeoutMs. Bounds: networkDelayMaxMs for the hand-off, acceptTimeoutMs + networkDelayMaxMs for the answer (T2, T3, §2.2, §2.3, §4, §12.8; D1, N5).',
  check(run) {
    return new AcceptWatch(run).run();
  },
};

class AcceptWatch {
  private readonly board: SessionBoard;
  private readonly name: Namer;
  private readonly sessionful: Set<string>;
  private readonly waiting = new Map<string, Waiting>();
  private readonly toleranceMs: number;
  private readonly timeoutMs: number;
  private readonly namedWaits: boolean;

  constructor(private readonly record: RunRecord) {
    const w = record.workload;
    this.board = new SessionBoard(w.switches.sessionWideExpiry);
    this.name = new Namer(sentMessages(factsOf(record)), w);
    this.sessionful = new Set([...entityConfigs(w).values()].filter((e) => e.requiresSession).map((e) => e.name));
    this.toleranceMs = w.networkDelayMaxMs;
    this.timeoutMs = w.switches.acceptTimeoutMs;
    this.namedWaits = w.switches.acceptNamedWhenLocked === 'wait';
  }

  run(): Violation | undefined {
    const steps = stepsOf(this.record.trace);
    for (const step of steps) {
      const overdue = this.overdue(step.t);
      const refused = this.replay(step);
      if (refused) return refused;
      if (overdue) return violation(ID, this.describe(overdue, step.t, step), step);
      this.board.endStep(step.t);
    }
    const last = steps[steps.length - 1];
    const end = this.record.hitBound ? this.record.final.nowMs : Infinity;
    const overdue = this.overdue(end);
    if (!overdue) return undefined;
    return violation(ID, this.describe(overdue, end, undefined), { step: last?.step ?? null, t: last?.t ?? null });
  }

  /** Apply one step's events in order: facts to the board, calls and returns to the waiting list. */
  private replay(step: Step): Violation | undefined {
    for (const e of step.events) {
      if (e.k === 'fact') {
        this.board.apply(e);
      } else if (e.k === 'call') {
        if (e.req.type !== 'req.accept') continue;
        const entity = entityOf(e.to, this.sessionful);
        if (entity === undefined || !this.sessionful.has(entity)) continue;
        const key = callKey(e.client, e.req.reqId);
        this.waiting.set(key, { key, client: e.client, entity, session: e.req.sessionId, step: e.step, t: e.t });
      } else {
        const key = callKey(e.client, e.reply.reqId);
        const w = this.waiting.get(key);
        if (!w) continue;
        this.waiting.delete(key);
        if (e.reply.ok || e.reply.error.code !== 'SessionCannotBeLocked' || w.session === null) continue;
        const since = this.board.free(w.entity, w.session);
        if (since === undefined) continue;
        return violation(
          ID,
          `${w.client}'s accept of session ${this.name.session(w.entity, w.session)} was refused with SessionCannotBeLocked at ${ms(e.t)}, but no consumer held that session's lock (free since ${ms(since)}); an accept of a session nobody holds is granted (T2, §2.2).`,
          e,
        );
      }
    }
    return undefined;
  }

  /** The first waiting accept that is overdue at time `t` (judged on the state before the step at `t`). */
  private overdue(t: number): Overdue | undefined {
    let unanswered: Overdue | undefined;
    for (const w of this.waiting.values()) {
      if (w.session === null) {
        for (const window of this.board.windows(w.entity)) {
          const from = Math.max(window.since, w.t);
          if (Math.min(window.until, t) - from > this.toleranceMs) return { kind: 'available', w, window, from };
        }
      } else {
        const since = this.board.free(w.entity, w.session);
        const from = since === undefined ? undefined : Math.max(since, w.t);
        if (since !== undefined && from !== undefined && t - from > this.toleranceMs)
          return { kind: 'free', w, since, from };
      }
      const boundMs = (w.session === null || this.namedWaits ? this.timeoutMs : 0) + this.toleranceMs;
      if (!unanswered && t - w.t > boundMs) unanswered = { kind: 'unanswered', w, boundMs };
    }
    return unanswered;
  }

  private describe(o: Overdue, t: number, step: Step | undefined): string {
    const w = o.w;
    const what =
      w.session === null
        ? `${w.client}'s accept-next on ${w.entity} (called at ${ms(w.t)})`
        : `${w.client}'s accept of session ${this.name.session(w.entity, w.session)} (called at ${ms(w.t)})`;
    const outcome = this.outcome(w, t, step);
    const allowance = `networkDelayMaxMs=${this.toleranceMs}ms, the workload's network delay bound`;
    switch (o.kind) {
      case 'available': {
        const m = this.board.deliverable(w.entity, o.window.session, o.from)[0];
        const first = m
          ? ` (unlocked, with active message ${this.name.message(m.entity, m.seq)} neither deferred nor expired)`
          : '';
        return `${what} ${outcome}, although session ${this.name.session(w.entity, o.window.session)} had been available to it since ${ms(o.from)}${first}; accept-next hands out an available session at once, and the hand-off may take at most ${allowance} (T3, §2.3).`;
      }
      case 'free':
        return `${what} ${outcome}, although no consumer had held that session's lock since ${ms(o.since)}; a waiting accept (acceptNamedWhenLocked 'wait') is granted as soon as the lock is free, within ${allowance} (T2, §2.2).`;
      case 'unanswered': {
        const bound =
          o.boundMs === this.toleranceMs
            ? `a named accept is answered at once when acceptNamedWhenLocked is 'fail' (allowing ${allowance})`
            : `an accept waits at most the operation timeout, acceptTimeoutMs=${this.timeoutMs}ms (switch), plus ${allowance}, then fails with ServiceTimeout`;
        return `${what} ${outcome}, past its deadline ${ms(w.t + o.boundMs)}: ${bound} (T3, §2.3, §13).`;
      }
    }
  }

  /** What became of the waiting accept by the step at `t`: granted late, timed out, or still waiting. */
  private outcome(w: Waiting, t: number, step: Step | undefined): string {
    if (t === Infinity) return `was still waiting ${QUIESCENT}`;
    for (const e of step?.events ?? []) {
      if (e.k !== 'return' || callKey(e.client, e.reply.reqId) !== w.key) continue;
      if (e.reply.ok) return `was granted only at ${ms(t)}`;
      return `failed with ${e.reply.error.code} at ${ms(t)}`;
    }
    return step
      ? `was still waiting at ${ms(t)}`
      : `was still waiting when the run was cut off by the step bound at ${ms(t)}`;
  }
}
