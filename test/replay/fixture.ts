/**
 * A small replay file made without a search: the M03 (abandon-to-tail) counterexample — one consumer
 * that abandons everything, two messages of one session — run with the default picks. 113 steps, two
 * decisions, a fifo-delivery violation at step 11; fast enough to replay hundreds of times.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAll } from '../../properties/index.ts';
import type { Counterexample, Size } from '../../src/check/check.ts';
import type { ReplayFile } from '../../src/replay/format.ts';
import { formatReplayFile, replayFileOf } from '../../src/replay/format.ts';
import { runWorkload } from '../../src/world/run.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

export const M03_WORKLOAD: WorkloadInput = {
  name: 'abandon-twice',
  entities: [{ name: 'q', lockDurationMs: 2000 }],
  switches: { sessionWideExpiry: false },
  messages: [
    { messageId: 'm1', sessionId: 's1', atMs: 0 },
    { messageId: 'm2', sessionId: 's1', atMs: 1 },
  ],
  consumers: [
    {
      id: 'c1',
      processingMs: [10, 10],
      outcomes: ['abandon'],
      renewal: { kind: 'auto', maxDurationMs: 0 },
      receiveWaitMs: 500,
      stallMs: 3000,
      acceptRetries: 2,
    },
  ],
  maxSteps: 1500,
  mutant: 'M03',
};

export function counterexampleOf(input: WorkloadInput): Counterexample {
  const workload = normalizeWorkload(input);
  const run = runWorkload(workload, { picks: [], trace: 'full' });
  const violation = checkAll({ workload, trace: run.trace, final: run.final, hitBound: run.hitBound })[0];
  if (!violation) throw new Error('fixture: the workload does not fail');
  const size: Size = {
    decisions: run.decisions.length,
    deviations: 0,
    steps: run.steps,
    messages: workload.messages.length,
    consumers: workload.consumers.length,
    sessions: new Set(workload.messages.map((m) => m.sessionId ?? '')).size,
  };
  return {
    violation,
    workload,
    picks: [],
    decisions: run.decisions,
    trace: run.trace,
    original: { ...size, decisions: 76, steps: 377, messages: 10, consumers: 2, sessions: 2 },
    shrunk: size,
    fastCheck: { seed: 7, path: '3:0:1', shrinks: 12 },
  };
}

export function m03File(): ReplayFile {
  return replayFileOf(counterexampleOf(M03_WORKLOAD), { seed: 7 });
}

export function m03Text(): string {
  return formatReplayFile(m03File());
}

/** A fresh temporary directory for one test. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sbsim-replay-'));
}

/** A deep copy of a JSON value, to edit. */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
