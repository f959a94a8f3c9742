/**
 * Conservation of messages.
 *
 * Rule: every message the broker accepted (a `sent` fact) ends exactly once: completed (T5),
 * dead-lettered with a reason (T8, MaxDeliveryCount, `Session id is null.`), expired (dropped, or
 * dead-lettered with `TTLExpiredException`), or removed on transfer by receive-and-delete (T4') — or it
 * is still in its entity at the end of the run (active, locked or deferred). Nothing is lost and
 * nothing is duplicated: no message reaches two end states, none is delivered or settled after its
 * end, none is both ended and still present, and the dead-letter queue holds each dead-lettered
 * message once. When the run was cut off by the step bound (`hitBound`) only the "nothing
 * duplicated" half is checked.
 *
 * Source: docs/semantics.md §1 ("Per message" state, T1, T4', T5, T8), §3.1, §3.5,
 * §4, §12 property 6 — [D3], [D4], [D2].
 */
import type { FactEvent } from '../src/trace/types.ts';
import { Namer, factsOf, messageKey, ms, sentMessages, violation } from './oracle.ts';
import type { Property, Violation } from './types.ts';

const ID = 'conservation';
const TTL_REASON = 'TTLExpiredException';

interface End {
  readonly how: string;
  readonly step: number;
  readonly t: number;
}

