/**
 * Eventual processing (liveness).
 *
 * Rule: when consumers keep asking for work, every message is eventually completed, dead-lettered or
 * expired. It is judged at the end of a run that went quiet (nothing in flight, no timer pending but the
 * background expiry tick; not cut off by the step bound), over the messages still in their entity —
 * active or locked, and not past their TTL (a message whose TTL has run out counts as expired, even if
 * nobody has looked at it yet; deferred messages wait for a fetch by sequence number that no policy owes
 * them, so they are not judged). Such a message is a violation only when the run shows the broker was asked for it and did
 * not hand it out — one of these witnesses, each conservative (the model hands out within the step):
 *  1. *accept starved*: an accept-next on the message's entity (or a named accept of its session) failed
 *     with ServiceTimeout although, during its wait, the message's session had been available to it —
 *     unlocked, with the message active, neither deferred nor expired (availability.ts) — for longer than
 *     `networkDelayMaxMs`;
 *  2. *receive starved*: a receive by the holder of the message's session (by any receiver, without
 *     sessions) came back empty while the holder's lock was valid and the message was active and not
 *     expired — and either already so when the receive reached the broker, or for longer than
 *     `networkDelayMaxMs` before the empty answer (a message that arrives while the receive waits must
 *     be handed to it);
 *  3. *lock gone*: the message is still locked although every lock ends — the lock it was delivered under
 *     has been released or has expired (released messages return to the session, T11/T12), or nothing is
 *     left that could end it (a quiet run has no lock-expiry timer pending).
 *
 * Bounds: `networkDelayMaxMs` (the hand-off allowance of accept-progress) for witnesses 1 and 2; the
 * accept timeout (`acceptTimeoutMs`), the receive wait (`receiveWaitMs`, as each call states it) and the
 * lock duration enter through the calls and facts themselves.
 *
 * Faults: crash, detach and lost renewals stop consumers, so a message a crashed consumer would have
 * taken is not owed to anyone — which is why each witness is a request some consumer actually made and
 * the broker actually answered. Witnesses 1 and 2 therefore apply under every fault plan, as does 3: a
 * crash or detach must still end the lock (at once, or at its deadline).
 *
 * Source: docs/semantics.md §1 T3, T4, T11, T12, §2.3 (accept-next), §2.5 (lock expiry
 * returns messages), §2.6 (close, crash), §4 (TTL), §9 (receive wait), §12 properties 2 and 8 — [D1],
 * [D4], [N5].
 */
import { SessionBoard } from './availability.ts';
import type { BookEntry } from './message-book.ts';
import { Namer, entityConfigs, factsOf, messageKey, ms, sentMessages, violation } from './oracle.ts';
import type { StepEvent } from './trace-steps.ts';
import { QUIESCENT, callKey, entityOf, stepsOf } from './trace-steps.ts';
import type { Property } from './types.ts';

const ID = 'eventual-processing';

interface AcceptCall {
  readonly client: string;
  readonly entity: string;
  readonly session: string | null;
  readonly t: number;
}

interface ReceiveCall {
  readonly client: string;
  readonly entity: string;
  /** The session whose lock the receive was made under; `null` without sessions. */
  readonly session: string | null;
  readonly token: string | null;
  readonly t: number;
  /** Messages deliverable when the receive reached the broker, by `messageKey`. */
  readonly deliverable: ReadonlySet<string>;
}

