/**
 * Built-in workloads, by name. `standard` is the benchmark workload: 3 sessions × 4 messages × 3
 * consumers with abandon and lock-expiry faults.
 */
import type { WorkloadInput } from '../world/workload.ts';

const interleaved = (sessions: readonly string[], perSession: number): NonNullable<WorkloadInput['messages']> => {
  const out: { messageId: string; sessionId: string; atMs: number }[] = [];
  for (let i = 0; i < perSession; i++) {
    for (const s of sessions) out.push({ messageId: `${s}-m${i + 1}`, sessionId: s, atMs: out.length * 10 });
  }
  return out;
};

export const standardWorkload: WorkloadInput = {
  name: 'standard',
  entities: [{ name: 'q', lockDurationMs: 10_000, maxDeliveryCount: 3 }],
  messages: interleaved(['s1', 's2', 's3'], 4),
  consumers: [
    // Abandons now and then: redelivery at the head, and the MaxDeliveryCount path.
    { id: 'c1', outcomes: ['complete', 'abandon'], processingMs: [50, 500], receiveWaitMs: 5_000 },
    // Never renews and sometimes stalls past the lock: lock expiry mid-handler.
    {
      id: 'c2',
      outcomes: ['complete', 'stall'],
      stallMs: 12_000,
      renewal: { kind: 'none' },
      processingMs: [50, 500],
      receiveWaitMs: 5_000,
    },
    // Takes whole batches and closes with messages unsettled now and then (release, no increment).
    { id: 'c3', outcomes: ['complete', 'complete', 'close'], batch: 2, processingMs: [50, 500], receiveWaitMs: 5_000 },
  ],
  maxSteps: 2_000,
};

/** What `npm start` runs until the property check exists: a small, readable run. */
export const demoWorkload: WorkloadInput = {
  name: 'demo',
  entities: [{ name: 'orders', lockDurationMs: 30_000 }],
  messages: [
    { messageId: 'A-1', sessionId: 'A', atMs: 0 },
    { messageId: 'B-1', sessionId: 'B', atMs: 5 },
    { messageId: 'A-2', sessionId: 'A', atMs: 10 },
    { messageId: 'B-2', sessionId: 'B', atMs: 15 },
    { messageId: 'A-3', sessionId: 'A', atMs: 20_000 },
  ],
  consumers: [
    { id: 'c1', outcomes: ['complete', 'abandon'], processingMs: [100, 2_000], receiveWaitMs: 10_000 },
    { id: 'c2', outcomes: ['complete'], processingMs: [100, 2_000], receiveWaitMs: 10_000, renewal: { kind: 'none' } },
  ],
};

export const WORKLOADS: Readonly<Record<string, WorkloadInput>> = {
  standard: standardWorkload,
  demo: demoWorkload,
};
