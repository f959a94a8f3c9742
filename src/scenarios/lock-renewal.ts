/**
 * Lock renewal (reference §2.4, §2.5, D4, N4, J2): a handler slower than the lock duration keeps the
 * session with manual renewal or the SDK's auto-renewal; without renewal the lock expires mid-handler
 * and the complete fails with SessionLockLost.
 */
import type { RenewalPolicy } from '../../models/consumer.ts';
import type { WorkloadInput } from '../world/workload.ts';
import type { ScenarioRun } from './scenario.ts';
import { factsIn, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { workloadRun } from './scenario.ts';

/** A 30 s lock and a 70 s handler. */
export function renewalWorkload(renewal: RenewalPolicy): WorkloadInput {
  return {
    name: `lock-renewal-${renewal.kind}`,
    entities: [{ name: 'q', lockDurationMs: 30_000 }],
    messages: [{ messageId: 'm1', sessionId: 's1' }],
    consumers: [{ id: 'c1', renewal, processingMs: [70_000, 70_000], receiveWaitMs: 1_000, maxSessions: 1 }],
  };
}

export const RENEWALS: ReadonlyArray<{ label: string; renewal: RenewalPolicy }> = [
  { label: 'manual renew every 25 s', renewal: { kind: 'manual', everyMs: 25_000 } },
  { label: 'SDK auto-renew (5 min window)', renewal: { kind: 'auto', maxDurationMs: 300_000 } },
  { label: 'no renewal', renewal: { kind: 'none' } },
];

export interface RenewalResult {
  readonly label: string;
  /** Times of the successful renewals, ms. */
  readonly renewedAtMs: readonly number[];
  readonly lockExpiredAtMs: number | null;
  /** `complete`, or the error code of the failed settle. */
  readonly settle: string;
  /** State and delivery count of m1 at the end: `completed`, or `active, count 1`. */
  readonly m1: string;
}

export interface LockRenewalOutcome extends OutcomeBase {
  readonly runs: readonly RenewalResult[];
}

function resultOf(label: string, run: ScenarioRun): RenewalResult {
  const renewedAtMs = timedFacts(run.trace, 'lockRenewed').map((r) => r.t);
  const expired = timedFacts(run.trace, 'lockExpired')[0];
  const settled = factsIn(run.trace, 'settled')[0];
  const failed = factsIn(run.trace, 'opFailed').find((f) => f.op === 'settle');
  const left = run.final.entities['q']?.sessions['s1']?.messages.find((m) => m.messageId === 'm1');
  return {
    label,
    renewedAtMs,
    lockExpiredAtMs: expired?.t ?? null,
    settle: settled ? settled.action : (failed?.code ?? 'none'),
    m1: left ? `${left.state}, count ${left.deliveryCount}` : 'completed',
  };
}

export const lockRenewal: Scenario<LockRenewalOutcome> = {
  id: 'lock-renewal',
  title: 'Renew the session lock, or lose it mid-handler',
  lesson:
    'A handler slower than the lock needs renewal (manual or auto); without it the lock expires and the complete fails with SessionLockLost.',
  rule: '§2.4, §2.5, D4, N4, J2',
  narrative:
    "The session lock lasts the entity's lock duration, here 30 s, and the handler needs 70 s. Renewal resets the lock " +
    'to now + 30 s and covers every message of the session (§2.4, D4, N4). With manual renewal every 25 s, or with the ' +
    "SDK's auto-renewal (renew 10 s before expiry, for up to 5 min, J2), c1 keeps the session and completes m1. " +
    'Without renewal the lock expires at 30 s while the handler is still running: m1 goes back with count 1, and at ' +
    '70 s the complete fails with SessionLockLost (§2.5). A lost lock cannot be renewed back.',
  run: () => RENEWALS.map(({ label, renewal }) => workloadRun(label, renewalWorkload(renewal))),
  outcome(runs) {
    const results = runs.map((run, i) => resultOf(RENEWALS[i]?.label ?? run.label, run));
    return {
      runs: results,
      summary: results.map(
        (r) =>
          `${r.label}: ${r.renewedAtMs.length} renewals${r.lockExpiredAtMs === null ? ', lock kept' : `, lock expired at ${r.lockExpiredAtMs} ms`}; settle: ${r.settle}; m1 ${r.m1}.`,
      ),
    };
  },
};
