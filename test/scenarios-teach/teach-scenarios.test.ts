/**
 * The teaching scenarios (src/scenarios): each one's documented outcome, asserted exactly, so the
 * teaching material cannot drift from the model. Every scenario is a fixed schedule: running it twice
 * gives the same trace.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS, scenarioById } from '../../src/scenarios/index.ts';
import { abandon } from '../../src/scenarios/abandon.ts';
import { deferral } from '../../src/scenarios/deferral.ts';
import { deliveryCountTable } from '../../src/scenarios/delivery-count-table.ts';
import { exclusiveLock } from '../../src/scenarios/exclusive-lock.ts';
import { interleavedSessions } from '../../src/scenarios/interleaved-sessions.ts';
import { lockRenewal } from '../../src/scenarios/lock-renewal.ts';
import { maxDelivery } from '../../src/scenarios/max-delivery.ts';
import { poisonCrash } from '../../src/scenarios/poison-crash.ts';
import { deliveriesOf, factsIn, timedFacts } from '../../src/scenarios/read.ts';
import { requestResponse } from '../../src/scenarios/request-response.ts';
import type { OutcomeBase, Scenario } from '../../src/scenarios/scenario.ts';
import { runAt } from '../../src/scenarios/scenario.ts';
import { sequenceVsSession } from '../../src/scenarios/sequence-vs-session.ts';
import { sessionState } from '../../src/scenarios/session-state.ts';
import { sessionTtl } from '../../src/scenarios/session-ttl.ts';

function play<O extends OutcomeBase>(s: Scenario<O>) {
  const runs = s.run();
  return { runs, outcome: s.outcome(runs) };
}

describe('the scenario catalogue', () => {
  it('has the twelve scenarios, in teaching order, each findable by id', () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual([
      'sequence-vs-session',
      'interleaved-sessions',
      'exclusive-lock',
      'abandon',
      'delivery-count-table',
      'deferral',
      'lock-renewal',
      'max-delivery',
      'session-state',
      'session-ttl',
      'request-response',
      'poison-crash',
    ]);
    for (const s of SCENARIOS) expect(scenarioById(s.id)).toBe(s);
    expect(scenarioById('no-such-scenario')).toBeUndefined();
  });

  for (const s of SCENARIOS) {
    it(`${s.id}: has a title, a one-line lesson, and a narrative citing its rule`, () => {
      expect(s.title.length).toBeGreaterThan(10);
      expect(s.lesson).not.toMatch(/\n/);
      expect(s.rule).toMatch(/§\d/);
      expect(s.narrative).toMatch(/§\d/);
      // The narrative cites at least one source key of the reference (D1, I:asb#410, N7…).
      expect(s.narrative).toMatch(/\b(D\d+|N\d+|J\d+|I:[\w-]+#\d+)\b/);
    });

    it(`${s.id}: is deterministic, ends on its own (no step bound) and states its outcome`, () => {
      const first = s.run();
      const second = s.run();
      expect(second.map((r) => r.trace)).toEqual(first.map((r) => r.trace));
      expect(first.map((r) => r.hitBound)).toEqual(first.map(() => false));
      const outcome = s.outcome(first);
      expect(outcome.summary.length).toBeGreaterThan(0);
      for (const line of outcome.summary) expect(line).toMatch(/\S/);
    });
  }
});

describe('sequence-vs-session (§6, D1/D5)', () => {
  const { runs, outcome } = play(sequenceVsSession);

  it('without sessions: processing order 2, 3, 1; with sessions: 1, 2, 3', () => {
    expect(outcome.withoutSessions).toEqual(['m2', 'm3', 'm1']);
    expect(outcome.withSessions).toEqual(['m1', 'm2', 'm3']);
    expect(outcome.handledWithout).toEqual(['c2:m2', 'c2:m3', 'c1:m1']);
    expect(outcome.handledWith).toEqual(['c1:m1', 'c1:m2', 'c1:m3']);
  });

  it('the documented schedule: c1 takes m1, c2 takes m2 and then m3, and finishes both while c1 is still on m1', () => {
    const plain = runAt(runs, 0).trace;
    expect(deliveriesOf(plain).map((d) => [d.t, d.consumer, d.messageId])).toEqual([
      [0, 'c1', 'm1'],
      [1, 'c2', 'm2'],
      [1_001, 'c2', 'm3'],
    ]);
    expect(timedFacts(plain, 'processed').map(({ t, fact }) => [t, fact.messageId])).toEqual([
      [1_001, 'm2'],
      [2_001, 'm3'],
      [5_000, 'm1'],
    ]);
    // Retrieval order is the same in both runs: sequence numbers 1, 2, 3.
    for (const run of runs) expect(factsIn(run.trace, 'delivered').map((f) => f.seq)).toEqual([1, 2, 3]);
  });

  it('with sessions, c2 never gets a message of the held session', () => {
    expect(deliveriesOf(runAt(runs, 1).trace).map((d) => d.consumer)).toEqual(['c1', 'c1', 'c1']);
  });
});

describe('interleaved-sessions (§2.2, §2.3, D1)', () => {
  it('each consumer gets exactly one session, first in, first out', () => {
    const { outcome } = play(interleavedSessions);
    expect(outcome.byConsumer).toEqual({ c1: ['A1', 'A2', 'A3'], c2: ['B1', 'B2', 'B3'] });
    expect(outcome.bySession).toEqual({ A: ['A1', 'A2', 'A3'], B: ['B1', 'B2', 'B3'] });
    expect(outcome.holders).toEqual({ A: ['c1'], B: ['c2'] });
  });
});

describe('exclusive-lock (§2.2, D1)', () => {
  it('refuses a second receiver, delivers the later message to the holder, and nothing from an unaccepted session', () => {
    const { outcome } = play(exclusiveLock);
    expect(outcome.refused).toEqual([['c2', 's1', 'SessionCannotBeLocked']]);
    expect(outcome.received).toEqual({ c1: ['m1', 'm2'] });
    expect(outcome.late).toEqual({ messageId: 'm2', sentAtMs: 20_000, deliveredTo: 'c1', deliveredAtMs: 20_000 });
    expect(outcome.unowned).toEqual({ session: 's2', deliveries: 0, waiting: ['x1'] });
  });
});

describe('abandon (§3.3, D1)', () => {
  it('the abandoned message is served next, ahead of m3, with delivery count 1', () => {
    const { outcome } = play(abandon);
    expect(outcome.deliveries).toEqual([
      ['m1', 0],
      ['m2', 0],
      ['m1', 1],
      ['m3', 0],
    ]);
    expect(outcome.servedNext).toEqual(['m1', 1]);
  });
});

describe('delivery-count-table (§3.4, D1 table)', () => {
  const { runs, outcome } = play(deliveryCountTable);

  it('lock expires → +1; closed with the message unsettled → +0; completed then closed → gone', () => {
    expect(outcome.rows).toEqual([
      { row: 'lock expires', counts: [0, 1], change: '+1', secondConsumer: 'accepted s1' },
      { row: 'closed with the message unsettled', counts: [0, 0], change: '+0', secondConsumer: 'accepted s1' },
      { row: 'completed, then closed', counts: [0], change: 'gone', secondConsumer: 'ServiceTimeout' },
    ]);
  });

  it('row 1: the stale holder’s complete fails with SessionLockLost; row 3: the entity ends empty', () => {
    expect(factsIn(runAt(runs, 0).trace, 'opFailed').map((f) => [f.consumer, f.op, f.code])).toEqual([
      ['consumer:c1', 'settle', 'SessionLockLost'],
    ]);
    const q = runAt(runs, 2).final.entities['q'];
    expect(q?.sessions['s1']?.messages).toEqual([]);
    expect(q?.deadLetters).toEqual([]);
  });
});

describe('lock-renewal (§2.4, §2.5)', () => {
  it('manual and auto renewal keep the lock; without renewal it expires and the complete fails', () => {
    const { outcome } = play(lockRenewal);
    expect(outcome.runs).toEqual([
      {
        label: 'manual renew every 25 s',
        renewedAtMs: [25_000, 50_000],
        lockExpiredAtMs: null,
        settle: 'complete',
        m1: 'completed',
      },
      {
        label: 'SDK auto-renew (5 min window)',
        renewedAtMs: [20_000, 40_000, 60_000],
        lockExpiredAtMs: null,
        settle: 'complete',
        m1: 'completed',
      },
      {
        label: 'no renewal',
        renewedAtMs: [],
        lockExpiredAtMs: 30_000,
        settle: 'SessionLockLost',
        m1: 'active, count 1',
      },
    ]);
  });
});

describe('max-delivery (§3.4, D3)', () => {
  it('three abandons dead-letter "bad" with MaxDeliveryCountExceeded, then "good" is served and completed', () => {
    const { outcome } = play(maxDelivery);
    expect(outcome.deliveries).toEqual([
      ['bad', 0],
      ['bad', 1],
      ['bad', 2],
      ['good', 0],
    ]);
    expect(outcome.deadLetters).toEqual([['bad', 'MaxDeliveryCountExceeded', 3]]);
    expect(outcome.completed).toEqual(['good']);
  });
});

describe('session-state (§5, §2.6)', () => {
  it('c1 checkpoints then crashes on m2; c2 reads "done:1" and resumes with m2 at count 0', () => {
    const { outcome } = play(sessionState);
    expect(outcome.writes).toEqual([
      ['c1', 'done:1'],
      ['c2', 'done:2'],
      ['c2', 'done:3'],
    ]);
    expect(outcome.reads).toEqual([
      ['c1', null],
      ['c2', 'done:1'],
    ]);
    expect(outcome.crashed).toEqual(['c1']);
    expect(outcome.received).toEqual({ c1: ['m1', 'm2'], c2: ['m2', 'm3'] });
    expect(outcome.resumedWith).toEqual(['m2', 0]);
    expect(outcome.finalState).toBe('done:3');
  });
});

describe('deferral (§3.3, T7, T9, D6)', () => {
  it('deferred m1 leaves the receive order; fetched by number it counts 1, abandoned it stays deferred, fetched again 2', () => {
    const { outcome } = play(deferral);
    expect(outcome.deliveries).toEqual([
      ['m1', 0],
      ['m2', 0],
      ['m3', 0],
      ['m1', 1],
      ['m1', 2],
    ]);
    expect(outcome.fetched).toEqual([
      ['m1', 1],
      ['m1', 2],
    ]);
    expect(outcome.completed).toEqual(['m2', 'm3', 'm1']);
  });
});

describe('session-ttl (§4, D1, D2)', () => {
  it('one expired message expires the session: dropped, or dead-lettered; a locked message is protected', () => {
    const { outcome } = play(sessionTtl);
    const swept = [
      ['m1', 'session'],
      ['m2', 'message'],
      ['m3', 'session'],
    ];
    expect(outcome.runs).toEqual([
      { label: 'dropped (default)', expired: swept, deadLetters: [], completed: ['n1'] },
      {
        label: 'dead-lettered (deadLetteringOnMessageExpiration on)',
        expired: swept,
        deadLetters: [
          ['m1', 'TTLExpiredException'],
          ['m2', 'TTLExpiredException'],
          ['m3', 'TTLExpiredException'],
        ],
        completed: ['n1'],
      },
      { label: 'a locked message is protected', expired: [], deadLetters: [], completed: ['m1', 'm2'] },
    ]);
  });
});

describe('request-response (§7, D12)', () => {
  it('each requester accepts its reply session before any reply exists and gets exactly its own replies', () => {
    const { outcome } = play(requestResponse);
    expect(outcome.acceptedBeforeReplies).toEqual(['alice:alice-replies', 'bob:bob-replies']);
    expect(outcome.received).toEqual({ alice: ['reply-a1', 'reply-a2'], bob: ['reply-b1'] });
    expect(outcome.misrouted).toEqual([]);
  });
});

describe('poison-crash (§2.6, §10 item 1)', () => {
  it('three crashes, three deliveries at count 0, never dead-lettered although MaxDeliveryCount is 2', () => {
    const { outcome } = play(poisonCrash);
    expect(outcome.maxDeliveryCount).toBe(2);
    expect(outcome.deliveries).toEqual([
      ['w1', 'poison', 0],
      ['w2', 'poison', 0],
      ['w3', 'poison', 0],
    ]);
    expect(outcome.crashes).toBe(3);
    expect(outcome.deadLetters).toEqual([]);
    expect(outcome.left).toEqual([
      ['poison', 0],
      ['next', 0],
    ]);
    expect(outcome.hitBound).toBe(false);
  });
});
