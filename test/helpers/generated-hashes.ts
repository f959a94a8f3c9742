/**
 * Determinism over generated workloads: run `i` is the i-th generated workload (fast-check's sample under
 * seed i: TTLs, topics, faults, plain queues, every switch and toggle) run under one of the strategies —
 * a fast-check decision list, a seeded random walk, or PCT (the portfolio strategy mixes these three) —
 * and hashed as `hashRun` does. The determinism test compares these hashes across processes.
 *
 * Usage: node --import tsx test/helpers/generated-hashes.ts FIRST COUNT
 */
import fc from 'fast-check';
import { scheduleArb } from '../../properties/arbitraries/schedule.ts';
import { workloadArb } from '../../properties/arbitraries/workload.ts';
import { Chooser, seededSource } from '../../src/sim/chooser.ts';
import { pctSource } from '../../src/sim/pct.ts';
import { World } from '../../src/world/world.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { hashRun } from './run-hashes.ts';

export const STRATEGIES = ['list', 'random', 'pct'] as const;

export function generatedRunHash(i: number): { hash: string; strategy: string; steps: number } {
  const [input] = fc.sample(workloadArb(), { seed: i, numRuns: 1 });
  const workload = normalizeWorkload(input ?? {});
  const strategy = STRATEGIES[i % STRATEGIES.length] ?? 'list';
  const chooser =
    strategy === 'list'
      ? Chooser.fromList(fc.sample(scheduleArb(), { seed: i, numRuns: 1 })[0] ?? [])
      : strategy === 'random'
        ? new Chooser(seededSource(i))
        : new Chooser(pctSource(i, { depth: 3, expectedLength: 200 }));
  const run = new World(workload, { chooser, trace: 'full' }).run();
  return { hash: hashRun(run), strategy, steps: run.steps };
}

export function generatedHashes(first: number, count: number): string[] {
  const out: string[] = [];
  for (let i = first; i < first + count; i++) out.push(`${i} ${generatedRunHash(i).hash}`);
  return out;
}

if (process.argv[1]?.endsWith('generated-hashes.ts')) {
  const first = Number(process.argv[2] ?? 0);
  const count = Number(process.argv[3] ?? 100);
  process.stdout.write(generatedHashes(first, count).join('\n') + '\n');
}
