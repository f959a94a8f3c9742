/**
 * Delivery count and MaxDeliveryCount.
 *
 * Rule: the broker keeps a raw count per message, 0 on first delivery. It rises by exactly 1 when the
 * message is abandoned (T6) and when the session lock it was delivered under expires (T11; with the
 * switch `lockExpiryIncrementScope: 'all'`, every active message of the session rises too), and on
 * defer only with the switch `deferCountsAsAttempt` ([L], asb#375). It never changes on close, detach
 * or crash (T12, released as `requeued` with that cause), renew or peek. Every `delivered` (and
 * `settled`, `requeued`) fact shows the count the oracle computed. When a rise makes the count reach
 * the entity's MaxDeliveryCount the message is dead-lettered with reason `MaxDeliveryCountExceeded`
 * at once — and only then — so it is never delivered with a count at or above MDC (at most MDC
 * deliveries that count).
 *
 * Source: docs/semantics.md §1 (T6, T7, T11, T12), §2.5, §2.6, §3.3, §3.4 (table and
 * "MaxDeliveryCount"), §13 (`lockExpiryIncrementScope`, `deferCountsAsAttempt`, `crashSemantics`),
 * §12 properties 4 and 5 — [D1], [D3], [I:js#15116], [I:js-pr#1311], [I:logicapps#459], [I:asb#375].
 */
import type { FactEvent } from '../src/trace/types.ts';
import { bookProperty } from './book-pass.ts';
import type { MessageBook } from './message-book.ts';
import { Namer, entityConfigs, factsOf, messageKey, ms, sentMessages, violation } from './oracle.ts';
import type { Violation } from './types.ts';

const ID = 'delivery-count';
const MDC_REASON = 'MaxDeliveryCountExceeded';

type Cause = 'abandon' | 'lockExpired' | 'defer' | 'all';

interface Rise {
  readonly cause: Cause;
  readonly by: string;
  readonly step: number;
  readonly t: number;
}

const CAUSE_WORDS: Record<Cause, string> = {
  abandon: 'abandon',
  lockExpired: 'expiry of the lock it was delivered under',
  defer: 'defer (deferCountsAsAttempt is on)',
  all: "expiry of the session's lock (lockExpiryIncrementScope is 'all')",
};

