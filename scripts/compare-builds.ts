/**
 * Two builds of sbsim, the standard workload, in one process, in turns: which runs more executions per
 * second. For a before/after figure a busy or throttled machine cannot spoil: each seed runs under A and
 * then B (the order flips every time), and the figure is the median of the per-seed time ratios.
 *
 *   node --max-semi-space-size=64 --import tsx scripts/compare-builds.ts DIR_A DIR_B [SECONDS]
 *
 * DIR_A and DIR_B are checkouts built with `npm run build` (their dist/ is loaded). Give each its own copy
 * of xstate (`node_modules/xstate` a real directory, not a link to a shared one): with one copy, the two
 * models share XState's optimised code and slow each other down in ways neither shows alone.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Run = (seed: number) => void;

async function load(dir: string): Promise<Run> {
  const url = (path: string): string => pathToFileURL(join(resolve(dir), 'dist', path)).href;
  const { runWorkload } = (await import(url('src/world/run.js'))) as {
    runWorkload: (w: unknown, o: { seed: number; trace: string }) => unknown;
  };
  const { standardWorkload } = (await import(url('src/workloads/standard.js'))) as { standardWorkload: unknown };
  let workload: unknown;
  try {
    workload = (
      (await import(url('src/schema/workload.js'))) as { parseWorkload: (w: unknown) => unknown }
    ).parseWorkload(standardWorkload);
  } catch {
    // Builds from before the workload schema.
    workload = (
      (await import(url('src/world/workload.js'))) as { normalizeWorkload: (w: unknown) => unknown }
    ).normalizeWorkload(standardWorkload);
  }
  return (seed) => {
    runWorkload(workload, { seed, trace: 'facts' });
  };
}

const [dirA, dirB, secondsArg] = process.argv.slice(2);
if (dirA === undefined || dirB === undefined) {
  process.stderr.write('usage: scripts/compare-builds.ts DIR_A DIR_B [SECONDS]\n');
  process.exit(2);
}
const seconds = Number(secondsArg ?? 30);
const a = await load(dirA);
const b = await load(dirB);
for (let i = 0; i < 300; i++) {
  a(1000 + i);
  b(1000 + i);
}
const ratios: number[] = [];
let timeA = 0;
let timeB = 0;
const timed = (run: Run, seed: number): number => {
  const t = performance.now();
  run(seed);
  return performance.now() - t;
};
const start = performance.now();
for (let n = 0; performance.now() - start < seconds * 1000; n++) {
  const seed = n % 100;
  let ta: number;
  let tb: number;
  if (n % 2 === 0) {
    ta = timed(a, seed);
    tb = timed(b, seed);
  } else {
    tb = timed(b, seed);
    ta = timed(a, seed);
  }
  timeA += ta;
  timeB += tb;
  ratios.push(tb / ta);
}
ratios.sort((x, y) => x - y);
const at = (q: number): string => (ratios[Math.floor(q * (ratios.length - 1))] ?? NaN).toFixed(3);
const perSecond = (ms: number): string => ((1000 * ratios.length) / ms).toFixed(1);
process.stdout.write(
  `B's time over A's, per seed: median ${at(0.5)} (quartiles ${at(0.25)}, ${at(0.75)}; ${ratios.length} seeds)\n` +
    `executions/s: A ${perSecond(timeA)}, B ${perSecond(timeB)}\n`,
);
