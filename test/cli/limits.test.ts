/**
 * Values outside what a command can honour: seeds outside 0..2^32−1 (flag or SBSIM_SEED), a negative
 * --shrink-time, more --workers than cores (a warning: it still runs), and a --time in which no run
 * finished (nothing was checked: exit 2, never a pass).
 *
 * The core count and the search are stood in for (vi.mock), so these cases do not depend on the
 * machine's cores or speed.
 */
import type * as Os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Check from '../../src/check/check.ts';
import { bufferIo, EXIT_OK, EXIT_USAGE } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

vi.mock('node:os', async (importOriginal) => ({
  ...(await importOriginal<typeof Os>()),
  availableParallelism: () => 1,
}));

/** A search given `--time 0.001` here is one in which no run finished: check() reports 0 runs. */
vi.mock('../../src/check/check.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Check>();
  return {
    ...real,
    check: (options: Parameters<typeof real.check>[0]) =>
      options.timeMs === 1
        ? { ...real.check({ ...options, runs: 1, timeMs: undefined }), runs: 0 }
        : real.check(options),
  };
});

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const saved = process.env.SBSIM_SEED;
afterEach(() => {
  if (saved === undefined) delete process.env.SBSIM_SEED;
  else process.env.SBSIM_SEED = saved;
});

describe('seeds are 32-bit', () => {
  const commands = [
    ['check', '--runs', '1'],
    ['mutants', '--runs', '1', '--only', 'M05'],
    ['run', '--brief'],
  ];

  it('--seed outside 0..4294967295: exit 2, one line, in every command that takes one', async () => {
    for (const argv of commands) {
      for (const seed of ['-1', '4294967296', '1e12']) {
        const r = await sbsim(...argv, '--seed', seed);
        expect(r.code, `${argv[0]} --seed ${seed}`).toBe(EXIT_USAGE);
        expect(r.err, `${argv[0]} --seed ${seed}`).toBe(
          `sbsim ${argv[0]}: --seed must be between 0 and 4294967295, not ${Number(seed)}`,
        );
        expect(r.out).toBe('');
      }
    }
  });

  it('SBSIM_SEED outside the range, or not a whole number: exit 2, one line', async () => {
    for (const argv of commands) {
      for (const env of ['-1', '4294967296', '2.5', 'abc']) {
        process.env.SBSIM_SEED = env;
        const r = await sbsim(...argv);
        expect(r.code, `SBSIM_SEED=${env} sbsim ${argv[0]}`).toBe(EXIT_USAGE);
        expect(r.err).toBe(
          `sbsim ${argv[0]}: SBSIM_SEED must be a whole number between 0 and 4294967295, not "${env}"`,
        );
      }
    }
  });

  it('the ends of the range are seeds', async () => {
    for (const seed of ['0', '4294967295']) {
      const r = await sbsim('run', '--brief', '--seed', seed);
      expect(r.code).toBe(EXIT_OK);
      expect(r.out).toContain(`workload demo, seed ${seed}:`);
    }
    process.env.SBSIM_SEED = '4294967295';
    expect((await sbsim('check', '--runs', '1', '--json')).out).toContain('"seed": 4294967295');
  });
});

describe('sbsim check: budgets and workers', () => {
  it('--shrink-time below 0: exit 2, one line; 0 is allowed', async () => {
    const r = await sbsim('check', '--runs', '1', '--shrink-time', '-1');
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toBe('sbsim check: --shrink-time must be 0 or more seconds');
    expect((await sbsim('check', '--runs', '1', '--seed', '1', '--shrink-time', '0')).code).toBe(EXIT_OK);
  });

  it('more workers than cores: a warning on stderr, and the search still runs', async () => {
    const r = await sbsim('check', '--workers', '2', '--runs', '4', '--seed', '1', '--json');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe(
      'sbsim check: warning: 2 workers but 1 core here (os.availableParallelism()); the searches will share them',
    );
    expect(JSON.parse(r.out)).toMatchObject({ passed: true, runs: 4, workers: { count: 2 } });
    // No warning when the workers fit.
    expect((await sbsim('check', '--runs', '2', '--seed', '1', '--json')).err).toBe('');
  });

  it('a --time in which no run finished is not a pass: one line, exit 2, no report', async () => {
    for (const json of [[], ['--json']]) {
      const r = await sbsim('check', '--time', '0.001', '--seed', '9', ...json);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err.split('\n').at(-1)).toBe(
        'sbsim check: no run finished within the time budget (seed 9): nothing was checked; give a longer --time, or --runs N',
      );
      expect(r.out).toBe('');
    }
  });
});
