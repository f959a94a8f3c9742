/**
 * The poison message that crashes its handler (reference §2.6, §3.4, §10 item 1, I:asb#410,
 * I:logicapps#459): a crash releases the session lock like a close, so the delivery count never rises
 * and MaxDeliveryCount never fires; the message loops, and blocks its session, for as long as
 * processes keep restarting. The run is bounded by the number of restarts (three worker processes).
 */
import type { WorkloadInput } from '../world/workload.ts';
import { deliveriesOf, timedFacts } from './read.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { runAt, workloadRun } from './scenario.ts';

/** Each worker stands for one restart of the same service: it crashes on `poison` and stays down. */
export const WORKERS = ['w1', 'w2', 'w3'] as const;

const MAX_DELIVERY_COUNT = 2;

export const poisonWorkload: WorkloadInput = {
  name: 'poison-crash',
  entities: [{ name: 'q', maxDeliveryCount: MAX_DELIVERY_COUNT }],
  messages: [
    { messageId: 'poison', sessionId: 's1' },
    { messageId: 'next', sessionId: 's1' },
  ],
  consumers: WORKERS.map((id, i) => ({
    id,
    rules: [{ messageId: 'poison', outcome: 'crash' as const }],
    startAtMs: i * 1_000,
    receiveWaitMs: 2_000,
  })),
  maxSteps: 500,
};

export interface PoisonCrashOutcome extends OutcomeBase {
  readonly maxDeliveryCount: number;
  /** `[consumer, messageId, count]` of every delivery. */
  readonly deliveries: ReadonlyArray<readonly [string, string, number]>;
  readonly crashes: number;
  readonly deadLetters: readonly string[];
  /** Messages left in the session at the end, with their counts. */
  readonly left: ReadonlyArray<readonly [string, number]>;
  readonly hitBound: boolean;
}

export const poisonCrash: Scenario<PoisonCrashOutcome> = {
  id: 'poison-crash',
  title: 'A poison message that crashes its handler loops forever',
  lesson:
    'A crash releases the lock without raising the delivery count, so a crashing poison message never reaches MaxDeliveryCount.',
  rule: '§2.6, §3.4, §10 item 1, I:asb#410, I:logicapps#459',
  narrative:
    'Message "poison" makes the handler crash the process. A crash drops the connection, which releases the session ' +
    'lock like a close: the message goes back with its delivery count unchanged (§2.6, §3.4; I:asb#410, ' +
    'I:logicapps#459 "by design"). So each restarted worker (w1, w2, w3 here; the run stops after three restarts) gets ' +
    'poison again with count 0 and crashes again. MaxDeliveryCount is 2, yet poison is delivered three times and never ' +
    'dead-lettered, and "next" waits behind it in the session (§10 item 1). The cure is in the application: abandon ' +
    'explicitly, or count attempts in session state. The switch crashSemantics=lockExpiry models the alternative reading.',
  run: () => [workloadRun('three restarts of a crashing worker', poisonWorkload)],
  outcome(runs) {
    const run = runAt(runs, 0);
    const deliveries = deliveriesOf(run.trace);
    const left = (run.final.entities['q']?.sessions['s1']?.messages ?? []).map(
      (m) => [m.messageId, m.deliveryCount] as const,
    );
    const deadLetters = (run.final.entities['q']?.deadLetters ?? []).map((e) => e.messageId);
    const crashes = timedFacts(run.trace, 'crashed').length;
    return {
      maxDeliveryCount: MAX_DELIVERY_COUNT,
      deliveries: deliveries.map((d) => [d.consumer, d.messageId, d.deliveryCount] as const),
      crashes,
      deadLetters,
      left,
      hitBound: run.hitBound,
      summary: [
        `Deliveries: ${deliveries.map((d) => `${d.consumer} got ${d.messageId} (count ${d.deliveryCount})`).join(', ')}.`,
        `${crashes} crashes; delivery count still ${left.find(([id]) => id === 'poison')?.[1] ?? '?'}; dead-letter queue: ${deadLetters.join(', ') || 'empty'} (MaxDeliveryCount ${MAX_DELIVERY_COUNT}).`,
        `Still in the session: ${left.map(([id, n]) => `${id} (count ${n})`).join(', ') || 'nothing'}.`,
      ],
    };
  },
};
