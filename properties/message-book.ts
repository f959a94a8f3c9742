/**
 * Per-message state rebuilt from the facts alone (reference §1, "Per message"): `active` from `sent`
 * and `requeued`; `locked` from a peek-lock `delivered`; `deferred` from `settled` defer; `gone` once
 * completed, dead-lettered, expired or removed by receive-and-delete.
 *
 * The book follows the facts, it does not judge them: each property compares what a fact claims with
 * what the book says just before the fact is applied.
 */
import type { FactEvent } from '../src/trace/types.ts';
import { messageKey, sessionKey } from './oracle.ts';

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

export class MessageBook {
  private readonly entries = new Map<string, BookEntry>();
  /** Messages of each session (or each non-session entity, keyed `entity|`), in sequence order. */
  private readonly bySession = new Map<string, BookEntry[]>();

  get(entity: string, seq: number): BookEntry | undefined {
    return this.entries.get(messageKey(entity, seq));
  }

  /** The session's messages in `state`, lowest sequence number first. */
  inSession(entity: string, session: string | null, state: BookState): BookEntry[] {
    return (this.bySession.get(sessionKey(entity, session)) ?? []).filter((m) => m.state === state);
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
        const list = this.bySession.get(k) ?? [];
        list.push(entry);
        list.sort((a, b) => a.seq - b.seq);
        this.bySession.set(k, list);
        break;
      }
      case 'delivered': {
        const m = this.get(f.entity, f.seq);
        if (!m) break;
        if (f.mode === 'receiveAndDelete') this.leave(m, 'removed by receive-and-delete', e);
        else Object.assign(m, { state: 'locked', token: f.token, consumer: f.consumer });
        break;
      }
      case 'settled': {
        const m = this.get(f.entity, f.seq);
        if (!m) break;
        if (f.action === 'complete') this.leave(m, 'completed', e);
        else if (f.action === 'defer')
          Object.assign(m, { state: 'deferred', token: null, consumer: null, deferred: true });
        // Abandon and dead-letter: the `requeued` / `deadLettered` fact that follows says where it went.
        break;
      }
      case 'requeued': {
        const m = this.get(f.entity, f.seq);
        // A fetched deferred message given back stays deferred (§3.3).
        if (m) Object.assign(m, { state: f.to === 'deferred' ? 'deferred' : 'active', token: null, consumer: null });
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
    Object.assign(m, { state: 'gone', token: null, consumer: null, end: { how, step: e.step, t: e.t } });
  }
}
