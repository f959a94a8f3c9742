import { describe, expect, it } from 'vitest';
import { deliveryCount } from '../../properties/delivery-count.ts';
import { Script, sessionQueue } from './helpers.ts';

describe('delivery-count', () => {
  it('holds: abandon and lock expiry add one each, close adds nothing, MDC dead-letters on the rise that reaches it', () => {
    const run = new Script(sessionQueue({ maxDeliveryCount: 3 }))
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'abandon')
      .requeued('s1', 1, 1, 'abandon')
      .at(4)
      .delivered('s1', 1, 'c1', 's1@1', { deliveryCount: 1 })
      .at(5)
      .lockReleased('s1', 'c1', 's1@1', 'close')
      .requeued('s1', 1, 1, 'close')
      .at(6)
      .accepted('s1', 'c2', 's1@2', 10_006)
      .at(7)
      .delivered('s1', 1, 'c2', 's1@2', { deliveryCount: 1 })
      .at(10_006)
      .lockExpired('s1', 'c2', 's1@2')
      .requeued('s1', 1, 2, 'lockExpired')
      .at(10_007)
      .accepted('s1', 'c1', 's1@3')
      .at(10_008)
      .delivered('s1', 1, 'c1', 's1@3', { deliveryCount: 2 })
      .at(10_009)
      .settled('s1', 1, 'c1', 's1@3', 'abandon', 2)
      .deadLettered('s1', 1, 'MaxDeliveryCountExceeded', 3)
      .record();
    expect(deliveryCount.check(run)).toBeUndefined();
  });

  it("holds: with lockExpiryIncrementScope 'all', lock expiry raises never-delivered messages too", () => {
    const run = new Script(sessionQueue({}, { switches: { lockExpiryIncrementScope: 'all' } }))
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .requeued('s1', 1, 1, 'lockExpired')
      .at(10_001)
      .accepted('s1', 'c2', 's1@2')
      .at(10_002)
      .delivered('s1', 1, 'c2', 's1@2', { deliveryCount: 1 })
      .delivered('s1', 2, 'c2', 's1@2', { deliveryCount: 1 })
      .record();
    expect(deliveryCount.check(run)).toBeUndefined();
  });

  it('holds: with deferCountsAsAttempt, a defer at MDC 1 dead-letters (asb#375)', () => {
    const run = new Script(sessionQueue({ maxDeliveryCount: 1 }, { switches: { deferCountsAsAttempt: true } }))
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .deadLettered('s1', 1, 'MaxDeliveryCountExceeded', 1)
      .record();
    expect(deliveryCount.check(run)).toBeUndefined();
  });

  it('violated: lock expiry does not raise the count', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .requeued('s1', 1, 0, 'lockExpired')
      .record();
    expect(deliveryCount.check(run)?.message).toBe(
      'message s1#1 (m1) became active again after lockExpired at t=10000ms with delivery count 0, but it should be 1: lock expiry (T11) adds exactly 1 to the 0 it had.',
    );
  });

  it('violated: close raises the count', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .lockReleased('s1', 'c1', 's1@1', 'crash')
      .requeued('s1', 1, 1, 'crash')
      .record();
    expect(deliveryCount.check(run)?.message).toContain(
      'message s1#1 (m1) became active again after crash at t=3ms with delivery count 1, but it should be 0: crash never changes the count (T12).',
    );
  });

  it('violated: a delivery shows a count the oracle did not reach', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1', { deliveryCount: 2 })
      .record();
    expect(deliveryCount.check(run)?.message).toContain(
      'message s1#1 (m1) was delivered to consumer:c1 under lock s1@1 at t=2ms with delivery count 2, but its count should be 0',
    );
  });

  it('violated: the count reaches MaxDeliveryCount but the message is served again', () => {
    const run = new Script(sessionQueue({ maxDeliveryCount: 2 }))
      .at(0)
      .sent('s1', 1)
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
      .requeued('s1', 1, 2, 'abandon')
      .record();
    expect(deliveryCount.check(run)?.message).toBe(
      'message s1#1 (m1) became active again after abandon at t=5ms with delivery count 2, which reaches the maxDeliveryCount 2 of q: it should have been dead-lettered with MaxDeliveryCountExceeded instead.',
    );
  });

  it('violated: MaxDeliveryCountExceeded before the count reaches the limit', () => {
    const run = new Script(sessionQueue({ maxDeliveryCount: 3 }))
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'abandon')
      .deadLettered('s1', 1, 'MaxDeliveryCountExceeded', 1)
      .record();
    expect(deliveryCount.check(run)?.message).toContain(
      'message s1#1 (m1) was dead-lettered (MaxDeliveryCountExceeded) at t=3ms with delivery count 1, but its count was 1; MaxDeliveryCountExceeded applies only when a rise makes the count reach maxDeliveryCount 3',
    );
  });
});
