/**
 * Whole workloads under runWorkload: consumers with policies (accept, receive, process, settle, renew,
 * close, crash), and who got which message. Runs use the first-option decision list (`picks: []`) or a
 * fixed seed, so every expectation is exact (reference §2–§4, §9, §10).
 */
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../models/events.ts';
import type { WorkloadRun } from '../../src/world/run.ts';
import { runWorkload } from '../../src/world/run.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { factsIn } from './scenario-kit.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

const first = (input: WorkloadInput): WorkloadRun => runWorkload(normalizeWorkload(input), { picks: [] });

/** `[t, consumer, messageId-or-seq, deliveryCount]` of every delivery. */
function deliveries(run: WorkloadRun): Array<[number, string, number, number]> {
  const out: Array<[number, string, number, number]> = [];
  for (const e of run.trace)
    if (e.k === 'fact' && e.fact.kind === 'delivered')
      out.push([e.t, e.fact.consumer, e.fact.seq, e.fact.deliveryCount]);
  return out;
}

/** `[t, kind]` of the facts of the given kinds, for a timeline. */
function timeline(run: WorkloadRun, kinds: readonly Fact['kind'][]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const e of run.trace) if (e.k === 'fact' && kinds.includes(e.fact.kind)) out.push([e.t, e.fact.kind]);
  return out;
}

describe('workloads: demultiplexing sessions to consumers', () => {
  const twoSessions: WorkloadInput['messages'] = [
    { messageId: 'A1', sessionId: 'A', atMs: 0 },
    { messageId: 'B1', sessionId: 'B', atMs: 1 },
    { messageId: 'A2', sessionId: 'A', atMs: 2 },
    { messageId: 'B2', sessionId: 'B', atMs: 3 },
  ];

  it('two named sessions, two consumers: each consumer gets exactly its own session, in order', () => {
    const run = first({
      entities: [{ name: 'q' }],
      messages: twoSessions,
      consumers: [
        { id: 'c1', sessions: ['A'], receiveWaitMs: 5_000 },
        { id: 'c2', sessions: ['B'], receiveWaitMs: 5_000 },
      ],
    });
    expect(factsIn(run.trace, 'delivered').map((f) => [f.consumer, f.session, f.seq, f.deliveryCount])).toEqual([
      ['consumer:c1', 'A', 1, 0],
      ['consumer:c2', 'B', 2, 0],
      ['consumer:c1', 'A', 3, 0],
      ['consumer:c2', 'B', 4, 0],
    ]);
    expect(factsIn(run.trace, 'settled').map((f) => [f.consumer, f.seq, f.action])).toEqual([
      ['consumer:c1', 1, 'complete'],
      ['consumer:c2', 2, 'complete'],
      ['consumer:c1', 3, 'complete'],
      ['consumer:c2', 4, 'complete'],
    ]);
    expect(run.final.entities['q']?.sessions['A']?.messages).toEqual([]);
    expect(run.final.entities['q']?.sessions['B']?.messages).toEqual([]);
    expect(run.hitBound).toBe(false);
  });

  it('two accept-next consumers: the first takes A, the second B, and each drains its session alone', () => {
    const run = first({
      entities: [{ name: 'q' }],
      messages: twoSessions,
      consumers: [
        { id: 'c1', receiveWaitMs: 5_000 },
        { id: 'c2', receiveWaitMs: 5_000 },
      ],
    });
    expect(factsIn(run.trace, 'accepted').map((f) => [f.consumer, f.session, f.lockedUntilMs, f.next])).toEqual([
      ['consumer:c1', 'A', 60_000, true],
      ['consumer:c2', 'B', 60_001, true],
    ]);
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [1, 'consumer:c2', 2, 0],
      [100, 'consumer:c1', 3, 0],
      [101, 'consumer:c2', 4, 0],
    ]);
    // Idle sessions are closed (SessionIdleTimeout), then accept-next times out after 60 s and the consumers stop.
    expect(factsIn(run.trace, 'acceptFailed').map((f) => [f.consumer, f.code])).toEqual([
      ['consumer:c1', 'ServiceTimeout'],
      ['consumer:c2', 'ServiceTimeout'],
    ]);
    expect(run.endedAtMs).toBe(65_201);
    expect(run.final.consumers).toEqual({
      c1: { state: 'done', session: null, checkpoint: null },
      c2: { state: 'done', session: null, checkpoint: null },
    });
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: every delivery goes to the consumer holding that session's lock at that moment`, () => {
      const run = runWorkload(
        normalizeWorkload({
          entities: [{ name: 'q', lockDurationMs: 10_000, maxDeliveryCount: 3 }],
          messages: [
            ...twoSessions,
            { messageId: 'C1', sessionId: 'C', atMs: 4 },
            { messageId: 'A3', sessionId: 'A', atMs: 5 },
          ],
          consumers: [
            { id: 'c1', outcomes: ['complete', 'abandon'], processingMs: [50, 500], receiveWaitMs: 2_000 },
            {
              id: 'c2',
              outcomes: ['complete', 'stall'],
              stallMs: 12_000,
              renewal: { kind: 'none' },
              processingMs: [50, 500],
              receiveWaitMs: 2_000,
            },
            { id: 'c3', outcomes: ['complete', 'close'], batch: 2, processingMs: [50, 500], receiveWaitMs: 2_000 },
          ],
        }),
        { seed },
      );
      const holder = new Map<string, string>();
      const misrouted: string[] = [];
      for (const e of run.trace) {
        if (e.k !== 'fact') continue;
        const f = e.fact;
        if (f.kind === 'accepted') holder.set(f.session, f.token);
        else if (
          (f.kind === 'lockReleased' || f.kind === 'lockExpired') &&
          f.session !== null &&
          holder.get(f.session) === f.token
        )
          holder.delete(f.session);
        else if (f.kind === 'delivered' && f.session !== null && holder.get(f.session) !== f.token)
          misrouted.push(`${f.session}#${f.seq} to ${f.consumer} at ${e.t}`);
      }
      expect(misrouted).toEqual([]);
      expect(run.hitBound).toBe(false);
      // Every message is accounted for: completed or dead-lettered, none left behind.
      const completed = factsIn(run.trace, 'settled')
        .filter((f) => f.action === 'complete')
        .map((f) => f.seq);
      const dead = run.final.entities['q']?.deadLetters.map((e) => e.seq) ?? [];
      const left = Object.values(run.final.entities['q']?.sessions ?? {}).flatMap((s) => s.messages.map((m) => m.seq));
      expect([...completed, ...dead, ...left].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    });
  }
});