export const conservation: Property = {
  id: ID,
  title: 'Every accepted message ends exactly once, or is still in its entity',
  rule: 'Each sent message is completed, dead-lettered (with a reason), expired, removed by receive-and-delete, or still present at the end — never lost, never in two end states (§1, §3.1, §3.5, §4, §12.6; D2, D3, D4).',
  check(run) {
    const facts = factsOf(run);
    const sent = sentMessages(facts);
    const name = new Namer(sent, run.workload);
    const ends = new Map<string, End>();
    /** Expired-and-dead-lettered: the `deadLettered` fact that follows in the same step is part of the same end. */
    const owedTtlDeadLetter = new Map<string, number>();
    const deadLettered = new Map<string, End>();

    const end = (
      e: FactEvent,
      entity: string,
      seq: number,
      session: string | null,
      how: string,
    ): Violation | undefined => {
      const key = messageKey(entity, seq);
      const before = ends.get(key);
      if (before) {
        return violation(
          ID,
          `message ${name.message(entity, seq, session)} was ${how} at ${ms(e.t)} after it had already been ${before.how} at ${ms(before.t)}: two end states.`,
          e,
        );
      }
      if (!sent.has(key))
        return violation(
          ID,
          `message ${name.message(entity, seq, session)} was ${how} at ${ms(e.t)}, but the broker never accepted it.`,
          e,
        );
      ends.set(key, { how, step: e.step, t: e.t });
      return undefined;
    };

    const afterEnd = (
      e: FactEvent,
      entity: string,
      seq: number,
      session: string | null,
      what: string,
    ): Violation | undefined => {
      const before = ends.get(messageKey(entity, seq));
      if (!before) return undefined;
      return violation(
        ID,
        `message ${name.message(entity, seq, session)} ${what} at ${ms(e.t)} after it had already been ${before.how} at ${ms(before.t)}: a duplicate.`,
        e,
      );
    };

    for (const e of facts) {
      const f = e.fact;
      let v: Violation | undefined;
      switch (f.kind) {
        case 'delivered':
          v = afterEnd(
            e,
            f.entity,
            f.seq,
            f.session,
            `was delivered to ${f.consumer}${f.token === null ? '' : ` under lock ${f.token}`}`,
          );
          if (!v && f.mode === 'receiveAndDelete')
            v = end(e, f.entity, f.seq, f.session, `removed by receive-and-delete (delivered to ${f.consumer})`);
          break;
        case 'settled':
          v = afterEnd(e, f.entity, f.seq, f.session, `was settled (${f.action}) by ${f.consumer}`);
          if (!v && f.action === 'complete') v = end(e, f.entity, f.seq, f.session, `completed by ${f.consumer}`);
          break;
        case 'requeued':
          v = afterEnd(e, f.entity, f.seq, f.session, `became active again (${f.cause})`);
          break;
        case 'expired': {
          v = end(e, f.entity, f.seq, f.session, f.deadLettered ? 'expired and dead-lettered' : 'expired and dropped');
          if (!v && f.deadLettered) owedTtlDeadLetter.set(messageKey(f.entity, f.seq), e.step);
          break;
        }
        case 'deadLettered': {
          const key = messageKey(f.entity, f.seq);
          if (f.reason === '') {
            v = violation(
              ID,
              `message ${name.message(f.entity, f.seq, f.session)} was dead-lettered at ${ms(e.t)} without a reason; every dead-lettered message carries one (§3.5).`,
              e,
            );
            break;
          }
          if (f.reason === TTL_REASON && owedTtlDeadLetter.get(key) === e.step) {
            owedTtlDeadLetter.delete(key);
          } else {
            v = end(e, f.entity, f.seq, f.session, `dead-lettered (${f.reason})`);
          }
          if (!v) deadLettered.set(key, { how: `dead-lettered (${f.reason})`, step: e.step, t: e.t });
          break;
        }
        default:
          break;
      }
      if (v) return v;
    }
    return atEnd();

    /** The final broker state against the facts. */
    function atEnd(): Violation | undefined {
      const at = { step: null, t: run.final.nowMs };
      const present = new Map<string, string>();
      const inDlq = new Map<string, number>();
      for (const [entity, state] of Object.entries(run.final.entities)) {
        const places: [string, readonly { seq: number }[]][] = [
          [entity, state.messages],
          ...Object.entries(state.sessions).map(([s, st]): [string, readonly { seq: number }[]] => [
            `session ${s}`,
            st.messages,
          ]),
        ];
        for (const [where, messages] of places) {
          for (const m of messages) {
            const key = messageKey(entity, m.seq);
            const other = present.get(key);
            if (other !== undefined) {
              return violation(
                ID,
                `message ${name.message(entity, m.seq)} is held twice at the end of the run (in ${other} and in ${where}): a duplicate.`,
                at,
              );
            }
            present.set(key, where);
            const ended = ends.get(key);
            if (ended) {
              return violation(
                ID,
                `message ${name.message(entity, m.seq)} is still in ${where} at the end of the run (${ms(run.final.nowMs)}) although it was ${ended.how} at ${ms(ended.t)}: a duplicate.`,
                at,
              );
            }
            if (!sent.has(key))
              return violation(
                ID,
                `message ${name.message(entity, m.seq)} is in ${where} at the end of the run, but the broker never accepted it.`,
                at,
              );
          }
        }
        for (const d of state.deadLetters) {
          const key = messageKey(entity, d.seq);
          const n = (inDlq.get(key) ?? 0) + 1;
          inDlq.set(key, n);
          if (n > 1)
            return violation(
              ID,
              `message ${name.message(entity, d.seq)} is in the dead-letter queue of ${entity} ${n} times at the end of the run: a duplicate.`,
              at,
            );
          if (!deadLettered.has(key) && !run.hitBound) {
            return violation(
              ID,
              `message ${name.message(entity, d.seq)} is in the dead-letter queue of ${entity} at the end of the run (reason ${d.reason}), but it was never dead-lettered.`,
              at,
            );
          }
        }
      }
      if (run.hitBound) return undefined;
      for (const [key, d] of deadLettered) {
        const m = sent.get(key);
        if (m && !inDlq.has(key)) {
          return violation(
            ID,
            `message ${name.message(m.entity, m.seq)} was ${d.how} at ${ms(d.t)} but is not in the dead-letter queue of ${m.entity} at the end of the run: lost.`,
            { step: d.step, t: d.t },
          );
        }
      }
      for (const [key, m] of sent) {
        if (ends.has(key) || present.has(key)) continue;
        return violation(
          ID,
          `message ${name.message(m.entity, m.seq)} was sent at ${ms(m.t)} but was neither completed, dead-lettered, expired nor removed by receive-and-delete, and is not in ${m.entity} at the end of the run (${ms(run.final.nowMs)}): lost.`,
          at,
        );
      }
      return undefined;
    }
  },
};
