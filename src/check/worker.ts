/**
 * A search worker: one exploration (check.ts `explore`) under its own seed, in a worker thread. It
 * reports progress every 50 runs and then its exploration — statistics and first failure, plain data —
 * and leaves the shrinking to the main thread. Loaded through worker-boot.mjs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { explore } from './check.ts';
import type { WorkerReply, WorkerTask } from './parallel.ts';

const task = workerData as WorkerTask;
const stop = new Int32Array(task.stop);
const post = (reply: WorkerReply) => parentPort?.postMessage(reply);

try {
  const properties = ALL_PROPERTIES.filter((p) => task.properties.includes(p.id));
  const exploration = explore({
    ...task.options,
    properties,
    onProgress: ({ runs }) => post({ type: 'progress', runs }),
    shouldStop: () => Atomics.load(stop, 0) !== 0,
  });
  post({ type: 'done', exploration });
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  post({ type: 'error', name: error.name, message: error.message, stack: error.stack ?? '' });
}
