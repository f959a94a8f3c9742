/**
 * `sbsim merge`: one search split into three shards (`sbsim check --shard I/3 --json`), run here in
 * process, merged back into one verdict; a mutant found by some shards; reports that must not be merged;
 * and the GitHub Actions workflow of the README, run as written with a smaller budget.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { explore, finish } from '../../src/check/check.ts';
import type { MergedReport, ShardViolation } from '../../src/check/merge-reports.ts';
import type { TransitionCoverageReport } from '../../src/machines/coverage.ts';
import type { CheckReportFile } from '../../src/schema/check-report.ts';
import { bufferIo, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

async function sbsim(...argv: string[]) {
  const io = bufferIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** `sbsim check ARGS --json` into `file`; the exit code. */
async function checkInto(file: string, ...argv: string[]): Promise<number> {
  const r = await sbsim('check', ...argv, '--json');
  writeFileSync(file, `${r.out}\n`);
  return r.code;
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CheckReportFile;
const byKind = (o: readonly { text: string; count: number }[]) =>
  [...o].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));

const dir = mkdtempSync(join(tmpdir(), 'sbsim-merge-'));
const shard = (i: number) => join(dir, `shard-${i}.json`);

beforeAll(async () => {
  // One passing search: seed 7, 30 runs, three shards of 10 (seeds 7, 8, 9).
  for (const i of [1, 2, 3])
    expect(await checkInto(shard(i), '--seed', '7', '--runs', '30', '--shard', `${i}/3`, '--no-timing')).toBe(EXIT_OK);
});

describe('sbsim merge: three shards of one search', () => {
  it('one verdict: runs summed, coverage the union, the same statistics as one search over the three seeds', async () => {
    const r = await sbsim('merge', shard(1), shard(2), shard(3), '--json');
    expect(r.code).toBe(EXIT_OK);
    expect(r.err).toBe('');
    const merged = JSON.parse(r.out) as MergedReport;
    const parts = [1, 2, 3].map((i) => read(shard(i)));
    expect(merged).toMatchObject({ verdict: 'pass', passed: true, missing: [], violations: [] });
    expect(merged.search).toMatchObject({ seed: 7, runs: 30, mutant: null, strategy: 'list', shards: 3 });
    expect(merged.shards.map((s) => [s.index, s.seed, s.runs])).toEqual([
      [1, 7, 10],
      [2, 8, 10],
      [3, 9, 10],
    ]);
    expect(merged.runs).toBe(30);
    for (const [key, n] of Object.entries(merged.coverage))
      expect(n, key).toBe(parts.reduce((sum, p) => sum + p.coverage[key as keyof typeof p.coverage], 0));
    // Transitions: every count summed, so the taken ones are the union of the shards'.
    const counts = (p: { transitions?: TransitionCoverageReport }) =>
      new Map(p.transitions?.machines.flatMap((m) => m.transitions.map((t) => [t.id, t.count] as const)));
    const shardCounts = parts.map(counts);
    for (const [id, n] of counts(merged)) expect(n, id).toBe(shardCounts.reduce((s, c) => s + (c.get(id) ?? 0), 0));
    const takenIn = (c: Map<string, number>) => [...c].filter(([, n]) => n > 0).map(([id]) => id);
    expect(new Set(takenIn(counts(merged)))).toEqual(new Set(shardCounts.flatMap(takenIn)));
    expect(merged.transitions?.taken).toBeGreaterThan(Math.max(...parts.map((p) => p.transitions?.taken ?? 0)));

    // The same explorations merged in process, as --workers merges its workers: the same statistics.
    const one = finish(
      { seed: 7 },
      [7, 8, 9].map((seed) => explore({ seed, runs: 10 })),
      { started: 0, exploreMs: 0 },
    );
    expect(merged.coverage).toEqual(one.coverage);
    expect(merged.steps).toEqual(one.steps);
    expect(merged.boundHits).toBe(one.boundHits);
    expect(merged.transitions).toEqual(one.transitions);
    expect(byKind(merged.observations)).toEqual(byKind(one.observations));
    expect(merged.properties).toEqual(one.properties);
  });

  it('as text: each shard, the summary of a check, and the verdict last', async () => {
    const r = await sbsim('merge', shard(3), shard(1), shard(2));
    expect(r.code).toBe(EXIT_OK);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Merged 3 of 3 shards',
      `  ✓ 1/3: seed 7, 10 runs, passed (${shard(1)})`,
      `  ✓ 2/3: seed 8, 10 runs, passed (${shard(2)})`,
      `  ✓ 3/3: seed 9, 10 runs, passed (${shard(3)})`,
    ]);
    expect(r.out).toContain('  runs: 30, seed 7, --runs 30 over 3 shards');
    expect(r.out).toContain('Situations reached');
    expect(r.out).toMatch(/^Transitions taken: \d+ of the \d+ that can be/m);
    expect(lines.at(-1)).toMatch(/^All \d+ properties hold over 30 runs in 3 shards\.$/);
  });

  it('a missing shard is never a pass: exit 2, which shard, the verdict "incomplete"', async () => {
    const r = await sbsim('merge', shard(1), shard(3));
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err.trim().split('\n')).toEqual(['sbsim merge: shard 2 of 3 missing (no report given): not a full pass']);
    expect(r.out).toContain('  ✗ 2/3: missing');
    expect(r.out.split('\n').at(-1)).toBe(
      'Incomplete: shard 2 of 3 missing. The 20 runs of the others found no violation; that is not a pass.',
    );
    const json = await sbsim('merge', shard(1), '--json');
    expect(json.code).toBe(EXIT_USAGE);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: 'incomplete', passed: false, missing: [2, 3], runs: 10 });
  });
});

