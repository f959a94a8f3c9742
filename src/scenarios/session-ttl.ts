/**
 * Time to live in a session (reference §4, §13 `sessionWideExpiry`, D1, D2, D3): one expired message
 * expires every message of the unlocked session when a receiver looks (dropped by default, dead-lettered
 * with TTLExpiredException when deadLetteringOnMessageExpiration is on), while a locked message past
 * its TTL is protected and can still be completed.
 */
import type { WorkloadInput } from '../world/workload.ts';
import type { ScenarioRun } from './scenario.ts';
import { completed, factsIn, messageIdsOf } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { workloadRun } from './scenario.ts';

/** Session s1 has one short-lived message among three; s2 is another session, untouched. c1 looks at 10 s. */
export function expiryWorkload(deadLetteringOnMessageExpiration: boolean): WorkloadInput {
  return {
    name: `session-ttl-${deadLetteringOnMessageExpiration ? 'dead-letter' : 'drop'}`,
    entities: [{ name: 'q', deadLetteringOnMessageExpiration }],
    messages: [
      { messageId: 'm1', sessionId: 's1', atMs: 0 },
      { messageId: 'm2', sessionId: 's1', atMs: 0, ttlMs: 5_000 },
      { messageId: 'm3', sessionId: 's1', atMs: 0 },
      { messageId: 'n1', sessionId: 's2', atMs: 0 },
    ],
    consumers: [{ id: 'c1', sessions: ['s1', 's2'], startAtMs: 10_000, receiveWaitMs: 2_000 }],
  };
}

/** m1 lives 5 s but c1 holds it for 10 s under the session lock: still completed. */
export const protectedWorkload: WorkloadInput = {
  name: 'session-ttl-locked',
  entities: [{ name: 'q', deadLetteringOnMessageExpiration: true }],
  messages: [
    { messageId: 'm1', sessionId: 's1', atMs: 0, ttlMs: 5_000 },
    { messageId: 'm2', sessionId: 's1', atMs: 0 },
  ],
  consumers: [{ id: 'c1', sessions: ['s1'], processingMs: [10_000, 10_000], receiveWaitMs: 2_000 }],
};

export interface TtlRunResult {
  readonly label: string;
  /** `[messageId, rule]`: `message` for its own TTL, `session` for the session-wide rule. */
  readonly expired: ReadonlyArray<readonly [string, string]>;
  /** `[messageId, reason]` of the dead-letter queue. */
  readonly deadLetters: ReadonlyArray<readonly [string, string]>;
  readonly completed: readonly string[];
}

export interface SessionTtlOutcome extends OutcomeBase {
  readonly runs: readonly TtlRunResult[];
}

const LABELS = [
  'dropped (default)',
  'dead-lettered (deadLetteringOnMessageExpiration on)',
  'a locked message is protected',
] as const;

function resultOf(label: string, run: ScenarioRun): TtlRunResult {
  const idOf = messageIdsOf(run.trace);
  return {
    label,
    expired: factsIn(run.trace, 'expired').map((f) => [idOf(f.entity, f.seq), f.rule] as const),
    deadLetters: (run.final.entities['q']?.deadLetters ?? []).map((e) => [e.messageId, e.reason] as const),
    completed: completed(run.trace),
  };
}

export const sessionTtl: Scenario<SessionTtlOutcome> = {
  id: 'session-ttl',
  title: 'Time to live: one expired message expires the whole session',
  lesson:
    'When one message of an unlocked session has expired, the whole session expires (dropped or dead-lettered); a locked message is protected.',
  rule: '§4, §13 sessionWideExpiry, D1, D2, D3',
  narrative:
    'Session s1 holds m1, m2 and m3; only m2 has a time to live (5 s). Expiry is lazy: nothing happens until c1 accepts ' +
    's1 at 10 s. Then the documented session-wide rule applies (§4, D1 "Message expiration"; switch sessionWideExpiry, ' +
    'on by default): because m2 expired, m1 and m3 expire with it and c1 receives nothing from s1, while session s2 is ' +
    'untouched. By default expired messages are dropped; with deadLetteringOnMessageExpiration on they go to the DLQ ' +
    "with reason TTLExpiredException (D2, D3). In the third run c1 already holds m1 under its lock when m1's 5 s TTL " +
    'passes: a locked message is protected and the complete at 10 s succeeds (§4, D2).',
  run: () => [
    workloadRun(LABELS[0], expiryWorkload(false)),
    workloadRun(LABELS[1], expiryWorkload(true)),
    workloadRun(LABELS[2], protectedWorkload),
  ],
  outcome(runs) {
    const results = runs.map((run, i) => resultOf(LABELS[i] ?? run.label, run));
    return {
      runs: results,
      summary: results.map((r) => {
        const expired = r.expired
          .map(([id, rule]) => `${id} (${rule === 'session' ? 'session-wide' : 'own TTL'})`)
          .join(', ');
        const dlq = r.deadLetters.map(([id, reason]) => `${id}: ${reason}`).join(', ');
        return `${r.label}: expired ${expired || 'nothing'}; DLQ ${dlq || 'empty'}; completed ${r.completed.join(', ') || 'nothing'}.`;
      }),
    };
  },
};
