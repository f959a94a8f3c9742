/**
 * The timeline model behind the pictures: a trace laid out as lanes (one per consumer or client, and
 * one for the broker), marks placed in rows down virtual time, and spans (a session lock held, a
 * handler busy). The swimlane, Mermaid and HTML renderers all draw this one model, so they agree on
 * what happened where.
 *
 * Rows: marks keep trace order; a mark joins the current row when it happens at the same virtual time
 * in a lane the row does not use yet, and opens a new row otherwise. Time therefore reads downwards
 * and causality is never reordered.
 */
import type { ActorId, Fact, SettleAction } from '../../models/events.ts';
import { describeFact } from './text.ts';
import type { DeliveryEvent, TraceEvent } from './types.ts';

/** One run of a scenario, labelled ("without sessions", "with sessions"). */
export interface TracePanel {
  readonly label: string;
  readonly trace: readonly TraceEvent[];
}

/** What every renderer accepts: one trace, or several labelled runs shown together. */
export type TraceInput = readonly TraceEvent[] | readonly TracePanel[];

/** The words around a picture. */
export interface RenderText {
  readonly title?: string | undefined;
  /** One line under the title: what to remember. */
  readonly lesson?: string | undefined;
  readonly narrative?: string | undefined;
  /** The outcome, a line each. */
  readonly outcome?: readonly string[] | undefined;
  /** The step a violation names: its marks are drawn as the violation's (▶), as the text story marks it. */
  readonly markStep?: number | null | undefined;
}

export function panelsOf(input: TraceInput): readonly TracePanel[] {
  const first = input[0];
  if (first === undefined) return [{ label: '', trace: [] }];
  if ('k' in first) return [{ label: '', trace: input as readonly TraceEvent[] }];
  return input as readonly TracePanel[];
}

export const BROKER_LANE = 'broker';

export interface Lane {
  /** `broker`, or the actor id (`consumer:c1`, `client:alice`). */
  readonly id: string;
  /** Short name for headers: `broker`, `c1`, `alice`. */
  readonly label: string;
  readonly kind: 'broker' | 'consumer' | 'client';
}

export type MarkKind =
  | 'send'
  | 'send-rejected'
  | 'accept'
  | 'accept-failed'
  | 'deliver'
  | 'settle'
  | 'op-failed'
  | 'requeue'
  | 'dlq'
  | 'expire'
  | 'lock-released'
  | 'lock-expired'
  | 'renew'
  | 'state'
  | 'crash';

export interface Mark {
  readonly row: number;
  /** The scheduler step of the fact this mark draws (a violation names its step). */
  readonly step: number;
  readonly t: number;
  readonly lane: string;
  readonly kind: MarkKind;
  /** The settle action, the state operation (`set`/`read`), or the release cause. */
  readonly variant: string | null;
  readonly session: string | null;
  readonly seq: number | null;
  readonly messageId: string | null;
  /** A short label ("deliver m1 #1 count 0"); the renderers add their own symbols. */
  readonly label: string;
  /** The whole sentence, for hover text. */
  readonly detail: string;
  /** Something failed or was lost: drawn in red. */
  readonly bad: boolean;
}

export interface Span {
  readonly kind: 'lock' | 'handling';
  readonly lane: string;
  readonly session: string | null;
  /** Lock token, or `seq` of the handled message. */
  readonly key: string;
  readonly fromRow: number;
  readonly toRow: number;
  readonly fromMs: number;
  readonly toMs: number;
  /** How it ended: `released`, `expired`, `done`, `crash`…; `open` when the run ended first. */
  readonly end: string;
}

export interface Timeline {
  readonly lanes: readonly Lane[];
  readonly marks: readonly Mark[];
  readonly spans: readonly Span[];
  /** Virtual time of each row. */
  readonly rowTimes: readonly number[];
  /** Sessions in order of first appearance: the colour index of a session is its place here. */
  readonly sessions: readonly string[];
  readonly endedAtMs: number;
}

interface Draft {
  readonly t: number;
  readonly lane: string;
  readonly kind: MarkKind;
  readonly variant: string | null;
  readonly session: string | null;
  readonly seq: number | null;
  readonly label: string;
  readonly fact: Fact;
  readonly bad: boolean;
}

/** Lay a trace out as a timeline. */
export function buildTimeline(trace: readonly TraceEvent[]): Timeline {
  const b = new Builder();
  for (const e of trace) {
    if (e.k === 'deliver') b.onDelivery(e);
    else if (e.k === 'fact') {
      b.step = e.step;
      b.onFact(e.fact, e.t);
    }
  }
  return b.finish(trace.length === 0 ? 0 : (trace[trace.length - 1]?.t ?? 0));
}