describe('sbsim merge: a mutant found by some shards', () => {
  const m = (i: number) => join(dir, `m03-${i}.json`);
  const replay = (i: number) => join(dir, `m03-failure-${i}.json`);

  beforeAll(async () => {
    // M03 is found within a few runs by shards 1 and 2 of seed 3, not by shard 3's ten.
    const codes: number[] = [];
    for (const i of [1, 2, 3])
      codes.push(
        await checkInto(
          m(i),
          ...['--mutant', 'M03', '--seed', '3', '--runs', '30', '--shard', `${i}/3`, '--shrink-time', '1'],
          ...['--out', replay(i)],
        ),
      );
    expect(codes).toEqual([EXIT_VIOLATION, EXIT_VIOLATION, EXIT_OK]);
  });

  it('exit 1: every violation with its shard, seed and replay file', async () => {
    const r = await sbsim('merge', m(1), m(2), m(3));
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.out).toContain(`  ✗ 1/3: seed 3, `);
    expect(r.out).toContain(`  ✓ 3/3: seed 5, 10 runs, passed`);
    expect(r.out).toContain('  mutant: M03');
    for (const i of [1, 2]) {
      expect(r.out).toContain(`  shard ${i}/3, seed ${2 + i}: `);
      expect(r.out).toContain(`    Replay file: ${replay(i)}\n      sbsim replay ${replay(i)}`);
    }
    expect(r.out.split('\n').at(-1)).toBe('2 violations found by 2 shards of 3.');

    const json = JSON.parse((await sbsim('merge', m(1), m(2), m(3), '--json')).out) as Omit<
      MergedReport,
      'violations'
    > & {
      violations: (ShardViolation & { replayPath: string | null })[];
    };
    expect(json.verdict).toBe('violation');
    expect(json.violations.map((v) => [v.shard, v.seed, v.replayFile, v.replayPath])).toEqual([
      [1, 3, replay(1), replay(1)],
      [2, 4, replay(2), replay(2)],
    ]);
    // The shards kept their timing: the merge keeps each shard's, unless told not to.
    expect(json.shards.every((s) => typeof s.ms === 'number')).toBe(true);
    const untimed = JSON.parse((await sbsim('merge', m(1), m(2), m(3), '--json', '--no-timing')).out) as MergedReport;
    expect(untimed.shards.some((s) => 'ms' in s)).toBe(false);
  });

  it('a violation stands with a shard missing: exit 1, and the missing shard said', async () => {
    const r = await sbsim('merge', m(2), m(3));
    expect(r.code).toBe(EXIT_VIOLATION);
    expect(r.err).toContain('shard 1 of 3 missing');
    expect(r.out.split('\n').at(-1)).toBe('A violation found by 1 shard of 3; shard 1 missing.');
  });

  it('a relative replay file is looked for beside its report (where the shard ran), and said when not there', async () => {
    const sub = mkdtempSync(join(dir, 'artifacts-'));
    const report = { ...read(m(1)), replayFile: 'sbsim-failure-found.json' };
    writeFileSync(join(sub, 'm03-1.json'), JSON.stringify(report));
    copyFileSync(m(3), join(sub, 'm03-3.json'));
    copyFileSync(replay(1), join(sub, 'sbsim-failure-found.json'));
    const found = await sbsim('merge', join(sub, 'm03-1.json'), join(sub, 'm03-3.json'), m(2));
    expect(found.out).toContain(`    Replay file: ${join(sub, 'sbsim-failure-found.json')}`);
    writeFileSync(join(sub, 'm03-1.json'), JSON.stringify({ ...report, replayFile: 'elsewhere.json' }));
    const lost = await sbsim('merge', join(sub, 'm03-1.json'), join(sub, 'm03-3.json'), m(2));
    expect(lost.code).toBe(EXIT_VIOLATION);
    expect(lost.out).toContain(
      `    Replay file: elsewhere.json (where shard 1 ran; not found beside ${join(sub, 'm03-1.json')})`,
    );
  });
});

