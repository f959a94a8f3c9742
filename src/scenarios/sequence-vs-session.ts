/**
 * Ordering versus processing (reference §6, D1/D5): sequence numbers fix retrieval order, not
 * processing order. The documented example, three messages and two consumers, run twice: on a plain
 * queue (processing order 2, 3, 1) and on a session queue with all three in one session (1, 2, 3).
 */
import type { WorkloadInput } from '../world/workload.ts';
import { processingOrder, shortName, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario, ScenarioRun } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

/** c1 is slow (5 s per message), c2 quick (1 s): the documented schedule falls out of the first-option run. */
const consumers: WorkloadInput['consumers'] = [
  { id: 'c1', processingMs: [5_000, 5_000], receiveWaitMs: 3_000 },
  { id: 'c2', processingMs: [1_000, 1_000], receiveWaitMs: 3_000 },
];

const messages = (to: string, sessionId?: string): NonNullable<WorkloadInput['messages']> =>
  ['m1', 'm2', 'm3'].map((messageId, i) => ({
    messageId,
    to,
    atMs: i,
    ...(sessionId === undefined ? {} : { sessionId }),
  }));

export const withoutSessions: WorkloadInput = {
  name: 'sequence-without-sessions',
  entities: [{ name: 'jobs', requiresSession: false }],
  messages: messages('jobs'),
  consumers,
};

export const withSessions: WorkloadInput = {
  name: 'sequence-with-sessions',
  entities: [{ name: 'orders', requiresSession: true }],
  messages: messages('orders', 'order-42'),
  consumers,
};

export interface SequenceVsSessionOutcome extends OutcomeBase {
  /** Message ids in the order their processing finished, on the plain queue. */
  readonly withoutSessions: readonly string[];
  /** The same, on the session queue. */
  readonly withSessions: readonly string[];
  /** Who finished which message, in order, per run: `c2:m2`. */
  readonly handledWithout: readonly string[];
  readonly handledWith: readonly string[];
}

function handled(run: ScenarioRun): string[] {
  return timedFacts(run.trace, 'processed').map(({ fact }) => `${shortName(fact.consumer)}:${fact.messageId}`);
}

export const sequenceVsSession: Scenario<SequenceVsSessionOutcome> = {
  id: 'sequence-vs-session',
  title: 'Sequence numbers order retrieval, sessions order processing',
  lesson: 'Competing consumers finish messages out of order (2, 3, 1); one session processes them in order (1, 2, 3).',
  rule: '§6 "Ordering versus processing", D1, D5',
  narrative:
    'Three messages m1, m2, m3 get sequence numbers 1, 2, 3, and both runs hand them out in that order. ' +
    'On the plain queue (no sessions) c1 takes m1 and works on it for 5 s; meanwhile c2 takes m2, finishes it, ' +
    'takes m3 and finishes that too, so processing order is 2, 3, 1 even though retrieval order was 1, 2, 3. ' +
    'On the session queue all three share one session id: c1 accepts the session and holds its lock, c2 cannot get ' +
    'any of its messages, and they are processed 1, 2, 3. This is the documented example of reference §6 ' +
    '"Ordering versus processing" (D1, D5): sequence numbers alone guarantee retrieval order, sessions give processing order.',
  run: () => [
    workloadRun('without sessions (plain queue jobs)', withoutSessions),
    workloadRun('with sessions (one session order-42)', withSessions),
  ],
  outcome(runs) {
    const without = runAt(runs, 0);
    const withS = runAt(runs, 1);
    const a = processingOrder(without.trace);
    const b = processingOrder(withS.trace);
    const num = (ids: readonly string[]) => ids.map((id) => id.slice(1)).join(', ');
    return {
      withoutSessions: a,
      withSessions: b,
      handledWithout: handled(without),
      handledWith: handled(withS),
      summary: [
        `Without sessions: processing order ${num(a)} (${handled(without).join(', ')}).`,
        `With sessions: processing order ${num(b)} (${handled(withS).join(', ')}).`,
      ],
    };
  },
};
