/**
 * FIFO processing within a session, where it is guaranteed — and a report of where it is not.
 *
 * Rule: sequence numbers guarantee *retrieval* order, not *processing* order; sessions give
 * processing in order when each session is handled one call at a time (the SDK default:
 * MaxConcurrentCallsPerSession / maxConcurrentCalls = 1). So, in a session processed one call at a
 * time in peek-lock mode, a message is completed only once every lower-sequence message of the
 * session has been completed or has left the order (deferred, dead-lettered explicitly or at
 * MaxDeliveryCount, expired). Redelivery after abandon, lock expiry or close keeps this order.
 *
 * Documented losses of order are not violations, and `observe` reports them: several calls per
 * session (§9.1), deferral (§3.3), dead-lettering and MaxDeliveryCount (§3.3 "After dead-lettering",
 * docs-pr#128317), expiry (§4), receive-and-delete (§3.1) and entities without sessions (§6, the
 * "2, 3, 1" example).
 *
 * Source: docs/semantics.md §6 "Ordering versus processing", §9 "What these settings
 * do to ordering" item 1, §10 item 6, §3.3 "Ordering after settlement" — [D1], [D5], [N3],
 * [I:net#35655], [I:java#24047], [I:docs-pr#128317].
 */
import type { FactEvent } from '../src/trace/types.ts';
import type { BookWatch } from './book-pass.ts';
import { bookPass, bookProperty } from './book-pass.ts';
import type { MessageBook } from './message-book.ts';
import { Namer, consumerSpec, entityConfigs, factsOf, ms, sentMessages, sessionKey, violation } from './oracle.ts';
import type { RunRecord, Violation } from './types.ts';

const ID = 'fifo-processing';

interface Completion {
  readonly seq: number;
  readonly consumer: string;
  readonly step: number;
  readonly t: number;
}

interface Group {
  readonly entity: string;
  /** `null`: an entity without sessions. */
  readonly session: string | null;
  readonly completions: Completion[];
  /** Why the one-call-at-a-time guarantee does not apply here (several calls per session). */
  concurrent: string | null;
  /** Why it does not apply: receive-and-delete. */
  rad: string | null;
}

interface Analysis {
  readonly groups: Map<string, Group>;
  /** The book at the end of the run (set by the pass's `end`, which a watch that never stops always reaches). */
  end: MessageBook | undefined;
  readonly name: Namer;
  /** Receive-and-delete deliveries that the consumer went on to process, by entity|seq. */
  readonly radProcessed: Set<string>;
}

/**
 * This property's part of the shared pass: with `stopAtFirst` (check), its first violation; without
 * (observe), the whole run's completions, gathered into `analysis`.
 */
function analyse(run: RunRecord, stopAtFirst: boolean): { watch: BookWatch; analysis: Analysis } {
  const name = new Namer(sentMessages(factsOf(run)), run.workload);
  const configs = entityConfigs(run.workload);
  const groups = new Map<string, Group>();
  const radProcessed = new Set<string>();
  /** Receive-and-delete deliveries by consumer|session|seq → entity (the `processed` fact names no entity). */
  const radDelivered = new Map<string, string>();
  let first: Violation | undefined;

  const group = (entity: string, session: string | null): Group => {
    const k = sessionKey(entity, session);
    let g = groups.get(k);
    if (!g) {
      g = { entity, session, completions: [], concurrent: null, rad: null };
      groups.set(k, g);
    }
    return g;
  };

  const analysis: Analysis = { groups, end: undefined, name, radProcessed };
  const watch: BookWatch = {
    fact(e, book) {
      const f = e.fact;
      switch (f.kind) {
        case 'delivered': {
          const g = group(f.entity, f.session);
          const spec = consumerSpec(run.workload, f.consumer);
          if (f.mode === 'receiveAndDelete') {
            g.rad ??= `${f.consumer} receives in receiveAndDelete mode`;
            radDelivered.set(`${f.consumer}|${sessionKey('', f.session)}|${f.seq}`, f.entity);
          }
          if (spec && spec.concurrency > 1) g.concurrent ??= `${f.consumer} runs ${spec.concurrency} calls per session`;
          break;
        }
        case 'settled': {
          if (f.action !== 'complete') break;
          const g = group(f.entity, f.session);
          if (
            f.session !== null &&
            g.concurrent === null &&
            g.rad === null &&
            configs.get(f.entity)?.requiresSession !== false &&
            first === undefined
          ) {
            first = checkCompletion(e, f.entity, f.session, f.seq, f.consumer, f.token, book, name);
          }
          g.completions.push({ seq: f.seq, consumer: f.consumer, step: e.step, t: e.t });
          break;
        }
        case 'processed': {
          const key = `${f.consumer}|${sessionKey('', f.session)}|${f.seq}`;
          const entity = radDelivered.get(key);
          if (entity === undefined) break;
          radDelivered.delete(key);
          if (f.outcome === 'crash' || f.outcome === 'close') break;
          radProcessed.add(`${entity}|${f.seq}`);
          group(entity, f.session).completions.push({ seq: f.seq, consumer: f.consumer, step: e.step, t: e.t });
          break;
        }
        default:
          break;
      }
      return stopAtFirst ? first : undefined;
    },
    applied(e, book) {
      const f = e.fact;
      if (f.kind === 'delivered' && f.mode === 'peekLock' && f.token !== null) {
        // Several messages in flight under one lock: the holder runs several calls at once.
        const inFlight = (f.session === null ? [] : book.inSession(f.entity, f.session, 'locked')).filter(
          (m) => m.token === f.token,
        ).length;
        const g = group(f.entity, f.session);
        if (inFlight > 1) g.concurrent ??= `${f.consumer} had ${inFlight} messages of the session in flight at once`;
      }
    },
    end(book) {
      analysis.end = book;
      return undefined;
    },
  };
  return { watch, analysis };
}