export const deliveryCount = bookProperty({
  id: ID,
  title: 'The delivery count rises by exactly one on abandon and lock expiry, and MaxDeliveryCount dead-letters',
  rule: 'Raw count 0 on first delivery; +1 on abandon (T6) and on expiry of the session lock for messages delivered under it (T11); +1 on every fetch of a deferred message, which then gains nothing when given back (§3.3); never on close, detach, crash, renew or peek (T12); defer only with deferCountsAsAttempt; reaching MaxDeliveryCount dead-letters with MaxDeliveryCountExceeded (§3.4, §2.5, §2.6, §12.4, §12.5; D1, D3, js#15116, asb#375).',
  watch(run) {
    const name = new Namer(sentMessages(factsOf(run)), run.workload);
    const configs = entityConfigs(run.workload);
    const sw = run.workload.switches;
    const rises = ` (it rises only on abandon and lock expiry${sw.deferCountsAsAttempt ? ' and defer' : ''}, never on close, detach, crash, renew or peek)`;
    const count = new Map<string, number>();
    /** Messages whose last delivery was a fetch by sequence number (receiveDeferred): given back, they gain nothing. */
    const fetched = new Set<string>();
    /** Rises applied in the current step and not yet confirmed by a `requeued` or `deadLettered` fact. */
    let pending = new Map<string, Rise>();
    const mdc = (entity: string): number => configs.get(entity)?.maxDeliveryCount ?? Number.POSITIVE_INFINITY;
    const countOf = (entity: string, seq: number): number => count.get(messageKey(entity, seq)) ?? 0;

    /** At the end of a step: a rise that reached MDC must have dead-lettered the message. */
    const closeStep = (book: MessageBook): Violation | undefined => {
      for (const [key, rise] of pending) {
        const m = book.get(...splitKey(key));
        if (!m || m.state === 'gone') continue;
        const n = count.get(key) ?? 0;
        const limit = mdc(m.entity);
        if (m.state === 'locked' && (rise.cause === 'abandon' || rise.cause === 'lockExpired')) {
          return violation(
            ID,
            `message ${name.message(m.entity, m.seq, m.session)} stayed locked under ${m.token ?? '?'} after ${CAUSE_WORDS[rise.cause]}${rise.by} at ${ms(rise.t)}: it was neither made active again nor dead-lettered.`,
            rise,
          );
        }
        if (n >= limit) {
          return violation(
            ID,
            `message ${name.message(m.entity, m.seq, m.session)} reached delivery count ${n} after ${CAUSE_WORDS[rise.cause]}${rise.by} at ${ms(rise.t)}, which is the maxDeliveryCount ${limit} of ${m.entity}, but it was not dead-lettered with ${MDC_REASON} (it stayed ${m.state}).`,
            rise,
          );
        }
      }
      pending = new Map();
      return undefined;
    };

    const raise = (entity: string, seq: number, rise: Rise): void => {
      const key = messageKey(entity, seq);
      count.set(key, (count.get(key) ?? 0) + 1);
      pending.set(key, rise);
    };

    return { fact: visit, endStep: closeStep };

    function visit(e: FactEvent, book: MessageBook): Violation | undefined {
      const f = e.fact;
      switch (f.kind) {
        case 'sent':
          count.set(messageKey(f.entity, f.seq), 0);
          return undefined;
        case 'delivered': {
          // Every receipt of a deferred message by sequence number is a delivery and raises its count (§3.3).
          if (f.deferred) count.set(messageKey(f.entity, f.seq), countOf(f.entity, f.seq) + 1);
          if (f.deferred) fetched.add(messageKey(f.entity, f.seq));
          else fetched.delete(messageKey(f.entity, f.seq));
          const n = countOf(f.entity, f.seq);
          const limit = mdc(f.entity);
          const what = `message ${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer}${f.token === null ? '' : ` under lock ${f.token}`} at ${ms(e.t)}`;
          if (f.deliveryCount !== n) {
            return violation(
              ID,
              `${what} with delivery count ${f.deliveryCount}, but its count should be ${n}${rises}.`,
              e,
            );
          }
          // A fetch is not a failed attempt: MaxDeliveryCount counts abandons and lock expiries (§3.4).
          if (f.mode === 'peekLock' && n >= limit && !f.deferred) {
            return violation(
              ID,
              `${what} with delivery count ${n}, but maxDeliveryCount of ${f.entity} is ${limit}: it should have been dead-lettered with ${MDC_REASON} when its count reached ${limit}.`,
              e,
            );
          }
          return undefined;
        }
        case 'settled': {
          const n = countOf(f.entity, f.seq);
          if (f.deliveryCount !== n) {
            return violation(
              ID,
              `${f.consumer} settled (${f.action}) message ${name.message(f.entity, f.seq, f.session)} at ${ms(e.t)} showing delivery count ${f.deliveryCount}, but its count should be ${n}${rises}.`,
              e,
            );
          }
          const by = ` by ${f.consumer}${f.token === null ? '' : ` under lock ${f.token}`}`;
          // The fetch of a deferred message was its delivery: giving it back adds nothing (§3.3).
          if (f.action === 'abandon' && !fetched.has(messageKey(f.entity, f.seq)))
            raise(f.entity, f.seq, { cause: 'abandon', by, step: e.step, t: e.t });
          if (f.action === 'defer' && sw.deferCountsAsAttempt)
            raise(f.entity, f.seq, { cause: 'defer', by, step: e.step, t: e.t });
          return undefined;
        }
        case 'lockExpired': {
          const by = ` (lock ${f.token}${f.consumer ? ` of ${f.consumer}` : ''})`;
          const under =
            f.session === null
              ? book.lockedUnder(f.entity, f.token)
              : book.inSession(f.entity, f.session, 'locked').filter((m) => m.token === f.token);
          for (const m of under)
            if (!fetched.has(messageKey(m.entity, m.seq)))
              raise(m.entity, m.seq, { cause: 'lockExpired', by, step: e.step, t: e.t });
          if (f.session !== null && sw.lockExpiryIncrementScope === 'all') {
            for (const m of book.inSession(f.entity, f.session, 'active'))
              raise(m.entity, m.seq, { cause: 'all', by, step: e.step, t: e.t });
          }
          return undefined;
        }
        case 'requeued': {
          const key = messageKey(f.entity, f.seq);
          const n = count.get(key) ?? 0;
          const rise = pending.get(key);
          const what = `message ${name.message(f.entity, f.seq, f.session)} became ${f.to === 'deferred' ? 'deferred' : 'active'} again after ${f.cause} at ${ms(e.t)} with delivery count ${f.deliveryCount}`;
          const raises = (f.cause === 'abandon' || f.cause === 'lockExpired') && f.to !== 'deferred';
          fetched.delete(key);
          if (raises && (!rise || (rise.cause !== f.cause && !(rise.cause === 'all' && f.cause === 'lockExpired')))) {
            return violation(
              ID,
              `${what}, but no ${f.cause === 'abandon' ? 'abandon' : 'lock expiry'} of it had happened in that step.`,
              e,
            );
          }
          if (f.deliveryCount !== n) {
            const rule = raises
              ? `${f.cause === 'abandon' ? 'abandon (T6)' : 'lock expiry (T11)'} adds exactly 1 to the ${n - 1} it had`
              : f.to === 'deferred'
                ? `a fetched deferred message given back keeps the count its fetch gave it (§3.3)`
                : `${f.cause} never changes the count (T12)`;
            return violation(ID, `${what}, but it should be ${n}: ${rule}.`, e);
          }
          if (raises && n >= mdc(f.entity)) {
            return violation(
              ID,
              `${what}, which reaches the maxDeliveryCount ${mdc(f.entity)} of ${f.entity}: it should have been dead-lettered with ${MDC_REASON} instead.`,
              e,
            );
          }
          pending.delete(key);
          return undefined;
        }
        case 'deadLettered': {
          const key = messageKey(f.entity, f.seq);
          const n = count.get(key) ?? 0;
          const limit = mdc(f.entity);
          const what = `message ${name.message(f.entity, f.seq, f.session)} was dead-lettered (${f.reason}) at ${ms(e.t)} with delivery count ${f.deliveryCount}`;
          if (f.reason === MDC_REASON) {
            if (!pending.has(key) || n < limit) {
              return violation(
                ID,
                `${what}, but its count was ${n}${pending.has(key) ? '' : ' and nothing had raised it in that step'}; ${MDC_REASON} applies only when a rise makes the count reach maxDeliveryCount ${limit}.`,
                e,
              );
            }
          }
          if (f.deliveryCount !== n) return violation(ID, `${what}, but its count should be ${n}${rises}.`, e);
          pending.delete(key);
          return undefined;
        }
        default:
          return undefined;
      }
    }
  },
});

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf('|');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}
