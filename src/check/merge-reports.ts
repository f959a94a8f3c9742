/**
 * `sbsim merge`: the reports of one search split over CI machines (`sbsim check --shard I/N --json`)
 * as one verdict, one coverage and one list of replay files.
 *
 * The reports must be of one search — the same `--seed`, budget, mutant, workload, strategy, properties
 * and model, the same N, each shard once — or the merge is refused: shards of two searches summed would
 * be a report of no search at all. A missing shard is allowed but never a pass: the verdict is then
 * `incomplete` (or `violation`, if a shard present found one), and says which shards are missing.
 *
 * The statistics are summed by the same function that sums the workers of `--workers`
 * (`mergeStatistics`), so N shards merged report what one search over all their runs reports; the
 * transition coverage is the union, recounted over the machines' definitions.
 */
import { ReplayFileError } from '../replay/errors.ts';
import { parseJson, readText } from '../replay/read.ts';
import { describeValue, firstProblem, generated } from '../schema/problems.ts';
import type { CheckReportFile } from '../schema/check-report.ts';
import { CHECK_REPORT_FILE } from '../schema/check-report.ts';
import type { Statistics } from './check.ts';
import { mergeStatistics, observationKind } from './check.ts';
import type { SearchIdentity } from './report-format.ts';
import { CHECK_REPORT_FORMAT, CHECK_REPORT_VERSION } from './report-format.ts';
import { offsetSeed } from './seeds.ts';
import type { Strategy } from './strategy.ts';

/** A report that cannot be merged: unreadable, not a check report, or not of the same search. Exit 2. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
}

/** A shard report and the file it came from. */
export interface ShardReport {
  readonly file: string;
  readonly report: CheckReportFile;
}

export type Verdict = 'pass' | 'violation' | 'incomplete';

export interface ShardViolation {
  /** The shard's index (1-based) and its search's seed. */
  readonly shard: number;
  readonly seed: number;
  /** The report it came from. */
  readonly report: string;
  readonly property: string;
  readonly message: string;
  /** The replay file as the shard's check named it (relative to where it ran), or null: none was written. */
  readonly replayFile: string | null;
  readonly fastCheck: { readonly seed: number; readonly path: string };
}

export interface MergedReport extends ReturnType<typeof mergeStatistics> {
  /** `pass` only when every shard is present and none found a violation. */
  readonly verdict: Verdict;
  readonly passed: boolean;
  readonly search: SearchIdentity & {
    readonly strategy: Strategy;
    readonly pctDepth?: number;
    /** N of `--shard I/N`. */
    readonly shards: number;
  };
  readonly tool: CheckReportFile['tool'];
  /** The shards given, by index; `ms` when the report kept its timing. */
  readonly shards: readonly {
    readonly index: number;
    readonly seed: number;
    readonly runs: number;
    readonly passed: boolean;
    readonly report: string;
    readonly ms?: number;
  }[];
  /** Indexes of the shards not given. */
  readonly missing: readonly number[];
  readonly properties: readonly string[];
  /** Every shard's violation, by shard index. */
  readonly violations: readonly ShardViolation[];
}