function checkCompletion(
  e: FactEvent,
  entity: string,
  session: string,
  seq: number,
  consumer: string,
  token: string | null,
  book: MessageBook,
  name: Namer,
): Violation | undefined {
  const waiting = [...book.inSession(entity, session, 'active'), ...book.inSession(entity, session, 'locked')]
    .filter((m) => m.seq < seq && !m.deferred)
    .sort((a, b) => a.seq - b.seq)[0];
  if (!waiting) return undefined;
  const where =
    waiting.state === 'locked' ? `locked under ${waiting.token ?? '?'} by ${waiting.consumer ?? '?'}` : 'still active';
  return violation(
    ID,
    `message ${name.message(entity, seq, session)} was completed by ${consumer}${token === null ? '' : ` under lock ${token}`} at ${ms(e.t)} before ${name.message(entity, waiting.seq)}, which comes first in session ${name.session(entity, session)} and was ${where}; the session was processed one call at a time and nothing deferred, dead-lettered or expired ${name.message(entity, waiting.seq)}, so completions must follow sequence order (§6, §9).`,
    e,
  );
}

/** The documented losses of processing order in one session or entity, as notes. */
function notesFor(g: Group, a: Analysis, book: MessageBook): string[] {
  const notes: string[] = [];
  const seqs = g.completions.map((c) => c.seq);
  if (g.session === null) {
    if (seqs.some((s, i) => i > 0 && s < (seqs[i - 1] ?? 0))) {
      notes.push(`${g.entity}: without sessions the processing order was ${list(seqs)}`);
    }
    return notes;
  }
  const where = `session ${a.name.session(g.entity, g.session)}`;
  let max: number | null = null;
  let inversions = 0;
  let firstNote: string | null = null;
  for (const s of seqs) {
    if (max !== null && s < max) {
      inversions++;
      if (firstNote === null) {
        const m = book.get(g.entity, s);
        const cause = m?.deferred
          ? `${a.name.message(g.entity, s)} was deferred and completed later`
          : (g.concurrent ?? g.rad ?? 'of no documented cause');
        firstNote = `${where}: completions out of order (${max} before ${s}) because ${cause}`;
      }
    }
    if (max === null || s > max) max = s;
  }
  if (firstNote !== null)
    notes.push(inversions > 1 ? `${firstNote} (${inversions} completions came after a higher one)` : firstNote);
  // Messages that left the order without being processed, while later ones were.
  for (const m of book.session(g.entity, g.session)) {
    const later = g.completions.find((c) => c.seq > m.seq);
    if (!later) continue;
    const completed = seqs.includes(m.seq);
    if (completed) continue;
    const laterName = a.name.message(g.entity, later.seq);
    if (
      m.state === 'gone' &&
      m.end &&
      !(m.end.how.startsWith('removed') && a.radProcessed.has(`${m.entity}|${m.seq}`))
    ) {
      const how = m.end.how.startsWith('removed')
        ? `${m.end.how} at ${ms(m.end.t)} and never processed`
        : `${m.end.how} at ${ms(m.end.t)}`;
      notes.push(`${where}: ${a.name.message(g.entity, m.seq)} was ${how}, so ${laterName} was processed without it`);
    } else if (m.deferred) {
      notes.push(`${where}: ${a.name.message(g.entity, m.seq)} was deferred, so ${laterName} was processed before it`);
    }
  }
  return notes;
}

function list(seqs: readonly number[]): string {
  const shown = seqs.slice(0, 20).join(', ');
  return seqs.length > 20 ? `${shown}, … (${seqs.length} in all)` : shown;
}

export const fifoProcessing = bookProperty({
  id: ID,
  title: 'Within a session processed one call at a time, completions follow sequence order',
  rule: 'Sessions give processing in order only with one call per session; a message is completed after every lower seq of its session is completed or has left the order by defer, dead-letter or expiry. Several calls per session, defer, dead-letter/MDC, expiry, receive-and-delete and non-session entities lose order (reported by observe) (§6, §9.1, §3.3, §10.6; D1, D5, N3).',
  watch(run) {
    return analyse(run, true).watch;
  },
  observe(run) {
    const { watch, analysis } = analyse(run, false);
    bookPass(run, [watch]);
    const book = analysis.end;
    return book ? [...analysis.groups.values()].flatMap((g) => notesFor(g, analysis, book)) : [];
  },
});
