/**
 * Workload arbitraries: entity configuration and switches, sessions, messages with TTLs and subjects,
 * consumers with settle, renewal and concurrency policies, and fault plans. Swarm-style: each workload
 * turns features on or off wholesale (TTLs, faults, defer, non-session mode…), so that rare
 * combinations are reached instead of averaged away (TigerBeetle's swarm testing).
 *
 * Every run is bounded (`maxSteps`); sizes are small on purpose: most session bugs need 1–3 sessions,
 * 1–3 consumers and a few messages (harness-anchors §4.1, "Min config").
 */
import fc from 'fast-check';
import type { Outcome } from '../../models/consumer.ts';
import type { Fault, WorkloadInput } from '../../src/world/workload.ts';

export interface WorkloadArbOptions {
  readonly maxSessions?: number;
  readonly maxMessagesPerSession?: number;
  readonly maxConsumers?: number;
  readonly maxSteps?: number;
}

const outcomeArb: fc.Arbitrary<Outcome> = fc.constantFrom<Outcome>(
  'complete',
  'complete',
  'complete',
  'abandon',
  'defer',
  'deadLetter',
  'crash',
  'close',
  'stall',
);

const renewalArb = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('manual' as const), everyMs: fc.constantFrom(1_000, 3_000, 8_000) }),
  fc.record({ kind: fc.constant('auto' as const), maxDurationMs: fc.constantFrom(0, 5_000, 20_000, 300_000) }),
);

export function workloadArb(options: WorkloadArbOptions = {}): fc.Arbitrary<WorkloadInput> {
  const maxSessions = options.maxSessions ?? 3;
  const maxPer = options.maxMessagesPerSession ?? 4;
  const maxConsumers = options.maxConsumers ?? 3;
  return fc
    .record({
      // Swarm switches: features on or off for the whole workload.
      // One workload in ten runs on a non-session queue, for contrast.
      nonSession: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      withTtl: fc.boolean(),
      withFaults: fc.boolean(),
      lockDurationMs: fc.constantFrom(2_000, 5_000, 10_000, 30_000),
      maxDeliveryCount: fc.constantFrom(1, 2, 3, 10),
      deadLetteringOnMessageExpiration: fc.boolean(),
      defaultTtlMs: fc.option(fc.constantFrom(3_000, 10_000, 60_000), { nil: null }),
      switches: fc.record({
        sessionWideExpiry: fc.boolean(),
        crashSemantics: fc.constantFrom('release' as const, 'lockExpiry' as const),
        lockExpiryIncrementScope: fc.constantFrom('delivered' as const, 'delivered' as const, 'all' as const),
        deferCountsAsAttempt: fc.boolean(),
        acceptNextChoice: fc.constantFrom('nondeterministic' as const, 'oldestFirst' as const),
        acceptNamedWhenLocked: fc.constantFrom('fail' as const, 'wait' as const),
      }),
      sessions: fc.integer({ min: 1, max: maxSessions }),
      messages: fc.array(
        fc.record({
          session: fc.nat({ max: maxSessions - 1 }),
          atMs: fc.constantFrom(0, 0, 10, 100, 1_000, 5_000, 15_000),
          ttlMs: fc.option(fc.constantFrom(500, 2_000, 8_000, 30_000), { nil: undefined }),
          subject: fc.option(fc.constantFrom('order', 'invoice'), { nil: undefined }),
        }),
        { minLength: 1, maxLength: maxSessions * maxPer },
      ),
      consumers: fc.array(
        fc.record({
          named: fc.boolean(),
          outcomes: fc.uniqueArray(outcomeArb, { minLength: 1, maxLength: 3 }),
          processingMs: fc.constantFrom<[number, number]>([10, 10], [100, 1_000], [500, 8_000], [1_000, 40_000]),
          renewal: renewalArb,
          concurrency: fc.constantFrom(1, 1, 1, 2),
          batch: fc.constantFrom(1, 1, 2),
          receiveWaitMs: fc.constantFrom(500, 3_000, 10_000),
          maxSessions: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
          checkpoint: fc.boolean(),
          receiveAndDelete: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          startAtMs: fc.constantFrom(0, 0, 500, 4_000),
          stallMs: fc.constantFrom(3_000, 12_000, 40_000),
        }),
        { minLength: 1, maxLength: maxConsumers },
      ),
      faults: fc.array(
        fc.record({
          kind: fc.constantFrom('crash' as const, 'detach' as const, 'loseRenewals' as const),
          consumer: fc.nat({ max: maxConsumers - 1 }),
          atMs: fc.constantFrom(50, 500, 3_000, 10_000),
          forMs: fc.constantFrom(5_000, 30_000),
        }),
        { maxLength: 2 },
      ),
      networkDelayMaxMs: fc.constantFrom(0, 0, 50),
    })
    .map((g): WorkloadInput => {
      const sessionIds = Array.from({ length: g.sessions }, (_, i) => `s${i + 1}`);
      const consumers = g.consumers.map((c, i) => ({
        id: `c${i + 1}`,
        entity: 'q',
        sessions: c.named && !g.nonSession ? [sessionIds[i % sessionIds.length] ?? 's1'] : ('next' as const),
        outcomes: c.outcomes,
        processingMs: c.processingMs,
        renewal: c.renewal,
        concurrency: c.concurrency,
        batch: c.batch,
        receiveWaitMs: c.receiveWaitMs,
        maxSessions: c.maxSessions,
        checkpoint: c.checkpoint,
        receiveMode: c.receiveAndDelete ? ('receiveAndDelete' as const) : ('peekLock' as const),
        startAtMs: c.startAtMs,
        stallMs: c.stallMs,
        acceptRetries: 2,
      }));
      const faults: Fault[] = g.withFaults
        ? g.faults
            .filter((f) => f.consumer < consumers.length)
            .map((f) =>
              f.kind === 'loseRenewals'
                ? { kind: 'loseRenewals', consumer: `c${f.consumer + 1}`, fromMs: f.atMs, untilMs: f.atMs + f.forMs }
                : { kind: f.kind, consumer: `c${f.consumer + 1}`, atMs: f.atMs },
            )
        : [];
      return {
        name: 'generated',
        entities: [
          {
            name: 'q',
            requiresSession: !g.nonSession,
            lockDurationMs: g.lockDurationMs,
            maxDeliveryCount: g.maxDeliveryCount,
            deadLetteringOnMessageExpiration: g.deadLetteringOnMessageExpiration,
            defaultMessageTimeToLiveMs: g.withTtl ? g.defaultTtlMs : null,
          },
        ],
        switches: g.switches,
        messages: g.messages.map((m, i) => ({
          messageId: `m${i + 1}`,
          sessionId: g.nonSession ? undefined : (sessionIds[m.session % sessionIds.length] ?? 's1'),
          atMs: m.atMs + i,
          ttlMs: g.withTtl ? m.ttlMs : undefined,
          subject: m.subject,
        })),
        consumers,
        faults,
        maxSteps: options.maxSteps ?? 1_500,
        networkDelayMaxMs: g.networkDelayMaxMs,
      };
    });
}