/** Parse and validate the text of a check report; `file` names it in messages. Throws ReportError. */
export function parseCheckReport(text: string, file: string): CheckReportFile {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (e) {
    if (e instanceof ReplayFileError) throw new ReportError(`${file}: ${e.message}`);
    throw e;
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (v.format !== CHECK_REPORT_FORMAT) {
    const found =
      typeof value !== 'object' || value === null || Array.isArray(value)
        ? `the top level is ${describeValue(value)}`
        : Object.hasOwn(v, 'format')
          ? `"format" is ${describeValue(v.format)}`
          : 'there is no "format" field';
    throw new ReportError(`${file}: not a report of sbsim check --json: ${found}, not "${CHECK_REPORT_FORMAT}"`);
  }
  if (typeof v.formatVersion === 'number' && v.formatVersion > CHECK_REPORT_VERSION)
    throw new ReportError(
      `${file}: written in check report format version ${v.formatVersion}; this sbsim merges version ${CHECK_REPORT_VERSION} — upgrade sbsim`,
    );
  const result = CHECK_REPORT_FILE.safeParse(value, { error: generated });
  if (!result.success)
    throw new ReportError(`${file}: ${firstProblem(result.error, value, CHECK_REPORT_FILE).message}`);
  return result.data;
}

/** Read and validate a check report file. Throws ReportError. */
export function readCheckReport(file: string): ShardReport {
  const text = readText(file, (_code, message) => new ReportError(message));
  return { file, report: parseCheckReport(text, file) };
}

const shardOf = (r: CheckReportFile) => r.shard ?? { index: 1, count: 1 };

/** What must be the same in every shard of one search: what is compared, in words, and its value. */
function identity(r: CheckReportFile): [string, unknown][] {
  return [
    ['seed (--seed)', r.search.seed],
    ['shard count (N of --shard I/N)', shardOf(r).count],
    ['run budget (--runs)', r.search.runs],
    ['time budget (--time)', r.search.timeS],
    ['mutant (--mutant)', r.search.mutant],
    ['workload (--workload)', r.search.workload],
    ['strategy (--strategy)', r.strategy],
    ['PCT depth (--pct-depth)', r.pctDepth ?? null],
    ['properties', r.properties.join(', ')],
    ['model (tool.modelHash)', r.tool.modelHash],
  ];
}

const shown = (v: unknown): string => (v === null ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

/** What a report says of itself that its fields must bear out. */
function checkReport({ file, report: r }: ShardReport): void {
  const shard = shardOf(r);
  if (shard.index > shard.count)
    throw new ReportError(`${file}: shard ${shard.index}/${shard.count} does not exist (I must be at most N)`);
  // As check's planSearch derives it: wrapped to 32 bits.
  const seed = offsetSeed(r.search.seed, shard.index - 1);
  if (r.seed !== seed)
    throw new ReportError(
      `${file}: shard ${shard.index} of seed ${r.search.seed} searches seed ${seed}, not ${r.seed}`,
    );
  if (r.passed !== (r.violation === undefined))
    throw new ReportError(
      `${file}: "passed" is ${r.passed} but the report ${r.violation ? 'has' : 'has no'} violation`,
    );
  if ((r.violation === undefined) !== (r.counterexample === undefined))
    throw new ReportError(`${file}: a violation and its counterexample come together, not one without the other`);
  // Under a run budget a shard that passed ran all its runs: fewer means a search cut short.
  const runs = r.search.runs === null ? undefined : Math.ceil(r.search.runs / shard.count);
  if (r.passed && runs !== undefined && r.runs !== runs)
    throw new ReportError(
      `${file}: shard ${shard.index}/${shard.count} of --runs ${r.search.runs} passed after ${r.runs} runs, not ${runs}`,
    );
}

/** A report's statistics in the shape `mergeStatistics` sums (the steps' sum from their average). */
function statisticsOf(r: CheckReportFile): Statistics {
  const transitions: Record<string, number> = {};
  for (const m of r.transitions?.machines ?? []) for (const t of m.transitions) transitions[t.id] = t.count;
  // Counted ids no machine defines are listed without their counts: counted once each, so they stay listed.
  for (const id of r.transitions?.unknown ?? []) transitions[id] = 1;
  return {
    runs: r.runs,
    steps: { sum: Math.round(r.steps.avg * r.runs), min: r.steps.min, max: r.steps.max },
    boundHits: r.boundHits,
    coverage: r.coverage,
    ...(r.transitions ? { transitions } : {}),
    observations: r.observations.map((o) => [observationKind(o.text), o.text, o.count] as const),
  };
}

/**
 * The shard reports as one. Throws ReportError when they are not shards of one search, or a shard is
 * given twice; a missing shard makes the verdict `incomplete` (unless one present found a violation).
 */
export function mergeReports(shards: readonly ShardReport[]): MergedReport {
  const first = shards[0];
  if (!first) throw new ReportError('no reports to merge');
  for (const s of shards) checkReport(s);
  const expected = identity(first.report);
  for (const s of shards.slice(1)) {
    identity(s.report).forEach(([what, value], k) => {
      const want = expected[k]?.[1];
      if (value !== want)
        throw new ReportError(
          `${s.file} is not of the same search as ${first.file}: its ${what} is ${shown(value)}, not ${shown(want)}`,
        );
    });
  }
  const byIndex = new Map<number, ShardReport>();
  for (const s of shards) {
    const { index, count } = shardOf(s.report);
    const twice = byIndex.get(index);
    if (twice) throw new ReportError(`shard ${index}/${count} is given twice: ${twice.file} and ${s.file}`);
    byIndex.set(index, s);
  }
  const sorted = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i) as ShardReport);
  const n = shardOf(first.report).count;
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((i) => !byIndex.has(i));
  const violations = sorted.flatMap(({ file, report: r }): ShardViolation[] =>
    r.violation && r.counterexample
      ? [
          {
            shard: shardOf(r).index,
            seed: r.seed,
            report: file,
            property: r.violation.property,
            message: r.violation.message,
            replayFile: r.replayFile ?? null,
            fastCheck: { seed: r.counterexample.fastCheck.seed, path: r.counterexample.fastCheck.path },
          },
        ]
      : [],
  );
  const verdict: Verdict = violations.length > 0 ? 'violation' : missing.length > 0 ? 'incomplete' : 'pass';
  const r = first.report;
  return {
    verdict,
    passed: verdict === 'pass',
    search: {
      ...r.search,
      strategy: r.strategy as Strategy,
      ...(r.pctDepth !== undefined ? { pctDepth: r.pctDepth } : {}),
      shards: n,
    },
    tool: r.tool,
    shards: sorted.map(({ file, report: s }) => ({
      index: shardOf(s).index,
      seed: s.seed,
      runs: s.runs,
      passed: s.passed,
      report: file,
      ...(s.ms !== undefined ? { ms: s.ms } : {}),
    })),
    missing,
    ...mergeStatistics(sorted.map((s) => statisticsOf(s.report))),
    properties: r.properties,
    violations,
  };
}
