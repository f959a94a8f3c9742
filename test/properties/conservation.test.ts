import { describe, expect, it } from 'vitest';
import { conservation } from '../../properties/conservation.ts';
import { Script, sessionQueue } from './helpers.ts';

const ended = () =>
  new Script(sessionQueue({ deadLetteringOnMessageExpiration: true }))
    .at(0)
    .sent('s1', 1)
    .sent('s1', 2)
    .sent('s1', 3, { expiresAtMs: 10 })
    .sent('s2', 4)
    .sent('s2', 5)
    .at(1)
    .accepted('s1', 'c1', 's1@1')
    .at(2)
    .delivered('s1', 1, 'c1', 's1@1')
    .at(3)
    .settled('s1', 1, 'c1', 's1@1', 'complete')
    .at(4)
    .delivered('s1', 2, 'c1', 's1@1')
    .at(5)
    .settled('s1', 2, 'c1', 's1@1', 'deadLetter')
    .deadLettered('s1', 2, 'HandlerRejected')
    .at(20)
    .expired('s1', 3, { deadLettered: true })
    .deadLettered('s1', 3, 'TTLExpiredException')
    .at(21)
    .accepted('s2', 'c2', 's2@1')
    .at(22)
    .delivered('s2', 4, 'c2', null, { mode: 'receiveAndDelete' });

describe('conservation', () => {
  it('holds: completed, dead-lettered, expired, removed by receive-and-delete, or still present', () => {
    expect(conservation.check(ended().record({ present: { q: { s2: [5] } } }))).toBeUndefined();
  });

  it('holds: a run cut off by the step bound is not blamed for what it did not finish', () => {
    expect(conservation.check(ended().record({ hitBound: true }))).toBeUndefined();
  });

  it('violated: a message is lost', () => {
    const v = conservation.check(ended().record());
    expect(v?.message).toBe(
      'message s2#5 (m5) was sent at t=0ms but was neither completed, dead-lettered, expired nor removed by receive-and-delete, and is not in q at the end of the run (t=22ms): lost.',
    );
  });

  it('violated: a completed message is delivered again (a duplicate), even when the run hit the bound', () => {
    const run = ended()
      .at(30)
      .delivered('s1', 1, 'c1', 's1@1')
      .record({ present: { q: { s2: [5] } }, hitBound: true });
    expect(conservation.check(run)?.message).toBe(
      'message s1#1 (m1) was delivered to consumer:c1 under lock s1@1 at t=30ms after it had already been completed by consumer:c1 at t=3ms: a duplicate.',
    );
  });

  it('violated: a message is both dead-lettered and still in its session', () => {
    const run = ended().record({ present: { q: { s1: [2], s2: [5] } } });
    expect(conservation.check(run)?.message).toBe(
      'message s1#2 (m2) is still in session s1 at the end of the run (t=22ms) although it was dead-lettered (HandlerRejected) at t=5ms: a duplicate.',
    );
  });

  it('violated: a message reaches two end states', () => {
    const run = new Script()
      .at(0)
      .sent('s1', 1)
      .at(1)
      .accepted('s1', 'c1', 's1@1')
      .at(2)
      .delivered('s1', 1, 'c1', 's1@1')
      .at(3)
      .settled('s1', 1, 'c1', 's1@1', 'complete')
      .expired('s1', 1)
      .record();
    expect(conservation.check(run)?.message).toBe(
      'message s1#1 (m1) was expired and dropped at t=3ms after it had already been completed by consumer:c1 at t=3ms: two end states.',
    );
  });

  it('violated: a dead-lettered message is missing from the dead-letter queue', () => {
    const run = ended().record({ present: { q: { s2: [5] } }, deadLetters: { q: [3] } });
    expect(conservation.check(run)?.message).toBe(
      'message s1#2 (m2) was dead-lettered (HandlerRejected) at t=5ms but is not in the dead-letter queue of q at the end of the run: lost.',
    );
  });
});
