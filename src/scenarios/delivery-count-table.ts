/**
 * The delivery-count table of the sessions page (reference §3.4, §2.5, §2.6, D1 table): the three
 * documented rows, one run each. The session lock expires → +1; the session is closed with the message
 * unsettled → +0; the message is completed and then the session closed → the message is gone and
 * there is nothing to count.
 */
import type { WorkloadInput } from '../world/workload.ts';
import type { ScenarioRun } from './scenario.ts';
import { deliveriesOf, factsIn } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { workloadRun } from './scenario.ts';

const entities: WorkloadInput['entities'] = [{ name: 'q', lockDurationMs: 30_000 }];
const messages: WorkloadInput['messages'] = [{ messageId: 'm1', sessionId: 's1' }];
/** c2 waits with accept-next and picks up whatever c1 leaves behind. */
const c2 = { id: 'c2', startAtMs: 1_000, receiveWaitMs: 5_000, maxSessions: 1 } as const;

export const lockExpiresRow: WorkloadInput = {
  name: 'count-lock-expires',
  entities,
  messages,
  consumers: [
    { id: 'c1', renewal: { kind: 'none' }, outcomes: ['stall'], stallMs: 40_000, receiveWaitMs: 5_000, maxSessions: 1 },
    c2,
  ],
};

export const closedUnsettledRow: WorkloadInput = {
  name: 'count-closed-unsettled',
  entities,
  messages,
  consumers: [{ id: 'c1', outcomes: ['close'], receiveWaitMs: 5_000, maxSessions: 1 }, c2],
};

export const completedRow: WorkloadInput = {
  name: 'count-completed-then-closed',
  entities,
  messages,
  consumers: [{ id: 'c1', receiveWaitMs: 5_000, maxSessions: 1 }, c2],
};

export interface CountRow {
  readonly row: string;
  /** Delivery counts of m1, one per delivery. */
  readonly counts: readonly number[];
  /** `+1`, `+0`, or `gone` when the message was never delivered again. */
  readonly change: string;
  /** What c2's accept-next got: a session, or the error. */
  readonly secondConsumer: string;
}

export interface DeliveryCountTableOutcome extends OutcomeBase {
  readonly rows: readonly CountRow[];
}

function rowOf(row: string, run: ScenarioRun): CountRow {
  const counts = deliveriesOf(run.trace).map((d) => d.deliveryCount);
  const [first, second] = counts;
  const change = second === undefined || first === undefined ? 'gone' : `+${second - first}`;
  const accepted = factsIn(run.trace, 'accepted').find((f) => f.consumer === 'consumer:c2');
  const failed = factsIn(run.trace, 'acceptFailed').find((f) => f.consumer === 'consumer:c2');
  const secondConsumer = accepted ? `accepted ${accepted.session}` : failed ? failed.code : 'nothing';
  return { row, counts, change, secondConsumer };
}

const ROWS = ['lock expires', 'closed with the message unsettled', 'completed, then closed'] as const;

export const deliveryCountTable: Scenario<DeliveryCountTableOutcome> = {
  id: 'delivery-count-table',
  title: 'When does the delivery count go up? The three rows of the table',
  lesson: 'Session lock expiry adds 1; closing with the message unsettled adds 0; a completed message is gone.',
  rule: '§3.4, §2.5, §2.6, D1 table',
  narrative:
    'The sessions page (D1) has a table of when the delivery count is incremented; here are its three rows as three ' +
    'runs with a 30 s lock. Lock expires: c1 neither renews nor settles, the lock expires at 30 s, m1 goes back with ' +
    'count 1 and c2 gets it (§2.5, "incremented: Yes"); c1\'s late complete fails with SessionLockLost. Closed: c1 ' +
    'closes the session with m1 unsettled, m1 is released at once with its count unchanged and c2 gets it with count 0 ' +
    '(§2.6, "not completed, and the session is closed: No"). Completed then closed: m1 is removed, c2 finds no session ' +
    'and its accept-next times out; there is nothing left to count (§3.4).',
  run: () => [
    workloadRun(`row 1: ${ROWS[0]}`, lockExpiresRow),
    workloadRun(`row 2: ${ROWS[1]}`, closedUnsettledRow),
    workloadRun(`row 3: ${ROWS[2]}`, completedRow),
  ],
  outcome(runs) {
    const rows = runs.map((run, i) => rowOf(ROWS[i] ?? run.label, run));
    return {
      rows,
      summary: rows.map(
        (r) =>
          `${r.row}: counts ${r.counts.join(' then ')} → ${r.change === 'gone' ? 'message gone, nothing to count' : r.change}; c2: ${r.secondConsumer}.`,
      ),
    };
  },
};
