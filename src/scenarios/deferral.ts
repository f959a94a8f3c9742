/**
 * Deferral inside a session (reference §3.3, T7, T9, D6, I:net#16447): a deferred message leaves the
 * receive order but stays in the session, retrievable only by its sequence number; the next receive gets
 * the next message. Fetching it back is a delivery (+1 each time), and an abandoned fetched message goes
 * back to the deferred set, not to the receive order.
 */
import type { WorkloadInput } from '../world/workload.ts';
import { deliveriesOf, factsIn, idsAndCounts, listDeliveries, messageIdsOf } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

/** m1 is deferred at first sight, abandoned at its first fetch, completed at its second. */
export const deferralWorkload: WorkloadInput = {
  name: 'deferral',
  entities: [{ name: 'q' }],
  messages: ['m1', 'm2', 'm3'].map((messageId) => ({ messageId, sessionId: 's1', atMs: 0 })),
  consumers: [
    {
      id: 'c1',
      processingMs: [100, 100],
      rules: [
        { messageId: 'm1', belowDeliveryCount: 1, outcome: 'defer' },
        { messageId: 'm1', belowDeliveryCount: 2, outcome: 'abandon' },
      ],
      fetchDeferred: true,
      receiveWaitMs: 1_000,
      maxSessions: 1,
      startAtMs: 10,
    },
  ],
};

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
    'c1 holds session s1. Its handler defers m1 (T7): m1 stays in the session but a normal receive never serves it ' +
    'again, and deferral does not block the session (I:net#16447) — the next receives get m2 and m3. When the session ' +
    'goes quiet, c1 fetches m1 by its sequence number (receiveDeferred, T9, D6). Fetching is a delivery: m1 comes back ' +
    'with count 1 (§3.3). The handler abandons it: a fetched deferred message given back stays deferred, so no receive ' +
    'sees it; c1 fetches it once more, now with count 2, and completes it.',
  run: () => [workloadRun('c1 defers m1, then fetches it twice', deferralWorkload)],
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
