/**
 * Deferral inside a session (reference §3.3, T7, T9, D6, I:net#16447): a deferred message leaves the
 * receive order but stays in the session, retrievable only by its sequence number; the next receive gets
 * the next message. Fetching it back is a delivery (+1 each time), and a fetched message given back
 * (abandoned) goes back among the deferred, not into the receive order, with no further increment.
 * A driver script: every call is a client request through the same scheduler.
 */
import type { ReceivedMessage } from '../../models/events.ts';
import type { Reply, SessionHandle } from '../world/driver.ts';
import { Driver } from '../world/driver.ts';
import { deliveriesOf, factsIn, idsAndCounts, listDeliveries, messageIdsOf } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { driverRun, runAt } from './scenario.ts';

function first(reply: Reply<'received'>, what: string): ReceivedMessage {
  const m = reply.ok ? reply.result.messages[0] : undefined;
  if (!m) throw new Error(`deferral: ${what} returned no message`);
  return m;
}

/** The script: defer m1, serve m2 and m3, fetch m1 by number, abandon it, receive (nothing), fetch it again. */
export function deferralDriver(): Driver {
  const d = new Driver({
    name: 'deferral',
    entities: [{ name: 'q' }],
    messages: ['m1', 'm2', 'm3'].map((messageId) => ({ messageId, sessionId: 's1', atMs: 0 })),
  });
  const c1 = d.client('c1');
  d.advance(10);
  const accepted = d.accept(c1, 'q', 's1');
  if (!accepted.ok || !accepted.handle) throw new Error('deferral: accepting s1 failed');
  const h: SessionHandle = accepted.handle;
  // 1. m1 is deferred (T7): it stays in the session, set aside.
  const m1 = first(d.receive(h), 'the first receive');
  d.advance(100);
  d.settle(h, m1, 'defer');
  // 2. Deferral does not block the session: the next receives serve m2 and m3 (I:net#16447).
  for (const what of ['the second receive', 'the third receive']) {
    const m = first(d.receive(h), what);
    d.advance(100);
    d.settle(h, m, 'complete');
  }
  // 3. Nothing is left to receive; m1 comes back only by its sequence number (T9, D6): a delivery, count 1.
  d.receive(h, 1, 1_000);
  const fetched = first(d.receiveDeferred(h, [m1.seq]), 'the first fetch');
  d.advance(100);
  // 4. Abandoned, a fetched deferred message goes back among the deferred (§3.3): still no receive sees it.
  d.settle(h, fetched, 'abandon');
  d.receive(h, 1, 1_000);
  // 5. Fetched again: count 2 — the fetch is the delivery, the abandon added nothing. Completed at last.
  const again = first(d.receiveDeferred(h, [m1.seq]), 'the second fetch');
  d.advance(100);
  d.settle(h, again, 'complete');
  d.close(h);
  return d;
}

export interface DeferralOutcome extends OutcomeBase {
  /** `[messageId, deliveryCount]` of every delivery, normal and fetched, in order. */
  readonly deliveries: ReadonlyArray<readonly [string, number]>;
  /** `[messageId, deliveryCount]` of the deliveries made by receiveDeferred. */
  readonly fetched: ReadonlyArray<readonly [string, number]>;
  /** Message ids completed, in order. */
  readonly completed: readonly string[];
}

export const deferral: Scenario<DeferralOutcome> = {
  id: 'deferral',
  title: 'Deferral: set aside, fetched by number, every fetch a delivery',
  lesson: 'A deferred message leaves the receive order; only receiveDeferred gets it back, and each fetch counts.',
  rule: '§3.3, T7, T9, D6',
  narrative:
    'c1 holds session s1 and defers m1 (T7): m1 stays in the session, but a normal receive never serves it again, ' +
    'and deferral does not block the session (I:net#16447): the next receives get m2 and m3. With nothing left to ' +
    'receive, c1 fetches m1 by its sequence number (receiveDeferred, T9, D6). A fetch is a delivery: m1 comes back ' +
    'with count 1 (§3.3). c1 abandons it; a fetched deferred message given back stays deferred, so the next receive ' +
    'still finds nothing. Fetched once more it shows count 2 (the abandon added nothing: the fetch was the delivery), ' +
    'and c1 completes it.',
  run: () => [driverRun('c1 defers m1, fetches it, abandons it, fetches it again', deferralDriver())],
  outcome(runs) {
    const trace = runAt(runs, 0).trace;
    const deliveries = deliveriesOf(trace);
    const idOf = messageIdsOf(trace);
    const fetched = factsIn(trace, 'delivered')
      .filter((f) => f.deferred)
      .map((f): readonly [string, number] => [idOf(f.entity, f.seq), f.deliveryCount]);
    const completed = factsIn(trace, 'settled')
      .filter((f) => f.action === 'complete')
      .map((f) => idOf(f.entity, f.seq));
    return {
      deliveries: idsAndCounts(deliveries),
      fetched,
      completed,
      summary: [
        `Deliveries in order: ${listDeliveries(deliveries)}.`,
        `Fetched by sequence number: ${fetched.map(([id, n]) => `${id} (count ${n})`).join(', ') || 'nothing'}.`,
        `Completed in order: ${completed.join(', ') || 'nothing'}.`,
      ],
    };
  },
};
