/**
 * The workloads the clean-model test runs: the built-in ones, and variants that push each rule —
 * short locks that expire, TTLs (dropped and dead-lettered, session-wide rule on and off), a low
 * MaxDeliveryCount, two calls per session, a queue without sessions, and the other switches.
 */
import type { WorkloadInput } from '../../src/world/workload.ts';
import { WORKLOADS } from '../../src/workloads/standard.ts';

const interleaved = (
  sessions: readonly string[],
  perSession: number,
  ttlMs?: (i: number) => number | undefined,
): NonNullable<WorkloadInput['messages']> => {
  const out: { messageId: string; sessionId: string; atMs: number; ttlMs?: number }[] = [];
  for (let i = 0; i < perSession; i++) {
    for (const s of sessions) {
      const ttl = ttlMs?.(out.length);
      out.push({
        messageId: `${s}-m${i + 1}`,
        sessionId: s,
        atMs: out.length * 10,
        ...(ttl === undefined ? {} : { ttlMs: ttl }),
      });
    }
  }
  return out;
};

const ttlEvery = (i: number): number | undefined => (i % 3 === 1 ? 400 + 150 * i : undefined);

export const CLEAN_WORKLOADS: Readonly<Record<string, WorkloadInput>> = {
  ...WORKLOADS,
  shortLocks: {
    name: 'shortLocks',
    entities: [{ name: 'q', lockDurationMs: 1_000, maxDeliveryCount: 4 }],
    messages: interleaved(['s1', 's2'], 4),
    consumers: [
      {
        id: 'c1',
        outcomes: ['complete', 'stall'],
        stallMs: 1_500,
        renewal: { kind: 'none' },
        processingMs: [200, 1_400],
        receiveWaitMs: 2_000,
      },
      {
        id: 'c2',
        outcomes: ['complete', 'abandon'],
        renewal: { kind: 'manual', everyMs: 700 },
        processingMs: [200, 900],
        receiveWaitMs: 2_000,
      },
    ],
    maxSteps: 3_000,
  },
  ttlDrop: {
    name: 'ttlDrop',
    entities: [{ name: 'q', lockDurationMs: 2_000, maxDeliveryCount: 5 }],
    messages: interleaved(['s1', 's2', 's3'], 3, ttlEvery),
    consumers: [
      {
        id: 'c1',
        outcomes: ['complete', 'abandon', 'stall'],
        stallMs: 2_500,
        renewal: { kind: 'none' },
        processingMs: [100, 800],
        receiveWaitMs: 1_000,
        startAtMs: 300,
      },
      { id: 'c2', outcomes: ['complete', 'close'], processingMs: [100, 800], receiveWaitMs: 1_000, startAtMs: 600 },
    ],
    maxSteps: 3_000,
  },
  ttlDeadLetter: {
    name: 'ttlDeadLetter',
    entities: [{ name: 'q', lockDurationMs: 2_000, deadLetteringOnMessageExpiration: true }],
    messages: interleaved(['s1', 's2'], 4, ttlEvery),
    consumers: [
      {
        id: 'c1',
        outcomes: ['complete', 'defer', 'stall'],
        stallMs: 2_500,
        renewal: { kind: 'none' },
        processingMs: [100, 900],
        receiveWaitMs: 1_000,
        startAtMs: 500,
      },
      { id: 'c2', outcomes: ['complete'], processingMs: [100, 900], receiveWaitMs: 1_000, startAtMs: 900 },
    ],
    maxSteps: 3_000,
  },
  ttlPerMessage: {
    name: 'ttlPerMessage',
    entities: [{ name: 'q', lockDurationMs: 2_000, deadLetteringOnMessageExpiration: true }],
    switches: { sessionWideExpiry: false, expiryTrigger: 'gcTick', gcTickMs: 700 },
    // The background tick never stops by itself: a run ends when nothing but the tick is pending (World.step).
    maxSteps: 1_500,
    messages: interleaved(['s1', 's2'], 4, ttlEvery),
    consumers: [
      { id: 'c1', outcomes: ['complete', 'abandon'], processingMs: [100, 900], receiveWaitMs: 1_000, startAtMs: 800 },
      {
        id: 'c2',
        outcomes: ['complete', 'stall'],
        stallMs: 2_500,
        renewal: { kind: 'none' },
        processingMs: [100, 900],
        receiveWaitMs: 1_000,
        startAtMs: 1_200,
      },
    ],
  },
  maxDelivery2: {
    name: 'maxDelivery2',
    entities: [{ name: 'q', lockDurationMs: 1_500, maxDeliveryCount: 2 }],
    switches: { lockExpiryIncrementScope: 'all', deferCountsAsAttempt: true },
    messages: interleaved(['s1', 's2'], 3),
    consumers: [
      { id: 'c1', outcomes: ['abandon', 'complete', 'defer'], processingMs: [100, 500], receiveWaitMs: 1_000 },
      {
        id: 'c2',
        outcomes: ['stall', 'complete', 'deadLetter'],
        stallMs: 2_000,
        renewal: { kind: 'none' },
        processingMs: [100, 500],
        receiveWaitMs: 1_000,
      },
    ],
    maxSteps: 3_000,
  },
  twoCalls: {
    name: 'twoCalls',
    entities: [{ name: 'q', lockDurationMs: 5_000, maxDeliveryCount: 3 }],
    messages: interleaved(['s1', 's2'], 4),
    consumers: [
      {
        id: 'c1',
        concurrency: 2,
        batch: 2,
        outcomes: ['complete', 'abandon'],
        processingMs: [50, 800],
        receiveWaitMs: 1_000,
        checkpoint: true,
      },
      { id: 'c2', outcomes: ['complete', 'close'], processingMs: [50, 800], receiveWaitMs: 1_000, checkpoint: true },
    ],
    maxSteps: 3_000,
  },
  // With lockExpiryIncrementScope 'all', a message-lock expiry once raised every active message of the
  // queue (a session rule applied to a queue without sessions); models/entity.ts now scopes it out.
  plainQueue: {
    name: 'plainQueue',
    entities: [{ name: 'q', requiresSession: false, lockDurationMs: 1_000, maxDeliveryCount: 3 }],
    switches: { lockExpiryIncrementScope: 'all' },
    messages: Array.from({ length: 6 }, (_, i) => ({
      messageId: `m${i + 1}`,
      atMs: i * 10,
      ...(i === 4 ? { ttlMs: 600 } : {}),
    })),
    consumers: [
      {
        id: 'c1',
        outcomes: ['complete', 'abandon', 'stall'],
        stallMs: 1_500,
        processingMs: [50, 700],
        receiveWaitMs: 1_000,
      },
      { id: 'c2', outcomes: ['complete', 'deadLetter'], processingMs: [50, 700], receiveWaitMs: 1_000 },
    ],
    maxSteps: 3_000,
  },
  faults: {
    name: 'faults',
    entities: [{ name: 'q', lockDurationMs: 3_000, maxDeliveryCount: 3 }],
    switches: { crashSemantics: 'lockExpiry', acceptNamedWhenLocked: 'wait', acceptTimeoutMs: 5_000 },
    messages: interleaved(['s1', 's2'], 3),
    consumers: [
      { id: 'c1', outcomes: ['complete', 'crash'], processingMs: [100, 600], receiveWaitMs: 1_000, checkpoint: true },
      {
        id: 'c2',
        sessions: ['s1', 's2'],
        outcomes: ['complete'],
        processingMs: [100, 600],
        receiveWaitMs: 1_000,
        checkpoint: true,
        startAtMs: 200,
      },
      { id: 'c3', outcomes: ['complete', 'abandon'], processingMs: [100, 600], receiveWaitMs: 1_000, startAtMs: 400 },
    ],
    faults: [
      { kind: 'detach', consumer: 'c3', atMs: 900 },
      { kind: 'loseRenewals', consumer: 'c2', fromMs: 0, untilMs: 4_000 },
    ],
    networkDelayMaxMs: 50,
    maxSteps: 3_000,
  },
  receiveAndDelete: {
    name: 'receiveAndDelete',
    entities: [{ name: 'q', lockDurationMs: 2_000 }],
    messages: interleaved(['s1', 's2'], 3, ttlEvery),
    consumers: [
      {
        id: 'c1',
        receiveMode: 'receiveAndDelete',
        outcomes: ['complete', 'crash'],
        processingMs: [100, 500],
        receiveWaitMs: 1_000,
      },
      { id: 'c2', outcomes: ['complete'], processingMs: [100, 500], receiveWaitMs: 1_000, startAtMs: 300 },
    ],
    maxSteps: 3_000,
  },
  // Two calls per session and a TTL shorter than processing: a locked message outlives its TTL, and
  // the receive of the second call evaluates expiry while it is still locked (§4: it must not expire).
  lockedTtl: {
    name: 'lockedTtl',
    entities: [{ name: 'q', lockDurationMs: 5_000 }],
    messages: [
      { messageId: 'a', sessionId: 's1', ttlMs: 300 },
      { messageId: 'b', sessionId: 's1', atMs: 10 },
      { messageId: 'c', sessionId: 's1', atMs: 1_000 },
    ],
    consumers: [{ id: 'c1', concurrency: 2, processingMs: [600, 900], receiveWaitMs: 2_000 }],
  },
  // A checkpoint (set-state) racing the expiry of an unrenewed lock over a slow network: the write
  // must fail once the lock is gone (T13), and the next holder must read the last successful value.
  stateRace: {
    name: 'stateRace',
    entities: [{ name: 'q', lockDurationMs: 1_000 }],
    messages: [
      { messageId: 'a', sessionId: 's1' },
      { messageId: 'b', sessionId: 's1', atMs: 5 },
    ],
    consumers: [
      { id: 'c1', checkpoint: true, renewal: { kind: 'none' }, processingMs: [900, 999], receiveWaitMs: 500 },
      { id: 'c2', checkpoint: true, startAtMs: 1_000, receiveWaitMs: 500 },
    ],
    networkDelayMaxMs: 200,
  },
  topic: {
    name: 'topic',
    entities: [],
    topics: [
      {
        name: 't',
        subscriptions: [
          { name: 'ordered', lockDurationMs: 2_000 },
          { name: 'plain', requiresSession: false, lockDurationMs: 2_000 },
        ],
      },
    ],
    messages: [
      ...interleaved(['s1', 's2'], 2).map((m) => ({ ...m, to: 't' })),
      { messageId: 'no-session', to: 't', atMs: 100 },
    ],
    consumers: [
      {
        id: 'c1',
        entity: 't/Subscriptions/ordered',
        outcomes: ['complete', 'abandon'],
        processingMs: [100, 500],
        receiveWaitMs: 1_000,
      },
      {
        id: 'c2',
        entity: 't/Subscriptions/plain',
        outcomes: ['complete', 'abandon'],
        processingMs: [100, 500],
        receiveWaitMs: 1_000,
      },
    ],
    maxSteps: 3_000,
  },
};
