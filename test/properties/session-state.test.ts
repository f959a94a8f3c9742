import { describe, expect, it } from 'vitest';
import { sessionState } from '../../properties/session-state.ts';
import { Script } from './helpers.ts';

describe('session-state', () => {
  it('holds: state is null until set, survives lock expiry, hand-off and an empty session, and set(null) clears it', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(1)
      .stateRead('s1', 'c1', null)
      .at(2)
      .stateSet('s1', 'c1', 's1@1', 'done:1')
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .at(10_001)
      .accepted('s1', 'c2', 's1@2')
      .at(10_002)
      .stateRead('s1', 'c2', 'done:1')
      .at(10_003)
      .stateSet('s1', 'c2', 's1@2', null)
      .at(10_004)
      .stateRead('s1', 'c2', null)
      .record();
    expect(sessionState.check(run)).toBeUndefined();
  });

  it('violated: a read returns an older value than the last one set', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1')
      .at(1)
      .stateSet('s1', 'c1', 's1@1', 'done:3')
      .at(2)
      .stateSet('s1', 'c1', 's1@1', 'done:5')
      .at(3)
      .lockReleased('s1', 'c1', 's1@1')
      .at(4)
      .accepted('s1', 'c2', 's1@2')
      .at(5)
      .stateRead('s1', 'c2', 'done:3')
      .record();
    expect(sessionState.check(run)?.message).toBe(
      'consumer:c2 read the state of session s1 under lock s1@2 at t=5ms and got "done:3", but the last value set was "done:5" (by consumer:c1 under lock s1@1 at t=2ms).',
    );
  });

  it('violated: a read of a session that never had state returns a value', () => {
    const run = new Script().at(0).accepted('s1', 'c1', 's1@1').at(1).stateRead('s1', 'c1', 'ghost').record();
    expect(sessionState.check(run)?.message).toContain(
      'and got "ghost", but no value had ever been set, so it should be null',
    );
  });

  it('violated: a consumer whose lock expired changes the state', () => {
    const run = new Script()
      .at(0)
      .accepted('s1', 'c1', 's1@1', 10_000)
      .at(10_000)
      .lockExpired('s1', 'c1', 's1@1')
      .at(10_001)
      .accepted('s1', 'c2', 's1@2', 70_001)
      .at(10_002)
      .stateSet('s1', 'c1', 's1@1', 'stale')
      .record();
    expect(sessionState.check(run)?.message).toBe(
      'consumer:c1 set the state of session s1 to "stale" under lock s1@1 at t=10002ms, but that lock had expired at t=10000ms, and consumer:c2 held the session lock s1@2 until t=70001ms; only the current lock holder reads or changes session state (T13).',
    );
  });
});