describe('workloads: session lock expiry while processing', () => {
  it('session lock: expiry while processing: redelivers with delivery count 1', () => {
    // c1 never renews and its handler stalls 70 s on the first delivery, past the 60 s lock.
    const run = first({
      entities: [{ name: 'q', lockDurationMs: 60_000 }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [
        {
          id: 'c1',
          renewal: { kind: 'none' },
          rules: [{ belowDeliveryCount: 1, outcome: 'stall' }],
          stallMs: 70_000,
          receiveWaitMs: 5_000,
        },
      ],
    });
    expect(timeline(run, ['delivered', 'lockExpired', 'requeued', 'opFailed', 'accepted', 'settled'])).toEqual([
      [0, 'accepted'],
      [0, 'delivered'],
      [60_000, 'lockExpired'],
      [60_000, 'requeued'],
      [70_000, 'opFailed'],
      [70_000, 'accepted'],
      [70_000, 'delivered'],
      [70_100, 'settled'],
    ]);
    expect(factsIn(run.trace, 'opFailed')).toEqual([
      {
        kind: 'opFailed',
        entity: 'q',
        session: 's1',
        consumer: 'consumer:c1',
        op: 'settle',
        token: 's1@1',
        seq: 1,
        code: 'SessionLockLost',
      },
    ]);
    expect(factsIn(run.trace, 'requeued')).toEqual([
      { kind: 'requeued', entity: 'q', session: 's1', seq: 1, deliveryCount: 1, cause: 'lockExpired' },
    ]);
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [70_000, 'consumer:c1', 1, 1],
    ]);
    expect(factsIn(run.trace, 'settled').map((f) => [f.token, f.action, f.deliveryCount])).toEqual([
      ['s1@2', 'complete', 1],
    ]);
  });

  it('a second consumer takes over the expired session at once while the first is still stalled', () => {
    const run = first({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [
        {
          id: 'c1',
          renewal: { kind: 'none' },
          outcomes: ['stall'],
          stallMs: 45_000,
          receiveWaitMs: 5_000,
          maxSessions: 1,
        },
        { id: 'c2', startAtMs: 1_000, receiveWaitMs: 5_000 },
      ],
    });
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [30_000, 'consumer:c2', 1, 1],
    ]);
    expect(factsIn(run.trace, 'settled').map((f) => [f.consumer, f.action])).toEqual([['consumer:c2', 'complete']]);
    expect(factsIn(run.trace, 'opFailed').map((f) => [f.consumer, f.op, f.code])).toEqual([
      ['consumer:c1', 'settle', 'SessionLockLost'],
    ]);
  });

  it('auto-renewal keeps the lock through a handler longer than the lock: no redelivery', () => {
    const run = first({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [{ id: 'c1', processingMs: [100_000, 100_000], receiveWaitMs: 5_000 }],
    });
    // Renew at remaining - min(remaining / 2, 10 s): every 20 s.
    expect(
      factsIn(run.trace, 'lockRenewed')
        .map((f) => f.lockedUntilMs)
        .slice(0, 4),
    ).toEqual([50_000, 70_000, 90_000, 110_000]);
    expect(factsIn(run.trace, 'lockExpired')).toEqual([]);
    expect(deliveries(run)).toEqual([[0, 'consumer:c1', 1, 0]]);
    expect(factsIn(run.trace, 'settled').map((f) => [f.action, f.deliveryCount])).toEqual([['complete', 0]]);
  });

  it('lost renewals: the lock expires under the handler and its completion fails with SessionLockLost', () => {
    const run = first({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [{ id: 'c1', processingMs: [50_000, 50_000], receiveWaitMs: 5_000, maxSessions: 1 }],
      faults: [{ kind: 'loseRenewals', consumer: 'c1', fromMs: 0, untilMs: 40_000 }],
    });
    expect(timeline(run, ['lockRenewed', 'lockExpired', 'requeued', 'opFailed'])).toEqual([
      [30_000, 'lockExpired'],
      [30_000, 'requeued'],
      [50_000, 'opFailed'],
    ]);
    expect(
      run.final.entities['q']?.sessions['s1']?.messages.map((m) => [m.messageId, m.state, m.deliveryCount]),
    ).toEqual([['m1', 'active', 1]]);
  });
});

