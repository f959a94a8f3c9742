/**
 * Workload arbitraries: entity configuration and switches, sessions, messages with TTLs and subjects,
 * consumers with settle, renewal and concurrency policies, and fault plans. Swarm-style: each workload
 * turns features on or off wholesale (TTLs, faults, defer, non-session mode…), so that rare
 * combinations are reached instead of averaged away (TigerBeetle's swarm testing).
 *
 * Every run is bounded (`maxSteps`); sizes are small on purpose: most session bugs need 1–3 sessions,
 * 1–3 consumers and a few messages (the smallest configurations recorded for seeded-mutant suites are
 * 1 session × 1–2 consumers × 1–2 messages).
 *
 * Reach (issue 8), each behind a toggle of its own so that it is common where it is on: topics whose
 * subscriptions mix session and plain entities; messages without a session id (rejected by a session
 * queue, dead-lettered by a session subscription, §8.1); the background expiry tick (§4); consumers that
 * act exactly at deadlines (`boundaryTimes`), probe the broker with extra operations (`probes`) and fetch
 * what they deferred (`fetchDeferred`, T9).
 */
import fc from 'fast-check';
import type { Outcome } from '../../models/consumer.ts';
import type { Fault, WorkloadInput } from '../../src/world/workload.ts';
import { SWITCH_DEFAULTS } from '../../src/schema/workload.ts';
import { subscriptionPath } from '../../src/world/workload.ts';

/** The topic of topic workloads and its two subscriptions: one requiring sessions, one not (§8.3). */
export const TOPIC = 't';
export const SESSION_SUBSCRIPTION = 'sessions';
export const PLAIN_SUBSCRIPTION = 'plain';

/** True in `n` draws out of `d`; shrinks to false (a feature off is the simpler workload). */
const odds = (n: number, d: number): fc.Arbitrary<boolean> => fc.integer({ min: 0, max: d - 1 }).map((v) => v >= d - n);

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
      // One workload in ten runs on a non-session queue, for contrast; two in ten on a topic.
      shape: fc.integer({ min: 0, max: 9 }).map((n) => (n === 0 ? 'plain' : n <= 2 ? 'topic' : 'queue')),
      // A topic's second subscription does not require sessions (mixed), in three topic workloads of four.
      mixed: odds(3, 4),
      // Some messages carry no session id, in one workload of four.
      sessionless: odds(1, 4),
      // The background expiry tick, in one workload of six (such runs end at the step bound: it never stops).
      gcTick: odds(1, 6),
      gcTickMs: fc.constantFrom(1_000, 2_000, 5_000),
      // Consumers act exactly at deadlines, in half the workloads.
      boundaryTimes: fc.boolean(),
      probes: odds(1, 3),
      fetchDeferred: odds(1, 3),
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
          // With `sessionless`: one message in three has no session id.
          noSession: odds(1, 3),
          // With `boundaryTimes`: one message in six arrives as an accept-next of the first consumer times out (±1 ms).
          atAcceptTimeout: fc.integer({ min: 0, max: 17 }).map((n) => (n >= 15 ? n - 16 : null)),
        }),
        { minLength: 1, maxLength: maxSessions * maxPer },
      ),
      consumers: fc.array(
        fc.record({
          // Half the consumers name their session; one named consumer in three names a second one, to move
          // on to when the first is refused.
          named: fc.integer({ min: 0, max: 5 }).map((n) => (n < 3 ? 0 : n < 5 ? 1 : 2)),
          outcomes: fc.uniqueArray(outcomeArb, { minLength: 1, maxLength: 3 }),
          processingMs: fc.constantFrom<[number, number]>([10, 10], [100, 1_000], [500, 8_000], [1_000, 40_000]),
          renewal: renewalArb,
          concurrency: fc.constantFrom(1, 1, 1, 2),
          batch: fc.constantFrom(1, 1, 2),
          receiveWaitMs: fc.constantFrom(500, 3_000, 10_000),
          // One limit in ten is 0: the consumer never accepts (ends at once).
          maxSessions: fc.option(
            fc.integer({ min: 0, max: 9 }).map((n) => (n === 0 ? 0 : 1 + (n % 3))),
            { nil: null },
          ),
          checkpoint: fc.boolean(),
          receiveAndDelete: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          startAtMs: fc.constantFrom(0, 0, 500, 4_000),
          stallMs: fc.constantFrom(3_000, 12_000, 40_000),
          // On a mixed topic: receives from the plain subscription (never the first consumer).
          onPlain: odds(1, 3),
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
      const nonSession = g.shape === 'plain';
      const topic = g.shape === 'topic';
      const sessionIds = Array.from({ length: g.sessions }, (_, i) => `s${i + 1}`);
      const sessionEntity = topic ? subscriptionPath(TOPIC, SESSION_SUBSCRIPTION) : 'q';
      const plainEntity = subscriptionPath(TOPIC, PLAIN_SUBSCRIPTION);
      const consumers = g.consumers.map((c, i) => ({
        id: `c${i + 1}`,
        entity: topic && g.mixed && i > 0 && c.onPlain ? plainEntity : sessionEntity,
        sessions:
          c.named > 0 && !nonSession
            ? [
                sessionIds[i % sessionIds.length] ?? 's1',
                ...(c.named === 2 && sessionIds.length > 1 ? [sessionIds[(i + 1) % sessionIds.length] ?? 's1'] : []),
              ]
            : ('next' as const),
        outcomes: g.fetchDeferred && !c.outcomes.includes('defer') ? [...c.outcomes, 'defer' as const] : c.outcomes,
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
        boundaryTimes: g.boundaryTimes,
        probes: g.probes,
        fetchDeferred: g.fetchDeferred,
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
      const config = {
        lockDurationMs: g.lockDurationMs,
        maxDeliveryCount: g.maxDeliveryCount,
        deadLetteringOnMessageExpiration: g.deadLetteringOnMessageExpiration,
        defaultMessageTimeToLiveMs: g.withTtl ? g.defaultTtlMs : null,
      };
      // Accept-next gives up after the operation timeout (§2.3): a message may arrive just then.
      const acceptDeadlineMs = (consumers[0]?.startAtMs ?? 0) + SWITCH_DEFAULTS.acceptTimeoutMs;
      return {
        name: 'generated',
        entities: topic ? [] : [{ name: 'q', requiresSession: !nonSession, ...config }],
        ...(topic
          ? {
              topics: [
                {
                  name: TOPIC,
                  subscriptions: [
                    { name: SESSION_SUBSCRIPTION, requiresSession: true, ...config },
                    ...(g.mixed ? [{ name: PLAIN_SUBSCRIPTION, requiresSession: false, ...config }] : []),
                  ],
                },
              ],
            }
          : {}),
        switches: g.gcTick ? { ...g.switches, expiryTrigger: 'gcTick', gcTickMs: g.gcTickMs } : g.switches,
        messages: g.messages.map((m, i) => ({
          messageId: `m${i + 1}`,
          to: topic ? TOPIC : 'q',
          sessionId:
            nonSession || (g.sessionless && m.noSession)
              ? undefined
              : (sessionIds[m.session % sessionIds.length] ?? 's1'),
          atMs: g.boundaryTimes && m.atAcceptTimeout !== null ? acceptDeadlineMs + m.atAcceptTimeout : m.atMs + i,
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
