/**
 * The timeline model behind the pictures: lanes, rows down virtual time, lock and handling spans.
 */
import { describe, expect, it } from 'vitest';
import { abandon } from '../../src/scenarios/abandon.ts';
import { requestResponse } from '../../src/scenarios/request-response.ts';
import { runAt } from '../../src/scenarios/scenario.ts';
import { deliveryCountTable } from '../../src/scenarios/delivery-count-table.ts';
import { BROKER_LANE, buildTimeline, formatMs, panelsOf } from '../../src/trace/timeline.ts';

describe('timeline model', () => {
  it('one lane for the broker, first, then one per consumer in order of appearance', () => {
    const tl = buildTimeline(runAt(deliveryCountTable.run(), 0).trace);
    expect(tl.lanes.map((l) => [l.id, l.label, l.kind])).toEqual([
      [BROKER_LANE, 'broker', 'broker'],
      ['consumer:c1', 'c1', 'consumer'],
      ['consumer:c2', 'c2', 'consumer'],
    ]);
  });

  it('rows read down virtual time: never backwards, one mark per lane per row', () => {
    for (const run of deliveryCountTable.run()) {
      const tl = buildTimeline(run.trace);
      for (let i = 1; i < tl.rowTimes.length; i++)
        expect(tl.rowTimes[i]).toBeGreaterThanOrEqual(tl.rowTimes[i - 1] ?? 0);
      const cells = tl.marks.map((m) => `${m.row}|${m.lane}`);
      expect(new Set(cells).size).toBe(cells.length);
      for (const m of tl.marks) expect(tl.rowTimes[m.row]).toBe(m.t);
    }
  });

  it('lock expires: c1 holds s1 from 0 until its lock expires at 30 s; c2 from 30 s until its close', () => {
    const tl = buildTimeline(runAt(deliveryCountTable.run(), 0).trace);
    expect(tl.spans.filter((s) => s.kind === 'lock').map((s) => [s.lane, s.session, s.fromMs, s.toMs, s.end])).toEqual([
      ['consumer:c1', 's1', 0, 30_000, 'expired'],
      ['consumer:c2', 's1', 30_000, 35_100, 'close'],
    ]);
    // c1's handler keeps running past the lock: busy until its complete fails at 40 s.
    expect(tl.spans.filter((s) => s.kind === 'handling').map((s) => [s.lane, s.fromMs, s.toMs, s.end])).toEqual([
      ['consumer:c1', 0, 40_000, 'stall'],
      ['consumer:c2', 30_000, 30_100, 'complete'],
    ]);
    expect(tl.marks.filter((m) => m.bad).map((m) => [m.kind, m.label])).toEqual([
      ['lock-expired', 'lock s1 expired'],
      ['op-failed', 'settle m1: SessionLockLost'],
    ]);
  });

  it('marks name messages by id and say the settle action', () => {
    const tl = buildTimeline(runAt(abandon.run(), 0).trace);
    expect(tl.marks.filter((m) => m.kind === 'settle').map((m) => [m.variant, m.messageId])).toEqual([
      ['abandon', 'm1'],
      ['complete', 'm2'],
      ['complete', 'm1'],
      ['complete', 'm3'],
    ]);
    expect(tl.marks.find((m) => m.kind === 'requeue')?.label).toBe('m1 back (abandon), count 1');
  });

  it('a driver client that sends gets the send in its own lane', () => {
    const tl = buildTimeline(runAt(requestResponse.run(), 0).trace);
    expect(tl.lanes.map((l) => l.id)).toEqual([BROKER_LANE, 'client:alice', 'client:bob', 'client:responder']);
    expect(tl.marks.filter((m) => m.kind === 'send').map((m) => [m.lane, m.messageId])).toEqual([
      ['client:alice', 'req-a1'],
      ['client:bob', 'req-b1'],
      ['client:alice', 'req-a2'],
      ['client:responder', 'reply-a1'],
      ['client:responder', 'reply-b1'],
      ['client:responder', 'reply-a2'],
    ]);
  });

  it('an empty trace is one empty panel; formatMs reads like people write durations', () => {
    expect(panelsOf([])).toEqual([{ label: '', trace: [] }]);
    expect(buildTimeline([]).marks).toEqual([]);
    expect([0, 250, 1_000, 1_001, 60_000, 61_500].map(formatMs)).toEqual([
      '0ms',
      '250ms',
      '1s',
      '1.001s',
      '60s',
      '61.5s',
    ]);
  });
});
