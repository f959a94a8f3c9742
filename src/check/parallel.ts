/**
 * Parallel search (`sbsim check --workers N`): N independent explorations in worker threads, each under
 * its own seed, merged into one report; the first failure in worker order is shrunk here, in the main
 * thread, exactly as a single search would shrink it.
 *
 * Under a run budget the outcome depends on the seeds alone: every worker runs its share to the end, and
 * the failure reported is that of the lowest-numbered worker that failed, whichever finished first.
 * Under a time budget each worker has the whole budget, and the first failure found stops the others
 * (their runs still count).
 */
import { Worker } from 'node:worker_threads';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { CheckOptions, CheckReport, Exploration } from './check.ts';
import { finish } from './check.ts';

/** What a worker is given: plain data (the properties by id; functions do not cross threads). */
export interface WorkerTask {
  readonly options: Omit<CheckOptions, 'properties' | 'onProgress' | 'shouldStop'>;
  readonly properties: readonly string[];
  /** A shared Int32Array of one: set to 1, it tells the worker to stop. */
  readonly stop: SharedArrayBuffer;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly runs: number }
  | { readonly type: 'done'; readonly exploration: Exploration }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack: string };

/** A worker's run failed with an exception; `name` is the original error's (`ActorFailure`…). */
export class WorkerError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly workerStack: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

export const MAX_WORKERS = 64;

/** Compiled (dist/), a worker loads its JavaScript directly; from the sources it registers tsx first. */
const BOOT = import.meta.url.endsWith('.js')
  ? new URL('./worker.js', import.meta.url)
  : new URL('./worker-boot.mjs', import.meta.url);

/**
 * One search per seed, in parallel. `runs[k]`, when given, is worker k's run budget (otherwise each
 * has `options.timeMs`). The report's `seed` is `options.seed`; `workers.seeds` lists each worker's.
 */
export async function checkParallel(
  options: CheckOptions,
  plan: { readonly seeds: readonly number[]; readonly runs?: readonly number[] },
): Promise<CheckReport> {
  const properties = options.properties ?? ALL_PROPERTIES;
  const unknown = properties.filter((p) => !ALL_PROPERTIES.includes(p));
  if (unknown.length > 0)
    throw new Error(`parallel search: properties outside the library cannot be sent to workers (${unknown[0]?.id})`);
  const started = Date.now();
  const stop = new SharedArrayBuffer(4);
  const stopAll = () => Atomics.store(new Int32Array(stop), 0, 1);
  const progress = plan.seeds.map(() => 0);
  const { properties: _p, onProgress, shouldStop: _s, ...plain } = options;
  const workers: Worker[] = [];
  try {
    const explorations = await Promise.all(
      plan.seeds.map((seed, k) => {
        const runs = plan.runs?.[k];
        const task: WorkerTask = {
          options: { ...plain, seed, ...(runs !== undefined ? { runs } : {}) },
          properties: properties.map((p) => p.id),
          stop,
        };
        return new Promise<Exploration>((resolve, reject) => {
          const worker = new Worker(BOOT, { workerData: task });
          workers.push(worker);
          worker.on('message', (reply: WorkerReply) => {
            if (reply.type === 'progress') {
              progress[k] = reply.runs;
              onProgress?.({ runs: progress.reduce((a, b) => a + b, 0), elapsedMs: Date.now() - started });
            } else if (reply.type === 'done') {
              // Under a time budget the first failure ends the search; under a run budget all run to the end.
              if (reply.exploration.failure && options.runs === undefined) stopAll();
              resolve(reply.exploration);
            } else reject(new WorkerError(reply.name, reply.message, reply.stack));
          });
          worker.on('error', reject);
          // After `done` this is a no-op; before it, a worker that exits has died.
          worker.on('exit', (code) => reject(new Error(`search worker ${k} (seed ${seed}) exited (code ${code})`)));
        });
      }),
    );
    const report = finish(options, explorations, { started, exploreMs: Date.now() - started });
    return { ...report, workers: { count: plan.seeds.length, seeds: [...plan.seeds] } };
  } finally {
    stopAll();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Worker k's share of `runs`: the runs split as evenly as they go, the first ones one more. */
export function runsShare(runs: number, workers: number, k: number): number {
  return Math.floor(runs / workers) + (k < runs % workers ? 1 : 0);
}
