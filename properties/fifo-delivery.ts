/**
 * FIFO delivery within a session.
 *
 * Rule: a receive on a session hands out the lowest-sequence-number `Active` message of that session
 * (T4, T4'). A message made `Active` again by abandon (T6), session-lock expiry (T11) or close, detach
 * or crash (T12) therefore comes before any higher sequence number that is still waiting; a deferred
 * message (T7) leaves the order and is returned only by `receiveDeferred` by sequence number (T9,
 * exempt here: `delivered.deferred = true`); dead-lettered and expired messages leave it for good.
 *
 * Source: docs/semantics.md §1 (T4, T6, T7, T9, T11, T12), §3.3 "Ordering after
 * settlement" and "Defer inside a session", §6, §12 property 3 — [D1] "Message sessions", [D5]
 * "Message sequencing and timestamps", [I:net#16447].
 */
import { bookProperty } from './book-pass.ts';
import { Namer, factsOf, ms, sentMessages, violation } from './oracle.ts';

const ID = 'fifo-delivery';

export const fifoDelivery = bookProperty({
  id: ID,
  title: 'A session hands out its first still-active message, in sequence order',
  rule: 'T4: receive returns the lowest-seq Active message of the session; abandon, lock expiry and close put a message back ahead of higher seqs; defer, dead-letter and expiry take it out of the order; receiveDeferred (T9) is by seq (§1, §3.3, §12.3; D1, D5).',
  watch(run) {
    const name = new Namer(sentMessages(factsOf(run)), run.workload);
    return {
      fact(e, book) {
        const f = e.fact;
        if (f.kind === 'delivered' && f.session !== null) {
          const m = book.get(f.entity, f.seq);
          const who = `${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer}${f.token === null ? '' : ` under lock ${f.token}`} at ${ms(e.t)}`;
          if (!m)
            return violation(
              ID,
              `message ${who}, but no such message was ever sent to session ${name.session(f.entity, f.session)}.`,
              e,
            );
          if (f.deferred) {
            if (m.state !== 'deferred') {
              return violation(
                ID,
                `message ${who} by receiveDeferred, but it was not deferred (it was ${m.state}); receiveDeferred returns only deferred messages (T9).`,
                e,
              );
            }
          } else if (m.state === 'deferred') {
            return violation(
              ID,
              `message ${who} by a plain receive, but it had been deferred; a deferred message leaves the session's order and only receiveDeferred by sequence number returns it (T7).`,
              e,
            );
          } else if (m.state !== 'active') {
            const was =
              m.state === 'locked'
                ? `still locked under ${m.token ?? '?'} by ${m.consumer ?? '?'}`
                : `already ${m.end?.how ?? 'gone'} at ${ms(m.end?.t ?? null)}`;
            return violation(ID, `message ${who}, but it was not active: it was ${was}.`, e);
          } else {
            const head = book.inSession(f.entity, f.session, 'active')[0];
            if (head && head.seq < f.seq) {
              return violation(
                ID,
                `message ${who} while ${name.message(head.entity, head.seq)}, which comes first in session ${name.session(f.entity, f.session)}, was still active; a session hands out its lowest active sequence number first (T4).`,
                e,
              );
            }
          }
        }
        return undefined;
      },
    };
  },
});
