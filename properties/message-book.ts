/**
 * Per-message state rebuilt from the facts alone (reference §1, "Per message"): `active` from `sent`
 * and `requeued`; `locked` from a peek-lock `delivered`; `deferred` from `settled` defer; `gone` once
 * completed, dead-lettered, expired or removed by receive-and-delete.
 *
 * The book follows the facts, it does not judge them: each property compares what a fact claims with
 * what the book says just before the fact is applied.
 */
import type { FactEvent } from '../src/trace/types.ts';
import { messageKey, sessionKey, tokenKey } from './oracle.ts';

export type BookState = 'active' | 'locked' | 'deferred' | 'gone';

export interface BookEntry {
  readonly entity: string;
  readonly session: string | null;
  readonly seq: number;
  state: BookState;
  /** Token and consumer of the current peek-lock, while `locked`. */
  token: string | null;
  consumer: string | null;
  /** Why and when it left the entity, once `gone`. */
  end: { readonly how: string; readonly step: number; readonly t: number } | null;
  /** Ever set aside by defer (it has left the session's order for good). */
  deferred: boolean;
}

/**
 * Every question the properties ask of the book costs what the answer holds, not what the run holds: a
 * session's messages are kept in sequence order as they arrive (not re-sorted on every send), the ones
 * still there apart from the ones gone, and peek-locked ones by their lock token.
 */
export class MessageBook {
  private readonly entries = new Map<string, BookEntry>();
  /** Every message of each session (or each non-session entity, keyed `entity|`), in sequence order. */
  private readonly bySession = new Map<string, BookEntry[]>();
  /**
   * The same lists without the messages gone, give or take gone ones not swept out yet: `gone` counts
   * those, and once they are half the list they are swept out (`swept`), so the lists stay as long as
   * what the sessions hold. A swept message that comes back (a fact a faulty model may well state) is
   * put back in its place.
   */
  private readonly present = new Map<string, { list: BookEntry[]; gone: number }>();
  /** The messages ever delivered under each peek-lock token, by `tokenKey`. */
  private readonly underToken = new Map<string, BookEntry[]>();

  get(entity: string, seq: number): BookEntry | undefined {
    return this.entries.get(messageKey(entity, seq));
  }

  /** The session's messages in `state`, lowest sequence number first. */
  inSession(entity: string, session: string | null, state: BookState): BookEntry[] {
    const key = sessionKey(entity, session);
    if (state === 'gone') return (this.bySession.get(key) ?? []).filter((m) => m.state === state);
    return (this.present.get(key)?.list ?? []).filter((m) => m.state === state);
  }

  /** Every message of the session, whatever its state, lowest sequence number first. */
  session(entity: string, session: string | null): readonly BookEntry[] {
    return this.bySession.get(sessionKey(entity, session)) ?? [];
  }

  /** The messages locked under `token` now, lowest sequence number first. */
  lockedUnder(entity: string, token: string): BookEntry[] {
    return (this.underToken.get(tokenKey(entity, token)) ?? [])
      .filter((m) => m.state === 'locked' && m.token === token)
      .sort((a, b) => a.seq - b.seq);
  }

  all(): IterableIterator<BookEntry> {
    return this.entries.values();
  }

  apply(e: FactEvent): void {
    const f = e.fact;
    switch (f.kind) {
      case 'sent': {
        const entry: BookEntry = {
          entity: f.entity,
          session: f.session,
          seq: f.seq,
          state: 'active',
          token: null,
          consumer: null,
          end: null,
          deferred: false,
        };
        this.entries.set(messageKey(f.entity, f.seq), entry);
        const k = sessionKey(f.entity, f.session);
        let list = this.bySession.get(k);
        let present = this.present.get(k);
        if (!list || !present) {
          this.bySession.set(k, (list = []));
          this.present.set(k, (present = { list: [], gone: 0 }));
        }
        insertInOrder(list, entry);
        insertInOrder(present.list, entry);
        break;
      }
      case 'delivered': {
        const m = this.get(f.entity, f.seq);
        if (!m) break;
        if (f.mode === 'receiveAndDelete') this.leave(m, 'removed by receive-and-delete', e);
        else {
          this.move(m, { state: 'locked', token: f.token, consumer: f.consumer });
          if (f.token !== null) {
            const k = tokenKey(f.entity, f.token);
            const under = this.underToken.get(k);
            if (under) under.push(m);
            else this.underToken.set(k, [m]);
          }
        }
        break;
      }
      case 'settled': {
        const m = this.get(f.entity, f.seq);
        if (!m) break;
        if (f.action === 'complete') this.leave(m, 'completed', e);
        else if (f.action === 'defer') this.move(m, { state: 'deferred', token: null, consumer: null, deferred: true });
        // Abandon and dead-letter: the `requeued` / `deadLettered` fact that follows says where it went.
        break;
      }
      case 'requeued': {
        const m = this.get(f.entity, f.seq);
        // A fetched deferred message given back stays deferred (§3.3).
        if (m) this.move(m, { state: f.to === 'deferred' ? 'deferred' : 'active', token: null, consumer: null });
        break;
      }
      case 'deadLettered': {
        const m = this.get(f.entity, f.seq);
        if (m && m.state !== 'gone') this.leave(m, `dead-lettered (${f.reason})`, e);
        break;
      }
      case 'expired': {
        const m = this.get(f.entity, f.seq);
        if (m) this.leave(m, f.deadLettered ? 'expired (dead-lettered)' : 'expired (dropped)', e);
        break;
      }
      default:
        break;
    }
  }

  private leave(m: BookEntry, how: string, e: FactEvent): void {
    this.move(m, { state: 'gone', token: null, consumer: null, end: { how, step: e.step, t: e.t } });
  }

  /** Change an entry, keeping `present` in step when it leaves or (after a faulty fact) comes back. */
  private move(m: BookEntry, change: Partial<BookEntry> & { state: BookState }): void {
    const was = m.state;
    Object.assign(m, change);
    if ((was === 'gone') === (m.state === 'gone')) return;
    const present = this.present.get(sessionKey(m.entity, m.session));
    if (!present) return;
    if (m.state !== 'gone') {
      if (present.list.includes(m)) present.gone--;
      else insertInOrder(present.list, m);
      return;
    }
    present.gone++;
    if (present.gone * 2 <= present.list.length) return;
    present.list = present.list.filter((x) => x.state !== 'gone');
    present.gone = 0;
  }
}

/** Insert by sequence number, after any equal one; messages arrive in order, so this is nearly always a push. */
function insertInOrder(list: BookEntry[], entry: BookEntry): void {
  let at = list.length;
  while (at > 0 && (list[at - 1] as BookEntry).seq > entry.seq) at--;
  if (at === list.length) list.push(entry);
  else list.splice(at, 0, entry);
}
