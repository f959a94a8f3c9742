/**
 * Exclusive session lock.
 *
 * Rule: at any virtual instant a session has at most one lock holder — the lock runs from `accepted`
 * to the `lockReleased` / `lockExpired` of its token (T2, T11, T12). Messages of the session, including
 * messages that arrive while it is held, are delivered only to the current holder under its current
 * token; once a token's lock has expired or been released, nothing succeeds under it any more: no
 * settlement, no renewal (a lost lock cannot be renewed back, T10), no session-state change (T13).
 * Without sessions the same holds per message for its own peek-lock (message-lock expiry).
 *
 * Source: docs/semantics.md §1 (T2, T4, T10–T13), §2.2 "Exclusive lock", §2.4 "A lost
 * lock is final", §2.5, §12 properties 1, 2 and 7 — [D1] "Message sessions", [N2], [I:dotnet-old#530].
 */
import { bookProperty } from './book-pass.ts';
import type { Hold } from './oracle.ts';
import { LockTable, Namer, describeHolder, factsOf, ms, sentMessages, tokenKey, violation } from './oracle.ts';

const ID = 'exclusive-lock';

/** Why `token` is not the current lock of the session, in words. */
function notCurrent(locks: LockTable, entity: string, token: string | null, holder: Hold | undefined): string {
  const end = token === null ? undefined : locks.end(entity, token);
  const grant = token === null ? undefined : locks.grant(entity, token);
  const ended = end
    ? `that lock had ${end.how === 'expired' ? 'expired' : `been released (${end.cause})`} at ${ms(end.t)}`
    : grant
      ? 'that lock was not the current one'
      : 'no such lock was ever granted';
  return `${ended}, and ${describeHolder(holder)}`;
}

