/**
 * Which sessions an accept could be granted, rebuilt from the facts alone, with the virtual-time
 * window over which each has been so. The liveness properties (accept-progress, eventual-processing)
 * ask it "since when, and until when, was session s1 there for the taking?".
 *
 * A session is *available* to accept-next (T3, §2.3) when nobody holds its lock (`accepted` …
 * `lockReleased` / `lockExpired`) and it has an active message that is neither deferred nor expired;
 * with the switch `sessionWideExpiry` on (§4), an unlocked session with one expired active message is
 * not available either, since evaluating expiry on accept takes every active message with it. A session
 * is *free* to a named accept (T2, §2.2) whenever nobody holds its lock, messages or not.
 *
 * Availability starts only with a fact (a send, a requeue, a lock ending) and ends with a fact or with
 * the mere passage of time (a TTL running out), so each window is `[since, until)`: `since` is the
 * time of the step at whose end the session became available, `until` the first instant at which its
 * messages, as they stand, no longer make it available (`Infinity` when none expires).
 */
import type { FactEvent } from '../src/trace/types.ts';
import type { BookEntry } from './message-book.ts';
import { MessageBook } from './message-book.ts';
import { LockTable, messageKey, sessionKey } from './oracle.ts';

export interface Window {
  readonly entity: string;
  readonly session: string;
  /** Time of the step at whose end the session became available (or free), ms. */
  readonly since: number;
  /** First instant at which it is no longer available, as its messages stand; `Infinity` if never. */
  readonly until: number;
}

export class SessionBoard {
  readonly book = new MessageBook();
  readonly locks = new LockTable();
  /** `expiresAt` of every sent message, by `messageKey` (`null`: never). */
  private readonly expiresAt = new Map<string, number | null>();
  /** The sessions seen so far, per entity, each with its place in the order they were first seen. */
  private readonly sessions = new Map<string, Map<string, number>>();
  /** The availability window of each session, by `sessionKey`. */
  private readonly open = new Map<string, Window>();
  /**
   * The same windows per entity, by session: the liveness properties ask for an entity's windows on
   * every step, and walking every session the entity ever had instead made a check quadratic in them.
   */
  private readonly openIn = new Map<string, Map<string, Window>>();
  /** Since when each session has had no lock holder, once it has had one (a session never locked is free from t=0). */
  private readonly freeSince = new Map<string, number>();
  /** Sessions held at the end of the last step that touched them. */
  private readonly held = new Set<string>();
  private touched = new Map<string, { entity: string; session: string }>();

  constructor(private readonly sessionWideExpiry: boolean) {}

  /** Feed every fact in trace order; call `endStep` after the last event of each step. */
  apply(e: FactEvent): void {
    const f = e.fact;
    this.book.apply(e);
    this.locks.apply(e);
    if (f.kind === 'sent') this.expiresAt.set(messageKey(f.entity, f.seq), f.expiresAtMs);
    if (!('session' in f) || f.session === null) return;
    const known = this.sessions.get(f.entity) ?? new Map<string, number>();
    if (!known.has(f.session)) known.set(f.session, known.size);
    this.sessions.set(f.entity, known);
    this.touched.set(sessionKey(f.entity, f.session), { entity: f.entity, session: f.session });
  }

  /** The step that ran at virtual time `t` is over: recompute the windows of the sessions it touched. */
  endStep(t: number): void {
    for (const [key, { entity, session }] of this.touched) {
      if (this.locks.holder(entity, session) !== undefined) this.held.add(key);
      else if (this.held.delete(key)) this.freeSince.set(key, t);
      const until = this.availableUntil(entity, session, t);
      const old = this.open.get(key);
      if (until === null) this.setWindow(key, entity, session, undefined);
      // A window that lapsed by time before this step was a gap: the session is available anew from now.
      else if (old && old.until > t) this.setWindow(key, entity, session, { ...old, until });
      else this.setWindow(key, entity, session, { entity, session, since: t, until });
    }
    this.touched = new Map();
  }

  private setWindow(key: string, entity: string, session: string, w: Window | undefined): void {
    let inEntity = this.openIn.get(entity);
    if (!inEntity) this.openIn.set(entity, (inEntity = new Map()));
    if (w === undefined) {
      this.open.delete(key);
      inEntity.delete(session);
    } else {
      this.open.set(key, w);
      inEntity.set(session, w);
    }
  }

  /** The sessions of `entity` available to accept-next at time `t`, as of the last completed step. */
  available(entity: string, t: number): Window[] {
    return this.windows(entity).filter((w) => w.until > t);
  }

  /**
   * Every window of `entity` still on record, in the order its sessions were first seen: the current
   * ones, and ones that lapsed by time since (a window is replaced or dropped only at the end of a step
   * that touches its session).
   */
  windows(entity: string): Window[] {
    const inEntity = this.openIn.get(entity);
    if (!inEntity || inEntity.size === 0) return [];
    const out = [...inEntity.values()];
    if (out.length === 1) return out;
    const rank = this.sessions.get(entity) as Map<string, number>;
    return out.sort((a, b) => (rank.get(a.session) ?? 0) - (rank.get(b.session) ?? 0));
  }

  /** The window of one session, if it is available at time `t`. */
  window(entity: string, session: string, t: number): Window | undefined {
    const w = this.open.get(sessionKey(entity, session));
    return w && w.until > t ? w : undefined;
  }

  /** Since when the session has had no lock holder, or `undefined` while it is held. */
  free(entity: string, session: string): number | undefined {
    if (this.locks.holder(entity, session) !== undefined) return undefined;
    return this.freeSince.get(sessionKey(entity, session)) ?? 0;
  }

  /** The session's active messages that are neither deferred nor expired at `t`, lowest sequence first. */
  deliverable(entity: string, session: string | null, t: number): BookEntry[] {
    return this.book.inSession(entity, session, 'active').filter((m) => !this.isExpired(m, t));
  }

  isExpired(m: BookEntry, t: number): boolean {
    const at = this.expiresAt.get(messageKey(m.entity, m.seq));
    return at !== undefined && at !== null && at <= t;
  }

  expiry(m: BookEntry): number | null {
    return this.expiresAt.get(messageKey(m.entity, m.seq)) ?? null;
  }

  /** When the session, as its messages stand, stops being available; `null` if it is not available at `t`. */
  private availableUntil(entity: string, session: string, t: number): number | null {
    if (this.locks.holder(entity, session) !== undefined) return null;
    const active = this.book.inSession(entity, session, 'active');
    if (active.length === 0) return null;
    // Session-wide expiry: the first TTL to run out takes the whole session; otherwise the last one does.
    let until = this.sessionWideExpiry ? Infinity : -Infinity;
    for (const m of active) {
      const end = this.expiry(m) ?? Infinity;
      until = this.sessionWideExpiry ? Math.min(until, end) : Math.max(until, end);
    }
    return until > t ? until : null;
  }
}
