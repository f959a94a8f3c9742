import { describe, expect, it } from 'vitest';
import { fifoProcessing } from '../../properties/fifo-processing.ts';
import { Script, sessionQueue } from './helpers.ts';

const oneCall = sessionQueue({ maxDeliveryCount: 2 }, { consumers: [{ id: 'c1' }, { id: 'c2' }] });
const twoCalls = sessionQueue({}, { consumers: [{ id: 'c1', concurrency: 2 }] });
const observe = (run: Parameters<typeof fifoProcessing.check>[0]): string[] => fifoProcessing.observe?.(run) ?? [];

describe('fifo-processing', () => {
  it('holds: one call at a time, redelivery after abandon and lock expiry keeps the completion order', () => {
    const run = new Script(oneCall)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'abandon')
      .requeued('s1', 1, 1, 'abandon')
      .at(4)
      .delivered('s1', 1, 'c1', 's1@1', { deliveryCount: 1 })
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .requeued('s1', 1, 2, 'lockExpired')
      .at(10_001)
      .accepted('s1', 'c2', 's1@2')
      .at(10_002)
      .delivered('s1', 1, 'c2', 's1@2', { deliveryCount: 2 })
      .at(10_003)
      .settled('s1', 1, 'c2', 's1@2', 'complete', 2)
      .at(10_004)
      .delivered('s1', 2, 'c2', 's1@2')
      .at(10_005)
      .settled('s1', 2, 'c2', 's1@2', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual([]);
  });

  it('holds, and reports: two calls per session complete out of order', () => {
    const run = new Script(twoCalls)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .delivered('s1', 2, 'c1', 's1@1')
      .at(3)
      .settled('s1', 2, 'c1', 's1@1', 'complete')
      .at(4)
      .settled('s1', 1, 'c1', 's1@1', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual([
      'session s1: completions out of order (2 before 1) because consumer:c1 runs 2 calls per session',
    ]);
  });

  it('holds, and reports: a deferred message is completed after later ones', () => {
    const run = new Script(oneCall)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .at(4)
      .delivered('s1', 2, 'c1', 's1@1')
      .at(5)
      .settled('s1', 2, 'c1', 's1@1', 'complete')
      .at(6)
      .delivered('s1', 1, 'c1', 's1@1', { deferred: true })
      .at(7)
      .settled('s1', 1, 'c1', 's1@1', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual([
      'session s1: completions out of order (2 before 1) because s1#1 (m1) was deferred and completed later',
    ]);
  });

  it('holds, and reports: MaxDeliveryCount dead-letters a message and the session moves on without it', () => {
    const run = new Script(oneCall)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'abandon')
      .requeued('s1', 1, 1, 'abandon')
      .at(4)
      .delivered('s1', 1, 'c1', 's1@1', { deliveryCount: 1 })
      .at(5)
      .settled('s1', 1, 'c1', 's1@1', 'abandon', 1)
      .deadLettered('s1', 1, 'MaxDeliveryCountExceeded', 2)
      .at(6)
      .delivered('s1', 2, 'c1', 's1@1')
      .at(7)
      .settled('s1', 2, 'c1', 's1@1', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual([
      'session s1: s1#1 (m1) was dead-lettered (MaxDeliveryCountExceeded) at t=5ms, so s1#2 (m2) was processed without it',
    ]);
  });

  it('holds, and reports: without sessions competing consumers process 2, 3, 1', () => {
    const run = new Script({
      entities: [{ name: 'q', requiresSession: false }],
      consumers: [{ id: 'c1' }, { id: 'c2' }],
    })
      .at(0)
      .sent(null, 1)
      .sent(null, 2)
      .sent(null, 3)
      .at(1)
      .delivered(null, 1, 'c1', 'q#m1')
      .at(2)
      .delivered(null, 2, 'c2', 'q#m2')
      .at(3)
      .settled(null, 2, 'c2', 'q#m2', 'complete')
      .at(4)
      .delivered(null, 3, 'c2', 'q#m3')
      .at(5)
      .settled(null, 3, 'c2', 'q#m3', 'complete')
      .at(6)
      .settled(null, 1, 'c1', 'q#m1', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual(['q: without sessions the processing order was 2, 3, 1']);
  });

  it('holds, and reports: receive-and-delete loses a message when the consumer crashes', () => {
    const run = new Script(sessionQueue({}, { consumers: [{ id: 'c1', receiveMode: 'receiveAndDelete' }] }))
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', null, { mode: 'receiveAndDelete' })
      .at(3)
      .processed('s1', 1, 'c1', 'crash')
      .at(4)
      .accepted('s1', 'c1', 's1@2')
      .at(5)
      .delivered('s1', 2, 'c1', null, { mode: 'receiveAndDelete' })
      .at(6)
      .processed('s1', 2, 'c1', 'complete')
      .record();
    expect(fifoProcessing.check(run)).toBeUndefined();
    expect(observe(run)).toEqual([
      'session s1: s1#1 (m1) was removed by receive-and-delete at t=2ms and never processed, so s1#2 (m2) was processed without it',
    ]);
  });

  it('violated: one call at a time, yet a later message is completed while an earlier one is still waiting', () => {
    const run = new Script(oneCall)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 2, 'c1', 's1@1')
      .at(3)
      .settled('s1', 2, 'c1', 's1@1', 'complete')
      .record();
    const v = fifoProcessing.check(run);
    expect(v?.message).toBe(
      'message s1#2 (m2) was completed by consumer:c1 under lock s1@1 at t=3ms before s1#1 (m1), which comes first in session s1 and was still active; the session was processed one call at a time and nothing deferred, dead-lettered or expired s1#1 (m1), so completions must follow sequence order (§6, §9).',
    );
    expect(v).toMatchObject({ property: 'fifo-processing', step: 4, t: 3 });
  });

  it('violated: a second holder completes a later message while the first still holds an earlier one', () => {
    const run = new Script(oneCall)
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .accepted('s1', 'c2', 's1@2')
      .at(4)
      .delivered('s1', 2, 'c2', 's1@2')
      .at(5)
      .settled('s1', 2, 'c2', 's1@2', 'complete')
      .record();
    expect(fifoProcessing.check(run)?.message).toContain(
      'message s1#2 (m2) was completed by consumer:c2 under lock s1@2 at t=5ms before s1#1 (m1), which comes first in session s1 and was locked under s1@1 by consumer:c1',
    );
  });
});
