import { runWorkload } from './src/world/run.ts';
import { standardWorkload } from './src/workloads/standard.ts';
const t0 = performance.now();
let steps = 0;
for (let s = 0; s < 300; s++) steps += runWorkload(standardWorkload, { seed: s, trace: 'facts' }).steps;
const ms = performance.now() - t0;
console.log('execs/s', (300000 / ms).toFixed(1), 'steps/s', ((steps * 1000) / ms).toFixed(0));