describe('workloads: crash and close', () => {
  function poison(crashSemantics: 'release' | 'lockExpiry'): WorkloadRun {
    return first({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      switches: { crashSemantics },
      messages: [{ messageId: 'poison', sessionId: 's1' }],
      consumers: [
        { id: 'c1', outcomes: ['crash'], receiveWaitMs: 5_000 },
        { id: 'c2', startAtMs: 1_000, receiveWaitMs: 5_000 },
      ],
    });
  }

  it('a consumer crashing on a message releases the session at once: the next consumer gets it with count 0', () => {
    const run = poison('release');
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [1_000, 'consumer:c2', 1, 0],
    ]);
    expect(factsIn(run.trace, 'lockReleased').map((f) => [f.consumer, f.cause])).toEqual([
      ['consumer:c1', 'crash'],
      ['consumer:c2', 'close'],
    ]);
    expect(run.final.consumers['c1']?.state).toBe('crashed');
  });

  it("crashSemantics 'lockExpiry': the next consumer waits for the lock to expire and gets it with count 1", () => {
    const run = poison('lockExpiry');
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [30_000, 'consumer:c2', 1, 1],
    ]);
    expect(factsIn(run.trace, 'lockExpired').map((f) => [f.consumer, f.token])).toEqual([['consumer:c1', 's1@1']]);
  });

  it('a consumer that closes with a message unsettled: redelivered at once to the next consumer with no increment', () => {
    const run = first({
      entities: [{ name: 'q' }],
      messages: [
        { messageId: 'm1', sessionId: 's1' },
        { messageId: 'm2', sessionId: 's1' },
      ],
      consumers: [
        {
          id: 'c1',
          batch: 2,
          concurrency: 2,
          rules: [{ messageId: 'm2', outcome: 'close' }],
          receiveWaitMs: 5_000,
          maxSessions: 1,
        },
        { id: 'c2', startAtMs: 1_000, receiveWaitMs: 5_000 },
      ],
    });
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [1, 'consumer:c1', 2, 0],
      [1_000, 'consumer:c2', 2, 0],
    ]);
    expect(factsIn(run.trace, 'requeued').map((f) => [f.seq, f.deliveryCount, f.cause])).toEqual([[2, 0, 'close']]);
    expect(factsIn(run.trace, 'settled').map((f) => [f.consumer, f.seq, f.action, f.deliveryCount])).toEqual([
      ['consumer:c1', 1, 'complete', 0],
      ['consumer:c2', 2, 'complete', 0],
    ]);
  });

  it('a handler that always closes on a message loops forever: the count never rises, MaxDeliveryCount never fires', () => {
    const run = first({
      entities: [{ name: 'q', maxDeliveryCount: 2 }],
      messages: [{ messageId: 'poison', sessionId: 's1' }],
      consumers: [{ id: 'c1', outcomes: ['close'], receiveWaitMs: 5_000 }],
      maxSteps: 300,
    });
    const counts = factsIn(run.trace, 'delivered').map((f) => f.deliveryCount);
    expect(run.hitBound).toBe(true);
    expect(counts.length).toBeGreaterThan(20);
    expect(new Set(counts)).toEqual(new Set([0]));
    expect(run.final.entities['q']?.deadLetters).toEqual([]);
  });

  it('a detached consumer finds out on its next call; a waiting named consumer resumes from the checkpoint', () => {
    const run = first({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      messages: [
        { messageId: 'm1', sessionId: 's1', atMs: 0 },
        { messageId: 'm2', sessionId: 's1', atMs: 10 },
      ],
      consumers: [
        { id: 'c1', checkpoint: true, processingMs: [1_000, 1_000], receiveWaitMs: 5_000, maxSessions: 1 },
        { id: 'c2', checkpoint: true, startAtMs: 1_500, receiveWaitMs: 5_000, sessions: ['s1'] },
      ],
      faults: [{ kind: 'detach', consumer: 'c1', atMs: 1_500 }],
    });
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [1_000, 'consumer:c1', 2, 0],
      [2_500, 'consumer:c2', 2, 0],
    ]);
    expect(factsIn(run.trace, 'acceptFailed').map((f) => [f.consumer, f.code])).toEqual([
      ['consumer:c2', 'SessionCannotBeLocked'],
    ]);
    // The checkpoint is written before the complete, so the stale write is refused first.
    expect(factsIn(run.trace, 'opFailed').map((f) => [f.consumer, f.op, f.seq, f.code])).toEqual([
      ['consumer:c1', 'setState', null, 'SessionLockLost'],
      ['consumer:c1', 'settle', 2, 'SessionLockLost'],
    ]);
    expect(factsIn(run.trace, 'stateRead').map((f) => [f.consumer, f.value])).toEqual([
      ['consumer:c1', null],
      ['consumer:c2', 'done:1'],
    ]);
    expect(run.final.entities['q']?.sessions['s1']?.state).toBe('done:2');
  });
});

