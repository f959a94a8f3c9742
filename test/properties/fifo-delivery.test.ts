import { describe, expect, it } from 'vitest';
import { fifoDelivery } from '../../properties/fifo-delivery.ts';
import { Script } from './helpers.ts';

describe('fifo-delivery', () => {
  it('holds: abandon serves the same message next, defer leaves the order, receiveDeferred is by seq', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .sent('s1', 3)
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
      .settled('s1', 1, 'c1', 's1@1', 'complete', 1)
      .at(6)
      .delivered('s1', 2, 'c1', 's1@1')
      .at(7)
      .settled('s1', 2, 'c1', 's1@1', 'defer')
      .at(8)
      .delivered('s1', 3, 'c1', 's1@1')
      .at(9)
      .delivered('s1', 2, 'c1', 's1@1', { deferred: true })
      .record();
    expect(fifoDelivery.check(run)).toBeUndefined();
  });

  it('holds: a message returned by lock expiry comes before a later one, for the next holder', () => {
    const run = new Script()
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
      .accepted('s1', 'c2', 's1@2')
      .at(10_001)
      .delivered('s1', 1, 'c2', 's1@2', { deliveryCount: 1 })
      .delivered('s1', 2, 'c2', 's1@2')
      .record();
    expect(fifoDelivery.check(run)).toBeUndefined();
  });

  it('holds: dead-lettered and expired messages leave the order', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .sent('s1', 3, { expiresAtMs: 5 })
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'deadLetter')
      .deadLettered('s1', 1, 'HandlerRejected')
      .at(6)
      .expired('s1', 3)
      .delivered('s1', 2, 'c1', 's1@1')
      .record();
    expect(fifoDelivery.check(run)).toBeUndefined();
  });

  it('violated: a later message is handed out while an earlier one is still active', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .sent('s1', 2)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(10)
      .delivered('s1', 2, 'c1', 's1@1')
      .record();
    const v = fifoDelivery.check(run);
    expect(v?.message).toContain(
      'message s1#2 (m2) was delivered to consumer:c1 under lock s1@1 at t=10ms while s1#1 (m1), which comes first in session s1, was still active',
    );
    expect(v).toMatchObject({ property: 'fifo-delivery', step: 3, t: 10 });
  });

  it('violated: an abandoned message goes to the back instead of being served next', () => {
    const run = new Script()
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
      .delivered('s1', 2, 'c1', 's1@1')
      .record();
    expect(fifoDelivery.check(run)?.message).toContain(
      'message s1#2 (m2) was delivered to consumer:c1 under lock s1@1 at t=4ms while s1#1 (m1), which comes first',
    );
  });

  it('violated: a deferred message comes back through a plain receive', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'defer')
      .at(4)
      .delivered('s1', 1, 'c1', 's1@1')
      .record();
    expect(fifoDelivery.check(run)?.message).toContain(
      'message s1#1 (m1) was delivered to consumer:c1 under lock s1@1 at t=4ms by a plain receive, but it had been deferred',
    );
  });
});
