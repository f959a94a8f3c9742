/**
 * A workload of any size with the same shape at every size, for measuring how the cost of a run and of
 * its property check grows with the number of messages (`sbsim bench`'s scaling table).
 *
 * The shape: sessions of 50 messages (the last wave's shorter), sent in waves of `SESSIONS_AT_ONCE`
 * sessions whose messages interleave; a message every 20 ms; six accept-next consumers that keep up
 * with the senders (about a dozen messages waiting at most), completing three messages in four and
 * abandoning the rest; every 13th message with a time to live, which the consumers beat. So at every
 * size the same number of sessions and messages are in play at any moment, and a larger run is only a
 * longer one: a cost per message that grows with the size is the harness's, not the workload's.
 */
import type { WorkloadInput } from '../world/workload.ts';

export const SESSION_MESSAGES = 50;
export const SESSIONS_AT_ONCE = 4;
const SEND_EVERY_MS = 20;

/** The scaling workload of `messages` messages (1 … 100,000). */
export function scalingWorkload(messages: number): WorkloadInput {
  const wave = SESSION_MESSAGES * SESSIONS_AT_ONCE;
  return {
    name: `scaling-${messages}`,
    entities: [{ name: 'q', lockDurationMs: 10_000, maxDeliveryCount: 5 }],
    messages: Array.from({ length: messages }, (_, i) => {
      const session = Math.floor(i / wave) * SESSIONS_AT_ONCE + (i % SESSIONS_AT_ONCE);
      return {
        messageId: `m${i}`,
        sessionId: `s${session}`,
        atMs: i * SEND_EVERY_MS,
        ...(i % 13 === 0 ? { ttlMs: 30_000 } : {}),
      };
    }),
    consumers: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((id) => ({
      id,
      outcomes: ['complete', 'complete', 'complete', 'abandon'] as const,
      processingMs: [5, 30] as const,
      receiveWaitMs: 500,
    })),
    // Far more than a run takes (about 20 steps a message): hitting it would mean the shape broke.
    maxSteps: Math.min(10_000_000, 100 * messages + 1_000),
  };
}
