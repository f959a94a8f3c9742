import { describe, expect, it } from 'vitest';
import { ActorFailure } from '../../src/world/world.ts';
import { runWorkload } from '../../src/world/run.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { standardWorkload } from '../../src/workloads/standard.ts';

describe('world: a machine that throws', () => {
  it('stops the run at once with an ActorFailure naming the actor, the event, the step and the time', () => {
    const workload = normalizeWorkload(standardWorkload);
    // A spec the validation would refuse, handed straight to the world: c1's model throws on its first message.
    const broken = {
      ...workload,
      consumers: workload.consumers.map((c) => (c.id === 'c1' ? { ...c, outcomes: null as never } : c)),
    };
    let failure: unknown;
    try {
      runWorkload(broken, { seed: 1 });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(ActorFailure);
    const f = failure as ActorFailure;
    expect(f.actor).toBe('consumer:c1');
    expect(f.eventType).toBe('reply');
    expect(f.message).toMatch(/^consumer:c1 threw while handling reply \(step \d+, t=\d+ms\): /);
  });
});
