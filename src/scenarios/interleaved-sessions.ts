/**
 * Demultiplexing (reference §2.2, §2.3, §3.3, D1): messages of two sessions arrive interleaved on one
 * queue; two accept-next consumers each take one session and see only its messages, first in, first
 * out.
 */
import type { WorkloadInput } from '../world/workload.ts';
import { deliveriesOf } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

export const interleavedWorkload: WorkloadInput = {
  name: 'interleaved-sessions',
  entities: [{ name: 'q' }],
  messages: ['A1', 'B1', 'A2', 'B2', 'A3', 'B3'].map((messageId, i) => ({
    messageId,
    sessionId: messageId.slice(0, 1),
    atMs: i,
  })),
  consumers: [
    { id: 'c1', processingMs: [300, 300], receiveWaitMs: 2_000, maxSessions: 1 },
    { id: 'c2', processingMs: [200, 200], receiveWaitMs: 2_000, maxSessions: 1 },
  ],
};

export interface InterleavedSessionsOutcome extends OutcomeBase {
  /** Message ids each consumer received, in order. */
  readonly byConsumer: Readonly<Record<string, readonly string[]>>;
  /** Message ids of each session, in delivery order. */
  readonly bySession: Readonly<Record<string, readonly string[]>>;
  /** Consumers each session was delivered to. */
  readonly holders: Readonly<Record<string, readonly string[]>>;
}

export const interleavedSessions: Scenario<InterleavedSessionsOutcome> = {
  id: 'interleaved-sessions',
  title: 'Two sessions on one queue, demultiplexed to two consumers',
  lesson:
    'Each consumer holds one session and gets only its messages, in order, however the sessions interleave on the queue.',
  rule: '§2.2, §2.3, §3.3, D1',
  narrative:
    'Messages of sessions A and B arrive interleaved on one queue: A1, B1, A2, B2, A3, B3. Two consumers call ' +
    'accept-next: c1 is granted A and c2 is granted B (§2.3: only unlocked sessions with an active message are offered). ' +
    'Each lock covers every message of its session, including those that arrive later (§2.2, D1), so c1 sees only ' +
    'A1, A2, A3 and c2 only B1, B2, B3, each in sequence order (§3.3). The two sessions progress in parallel, each ' +
    'first in, first out.',
  run: () => [workloadRun('two accept-next consumers', interleavedWorkload)],
  outcome(runs) {
    const deliveries = deliveriesOf(runAt(runs, 0).trace);
    const byConsumer: Record<string, string[]> = {};
    const bySession: Record<string, string[]> = {};
    const holders: Record<string, string[]> = {};
    for (const d of deliveries) {
      (byConsumer[d.consumer] ??= []).push(d.messageId);
      const s = d.session ?? '-';
      (bySession[s] ??= []).push(d.messageId);
      const h = (holders[s] ??= []);
      if (!h.includes(d.consumer)) h.push(d.consumer);
    }
    return {
      byConsumer,
      bySession,
      holders,
      summary: Object.entries(byConsumer).map(([c, ids]) => `${c} received ${ids.join(', ')}.`),
    };
  },
};