describe('sbsim merge: seeds past 4294967295', () => {
  it('shard 2/2 of seed 4294967295 searches seed 0, as --seed 0 does, and merges with shard 1', async () => {
    const [one, two] = [join(dir, 'wrap-1.json'), join(dir, 'wrap-2.json')];
    for (const [file, i] of [
      [one, 1],
      [two, 2],
    ] as const)
      expect(await checkInto(file, '--seed', '4294967295', '--runs', '8', '--shard', `${i}/2`, '--no-timing')).toBe(
        EXIT_OK,
      );
    const { search, shard: part, ...found } = read(two);
    expect([search.seed, part, found.seed, found.runs]).toEqual([4294967295, { index: 2, count: 2 }, 0, 4]);
    // fast-check and the PRNGs read a seed modulo 2^32: the wrapped seed is the search they would have run.
    const zero = await sbsim('check', '--seed', '0', '--runs', '4', '--json', '--no-timing');
    const { search: _search, ...alone } = JSON.parse(zero.out) as CheckReportFile;
    expect(found).toEqual(alone);

    const r = await sbsim('merge', one, two, '--json');
    expect(r.code).toBe(EXIT_OK);
    const merged = JSON.parse(r.out) as MergedReport;
    expect(merged.shards.map((s) => s.seed)).toEqual([4294967295, 0]);
    expect(merged.runs).toBe(8);

    // A report whose shard seed was not wrapped is not of this search.
    const unwrapped = join(dir, 'wrap-unwrapped.json');
    writeFileSync(unwrapped, JSON.stringify({ ...read(two), seed: 4294967296 }));
    const refused = await sbsim('merge', one, unwrapped);
    expect(refused.code).toBe(EXIT_USAGE);
    expect(refused.err).toBe(`sbsim merge: ${unwrapped}: shard 2 of seed 4294967295 searches seed 0, not 4294967296`);
  });
});