export const exclusiveLock = bookProperty({
  id: ID,
  title: 'A session has at most one lock holder, and only the holder acts under its live lock',
  rule: 'T2: only one receiver holds a session; it covers messages that arrive later; after expiry or release (T11, T12) settle, renew (T10) and set-state (T13) under that token fail (§2.2, §2.4, §2.5, §12.1, §12.2, §12.7; D1).',
  watch(run) {
    const facts = factsOf(run);
    const sent = sentMessages(facts);
    const name = new Namer(sent, run.workload);
    const locks = new LockTable();
    /** Non-session message locks that have expired, by entity|token. */
    const expiredMessageLocks = new Map<string, number>();
    /** Closes by the holder: the lock must be gone by the end of that step (T12: close releases at once). */
    const closing: { entity: string; session: string; consumer: string; token: string; step: number; t: number }[] = [];
    const stillHeld = (list: typeof closing): string | undefined => {
      for (const c of list) {
        if (locks.holder(c.entity, c.session)?.token === c.token) {
          return `${c.consumer} closed its receiver on session ${name.session(c.entity, c.session)} at ${ms(c.t)}, but its session lock ${c.token} was not released: close releases the lock at once, so the session must be free for the next receiver (T12).`;
        }
      }
      return undefined;
    };
    return {
      fact(e, book) {
        const f = e.fact;
        const due = closing.filter((c) => c.step < e.step);
        if (due.length > 0) {
          const held = stillHeld(due);
          if (held) return violation(ID, held, e);
          closing.splice(0, closing.length, ...closing.filter((c) => c.step >= e.step));
        }
        switch (f.kind) {
          case 'closeRequested':
            closing.push({
              entity: f.entity,
              session: f.session,
              consumer: f.consumer,
              token: f.token,
              step: e.step,
              t: e.t,
            });
            break;
          case 'accepted': {
            const h = locks.holder(f.entity, f.session);
            if (h && h.token !== f.token) {
              return violation(
                ID,
                `${f.consumer} accepted session ${name.session(f.entity, f.session)} with lock ${f.token} at ${ms(e.t)} while ${h.consumer} still held the session lock ${h.token} until ${ms(h.lockedUntilMs)}: two holders at once.`,
                e,
              );
            }
            break;
          }
          case 'delivered': {
            const m = book.get(f.entity, f.seq);
            if (m && m.state === 'locked') {
              return violation(
                ID,
                `message ${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer} at ${ms(e.t)} while ${m.consumer ?? '?'} still held it under lock ${m.token ?? '?'}.`,
                e,
              );
            }
            if (f.session === null) break;
            const h = locks.holder(f.entity, f.session);
            const tokenOk =
              f.mode === 'receiveAndDelete' ? f.token === null || f.token === h?.token : f.token === h?.token;
            if (!h || h.consumer !== f.consumer || !tokenOk) {
              const msg = sent.get(`${f.entity}|${f.seq}`);
              const late =
                h && msg && msg.t >= h.sinceT && msg.step >= h.sinceStep
                  ? `, although it arrived at ${ms(msg.t)} while ${h.consumer} held the session and a holder's lock covers later-arriving messages`
                  : '';
              const under = f.token === null ? '' : ` under lock ${f.token}`;
              const because = h
                ? ` while ${describeHolder(h)}${late}`
                : `, but ${notCurrent(locks, f.entity, f.token, h)}`;
              return violation(
                ID,
                `message ${name.message(f.entity, f.seq, f.session)} was delivered to ${f.consumer}${under} at ${ms(e.t)}${because}.`,
                e,
              );
            }
            break;
          }
          case 'settled': {
            if (f.session === null) {
              const m = book.get(f.entity, f.seq);
              const expiredAt = f.token === null ? undefined : expiredMessageLocks.get(tokenKey(f.entity, f.token));
              if (expiredAt !== undefined || (m && m.state === 'locked' && m.token !== f.token)) {
                const why =
                  expiredAt !== undefined
                    ? `that message lock had expired at ${ms(expiredAt)}`
                    : `the message was locked under ${m?.token ?? '?'} by ${m?.consumer ?? '?'}`;
                return violation(
                  ID,
                  `${f.consumer} settled (${f.action}) message ${name.message(f.entity, f.seq, f.session)} under message lock ${f.token ?? 'none'} at ${ms(e.t)}, but ${why}.`,
                  e,
                );
              }
              break;
            }
            const h = locks.holder(f.entity, f.session);
            if (!h || h.token !== f.token || h.consumer !== f.consumer) {
              return violation(
                ID,
                `${f.consumer} settled (${f.action}) message ${name.message(f.entity, f.seq, f.session)} under lock ${f.token ?? 'none'} at ${ms(e.t)}, but ${notCurrent(locks, f.entity, f.token, h)}.`,
                e,
              );
            }
            break;
          }
          case 'lockRenewed': {
            const h = locks.holder(f.entity, f.session);
            if (!h || h.token !== f.token) {
              return violation(
                ID,
                `lock ${f.token} of ${f.consumer} on session ${name.session(f.entity, f.session)} was renewed until ${ms(f.lockedUntilMs)} at ${ms(e.t)}, but ${notCurrent(locks, f.entity, f.token, h)}; a lost lock cannot be renewed back (T10).`,
                e,
              );
            }
            break;
          }
          case 'stateSet': {
            const h = locks.holder(f.entity, f.session);
            if (!h || h.token !== f.token || h.consumer !== f.consumer) {
              return violation(
                ID,
                `${f.consumer} set the state of session ${name.session(f.entity, f.session)} to ${JSON.stringify(f.value)} under lock ${f.token} at ${ms(e.t)}, but ${notCurrent(locks, f.entity, f.token, h)}.`,
                e,
              );
            }
            break;
          }
          case 'lockExpired':
            if (f.session === null) expiredMessageLocks.set(tokenKey(f.entity, f.token), e.t);
            break;
          default:
            break;
        }
        locks.apply(e);
        return undefined;
      },
      end() {
        const held = stillHeld(closing);
        const last = facts[facts.length - 1];
        return held && last ? violation(ID, held, last) : undefined;
      },
    };
  },
});