describe('workloads: abandon and MaxDeliveryCount', () => {
  it('a handler that always abandons one message: it is dead-lettered on the third attempt and the session moves on', () => {
    const run = first({
      entities: [{ name: 'q', maxDeliveryCount: 3 }],
      messages: [
        { messageId: 'bad', sessionId: 's1' },
        { messageId: 'good', sessionId: 's1' },
      ],
      consumers: [{ id: 'c1', rules: [{ messageId: 'bad', outcome: 'abandon' }], receiveWaitMs: 5_000 }],
    });
    expect(deliveries(run)).toEqual([
      [0, 'consumer:c1', 1, 0],
      [100, 'consumer:c1', 1, 1],
      [200, 'consumer:c1', 1, 2],
      [300, 'consumer:c1', 2, 0],
    ]);
    expect(factsIn(run.trace, 'deadLettered')).toEqual([
      {
        kind: 'deadLettered',
        entity: 'q',
        session: 's1',
        seq: 1,
        reason: 'MaxDeliveryCountExceeded',
        deliveryCount: 3,
      },
    ]);
    expect(run.final.entities['q']?.deadLetters.map((e) => [e.messageId, e.reason])).toEqual([
      ['bad', 'MaxDeliveryCountExceeded'],
    ]);
  });

  it('a handler that dead-letters: the DLQ holds the policy reason', () => {
    const run = first({
      entities: [{ name: 'q' }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [{ id: 'c1', outcomes: ['deadLetter'], receiveWaitMs: 5_000 }],
    });
    expect(
      run.final.entities['q']?.deadLetters.map((e) => [e.messageId, e.reason, e.description, e.deliveryCount]),
    ).toEqual([['m1', 'HandlerRejected', 'dead-lettered by the consumer policy', 0]]);
  });
});

describe('workloads: receive-and-delete consumer', () => {
  it('a crash after receive-and-delete loses the message: nobody gets it again', () => {
    const run = first({
      entities: [{ name: 'q' }],
      messages: [
        { messageId: 'm1', sessionId: 's1' },
        { messageId: 'm2', sessionId: 's1' },
      ],
      consumers: [
        {
          id: 'c1',
          receiveMode: 'receiveAndDelete',
          rules: [{ messageId: 'm1', outcome: 'crash' }],
          receiveWaitMs: 5_000,
        },
        { id: 'c2', startAtMs: 1_000, receiveMode: 'receiveAndDelete', receiveWaitMs: 5_000 },
      ],
    });
    expect(factsIn(run.trace, 'delivered').map((f) => [f.consumer, f.seq, f.mode])).toEqual([
      ['consumer:c1', 1, 'receiveAndDelete'],
      ['consumer:c2', 2, 'receiveAndDelete'],
    ]);
    expect(factsIn(run.trace, 'requeued')).toEqual([]);
    expect(run.final.entities['q']?.sessions['s1']?.messages).toEqual([]);
  });
});
