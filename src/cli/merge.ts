/**
 * `sbsim merge FILE...`: the JSON reports of the shards of one search (`sbsim check --shard I/N --json`,
 * one per CI machine) as one verdict, with the union of their coverage and every replay file their
 * violations wrote. The merging itself is check/merge-reports.ts.
 *
 * Exit 0 when every shard is there and none found a violation; 1 when one did; 2 for a report that
 * cannot be read or is not of the same search — and for a missing shard, since a search with a part
 * missing has not passed.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Chalk } from 'chalk';
import type { MergedReport, ShardViolation } from '../check/merge-reports.ts';
import { ReportError, mergeReports, readCheckReport } from '../check/merge-reports.ts';
import { count } from '../words.ts';
import { UsageError, command, parseCommand } from './args.ts';
import { renderSearched, strategyText } from './check.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';
import { shellQuote } from './quote.ts';
import { safeJson, visible } from '../trace/visible.ts';

export const MERGE = command({
  name: 'merge',
  args: 'FILE...',
  summary: `the --json reports of the shards of one search (sbsim check --shard I/N --json) as one verdict,
with the union of their coverage and every replay file their violations wrote`,
  flags: {
    json: { type: 'boolean', help: 'print the merged report as JSON' },
    'no-timing': { type: 'boolean', help: 'with --json: leave out the wall-clock fields' },
    transitions: { type: 'boolean', help: 'list every machine transition never taken' },
  },
  notes: [
    'Exit codes: 0 every shard is there and none found a violation; 1 one did; 2 a report cannot be read,',
    'is of another search, or a shard is missing (a search with a part missing has not passed).',
  ],
});

export function mergeCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(MERGE, argv);
  if (positionals.length === 0)
    throw new UsageError('sbsim merge: give the JSON reports of the shards (sbsim merge shard-*.json)');
  let merged: MergedReport;
  try {
    merged = mergeReports(positionals.map((file) => readCheckReport(file)));
  } catch (e) {
    if (e instanceof ReportError) {
      io.err(`sbsim merge: ${visible(e.message)}`);
      return EXIT_USAGE;
    }
    throw e;
  }
  if (merged.missing.length > 0)
    io.err(`sbsim merge: ${missingText(merged)} of ${merged.search.shards} missing (no report given): not a full pass`);
  const located = merged.violations.map(locateReplay);
  if (flags.json) io.out(safeJson(jsonMerged(merged, located, flags['no-timing'] !== true)));
  else io.out(renderMerged(merged, located, io.color, { allTransitions: flags.transitions === true }));
  return merged.verdict === 'violation' ? EXIT_VIOLATION : merged.verdict === 'incomplete' ? EXIT_USAGE : EXIT_OK;
}

/**
 * Where a violation's replay file is, seen from here: a relative path is relative to where its shard's
 * check ran, which is where its report was written too (the workflow keeps them side by side), so it is
 * looked for beside the report first, then here. Null when it is in neither place.
 */
function locateReplay(v: ShardViolation): string | null {
  if (v.replayFile === null) return null;
  const candidates = isAbsolute(v.replayFile) ? [v.replayFile] : [join(dirname(v.report), v.replayFile), v.replayFile];
  return candidates.find((p) => existsSync(p)) ?? null;
}

const missingText = (m: MergedReport): string =>
  `${m.missing.length === 1 ? 'shard' : 'shards'} ${m.missing.join(', ')}`;

/** The merged report as JSON: each violation with `replayPath`, where its replay file is from here (or null). */
function jsonMerged(m: MergedReport, located: readonly (string | null)[], timing: boolean): unknown {
  return {
    ...m,
    shards: timing ? m.shards : m.shards.map(({ ms: _ms, ...rest }) => rest),
    violations: m.violations.map((v, k) => ({ ...v, replayPath: located[k] ?? null })),
  };
}

function renderMerged(
  m: MergedReport,
  located: readonly (string | null)[],
  color: boolean,
  options: { allTransitions: boolean },
): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const n = m.search.shards;
  const lines: string[] = [];
  lines.push(c.bold(`Merged ${m.shards.length} of ${n} shards`));
  for (let index = 1; index <= n; index++) {
    const s = m.shards.find((x) => x.index === index);
    const v = m.violations.find((x) => x.shard === index);
    if (!s) lines.push(`  ${c.yellow('✗')} ${index}/${n}: missing`);
    else
      lines.push(
        `  ${v ? c.red('✗') : c.green('✓')} ${index}/${n}: seed ${s.seed}, ${count(s.runs, 'run')}, ${v ? `violation of ${v.property}` : 'passed'} (${s.report})`,
      );
  }
  lines.push(c.bold('Exploration'));
  const budget = m.search.runs !== null ? `--runs ${m.search.runs}` : `--time ${m.search.timeS ?? 0}`;
  const longest = m.shards.every((s) => s.ms !== undefined) ? Math.max(...m.shards.map((s) => s.ms ?? 0)) : undefined;
  lines.push(
    `  runs: ${m.runs}${longest !== undefined ? `, longest shard ${(longest / 1000).toFixed(1)} s` : ''}, seed ${m.search.seed}, ${budget} over ${count(n, 'shard')}`,
  );
  lines.push(`  strategy: ${strategyText(m.search.strategy, m.search.pctDepth)}`);
  if (m.search.mutant !== null) lines.push(`  mutant: ${m.search.mutant}`);
  if (m.search.workload !== null) lines.push(`  workload: ${m.search.workload}`);
  lines.push(...renderSearched(m, c, options));
  if (m.violations.length > 0) {
    lines.push(c.bold('Violations'));
    m.violations.forEach((v, k) => {
      lines.push(c.red(`  shard ${v.shard}/${n}, seed ${v.seed}: ${v.property}`));
      lines.push(`    ${v.message}`);
      const path = located[k];
      if (path) lines.push(`    Replay file: ${path}`, `      sbsim replay ${shellQuote(path)}`);
      else if (v.replayFile !== null)
        lines.push(`    Replay file: ${v.replayFile} (where shard ${v.shard} ran; not found beside ${v.report})`);
      else lines.push(`    No replay file: shard ${v.shard}'s check could not write one`);
    });
  }
  if (m.verdict === 'pass')
    lines.push(
      c.green(`All ${m.properties.length} properties hold over ${count(m.runs, 'run')} in ${count(n, 'shard')}.`),
    );
  else if (m.verdict === 'violation')
    lines.push(
      c.red.bold(
        `${m.violations.length === 1 ? 'A violation' : `${m.violations.length} violations`} found by ${count(m.violations.length, 'shard')} of ${n}` +
          (m.missing.length > 0 ? `; ${missingText(m)} missing` : '') +
          '.',
      ),
    );
  else
    lines.push(
      c.yellow.bold(
        `Incomplete: ${missingText(m)} of ${n} missing. The ${count(m.runs, 'run')} of the others found no violation; that is not a pass.`,
      ),
    );
  return lines.join('\n');
}
