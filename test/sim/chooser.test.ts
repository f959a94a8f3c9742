import { describe, expect, it } from 'vitest';
import { Chooser } from '../../src/sim/chooser.ts';

describe('chooser', () => {
  it('replay: options with the same label keep the recorded index (outcomes complete, complete, close)', () => {
    const options = ['complete', 'complete', 'close'];
    const recorded = Chooser.fromList([1]);
    expect(recorded.pick('choice', 'outcome:consumer:c3', 3, (i) => options[i] ?? '')).toBe(1);
    const replay = Chooser.replaying(recorded.decisions);
    expect(replay.pick('choice', 'outcome:consumer:c3', 3, (i) => options[i] ?? '')).toBe(1);
    expect(replay.decisions).toEqual(recorded.decisions);
  });

  it('replay: an option that moved is found again by its label', () => {
    const recorded = Chooser.fromList([1]);
    recorded.pick('schedule', 'deliver', 2, (i) => ['mail a', 'timer b'][i] ?? '');
    const replay = Chooser.replaying(recorded.decisions);
    expect(replay.pick('schedule', 'deliver', 3, (i) => ['mail c', 'mail a', 'timer b'][i] ?? '')).toBe(2);
  });
});
