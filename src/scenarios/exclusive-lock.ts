/**
 * The exclusive session lock (reference §2.2, D1, N1/N2/J1): a held session refuses a second receiver
 * with SessionCannotBeLocked; a message sent later still reaches the holder; a session nobody accepted
 * delivers nothing, because a message is only delivered through an accepted session.
 */
import type { WorkloadInput } from '../world/workload.ts';
import { deliveriesOf, factsIn, shortName, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

export const exclusiveWorkload: WorkloadInput = {
  name: 'exclusive-lock',
  entities: [{ name: 'q' }],
  messages: [
    { messageId: 'm1', sessionId: 's1', atMs: 0 },
    { messageId: 'x1', sessionId: 's2', atMs: 0 },
    { messageId: 'm2', sessionId: 's1', atMs: 20_000 },
  ],
  consumers: [
    { id: 'c1', sessions: ['s1'], receiveWaitMs: 30_000, renewal: { kind: 'none' } },
    { id: 'c2', sessions: ['s1'], startAtMs: 5_000, acceptRetries: 0, receiveWaitMs: 30_000 },
  ],
};

export interface ExclusiveLockOutcome extends OutcomeBase {
  /** `[consumer, session, code]` of every refused accept. */
  readonly refused: ReadonlyArray<readonly [string, string | null, string]>;
  /** Message ids delivered to each consumer. */
  readonly received: Readonly<Record<string, readonly string[]>>;
  /** The message sent while the session was held: when it was sent, to whom and when it was delivered. */
  readonly late: {
    readonly messageId: string;
    readonly sentAtMs: number;
    readonly deliveredTo: string | null;
    readonly deliveredAtMs: number | null;
  };
  /** The session nobody accepted: deliveries from it, and the messages still waiting in it. */
  readonly unowned: { readonly session: string; readonly deliveries: number; readonly waiting: readonly string[] };
}

export const exclusiveLock: Scenario<ExclusiveLockOutcome> = {
  id: 'exclusive-lock',
  title: 'A session lock is exclusive, and covers messages that arrive later',
  lesson:
    "Only the holder gets a session's messages (later ones too); a second receiver gets SessionCannotBeLocked; an unaccepted session delivers nothing.",
  rule: '§2.2, D1, N1/N2/J1',
  narrative:
    'c1 accepts session s1 by name and receives m1. At 5 s c2 asks for s1 too and is refused at once with ' +
    'SessionCannotBeLocked (§2.2: only one receiver can hold a session; N1/N2/J1 name the error). At 20 s m2 is sent ' +
    'to s1: the lock covers messages that arrive later (D1), so it goes straight to c1. Message x1 of session s2 sits ' +
    'in the same queue the whole time, but nobody accepted s2, so nobody receives it: in a session entity a message ' +
    'is only delivered through an accepted session.',
  run: () => [workloadRun('c1 holds s1, c2 wants it too', exclusiveWorkload)],
  outcome(runs) {
    const run = runAt(runs, 0);
    const deliveries = deliveriesOf(run.trace);
    const received: Record<string, string[]> = {};
    for (const d of deliveries) (received[d.consumer] ??= []).push(d.messageId);
    const refused = factsIn(run.trace, 'acceptFailed').map((f) => [shortName(f.consumer), f.session, f.code] as const);
    const sentLate = timedFacts(run.trace, 'sent').find((s) => s.fact.messageId === 'm2');
    const lateDelivery = deliveries.find((d) => d.messageId === 'm2');
    const waiting = run.final.entities['q']?.sessions['s2']?.messages.map((m) => m.messageId) ?? [];
    const fromS2 = deliveries.filter((d) => d.session === 's2').length;
    return {
      refused,
      received,
      late: {
        messageId: 'm2',
        sentAtMs: sentLate?.t ?? -1,
        deliveredTo: lateDelivery?.consumer ?? null,
        deliveredAtMs: lateDelivery?.t ?? null,
      },
      unowned: { session: 's2', deliveries: fromS2, waiting },
      summary: [
        ...refused.map(([c, s, code]) => `${c} could not accept ${s ?? 'a session'}: ${code}.`),
        `m2, sent at ${sentLate?.t ?? '?'} ms while c1 held s1, was delivered to ${lateDelivery?.consumer ?? 'nobody'}.`,
        `Session s2 was never accepted: ${fromS2} deliveries, still waiting: ${waiting.join(', ') || 'nothing'}.`,
      ],
    };
  },
};
