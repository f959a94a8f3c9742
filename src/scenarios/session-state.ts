/**
 * Session state as a checkpoint (reference §5, §2.6, D1): a consumer records `done:<seq>` in session
 * state before each complete; it crashes mid-session, the crash releases the lock, and the next holder
 * reads the state after accepting and resumes where the first left off.
 */
import type { WorkloadInput } from '../world/workload.ts';
import { deliveriesOf, factsIn, shortName, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

export const sessionStateWorkload: WorkloadInput = {
  name: 'session-state',
  entities: [{ name: 'q' }],
  messages: ['m1', 'm2', 'm3'].map((messageId) => ({ messageId, sessionId: 's1', atMs: 0 })),
  consumers: [
    { id: 'c1', checkpoint: true, rules: [{ messageId: 'm2', outcome: 'crash' }], receiveWaitMs: 2_000 },
    { id: 'c2', checkpoint: true, startAtMs: 1_000, receiveWaitMs: 2_000, maxSessions: 1 },
  ],
};

export interface SessionStateOutcome extends OutcomeBase {
  /** `[consumer, value]` of every state read, in order. */
  readonly reads: ReadonlyArray<readonly [string, string | null]>;
  /** `[consumer, value]` of every state write, in order. */
  readonly writes: ReadonlyArray<readonly [string, string | null]>;
  readonly crashed: readonly string[];
  /** Message ids each consumer received. */
  readonly received: Readonly<Record<string, readonly string[]>>;
  /** The first message the next holder received, with its count. */
  readonly resumedWith: readonly [string, number] | null;
  readonly finalState: string | null;
}

export const sessionState: Scenario<SessionStateOutcome> = {
  id: 'session-state',
  title: 'Session state: resume after a crash from a checkpoint',
  lesson: 'Record progress in session state; after a crash the next holder reads it and carries on from there.',
  rule: '§5, §2.6, D1',
  narrative:
    'Session state is an opaque blob the broker keeps per session, meant for recording progress so that a new holder ' +
    'can resume (§5, D1). c1 writes "done:<seq>" before completing each message. It completes m1 (state "done:1") and ' +
    'crashes while handling m2. A crash releases the lock like a close (§2.6): m2 goes back with its count unchanged. ' +
    'c2 accepts the session, reads the state first, sees "done:1", and so knows m1 is finished and m2 is next; it ' +
    'completes m2 and m3, leaving "done:3". The state outlives both the messages and the holders.',
  run: () => [workloadRun('c1 crashes on m2, c2 takes over', sessionStateWorkload)],
  outcome(runs) {
    const run = runAt(runs, 0);
    const reads = factsIn(run.trace, 'stateRead').map((f) => [shortName(f.consumer), f.value] as const);
    const writes = factsIn(run.trace, 'stateSet').map((f) => [shortName(f.consumer), f.value] as const);
    const crashed = timedFacts(run.trace, 'crashed').map((c) => shortName(c.fact.consumer));
    const deliveries = deliveriesOf(run.trace);
    const received: Record<string, string[]> = {};
    for (const d of deliveries) (received[d.consumer] ??= []).push(d.messageId);
    const first = deliveries.find((d) => d.consumer === 'c2');
    const finalState = run.final.entities['q']?.sessions['s1']?.state ?? null;
    return {
      reads,
      writes,
      crashed,
      received,
      resumedWith: first ? [first.messageId, first.deliveryCount] : null,
      finalState,
      summary: [
        `${crashed.join(', ')} crashed after writing ${writes
          .filter(([c]) => crashed.includes(c))
          .map(([, v]) => JSON.stringify(v))
          .join(', ')}.`,
        ...reads.map(([c, v]) => `${c} read the session state: ${JSON.stringify(v)}.`),
        first
          ? `c2 resumed with ${first.messageId} (count ${first.deliveryCount}) and received ${(received['c2'] ?? []).join(', ')}.`
          : 'c2 received nothing.',
        `Final session state: ${JSON.stringify(finalState)}.`,
      ],
    };
  },
};
