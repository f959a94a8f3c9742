import * as base from '../../wt-base/src/world/world.ts';
import * as baseSim from '../../wt-base/src/sim/chooser.ts';
import * as baseWl from '../../wt-base/src/world/workload.ts';
import * as baseStd from '../../wt-base/src/workloads/standard.ts';
import * as main from '../src/world/world.ts';
import * as mainSim from '../src/sim/chooser.ts';
import * as mainWl from '../src/world/workload.ts';
import * as mainStd from '../src/workloads/standard.ts';

type Side = { name: string; run: (seed: number) => number };
function side(name: string, W: any, C: any, WL: any, STD: any): Side {
  const workload = WL.normalizeWorkload(STD.standardWorkload);
  return {
    name,
    run: (seed: number) => {
      let sends = 0;
      const observer = { spawned: () => {}, delivered: () => { sends++; } };
      new W.World(workload, { chooser: C.Chooser.seeded(seed), trace: 'facts', observer }).run();
      return sends;
    },
  };
}
const sides = [side('before', base, baseSim, baseWl, baseStd), side('after', main, mainSim, mainWl, mainStd)];
const N = 100;
const ms: Record<string, number[]> = { before: [], after: [] };
const sends: Record<string, number> = { before: 0, after: 0 };
for (const s of sides) for (let i = 0; i < 50; i++) s.run(1000 + i); // warm-up
for (let round = 0; round < 8; round++) {
  for (const s of round % 2 === 0 ? sides : [...sides].reverse()) {
    const t = performance.now();
    let n = 0;
    for (let seed = 0; seed < N; seed++) n += s.run(seed);
    ms[s.name]!.push(performance.now() - t);
    sends[s.name] = n / N;
  }
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
for (const s of sides) console.log(`${s.name}: ${(N / (med(ms[s.name]!) / 1000)).toFixed(1)} executions/s (median of 8 rounds of ${N}), ${sends[s.name]!.toFixed(1)} XState sends per execution`);
