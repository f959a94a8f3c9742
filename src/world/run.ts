/**
 * The programmatic entry point: run a workload under a seed, a decision list or recorded decisions, and
 * get back the trace, the decisions and the final broker state.
 */
import type { Decision } from '../sim/chooser.ts';
import { Chooser } from '../sim/chooser.ts';
import type { TransitionCounts } from '../machines/inspect.ts';
import type { RunResult, TraceLevel } from './world.ts';
import { World } from './world.ts';
import type { Workload, WorkloadInput } from './workload.ts';
import { normalizeWorkload } from './workload.ts';

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

/** A normalized workload has every field filled; an input may leave most out. */
export function isWorkload(w: Workload | WorkloadInput): w is Workload {
  const n = w as Partial<Workload>;
  return (
    n.switches !== undefined &&
    typeof n.switches.sessionWideExpiry === 'boolean' &&
    Array.isArray(n.topics) &&
    typeof n.maxSteps === 'number' &&
    typeof n.networkDelayMaxMs === 'number' &&
    n.mutant !== undefined &&
    Array.isArray(n.entities) &&
    n.entities.every((e) => typeof e.lockDurationMs === 'number') &&
    // Consumers with defaults filled (an input may leave `rules` out; a workload never does).
    Array.isArray(n.consumers) &&
    n.consumers.every((c) => Array.isArray(c.rules))
  );
}

export function chooserFor(options: RunOptions): Chooser {
  if (options.replay) return Chooser.replaying(options.replay);
  if (options.picks) return Chooser.fromList(options.picks);
  return Chooser.seeded(options.seed ?? 0);
}

export function runWorkload(input: Workload | WorkloadInput, options: RunOptions = {}): WorkloadRun {
  const workload = isWorkload(input) ? input : normalizeWorkload(input);
  const world = new World(workload, {
    chooser: chooserFor(options),
    trace: options.trace ?? 'full',
    ...(options.coverage ? { coverage: options.coverage } : {}),
  });
  return { ...world.run(), workload };
}
