/**
 * Session state.
 *
 * Rule: get-session-state returns the last value set for that session, or null if none was ever set
 * (set(null) clears it). The state outlives the session's messages, lock loss and changes of holder:
 * nothing but a set changes it. Only the current lock holder may read or change it — under its
 * current, unexpired lock (T13); after the lock is lost both fail with `SessionLockLost`.
 *
 * Source: docs/semantics.md §1 (T13, "Per session" state), §2.1 "Session state
 * outlives messages", §5, §12 property 9 — [D1] "Message sessions", [N4], [D13].
 */
import { LockTable, Namer, describeHolder, factsOf, ms, sentMessages, sessionKey, violation } from './oracle.ts';
import type { Property } from './types.ts';

const ID = 'session-state';

interface Written {
  readonly value: string | null;
  readonly consumer: string;
  readonly token: string;
  readonly t: number;
}

export const sessionState: Property = {
  id: ID,
  title: 'Session state reads return the last value set, and only the lock holder changes it',
  rule: 'T13: get returns the last value set or null; state survives lock loss, handoff and empty sessions; get and set need the current session lock (§5, §2.1, §12.9; D1, N4).',
  check(run) {
    const facts = factsOf(run);
    const name = new Namer(sentMessages(facts), run.workload);
    const locks = new LockTable();
    const state = new Map<string, Written>();
    for (const e of facts) {
      const f = e.fact;
      if (f.kind === 'stateSet' || f.kind === 'stateRead') {
        const session = name.session(f.entity, f.session);
        const h = locks.holder(f.entity, f.session);
        const token = f.kind === 'stateSet' ? f.token : h?.token;
        if (!h || h.consumer !== f.consumer || h.token !== token) {
          const verb =
            f.kind === 'stateSet'
              ? `set the state of session ${session} to ${JSON.stringify(f.value)}${f.token ? ` under lock ${f.token}` : ''}`
              : `read the state of session ${session}`;
          const end = f.kind === 'stateSet' ? locks.end(f.entity, f.token) : undefined;
          const lost = end
            ? `that lock had ${end.how === 'expired' ? 'expired' : 'been released'} at ${ms(end.t)}, and `
            : '';
          return violation(
            ID,
            `${f.consumer} ${verb} at ${ms(e.t)}, but ${lost}${describeHolder(h)}; only the current lock holder reads or changes session state (T13).`,
            e,
          );
        }
        const key = sessionKey(f.entity, f.session);
        if (f.kind === 'stateSet') {
          state.set(key, { value: f.value, consumer: f.consumer, token: f.token, t: e.t });
        } else {
          const last = state.get(key);
          const expected = last?.value ?? null;
          if (f.value !== expected) {
            const source = last
              ? `the last value set was ${JSON.stringify(last.value)} (by ${last.consumer} under lock ${last.token} at ${ms(last.t)})`
              : 'no value had ever been set, so it should be null';
            return violation(
              ID,
              `${f.consumer} read the state of session ${session} under lock ${h.token} at ${ms(e.t)} and got ${JSON.stringify(f.value)}, but ${source}.`,
              e,
            );
          }
        }
      }
      locks.apply(e);
    }
    return undefined;
  },
};
