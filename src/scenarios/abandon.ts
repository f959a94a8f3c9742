/**
 * Abandon inside a session (reference §3.3, D1, D3, I:js#15116): the abandoned message is served by the
 * very next receive, ahead of later messages, with its delivery count raised by one.
 */
import type { WorkloadInput } from '../world/workload.ts';
import type { TraceEvent } from '../trace/types.ts';
import { deliveriesOf, idsAndCounts, listDeliveries, messageIdsOf } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

/** Two handlers at once, so m2 is in flight when m1 is abandoned: the next receive must choose m1 or m3. */
export const abandonWorkload: WorkloadInput = {
  name: 'abandon',
  entities: [{ name: 'q' }],
  messages: ['m1', 'm2', 'm3'].map((messageId) => ({ messageId, sessionId: 's1', atMs: 0 })),
  consumers: [
    {
      id: 'c1',
      concurrency: 2,
      processingMs: [100, 100],
      rules: [{ messageId: 'm1', belowDeliveryCount: 1, outcome: 'abandon' }],
      receiveWaitMs: 2_000,
      maxSessions: 1,
      startAtMs: 10,
    },
  ],
};

export interface AbandonOutcome extends OutcomeBase {
  /** `[messageId, deliveryCount]` of every delivery, in order. */
  readonly deliveries: ReadonlyArray<readonly [string, number]>;
  /** The delivery right after the abandon. */
  readonly servedNext: readonly [string, number] | null;
}

export const abandon: Scenario<AbandonOutcome> = {
  id: 'abandon',
  title: 'Abandon: the same message comes straight back, count + 1',
  lesson: 'An abandoned session message is the next one served, ahead of later messages, with delivery count 1.',
  rule: '§3.3, D1, D3, I:js#15116',
  narrative:
    'c1 holds session s1 and handles two messages at a time: m1 and m2 are in flight when its handler abandons m1. ' +
    'Abandon returns m1 to the session and raises its delivery count by one (§3.3, D3, I:js#15116), and D1 says the ' +
    'abandoned message "is served again by the next receive operation": the next receive returns m1 with count 1, ' +
    'not m3. There is no back-off. Only after that does m3 arrive.',
  run: () => [workloadRun('c1 abandons m1 once', abandonWorkload)],
  outcome(runs) {
    const trace = runAt(runs, 0).trace;
    const deliveries = deliveriesOf(trace);
    const pairs = idsAndCounts(deliveries);
    const next = deliveredAfterAbandon(trace);
    return {
      deliveries: pairs,
      servedNext: next,
      summary: [
        `Deliveries in order: ${listDeliveries(deliveries)}.`,
        next
          ? `After the abandon the next receive served ${next[0]} with count ${next[1]}.`
          : 'Nothing was served after the abandon.',
      ],
    };
  },
};

/** `[messageId, count]` of the first delivery after the first abandon. */
function deliveredAfterAbandon(trace: readonly TraceEvent[]): readonly [string, number] | null {
  const idOf = messageIdsOf(trace);
  let abandoned = false;
  for (const e of trace) {
    if (e.k !== 'fact') continue;
    if (e.fact.kind === 'settled' && e.fact.action === 'abandon') abandoned = true;
    else if (abandoned && e.fact.kind === 'delivered') return [idOf(e.fact.entity, e.fact.seq), e.fact.deliveryCount];
  }
  return null;
}
