/**
 * Determinism is the product (DESIGN, principles 1 and 2): a seed names one run, bit for bit, in any
 * process; and the decisions a run recorded replay it exactly. Checked on 200 seeds of the standard
 * workload by hashing the JSON of {trace, decisions, final}.
 *
 * The two child processes differ from each other and from this one in V8's random and hash seeds, the
 * time zone and the locale, so a model that read Math.random, leaned on hash order or formatted a date
 * would give itself away.
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWorkload } from '../src/world/run.ts';
import type { WorkloadRun } from '../src/world/run.ts';
import { standardWorkload } from '../src/workloads/standard.ts';
import { STRATEGIES, generatedHashes, generatedRunHash } from './helpers/generated-hashes.ts';
import { hashRun } from './helpers/run-hashes.ts';
import { normalizeWorkload } from '../src/world/workload.ts';

const SEEDS = 200;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const helper = join(root, 'test', 'helpers', 'seed-hashes.ts');

/** `seed hash` lines from a separate Node process. */
async function hashesFromChild(
  v8Seed: number,
  env: Record<string, string>,
  script: string = helper,
  count: number = SEEDS,
): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--random-seed=${v8Seed}`, `--hash-seed=${v8Seed}`, '--import', 'tsx', script, '0', String(count)],
    {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 1 << 20,
    },
  );
  return stdout.trim().split('\n');
}

describe('determinism of the standard workload over 200 seeds', () => {
  const runs: WorkloadRun[] = [];
  let inProcess: string[] = [];
  let children: Promise<[string[], string[]]>;

  beforeAll(() => {
    // The children start first and run while this process computes its own hashes.
    children = Promise.all([
      hashesFromChild(11, { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8' }),
      hashesFromChild(4242, { TZ: 'America/Los_Angeles', LANG: 'C' }),
    ]);
    for (let seed = 0; seed < SEEDS; seed++)
      runs.push(runWorkload(normalizeWorkload(standardWorkload), { seed, trace: 'full' }));
    inProcess = runs.map((run, seed) => `${seed} ${hashRun(run)}`);
  }, 60_000);

  it('runs are not all alike (the hash sees the schedule)', () => {
    expect(new Set(inProcess.map((line) => line.split(' ')[1])).size).toBeGreaterThan(SEEDS * 0.9);
    expect(runs.every((run) => !run.hitBound && run.steps > 0)).toBe(true);
  });

  it('the same seed gives a byte-identical trace, decision list and final state in two separate processes, and in this one', async () => {
    const [first, second] = await children;
    expect(first).toHaveLength(SEEDS);
    expect(first).toEqual(second);
    expect(first).toEqual(inProcess);
  }, 60_000);

  it('replaying the recorded decisions reproduces the identical trace, decisions and final state', () => {
    const diverged: number[] = [];
    runs.forEach((run, seed) => {
      const replayed = runWorkload(normalizeWorkload(standardWorkload), { replay: run.decisions, trace: 'full' });
      if (hashRun(replayed) !== hashRun(run) || replayed.steps !== run.steps) diverged.push(seed);
    });
    expect(diverged).toEqual([]);
  }, 60_000);
});

/**
 * The same over generated workloads (TTLs, topics, faults, plain queues, every switch and toggle) under
 * every strategy (decision lists, random walks, PCT; the portfolio mixes these). `npm test` compares a
 * sample; `npm run check:deep` sets SBSIM_DETERMINISM_RUNS=1000.
 */
const GENERATED = Number(process.env.SBSIM_DETERMINISM_RUNS ?? 240);

describe(`determinism of ${GENERATED} generated workloads under every strategy`, () => {
  it('each run is byte-identical in two separate processes and in this one', async () => {
    const script = join(root, 'test', 'helpers', 'generated-hashes.ts');
    const children = Promise.all([
      hashesFromChild(7, { TZ: 'Asia/Kathmandu', LANG: 'tr_TR.UTF-8' }, script, GENERATED),
      hashesFromChild(99, { TZ: 'UTC', LANG: 'C' }, script, GENERATED),
    ]);
    const here = generatedHashes(0, GENERATED);
    const [first, second] = await children;
    expect(first).toHaveLength(GENERATED);
    expect(first).toEqual(second);
    expect(first).toEqual(here);
    expect(new Set(here.map((line) => line.split(' ')[1])).size).toBeGreaterThan(GENERATED * 0.9);
  }, 300_000);

  it('the sample covers every strategy, and runs that take steps', () => {
    const seen = new Set<string>();
    let stepped = 0;
    for (let i = 0; i < Math.min(GENERATED, 30); i++) {
      const r = generatedRunHash(i);
      seen.add(r.strategy);
      if (r.steps > 0) stepped++;
    }
    expect([...seen].sort()).toEqual([...STRATEGIES].sort());
    expect(stepped).toBeGreaterThan(20);
  });
});
