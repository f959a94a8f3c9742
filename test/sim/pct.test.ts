import { describe, expect, it } from 'vitest';
import { Chooser } from '../../src/sim/chooser.ts';
import { actorOfOption, PctSource } from '../../src/sim/pct.ts';
import { standardWorkload } from '../../src/workloads/standard.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { World } from '../../src/world/world.ts';

/** Options of a schedule decision: one mailbox head per actor named. */
const mail = (...actors: string[]) => actors.map((a) => `mail ${a} <- ev`);

/** Drive a source through `steps` schedule decisions over the same options; the actor picked each time. */
function drive(source: PctSource, options: readonly string[], steps: number): string[] {
  const picked: string[] = [];
  for (let s = 0; s < steps; s++) {
    const i = source.next(options.length, (k) => options[k] ?? '', 'schedule');
    picked.push(actorOfOption(options[i] ?? ''));
  }
  return picked;
}

describe('PCT source', () => {
  it("reads an option's actor from its label: the mailbox owner, or the timer's owner", () => {
    expect(actorOfOption('mail entity:q <- req.accept from consumer:c1')).toBe('entity:q');
    expect(actorOfOption('mail consumer:c2 <- reply.receive from session:q/s1')).toBe('consumer:c2');
    expect(actorOfOption('timer lock:q/s1|expiry@10000')).toBe('lock:q/s1');
    expect(actorOfOption('timer world|send:m3@10')).toBe('world');
  });

  it('is deterministic given its seed, and another seed schedules otherwise', () => {
    const options = mail('a', 'b', 'c', 'd', 'e');
    const run = (seed: number) => drive(new PctSource(seed, { depth: 3, expectedLength: 20 }), options, 20);
    expect(run(7)).toEqual(run(7));
    const runs = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => run(seed).join(',')));
    expect(runs.size).toBeGreaterThan(1);
  });

  it('depth 1: no change points; the highest-priority actor runs while it has something to run', () => {
    for (let seed = 0; seed < 20; seed++) {
      const source = new PctSource(seed, { depth: 1, expectedLength: 10 });
      expect(source.changePoints.size).toBe(0);
      const picked = drive(source, mail('a', 'b', 'c'), 10);
      const [top, second] = source.priorities();
      expect(new Set(picked)).toEqual(new Set([top]));
      // Take the top actor's option away: the next in priority runs.
      const rest = mail('a', 'b', 'c').filter((o) => actorOfOption(o) !== top);
      expect(drive(source, rest, 1)).toEqual([second]);
    }
  });

  it("among one actor's options, the first wins (its mailbox head before its timers, timers in firing order)", () => {
    const options = ['timer x|t1@5', 'mail y <- ev', 'timer y|t2@7', 'timer x|t3@9'];
    for (let seed = 0; seed < 10; seed++) {
      const source = new PctSource(seed, { depth: 1, expectedLength: 5 });
      const i = source.next(options.length, (k) => options[k] ?? '', 'schedule');
      expect(i).toBe(source.priorities()[0] === 'x' ? 0 : 1);
    }
  });

  it('draws d−1 distinct change points in 1..k, with drop levels 1..d−1', () => {
    for (let seed = 0; seed < 50; seed++) {
      const source = new PctSource(seed, { depth: 4, expectedLength: 12 });
      const points = [...source.changePoints];
      expect(points).toHaveLength(3);
      for (const [at] of points) expect(at >= 1 && at <= 12).toBe(true);
      expect(points.map(([, level]) => level).sort()).toEqual([1, 2, 3]);
    }
    expect(new PctSource(1, { depth: 5, expectedLength: 2 }).changePoints.size).toBe(2);
  });

  it('at a change point the running actor drops below every actor that never dropped', () => {
    for (let seed = 0; seed < 30; seed++) {
      const source = new PctSource(seed, { depth: 2, expectedLength: 8 });
      const [[at, level]] = [...source.changePoints] as [[number, number]];
      expect(level).toBe(1);
      const options = mail('a', 'b', 'c');
      const before = drive(source, options, at - 1);
      expect(new Set(before).size).toBeLessThanOrEqual(1);
      const [atChange] = drive(source, options, 1);
      const dropped = source.priorities().at(-1);
      // The actor that ran before the change point (if any ran) is the one that dropped.
      if (before.length > 0) expect(dropped).toBe(before[0]);
      expect(atChange).not.toBe(dropped);
      expect(source.priorities()[0]).toBe(atChange);
      // From then on the new top runs, and the dropped actor only when it is alone.
      expect(new Set(drive(source, options, 5))).toEqual(new Set([atChange]));
      const top = dropped ?? '';
      expect(drive(source, mail(top ?? ''), 1)).toEqual([top]);
    }
  });

  it('later actors join at a random place in the order; choice and int decisions stay uniform', () => {
    const places = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const source = new PctSource(seed, { depth: 1, expectedLength: 5 });
      drive(source, mail('a', 'b', 'c'), 1);
      drive(source, mail('a', 'b', 'c', 'late'), 1);
      places.add(source.priorities().indexOf('late'));
    }
    expect(places).toEqual(new Set([0, 1, 2, 3]));

    const source = new PctSource(3, { depth: 3, expectedLength: 10 });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const kind = i % 2 === 0 ? 'choice' : 'int';
      const k = source.next(4, kind === 'choice' ? (j) => `option ${j}` : undefined, kind);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('schedules a whole world run: the same seed gives the same decisions', () => {
    const workload = normalizeWorkload(standardWorkload);
    const run = (seed: number) =>
      new World(workload, {
        chooser: new Chooser(new PctSource(seed, { depth: 3, expectedLength: 40 })),
        trace: 'facts',
      }).run().decisions;
    const a = run(11);
    expect(a.length).toBeGreaterThan(5);
    expect(run(11)).toEqual(a);
    // A PCT run replays from its recorded decisions like any other.
    const replay = new World(workload, { chooser: Chooser.replaying(a), trace: 'facts' }).run();
    expect(replay.decisions).toEqual(a);
  });
});