export const eventualProcessing: Property = {
  id: ID,
  title: 'When consumers keep asking, every message is eventually completed, dead-lettered or expired',
  rule: 'At the end of a quiet run, no message is left active although an accept timed out or a receive came back empty while it was there to hand out (beyond networkDelayMaxMs), and none is left locked (T3, T4, T11, T12, §2.3, §2.5, §4, §12.2, §12.8; D1, D4).',
  check(run) {
    if (run.hitBound) return undefined;
    const w = run.workload;
    const name = new Namer(sentMessages(factsOf(run)), w);
    const configs = entityConfigs(w);
    const entities = [...configs.keys()];
    const toleranceMs = w.networkDelayMaxMs;
    const board = new SessionBoard(w.switches.sessionWideExpiry);
    const accepts = new Map<string, AcceptCall>();
    const receives = new Map<string, ReceiveCall>();
    /** Since when each message has been active, by `messageKey`. */
    const activeSince = new Map<string, number>();
    /** The first witness against each message, as a sentence clause. */
    const witness = new Map<string, string>();
    const note = (m: BookEntry, why: string): void => {
      const k = messageKey(m.entity, m.seq);
      if (!witness.has(k)) witness.set(k, why);
    };

    const onCall = (e: Extract<StepEvent, { k: 'call' }>): void => {
      const entity = entityOf(e.to, entities);
      if (entity === undefined) return;
      const key = callKey(e.client, e.req.reqId);
      if (e.req.type === 'req.accept' && configs.get(entity)?.requiresSession) {
        accepts.set(key, { client: e.client, entity, session: e.req.sessionId, t: e.t });
      } else if (e.req.type === 'req.receive') {
        if (e.req.token === null && configs.get(entity)?.requiresSession) return;
        const session = sessionOf(board, entity, e.req.token, e.client, e.t);
        if (session === undefined) return;
        const deliverable = new Set(board.deliverable(entity, session, e.t).map((m) => messageKey(m.entity, m.seq)));
        receives.set(key, { client: e.client, entity, session, token: e.req.token, t: e.t, deliverable });
      }
    };

    const onReturn = (e: Extract<StepEvent, { k: 'return' }>): void => {
      const key = callKey(e.client, e.reply.reqId);
      const a = accepts.get(key);
      accepts.delete(key);
      if (a && !e.reply.ok && e.reply.error.code === 'ServiceTimeout') starvedAccept(a, e.t);
      const r = receives.get(key);
      receives.delete(key);
      if (r && e.reply.ok && e.reply.result.kind === 'received' && e.reply.result.messages.length === 0)
        starvedReceive(r, e.t);
    };

    const starvedAccept = (a: AcceptCall, t: number): void => {
      const what =
        a.session === null
          ? `${a.client}'s accept-next (called at ${ms(a.t)}) failed with ServiceTimeout at ${ms(t)}`
          : `${a.client}'s accept of session ${name.session(a.entity, a.session)} (called at ${ms(a.t)}) failed with ServiceTimeout at ${ms(t)}`;
      for (const window of board.windows(a.entity)) {
        if (a.session !== null && window.session !== a.session) continue;
        const from = Math.max(window.since, a.t);
        if (Math.min(window.until, t) - from <= toleranceMs) continue;
        for (const m of board.deliverable(a.entity, window.session, from)) {
          note(
            m,
            `${what} while its session ${name.session(a.entity, window.session)} had been available since ${ms(from)} with this message active, longer than the networkDelayMaxMs=${toleranceMs}ms a hand-off may take (T3, §2.3)`,
          );
        }
      }
    };

    const starvedReceive = (r: ReceiveCall, t: number): void => {
      if (r.session !== null) {
        const holder = board.locks.holder(r.entity, r.session);
        if (!holder || holder.token !== r.token || t >= holder.lockedUntilMs) return;
      }
      for (const m of board.deliverable(r.entity, r.session, t)) {
        const k = messageKey(m.entity, m.seq);
        const since = activeSince.get(k) ?? 0;
        if (!r.deliverable.has(k) && t - since <= toleranceMs) continue;
        const lock = r.session === null ? '' : ` under its valid session lock ${r.token ?? ''}`;
        const when = r.deliverable.has(k) ? 'already there when the receive arrived' : `active since ${ms(since)}`;
        note(
          m,
          `${r.client}'s receive${lock} (called at ${ms(r.t)}) came back empty at ${ms(t)} while this message was active, neither deferred nor expired (${when}); a receive hands out the first active message (T4, §9)`,
        );
      }
    };

    const steps = stepsOf(run.trace);
    for (const step of steps) {
      for (const e of step.events) {
        if (e.k === 'call') onCall(e);
        else if (e.k === 'return') onReturn(e);
        else {
          board.apply(e);
          const f = e.fact;
          if (f.kind === 'sent' || f.kind === 'requeued') activeSince.set(messageKey(f.entity, f.seq), e.t);
        }
      }
      board.endStep(step.t);
    }

    const last = steps[steps.length - 1];
    const endMs = run.final.nowMs;
    for (const m of board.book.all()) {
      if (m.state === 'locked') {
        const ended = m.token === null ? undefined : board.locks.end(m.entity, m.token);
        const why = ended
          ? `although that lock had ${ended.how === 'expired' ? 'expired' : `been released (${ended.cause})`} at ${ms(ended.t)} — a lock that ends returns its messages to the session (T11, T12)`
          : 'although every lock ends, by release or at its deadline, and none was pending any more (T11, T12)';
        return violation(
          ID,
          `message ${name.message(m.entity, m.seq, m.session)} was still locked under ${m.token ?? '?'} by ${m.consumer ?? '?'} ${QUIESCENT}, at ${ms(endMs)}, ${why}: it can never be completed, dead-lettered or expired.`,
          last ? { step: last.step, t: last.t } : undefined,
        );
      }
      if (m.state !== 'active' || board.isExpired(m, endMs)) continue;
      const why = witness.get(messageKey(m.entity, m.seq));
      if (!why) continue;
      return violation(
        ID,
        `message ${name.message(m.entity, m.seq, m.session)} was never completed, dead-lettered or expired: it was still active ${QUIESCENT}, at ${ms(endMs)}, although ${why}.`,
        last ? { step: last.step, t: last.t } : undefined,
      );
    }
    return undefined;
  },
};

/**
 * The session a receive was made under: the session its token locks (when the caller is that lock's
 * holder); `null` on an entity without sessions; `undefined` when there is nothing to judge.
 */
function sessionOf(
  board: SessionBoard,
  entity: string,
  token: string | null,
  client: string,
  t: number,
): string | null | undefined {
  if (token === null) return null;
  const grant = board.locks.grant(entity, token);
  if (!grant || grant.consumer !== client) return undefined;
  const holder = board.locks.holder(entity, grant.session);
  return holder && holder.token === token && t < holder.lockedUntilMs ? grant.session : undefined;
}
