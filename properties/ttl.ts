/**
 * Time to live.
 *
 * Rule: `expiresAt = enqueuedTime + TTL` is fixed at enqueue; from that instant the message can no
 * longer be retrieved — not by a receive, and not by `receiveDeferred` either (an expired deferred
 * message is expired on fetch and not returned). A locked message is protected: it never expires while
 * locked, and expires at once when released. Expiry either drops the message or dead-letters it with
 * `TTLExpiredException`, as the entity's `deadLetteringOnMessageExpiration` says. With the switch
 * `sessionWideExpiry` on (the documented default), when a message of an unlocked session expires by
 * its own TTL, every other active message of that session expires with it, in the same step (rule
 * `session`); with the switch off no `session`-rule expiry ever happens.
 *
 * Source: docs/semantics.md §1 (T9, T14), §2.5 "Expired messages", §3.3 "Expiry of
 * deferred messages", §3.5, §4 (all bullets, including "Session-wide expiry rule"), §13
 * (`sessionWideExpiry`), §12 property 11 — [D1] "Message expiration", [D2], [D3], [I:net#30252].
 */
import type { FactEvent } from '../src/trace/types.ts';
import type { BookEntry } from './message-book.ts';
import { bookProperty } from './book-pass.ts';
import type { MessageBook } from './message-book.ts';
import {
  LockTable,
  Namer,
  entityConfigs,
  factsOf,
  messageKey,
  ms,
  sentMessages,
  sessionKey,
  violation,
} from './oracle.ts';
import type { Violation } from './types.ts';

const ID = 'ttl';
const TTL_REASON = 'TTLExpiredException';

interface Sweep {
  readonly entity: string;
  readonly session: string;
  /** The message whose own TTL triggered the session-wide rule. */
  readonly trigger: BookEntry;
  readonly step: number;
  readonly t: number;
}

