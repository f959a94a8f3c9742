import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.ts';
import { parseShard, planSearch } from '../../src/cli/check.ts';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

/** `sbsim check --strategy S --pct-depth D --workers N --shard I/N`. */
async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'sbsim-check-'));

describe('sbsim check: --strategy, --workers, --shard', () => {
  it('bad values are usage errors: exit 2, one line on stderr, nothing on stdout', async () => {
    for (const argv of [
      ['--strategy', 'dfs'],
      ['--strategy'],
      ['--pct-depth', '0', '--strategy', 'pct'],
      ['--pct-depth', '2.5', '--strategy', 'pct'],
      ['--pct-depth', '3'],
      ['--pct-depth', '3', '--strategy', 'random'],
      ['--workers', '0'],
      ['--workers', '65'],
      ['--workers', 'two'],
      ['--shard', '3/2'],
      ['--shard', '0/2'],
      ['--shard', '1/0'],
      ['--shard', '2'],
      ['--shard', '1-2'],
      ['--shard', '/2'],
      ['--shard', 'a/b'],
    ]) {
      const r = await sbsim('check', '--runs', '5', ...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT_USAGE);
      expect(r.err.trim().split('\n'), argv.join(' ')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });

  it('--shard I/N: parsed strictly, 1-based', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2', '2/', '-1/3', '1/2/3', 'x/2'])
      expect(() => parseShard(bad)).toThrow(UsageError);
  });

  it('shard I of N: seed + (I − 1) and ceil(runs / N) runs; workers stride by N so no two seeds meet', () => {
    expect(planSearch(10, { runs: 100 }, 1, { index: 3, count: 4 })).toEqual({
      seed: 12,
      seeds: [12],
      runs: [25],
      shard: { index: 3, count: 4 },
    });
    expect(planSearch(10, { runs: 10 }, 1, { index: 1, count: 3 }).runs).toEqual([4]);
    expect(planSearch(10, {}, 1, { index: 2, count: 3 })).toEqual({
      seed: 11,
      seeds: [11],
      shard: { index: 2, count: 3 },
    });
    expect(planSearch(10, { runs: 9 }, 2)).toEqual({ seed: 10, seeds: [10, 11], runs: [5, 4] });
    expect(planSearch(10, { runs: 1 }, 4).seeds).toEqual([10]);
    const all = [1, 2, 3].flatMap((i) => planSearch(10, { runs: 90 }, 2, { index: i, count: 3 }).seeds);
    expect(all.sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15]);
  });

  it('seeds are 32-bit: a shard or worker seed past 4294967295 wraps around to 0', async () => {
    expect(planSearch(4294967295, { runs: 10 }, 1, { index: 2, count: 2 })).toEqual({
      seed: 0,
      seeds: [0],
      runs: [5],
      shard: { index: 2, count: 2 },
    });
    expect(planSearch(4294967294, { runs: 8 }, 2, { index: 2, count: 2 }).seeds).toEqual([4294967295, 1]);
    expect(planSearch(4294967295, {}, 3).seeds).toEqual([4294967295, 0, 1]);
    const all = [1, 2, 3].flatMap((i) => planSearch(4294967294, { runs: 90 }, 2, { index: i, count: 3 }).seeds);
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4294967294, 4294967295]);
    const r = await sbsim('check', '--runs', '4', '--seed', '4294967295', '--shard', '2/2');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe('sbsim check: seed 0 (shard 2/2 of seed 4294967295), 2 runs, generated workloads');
  });

  it('--shard in the report: its seed, runs and place, in the summary and the JSON', async () => {
    const json = await sbsim('check', '--runs', '10', '--seed', '7', '--shard', '2/3', '--json');
    expect(json.code).toBe(EXIT_OK);
    const report = JSON.parse(json.out) as { seed: number; runs: number; shard: unknown; strategy: string };
    expect(report).toMatchObject({ seed: 8, runs: 4, shard: { index: 2, count: 3 }, strategy: 'list' });
    const text = await sbsim('check', '--runs', '10', '--seed', '7', '--shard', '2/3');
    expect(text.err).toContain('seed 8 (shard 2/3 of seed 7), 4 runs');
    expect(text.out).toContain('  shard: 2/3');
    expect(text.out).toContain('seed 8');
  });

  it('--strategy random: finds M03, names the strategy, saves a replay file that reproduces', async () => {
    const out = join(tempDir(), 'm03.json');
    const r = await sbsim(
      'check',
      ...[
        '--strategy',
        'random',
        '--mutant',
        'M03',
        '--runs',
        '200',
        '--seed',
        '3',
        '--shrink-time',
        '1',
        '--out',
        out,
      ],
    );
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.err).toContain('strategy random');
    expect(r.out).toContain('  strategy: random');
    expect(r.out).toContain(`sbsim replay ${out}`);
    const replay = await sbsim('replay', out);
    expect(replay.code).toBe(EXIT_VIOLATION);
    expect(replay.out).toContain('Reproduced: the same violation as recorded.');
  });

  it('--strategy pct --pct-depth 2 --json: the strategy and depth in the report', async () => {
    const r = await sbsim('check', '--strategy', 'pct', '--pct-depth', '2', '--runs', '20', '--seed', '1', '--json');
    expect(r.code).toBe(EXIT_OK);
    expect(JSON.parse(r.out)).toMatchObject({ strategy: 'pct', pctDepth: 2, runs: 20, passed: true });
  });

  it('--workers 2 --json: every seed, the runs summed', async () => {
    const clean = await sbsim('check', '--workers', '2', '--runs', '30', '--seed', '5', '--json');
    expect(clean.code).toBe(EXIT_OK);
    expect(JSON.parse(clean.out)).toMatchObject({ runs: 30, seed: 5, workers: { count: 2, seeds: [5, 6] } });
  });

  it('--workers 2: a mutant found, shrunk and saved; the seeds printed', async () => {
    const out = join(tempDir(), 'w.json');
    const r = await sbsim(
      'check',
      ...['--workers', '2', '--mutant', 'M03', '--runs', '200', '--seed', '5', '--shrink-time', '1', '--out', out],
    );
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.err).toContain('seeds 5, 6 (2 workers), 200 runs (100 + 100)');
    expect(r.out).toContain('  workers: 2, seeds 5, 6');
    expect(r.out).toContain(`sbsim replay ${out}`);
  });

  it('--workers from bin/sbsim.js: the workers load the TypeScript sources through tsx', () => {
    const bin = fileURLToPath(new URL('../../bin/sbsim.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'check', '--workers', '2', '--runs', '12', '--seed', '2', '--json'], {
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(EXIT_OK);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: true, runs: 12, workers: { count: 2, seeds: [2, 3] } });
  });
});

describe('sbsim check --workload FILE that names its own mutant', () => {
  it('checks that mutant, says so, and saves a replay file that replays', async () => {
    const dir = tempDir();
    const file = join(dir, 'w.json');
    const workload = JSON.parse(readFileSync('examples/workloads/renewal.json', 'utf8')) as Record<string, unknown>;
    delete workload.$schema;
    writeFileSync(file, JSON.stringify({ ...workload, mutant: 'M04' }));
    const out = join(dir, 'failure.json');
    const r = await sbsim('check', '--workload', file, '--runs', '200', '--seed', '1', '--out', out);
    expect(r.err).toContain('mutant M04 (no-increment-on-lock-expiry)');
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.err).not.toContain('cannot be saved');
    expect(existsSync(out)).toBe(true);
    expect((await sbsim('replay', out)).code).toBe(EXIT_VIOLATION);
  });
});
