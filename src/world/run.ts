/**
 * The programmatic entry point: run a workload under a seed, a decision list or recorded decisions, and
 * get back the trace, the decisions and the final broker state.
 */
import type { Decision } from '../sim/chooser.ts';
import { Chooser } from '../sim/chooser.ts';
import type { TransitionCounts } from '../machines/inspect.ts';
import type { RunResult, TraceLevel } from './world.ts';
import { World } from './world.ts';
import type { Workload } from './workload.ts';

export interface RunOptions {
  /** Seeded PRNG for every choice. */
  readonly seed?: number;
  /** A plain decision list (as fast-check generates): value i picks option `value mod n`; past the end, option 0. */
  readonly picks?: readonly number[];
  /** Recorded decisions to replay exactly; a mismatch throws DivergenceError. */
  readonly replay?: readonly Decision[];
  readonly trace?: TraceLevel;
  /** Count the machine transitions taken into this map (WorldOptions.coverage). */
  readonly coverage?: TransitionCounts;
}

export interface WorkloadRun extends RunResult {
  readonly workload: Workload;
}

export function chooserFor(options: RunOptions): Chooser {
  if (options.replay) return Chooser.replaying(options.replay);
  if (options.picks) return Chooser.fromList(options.picks);
  return Chooser.seeded(options.seed ?? 0);
}

/** Run a workload (parsed once, by `parseWorkload` or `normalizeWorkload`). */
export function runWorkload(workload: Workload, options: RunOptions = {}): WorkloadRun {
  const world = new World(workload, {
    chooser: chooserFor(options),
    trace: options.trace ?? 'full',
    ...(options.coverage ? { coverage: options.coverage } : {}),
  });
  return { ...world.run(), workload };
}
