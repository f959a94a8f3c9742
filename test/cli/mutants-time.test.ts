/**
 * `sbsim mutants --time S` when a search finished no run: that mutant was neither killed nor survived,
 * the clean model neither passed nor failed. It is said in one line and is exit 2 (as `sbsim check
 * --time` does), never a verdict.
 *
 * The search is stood in for (vi.mock), so the case does not depend on the machine's speed: under
 * `--time 0.001` the searches named in `zero` report 0 runs and nothing found; the others run 150 runs.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Check from '../../src/check/check.ts';
import { bufferIo, EXIT_OK, EXIT_USAGE } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const stand = vi.hoisted(() => ({ zero: new Set<string>() }));

vi.mock('../../src/check/check.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Check>();
  return {
    ...real,
    check: (options: Parameters<typeof real.check>[0]) => {
      if (options.timeMs !== 1) return real.check(options);
      const deterministic = { ...options, timeMs: undefined };
      if (!stand.zero.has(options.mutant ?? 'clean')) return real.check({ ...deterministic, runs: 150 });
      const { counterexample: _found, ...report } = real.check({ ...deterministic, runs: 1 });
      return { ...report, runs: 0, passed: true };
    },
  };
});

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const mutants = (...more: string[]) => sbsim('mutants', '--time', '0.001', '--seed', '1', ...more);
const line = (what: string) =>
  `sbsim mutants: no run finished within the time budget for ${what} (seed 1): not checked, so no verdict; give a longer --time, or --runs N`;

beforeEach(() => stand.zero.clear());

describe('sbsim mutants --time: a search that finished no run', () => {
  it('every search ran: the verdicts as usual (the stand-in is faithful)', async () => {
    const r = await mutants('--only', 'M05', '--json');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out)).toMatchObject({
      clean: { passed: true, runs: 150 },
      mutants: [{ id: 'M05', killed: true }],
    });
  });

  it('the clean model ran nothing: not a pass — one line, exit 2, no report', async () => {
    stand.zero.add('clean');
    for (const json of [[], ['--json']]) {
      const r = await mutants('--only', 'M05', ...json);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err.split('\n').at(-1)).toBe(line('the clean model'));
      expect(r.out).toBe('');
    }
  });

  it('a mutant ran nothing: not "SURVIVED" — said as not checked, one line naming it, exit 2', async () => {
    stand.zero.add('M12');
    const r = await mutants('--only', 'M05,M12');
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err.split('\n')).toEqual([
      'sbsim mutants: seed 1, up to 0.001 s of search per mutant and for the clean model',
      expect.stringMatching(/^ {2}killed M05 /),
      expect.stringMatching(/^ {2}not checked \(no run finished\) M12 /),
      line('M12'),
    ]);
    expect(r.out).toBe('');
    const json = await mutants('--only', 'M05,M12', '--json');
    expect(json.code).toBe(EXIT_USAGE);
    expect(json.err).toBe(line('M12'));
    expect(json.out).toBe('');
  });

  it('several: mutants by id, then the clean model', async () => {
    for (const id of ['M05', 'M12', 'clean']) stand.zero.add(id);
    const r = await mutants('--only', 'M12,M05', '--json');
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toBe(line('M12, M05, the clean model'));
  });
});
