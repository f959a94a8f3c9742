/**
 * MaxDeliveryCount (reference §3.4, §3.3, D3, I:docs-pr#128317): a message abandoned again and again is
 * dead-lettered with MaxDeliveryCountExceeded on the attempt that reaches the limit, and the session
 * moves on to its next message.
 */
import type { WorkloadInput } from '../world/workload.ts';
import { completed, deliveriesOf, factsIn, idsAndCounts, listDeliveries } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

export const maxDeliveryWorkload: WorkloadInput = {
  name: 'max-delivery',
  entities: [{ name: 'q', maxDeliveryCount: 3 }],
  messages: [
    { messageId: 'bad', sessionId: 's1' },
    { messageId: 'good', sessionId: 's1' },
  ],
  consumers: [{ id: 'c1', rules: [{ messageId: 'bad', outcome: 'abandon' }], receiveWaitMs: 2_000, maxSessions: 1 }],
};

export interface MaxDeliveryOutcome extends OutcomeBase {
  readonly deliveries: ReadonlyArray<readonly [string, number]>;
  /** `[messageId, reason, deliveryCount]` of the dead-letter queue. */
  readonly deadLetters: ReadonlyArray<readonly [string, string, number]>;
  readonly completed: readonly string[];
}

export const maxDelivery: Scenario<MaxDeliveryOutcome> = {
  id: 'max-delivery',
  title: 'MaxDeliveryCount: repeated abandon ends in the dead-letter queue',
  lesson:
    'After MaxDeliveryCount failed attempts the message is dead-lettered (MaxDeliveryCountExceeded) and the session moves on.',
  rule: '§3.4, §3.3, D3, I:docs-pr#128317',
  narrative:
    'The queue has MaxDeliveryCount 3 and c1\'s handler abandons "bad" every time. Each abandon adds one to the ' +
    'delivery count and serves the message again at once (§3.3). The third abandon reaches the limit: the broker ' +
    'moves "bad" to the dead-letter queue with reason MaxDeliveryCountExceeded (§3.4, D3), so the message was ' +
    'delivered at most 3 times. The session does not stay stuck: the next receive returns "good", which is completed. ' +
    'Note the order of the session is now broken, since "good" was processed without "bad" (I:docs-pr#128317).',
  run: () => [workloadRun('c1 abandons "bad" every time', maxDeliveryWorkload)],
  outcome(runs) {
    const run = runAt(runs, 0);
    const deliveries = deliveriesOf(run.trace);
    const deadLetters = factsIn(run.trace, 'deadLettered').map((f) => {
      const entry = run.final.entities[f.entity]?.deadLetters.find((e) => e.seq === f.seq);
      return [entry?.messageId ?? `#${f.seq}`, f.reason, f.deliveryCount] as const;
    });
    const done = completed(run.trace);
    return {
      deliveries: idsAndCounts(deliveries),
      deadLetters,
      completed: done,
      summary: [
        `Deliveries: ${listDeliveries(deliveries)}.`,
        ...deadLetters.map(([id, reason, n]) => `${id} was dead-lettered with ${reason} at delivery count ${n}.`),
        `Completed: ${done.join(', ') || 'nothing'}.`,
      ],
    };
  },
};
