/** The hash of one seeded run of the standard workload, shared by the test and its child processes. */
import { createHash } from 'node:crypto';
import { runWorkload } from '../../src/world/run.ts';
import type { WorkloadRun } from '../../src/world/run.ts';
import type { TraceLevel } from '../../src/world/world.ts';
import { standardWorkload } from '../../src/workloads/standard.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

export function hashRun(run: Pick<WorkloadRun, 'trace' | 'decisions' | 'final'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ trace: run.trace, decisions: run.decisions, final: run.final }))
    .digest('hex');
}

export function runHashes(first: number, count: number, trace: TraceLevel = 'full'): string[] {
  const out: string[] = [];
  for (let seed = first; seed < first + count; seed++)
    out.push(hashRun(runWorkload(normalizeWorkload(standardWorkload), { seed, trace })));
  return out;
}
