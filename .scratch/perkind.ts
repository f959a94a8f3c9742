import { Actor } from 'xstate';
import * as base from '../../wt-base/src/world/world.ts';
import * as baseSim from '../../wt-base/src/sim/chooser.ts';
import * as baseWl from '../../wt-base/src/world/workload.ts';
import * as baseStd from '../../wt-base/src/workloads/standard.ts';
import * as main from '../src/world/world.ts';
import * as mainSim from '../src/sim/chooser.ts';
import * as mainWl from '../src/world/workload.ts';
import * as mainStd from '../src/workloads/standard.ts';
const acc = new Map<string, number>();
const cnt = new Map<string, number>();
const orig = (Actor.prototype as any).send;
(Actor.prototype as any).send = function (this: any, e: any) {
  const t = performance.now();
  const r = orig.call(this, e);
  const k = String(this.id).split(':')[0];
  acc.set(k, (acc.get(k) ?? 0) + performance.now() - t);
  cnt.set(k, (cnt.get(k) ?? 0) + 1);
  return r;
};
function go(name: string, W: any, C: any, WL: any, STD: any) {
  const w = WL.normalizeWorkload(STD.standardWorkload);
  for (let s = 0; s < 60; s++) new W.World(w, { chooser: C.Chooser.seeded(5000 + s), trace: 'facts' }).run();
  acc.clear(); cnt.clear();
  const t = performance.now();
  for (let s = 0; s < 300; s++) new W.World(w, { chooser: C.Chooser.seeded(s), trace: 'facts' }).run();
  const total = performance.now() - t;
  console.log(name, 'total', total.toFixed(0), 'ms');
  for (const [k, v] of [...acc].sort((a, b) => b[1] - a[1])) console.log('  ', k.padEnd(10), v.toFixed(0).padStart(6), 'ms', String(cnt.get(k)).padStart(7), 'sends', ((v / (cnt.get(k) ?? 1)) * 1000).toFixed(1), 'µs/send');
}
go('before', base, baseSim, baseWl, baseStd);
go('after', main, mainSim, mainWl, mainStd);
go('before', base, baseSim, baseWl, baseStd);
go('after', main, mainSim, mainWl, mainStd);