/** `1.5s`, `60s`, `250ms`: virtual time as people read it. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
}

export function laneLabel(id: string): string {
  if (id === BROKER_LANE) return 'broker';
  const colon = id.indexOf(':');
  return colon >= 0 ? id.slice(colon + 1) : id;
}

function laneKind(id: string): Lane['kind'] {
  if (id === BROKER_LANE) return 'broker';
  return id.startsWith('client:') ? 'client' : 'consumer';
}

const isClient = (id: ActorId | null): id is ActorId =>
  id !== null && (id.startsWith('consumer:') || id.startsWith('client:'));

class Builder {
  /** The step of the fact being added. */
  step = -1;
  private readonly laneIds: string[] = [BROKER_LANE];
  private readonly marks: Mark[] = [];
  private readonly spans: Span[] = [];
  private readonly rowTimes: number[] = [];
  private readonly sessions: string[] = [];
  private readonly messageIds = new Map<string, string>();
  private rowLanes = new Set<string>();
  /** The client whose request started the current step (a send is drawn in its lane). */
  private stepClient: { step: number; client: ActorId | null } = { step: -1, client: null };
  private readonly openLocks = new Map<string, { lane: string; session: string; fromRow: number; fromMs: number }>();
  private readonly openHandling = new Map<
    string,
    { lane: string; session: string | null; seq: number; fromRow: number; fromMs: number }
  >();
  /** Row of the last delivery of `lane|seq`: a handling span starts there. */
  private readonly deliveredRow = new Map<string, number>();
  /** Handling spans that ended at a time with no row yet: closed by the next row at or after it. */
  private readonly pendingEnds: Array<{ span: Omit<Span, 'toRow'>; t: number }> = [];

  onDelivery(e: DeliveryEvent): void {
    if (isClient(e.actor)) this.lane(e.actor);
    if (e.via === 'internal') return;
    if (e.step !== this.stepClient.step) this.stepClient = { step: e.step, client: isClient(e.from) ? e.from : null };
  }

  onFact(f: Fact, t: number): void {
    if ('session' in f && f.session !== null && !this.sessions.includes(f.session)) this.sessions.push(f.session);
    switch (f.kind) {
      case 'sent': {
        this.messageIds.set(`${f.entity}|${f.seq}`, f.messageId);
        const lane = this.stepClient.client ?? BROKER_LANE;
        const ttl = f.expiresAtMs === null ? '' : `, expires ${formatMs(f.expiresAtMs)}`;
        const where =
          lane === BROKER_LANE
            ? this.where(f.entity, f.session, f.seq)
            : `to ${f.entity}${f.session === null ? '' : ` (${f.session})`}`;
        this.add(t, {
          lane,
          kind: 'send',
          variant: null,
          session: f.session,
          seq: f.seq,
          label: `${f.messageId} ${where}${ttl}`,
          fact: f,
          bad: false,
        });
        return;
      }
      case 'sendRejected':
        this.add(t, {
          lane: this.stepClient.client ?? BROKER_LANE,
          kind: 'send-rejected',
          variant: null,
          session: null,
          seq: null,
          label: `send ${f.messageId} rejected`,
          fact: f,
          bad: true,
        });
        return;
      case 'accepted': {
        const row = this.add(t, {
          lane: f.consumer,
          kind: 'accept',
          variant: f.next ? 'next' : 'named',
          session: f.session,
          seq: null,
          label: `lock ${f.session} until ${formatMs(f.lockedUntilMs)}`,
          fact: f,
          bad: false,
        });
        this.openLocks.set(f.token, { lane: f.consumer, session: f.session, fromRow: row, fromMs: t });
        return;
      }
      case 'acceptFailed':
        this.add(t, {
          lane: f.consumer,
          kind: 'accept-failed',
          variant: f.code,
          session: f.session,
          seq: null,
          label: `accept ${f.session ?? 'next'}: ${f.code}`,
          fact: f,
          bad: true,
        });
        return;
      case 'delivered': {
        const id = this.idOf(f.entity, f.seq);
        const row = this.add(t, {
          lane: f.consumer,
          kind: 'deliver',
          variant: f.deferred ? 'deferred' : null,
          session: f.session,
          seq: f.seq,
          label: `${id} count ${f.deliveryCount}`,
          fact: f,
          bad: false,
        });
        this.deliveredRow.set(`${f.consumer}|${f.seq}`, row);
        return;
      }
      case 'settled':
        this.add(t, {
          lane: f.consumer,
          kind: 'settle',
          variant: f.action,
          session: f.session,
          seq: f.seq,
          label: `${settleVerb(f.action)} ${this.idOf(f.entity, f.seq)}`,
          fact: f,
          bad: false,
        });
        return;
      case 'opFailed': {
        const what = f.seq === null ? f.op : `${f.op} ${this.idOf(f.entity, f.seq)}`;
        const row = this.add(t, {
          lane: f.consumer,
          kind: 'op-failed',
          variant: f.code,
          session: f.session,
          seq: f.seq,
          label: `${what}: ${f.code}`,
          fact: f,
          bad: true,
        });
        // The consumer drops its in-flight work when it learns the lock is gone.
        if (f.code === 'SessionLockLost') this.endHandling(f.consumer, null, t, 'lost', row);
        return;
      }
      case 'requeued':
        this.add(t, {
          lane: BROKER_LANE,
          kind: 'requeue',
          variant: f.cause,
          session: f.session,
          seq: f.seq,
          label: `${this.idOf(f.entity, f.seq)} back (${causeWord(f.cause)}), count ${f.deliveryCount}`,
          fact: f,
          bad: false,
        });
        return;
      case 'deadLettered':
        this.add(t, {
          lane: BROKER_LANE,
          kind: 'dlq',
          variant: f.reason,
          session: f.session,
          seq: f.seq,
          label: `${this.idOf(f.entity, f.seq)} to DLQ: ${f.reason}`,
          fact: f,
          bad: true,
        });
        return;
      case 'expired': {
        const why = f.rule === 'session' ? 'session-wide' : 'TTL';
        this.add(t, {
          lane: BROKER_LANE,
          kind: 'expire',
          variant: f.rule,
          session: f.session,
          seq: f.seq,
          label: `${this.idOf(f.entity, f.seq)} expired (${why}), ${f.deadLettered ? 'to DLQ' : 'dropped'}`,
          fact: f,
          bad: true,
        });
        return;
      }
      case 'lockReleased': {
        const row = this.add(t, {
          lane: f.consumer,
          kind: 'lock-released',
          variant: f.cause,
          session: f.session,
          seq: null,
          label: `release ${f.session} (${f.cause})`,
          fact: f,
          bad: f.cause !== 'close',
        });
        this.closeLock(f.token, row, t, f.cause);
        return;
      }
      case 'lockExpired': {
        const row = this.add(t, {
          lane: f.consumer,
          kind: 'lock-expired',
          variant: null,
          session: f.session,
          seq: null,
          label: `lock ${f.session ?? ''} expired`,
          fact: f,
          bad: true,
        });
        this.closeLock(f.token, row, t, 'expired');
        return;
      }
      case 'lockRenewed':
        this.add(t, {
          lane: f.consumer,
          kind: 'renew',
          variant: null,
          session: f.session,
          seq: null,
          label: `renew ${f.session} to ${formatMs(f.lockedUntilMs)}`,
          fact: f,
          bad: false,
        });
        return;
      case 'stateSet':
        this.add(t, {
          lane: f.consumer,
          kind: 'state',
          variant: 'set',
          session: f.session,
          seq: null,
          label: `set state ${JSON.stringify(f.value)}`,
          fact: f,
          bad: false,
        });
        return;
      case 'stateRead':
        this.add(t, {
          lane: f.consumer,
          kind: 'state',
          variant: 'read',
          session: f.session,
          seq: null,
          label: `read state ${JSON.stringify(f.value)}`,
          fact: f,
          bad: false,
        });
        return;
      case 'processingStarted': {
        const fromRow = this.deliveredRow.get(`${f.consumer}|${f.seq}`) ?? Math.max(0, this.rowTimes.length - 1);
        this.openHandling.set(`${f.consumer}|${f.seq}`, {
          lane: f.consumer,
          session: f.session,
          seq: f.seq,
          fromRow,
          fromMs: t,
        });
        return;
      }
      case 'processed':
        this.endHandling(f.consumer, f.seq, t, f.outcome);
        return;
      case 'crashed':
        this.add(t, {
          lane: f.consumer,
          kind: 'crash',
          variant: null,
          session: null,
          seq: null,
          label: 'CRASHED',
          fact: f,
          bad: true,
        });
        return;
    }
  }

  finish(endedAtMs: number): Timeline {
    const lastRow = Math.max(0, this.rowTimes.length - 1);
    for (const p of this.pendingEnds.splice(0)) this.spans.push({ ...p.span, toRow: lastRow });
    for (const [key, open] of this.openLocks) {
      this.spans.push({
        kind: 'lock',
        lane: open.lane,
        session: open.session,
        key,
        fromRow: open.fromRow,
        toRow: lastRow,
        fromMs: open.fromMs,
        toMs: endedAtMs,
        end: 'open',
      });
    }
    for (const open of this.openHandling.values()) {
      this.spans.push({
        kind: 'handling',
        lane: open.lane,
        session: open.session,
        key: String(open.seq),
        fromRow: open.fromRow,
        toRow: lastRow,
        fromMs: open.fromMs,
        toMs: endedAtMs,
        end: 'open',
      });
    }
    const lanes: Lane[] = this.laneIds.map((id) => ({ id, label: laneLabel(id), kind: laneKind(id) }));
    this.spans.sort((a, b) => a.fromRow - b.fromRow || (a.kind === b.kind ? 0 : a.kind === 'lock' ? -1 : 1));
    return { lanes, marks: this.marks, spans: this.spans, rowTimes: this.rowTimes, sessions: this.sessions, endedAtMs };
  }

  private lane(id: string): string {
    if (!this.laneIds.includes(id)) this.laneIds.push(id);
    return id;
  }

  private add(t: number, d: Omit<Draft, 't'>): number {
    const lane = this.lane(d.lane);
    const current = this.rowTimes.length - 1;
    let row = current;
    if (current < 0 || this.rowTimes[current] !== t || this.rowLanes.has(lane)) {
      this.rowTimes.push(t);
      row = this.rowTimes.length - 1;
      this.rowLanes = new Set();
    }
    this.closePendingEnds(row, t);
    this.rowLanes.add(lane);
    const detail = `t=${formatMs(t)}: ${describeFact(d.fact)}`;
    this.marks.push({
      row,
      step: this.step,
      t,
      lane,
      kind: d.kind,
      variant: d.variant,
      session: d.session,
      seq: d.seq,
      messageId: d.seq === null ? null : this.idOfSeq(d.fact, d.seq),
      label: d.label,
      detail,
      bad: d.bad,
    });
    return row;
  }

  private closePendingEnds(row: number, t: number): void {
    for (let i = this.pendingEnds.length - 1; i >= 0; i--) {
      const p = this.pendingEnds[i];
      if (p && t >= p.t) {
        this.spans.push({ ...p.span, toRow: row });
        this.pendingEnds.splice(i, 1);
      }
    }
  }

  private closeLock(token: string, row: number, t: number, end: string): void {
    const open = this.openLocks.get(token);
    if (!open) return;
    this.openLocks.delete(token);
    this.spans.push({
      kind: 'lock',
      lane: open.lane,
      session: open.session,
      key: token,
      fromRow: open.fromRow,
      toRow: row,
      fromMs: open.fromMs,
      toMs: t,
      end,
    });
  }

  /**
   * End the handling of `seq` (or of every message, when `seq` is null) by `lane` at `t`: on `row` when
   * given, else on the row of the next mark (the settle or crash that shows the end).
   */
  private endHandling(lane: string, seq: number | null, t: number, end: string, row?: number): void {
    for (const [key, open] of this.openHandling) {
      if (open.lane !== lane || (seq !== null && open.seq !== seq)) continue;
      this.openHandling.delete(key);
      const span = {
        kind: 'handling' as const,
        lane,
        session: open.session,
        key: String(open.seq),
        fromRow: open.fromRow,
        fromMs: open.fromMs,
        toMs: t,
        end,
      };
      if (row === undefined) this.pendingEnds.push({ span, t });
      else this.spans.push({ ...span, toRow: row });
    }
  }

  private idOf(entity: string, seq: number): string {
    return this.messageIds.get(`${entity}|${seq}`) ?? `#${seq}`;
  }

  private idOfSeq(f: Fact, seq: number): string | null {
    return 'entity' in f ? (this.messageIds.get(`${f.entity}|${seq}`) ?? null) : null;
  }

  /** `s1#3` for a session message, `jobs#3` for a message of a plain queue. */
  private where(entity: string, session: string | null, seq: number): string {
    return `${session ?? entity}#${seq}`;
  }
}

function settleVerb(action: SettleAction): string {
  return action === 'deadLetter' ? 'dead-letter' : action;
}

function causeWord(cause: string): string {
  return cause === 'lockExpired' ? 'lock expired' : cause;
}

/** Class-name form of a settle action: `complete`, `abandon`, `defer`, `dead-letter`. */
export function settleClass(action: string | null): string {
  return action === 'deadLetter' ? 'dead-letter' : (action ?? '');
}