describe('sbsim merge: reports that cannot be merged', () => {
  it('exit 2, one line on stderr naming the file and the reason, nothing on stdout', async () => {
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const other = join(dir, 'other-seed.json');
    expect(await checkInto(other, '--seed', '8', '--runs', '30', '--shard', '2/3', '--no-timing')).toBe(EXIT_OK);
    const halves = join(dir, 'halves.json');
    expect(await checkInto(halves, '--seed', '7', '--runs', '30', '--shard', '1/2', '--no-timing')).toBe(EXIT_OK);
    const s2 = read(shard(2));
    const cases: [string[], string][] = [
      [[shard(1), other, shard(3)], `${other} is not of the same search as ${shard(1)}: its seed (--seed) is 8, not 7`],
      [
        [shard(1), halves],
        `${halves} is not of the same search as ${shard(1)}: its shard count (N of --shard I/N) is 2, not 3`,
      ],
      [[shard(1), shard(2), shard(2)], `shard 2/3 is given twice: ${shard(2)} and ${shard(2)}`],
      [
        [shard(1), file('copy.json', JSON.stringify(s2)), shard(2)],
        `shard 2/3 is given twice: ${dir}/copy.json and ${shard(2)}`,
      ],
      [
        [shard(1), file('cut.json', '{"format": "sbsim-check-report", "formatV')],
        `${dir}/cut.json: the JSON stops early`,
      ],
      [[file('text.json', 'All 12 properties hold.')], `${dir}/text.json: not JSON`],
      [[file('empty.json', '')], `${dir}/empty.json: the file is empty`],
      [[join(dir, 'absent.json')], `${dir}/absent.json: no such file`],
      [[file('replay.json', '{"format": "sbsim-replay"}')], `${dir}/replay.json: not a report of sbsim check --json`],
      [
        [file('runs.json', JSON.stringify({ ...s2, runs: 9 }))],
        `${dir}/runs.json: shard 2/3 of --runs 30 passed after 9 runs, not 10`,
      ],
      [
        [file('extra.json', JSON.stringify({ ...s2, extra: 1 }))],
        `${dir}/extra.json: $.extra is not a field sbsim knows here`,
      ],
      [
        [file('newer.json', JSON.stringify({ ...s2, formatVersion: 2 }))],
        `${dir}/newer.json: written in check report format version 2`,
      ],
      [
        [file('v.json', JSON.stringify({ ...s2, passed: false }))],
        `${dir}/v.json: "passed" is false but the report has no violation`,
      ],
    ];
    for (const [files, message] of cases) {
      const r = await sbsim('merge', ...files);
      expect(r.code, message).toBe(EXIT_USAGE);
      expect(r.err.trim().split('\n'), message).toHaveLength(1);
      expect(r.err, message).toContain(`sbsim merge: ${message}`);
      expect(r.out, message).toBe('');
    }
    const none = await sbsim('merge');
    expect(none.code).toBe(EXIT_USAGE);
    expect(none.err).toBe('sbsim merge: give the JSON reports of the shards (sbsim merge shard-*.json)');
    expect((await sbsim('merge', shard(1), '--bogus')).code).toBe(EXIT_USAGE);
  });
});

describe('the GitHub Actions workflow of the README', () => {
  const workflow = readFileSync(new URL('../../docs/github-actions-shards.yml', import.meta.url), 'utf8');

  it('is docs/github-actions-shards.yml, word for word', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Split a search across CI machines'));
    expect(section.length).toBeLessThan(readme.length);
    expect(/```yaml\n([\s\S]*?)```/.exec(section)?.[1]).toBe(workflow);
    expect(readme).toContain('sbsim merge');
  });

  it('runs as written (with fewer runs): three shards, one per matrix entry, merged to one verdict', async () => {
    const matrix = /shard: \[([\d, ]+)\]/
      .exec(workflow)?.[1]
      ?.split(',')
      .map((s) => Number(s.trim()));
    expect(matrix).toEqual([1, 2, 3]);
    const commands = [...workflow.matchAll(/^\s+- run: npx sbsim (.+)$/gm)].map((m) => m[1] ?? '');
    expect(commands).toHaveLength(2);
    const [check = '', merge = ''] = commands;
    const ci = mkdtempSync(join(tmpdir(), 'sbsim-ci-'));
    /** The shell's words of a command line: variables set, quotes removed. */
    const words = (line: string, shardIndex?: number) =>
      line
        .replaceAll('${{ matrix.shard }}', String(shardIndex))
        .replaceAll('"$SEED"', '11')
        .replaceAll('"$RUNS"', '24')
        .split(' ')
        .map((w) => w.replaceAll('"', ''));
    for (const i of matrix ?? []) {
      const [command, ...argv] = words(check, i);
      expect(command).toBe('check');
      const to = argv.indexOf('>');
      expect(argv.slice(to + 1)).toEqual([`shard-${i}.json`]);
      expect(await checkInto(join(ci, `shard-${i}.json`), ...argv.slice(0, to).filter((w) => w !== '--json'))).toBe(
        EXIT_OK,
      );
    }
    const argv = words(merge);
    expect(argv).toEqual(['merge', 'shard-*.json']);
    const reports = readdirSync(ci)
      .filter((f) => /^shard-.*\.json$/.test(f))
      .sort()
      .map((f) => join(ci, f));
    const r = await sbsim('merge', ...reports);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('  runs: 24, seed 11, --runs 24 over 3 shards');
  });
});