export const ttl = bookProperty({
  id: ID,
  title:
    'Expired messages are never delivered; locked ones never expire; expiry follows the entity and the session-wide rule',
  rule: 'Past expiresAt a message cannot be received (nor fetched when deferred); locked messages are protected until released; expiry drops or dead-letters with TTLExpiredException per deadLetteringOnMessageExpiration; with sessionWideExpiry one expired message of an unlocked session expires all its active messages (§4, §3.3, §2.5, §12.11; D1, D2, D3, net#30252).',
  watch(run) {
    const sent = sentMessages(factsOf(run));
    const name = new Namer(sent, run.workload);
    const configs = entityConfigs(run.workload);
    const sessionWide = run.workload.switches.sessionWideExpiry;
    const locks = new LockTable();
    /** Within the current step: sessions swept by the session-wide rule, and expiries still owing a dead-letter. */
    let sweeps = new Map<string, Sweep>();
    let owedDeadLetter = new Map<string, FactEvent>();
    let expiredThisStep = new Map<string, FactEvent>();
    let bySessionRule: FactEvent[] = [];

    const closeStep = (book: MessageBook): Violation | undefined => {
      for (const e of bySessionRule) {
        const f = e.fact;
        if (f.kind !== 'expired' || f.session === null || sweeps.has(sessionKey(f.entity, f.session))) continue;
        return violation(
          ID,
          `message ${name.message(f.entity, f.seq, f.session)} expired by the session-wide rule at ${ms(e.t)}, but no message of session ${name.session(f.entity, f.session)} expired by its own TTL in that step.`,
          e,
        );
      }
      for (const e of owedDeadLetter.values()) {
        const f = e.fact;
        if (f.kind !== 'expired') continue;
        return violation(
          ID,
          `message ${name.message(f.entity, f.seq, f.session)} expired at ${ms(e.t)} and was marked dead-lettered, but no dead-letter with ${TTL_REASON} followed.`,
          e,
        );
      }
      for (const s of sweeps.values()) {
        const left = book.inSession(s.entity, s.session, 'active')[0];
        if (left) {
          return violation(
            ID,
            `message ${name.message(left.entity, left.seq)} stayed active after ${name.message(s.trigger.entity, s.trigger.seq)} expired by its own TTL at ${ms(s.t)} while session ${name.session(s.entity, s.session)} was unlocked; with sessionWideExpiry on, every active message of the session expires with it (D1 "Message expiration").`,
            s,
          );
        }
      }
      sweeps = new Map();
      bySessionRule = [];
      owedDeadLetter = new Map();
      expiredThisStep = new Map();
      return undefined;
    };

    return {
      fact(e, book) {
        const v = visit(e, book);
        if (!v) locks.apply(e);
        return v;
      },
      endStep: closeStep,
    };

    function visit(e: FactEvent, book: MessageBook): Violation | undefined {
      const f = e.fact;
      switch (f.kind) {
        case 'delivered': {
          const m = sent.get(messageKey(f.entity, f.seq));
          if (m && m.expiresAtMs !== null && e.t >= m.expiresAtMs) {
            const how = f.deferred ? ' by receiveDeferred' : '';
            return violation(
              ID,
              `message ${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer}${f.token === null ? '' : ` under lock ${f.token}`}${how} at ${ms(e.t)}, but it had expired at ${ms(m.expiresAtMs)} (enqueued at ${ms(m.enqueuedAtMs)}); an expired message is never delivered (§4).`,
              e,
            );
          }
          const s = f.session === null ? undefined : sweeps.get(sessionKey(f.entity, f.session));
          if (s) {
            return violation(
              ID,
              `message ${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer} at ${ms(e.t)} in the same step in which ${name.message(s.trigger.entity, s.trigger.seq)} expired by its own TTL while session ${name.session(s.entity, s.session)} was unlocked; with sessionWideExpiry on it should have expired too.`,
              e,
            );
          }
          return undefined;
        }
        case 'expired': {
          const what = `message ${name.message(f.entity, f.seq, f.session)}`;
          const m = book.get(f.entity, f.seq);
          const msg = sent.get(messageKey(f.entity, f.seq));
          if (m && m.state === 'locked') {
            return violation(
              ID,
              `${what} expired at ${ms(e.t)} while locked under ${m.token ?? '?'} by ${m.consumer ?? '?'}; a locked message is protected until its lock is released (§4, D2).`,
              e,
            );
          }
          if (m && m.state === 'gone') return undefined; // two end states: the conservation property's finding
          const config = configs.get(f.entity);
          if (config && f.deadLettered !== config.deadLetteringOnMessageExpiration) {
            return violation(
              ID,
              `${what} was ${f.deadLettered ? 'dead-lettered' : 'dropped'} on expiry at ${ms(e.t)}, but deadLetteringOnMessageExpiration is ${config.deadLetteringOnMessageExpiration ? 'on' : 'off'} for ${f.entity}, so it should have been ${config.deadLetteringOnMessageExpiration ? `dead-lettered with ${TTL_REASON}` : 'dropped'}.`,
              e,
            );
          }
          if (f.deadLettered) owedDeadLetter.set(messageKey(f.entity, f.seq), e);
          expiredThisStep.set(messageKey(f.entity, f.seq), e);
          if (f.rule === 'message') {
            if (msg && (msg.expiresAtMs === null || e.t < msg.expiresAtMs)) {
              return violation(
                ID,
                `${what} expired by its own TTL at ${ms(e.t)}, but it ${msg.expiresAtMs === null ? 'never expires' : `expires only at ${ms(msg.expiresAtMs)}`}.`,
                e,
              );
            }
            if (sessionWide && f.session !== null && !locks.holder(f.entity, f.session) && m && m.state === 'active') {
              const k = sessionKey(f.entity, f.session);
              if (!sweeps.has(k))
                sweeps.set(k, { entity: f.entity, session: f.session, trigger: m, step: e.step, t: e.t });
            }
            return undefined;
          }
          // rule === 'session'
          if (!sessionWide) {
            return violation(
              ID,
              `${what} expired by the session-wide rule at ${ms(e.t)}, but the switch sessionWideExpiry is off: each message expires on its own TTL only.`,
              e,
            );
          }
          if (f.session === null)
            return violation(
              ID,
              `${what} expired by the session-wide rule at ${ms(e.t)}, but it belongs to no session.`,
              e,
            );
          const h = locks.holder(f.entity, f.session);
          if (h) {
            return violation(
              ID,
              `${what} expired by the session-wide rule at ${ms(e.t)} while ${h.consumer} held session ${name.session(f.entity, f.session)} under lock ${h.token}; the rule applies only to an unlocked session.`,
              e,
            );
          }
          // Whether a message of the session expired by its own TTL in this step is known at the step's end.
          bySessionRule.push(e);
          if (m && m.state !== 'active') {
            return violation(
              ID,
              `${what} expired by the session-wide rule at ${ms(e.t)}, but it was ${m.state}, not active; the rule expires the session's active messages.`,
              e,
            );
          }
          return undefined;
        }
        case 'deadLettered': {
          const key = messageKey(f.entity, f.seq);
          if (f.reason === TTL_REASON) {
            if (!owedDeadLetter.has(key)) {
              const exp = expiredThisStep.get(key);
              const why = exp ? 'its expiry in that step was a drop' : 'it had not expired in that step';
              return violation(
                ID,
                `message ${name.message(f.entity, f.seq, f.session)} was dead-lettered with ${TTL_REASON} at ${ms(e.t)}, but ${why}.`,
                e,
              );
            }
            owedDeadLetter.delete(key);
          }
          return undefined;
        }
        default:
          return undefined;
      }
    }
  },
});
