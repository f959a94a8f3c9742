/**
 * `sbsim check`: the property search, with a Coyote-style summary, and `sbsim mutants`: the same search
 * against every mutant of the zoo.
 *
 * A violation is saved as a replay file (`--out FILE`, or `sbsim-failure-<property>-<seed>.json` in the
 * current directory), verified by two replays before it is written; an existing file is never
 * overwritten — the next free `-2`, `-3`… name is used, and the output says so. The path and the
 * command to replay it are printed last.
 *
 * `--strategy` picks how runs are scheduled (check/strategy.ts), `--workers N` runs N searches in worker
 * threads and merges them (check/parallel.ts), `--shard I/N` runs part I of a search split over N
 * machines. With workers the command returns a promise, and reports harness errors itself (exit 3).
 */
import { availableParallelism } from 'node:os';
import { Chalk } from 'chalk';
import { mutantById, MUTANTS } from '../../models/mutants/index.ts';
import type { Mutant } from '../../models/mutants/index.ts';
import type { CheckOptions, CheckReport, Counterexample } from '../check/check.ts';
import { check } from '../check/check.ts';
import { SITUATIONS } from '../check/coverage.ts';
import type { Situation } from '../check/coverage.ts';
import type { TransitionCoverageReport } from '../machines/coverage.ts';
import { MAX_WORKERS, WorkerError, checkParallel, runsShare } from '../check/parallel.ts';
import { offsetSeed } from '../check/seeds.ts';
import type { Strategy } from '../check/strategy.ts';
import { STRATEGIES, isStrategy } from '../check/strategy.ts';
import { DEFAULT_PCT_DEPTH } from '../sim/pct.ts';
import { replayFileOf } from '../replay/format.ts';
import { currentTool } from '../replay/tool.ts';
import type { SearchIdentity } from '../check/report-format.ts';
import { CHECK_REPORT_FORMAT, CHECK_REPORT_VERSION } from '../check/report-format.ts';
import { NondeterminismError, defaultReplayFileName, writeReplayFile } from '../replay/write.ts';
import { describeFact } from '../trace/text.ts';
import type { FlagValues } from './args.ts';
import { UsageError, command, parseCommand } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_HARNESS, EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';
import { FORCE_FLAG, OUT_FLAG, outTarget } from './output.ts';
import type { OutTarget } from './output.ts';
import { fsReason, isFsError } from './fs-errors.ts';
import { shellQuote } from './quote.ts';
import { MAX_SEED, SEED_FLAG, chooseSeed } from './seed.ts';
import { loadWorkload } from './workloads.ts';
import { WORKLOADS } from '../workloads/standard.ts';
import { safeJson, visible } from '../trace/visible.ts';
import { ReplayFileError } from '../replay/errors.ts';
import { ActorFailure } from '../world/world.ts';
import { count } from '../words.ts';

const MAX_PCT_DEPTH = 50;

/** `sbsim check`'s flags: its parser and its `--help`. */
export const CHECK = command({
  name: 'check',
  summary: `property search over generated (or the given) workloads and schedules; a violation is shrunk,
verified by two replays and saved as a replay file; the summary shows the situations reached and the
machine transitions taken`,
  flags: {
    seed: SEED_FLAG,
    runs: { type: 'int', value: 'N', help: 'run N schedules, deterministically (not with --time)' },
    time: { type: 'number', value: 'S', help: 'search for S seconds (default 20)' },
    workload: {
      type: 'string',
      value: 'NAME|FILE',
      help: `check one fixed workload (${Object.keys(WORKLOADS).join(', ')}) or a workload file; only schedules vary`,
    },
    mutant: { type: 'string', value: 'ID', help: 'check a deliberately wrong model of the zoo (M01...)' },
    strategy: {
      type: 'string',
      value: 'S',
      help: `how runs are scheduled: ${STRATEGIES.join(', ')} (default list)`,
    },
    'pct-depth': {
      type: 'int',
      value: 'D',
      help: `PCT's bug depth, 1..${MAX_PCT_DEPTH}: D-1 priority change points (default ${DEFAULT_PCT_DEPTH})`,
    },
    workers: {
      type: 'int',
      value: 'N',
      help: `N searches in parallel, seeds seed..seed+N-1, runs split between them (1..${MAX_WORKERS})`,
    },
    shard: { type: 'string', value: 'I/N', help: 'part I of N of one search (seed + I-1, ceil(runs/N) runs), for CI' },
    'shrink-time': { type: 'number', value: 'S', help: 'the shrinking budget in seconds (default 15)' },
    out: {
      ...OUT_FLAG,
      help: 'write the replay file of a violation to FILE (default sbsim-failure-<property>-<seed>.json)',
    },
    force: {
      ...FORCE_FLAG,
      help: 'with --out: replace FILE if it exists (a default name is never replaced: -2, -3... is used)',
    },
    json: { type: 'boolean', help: 'print the report as JSON' },
    'no-timing': { type: 'boolean', help: 'with --json: leave out the wall-clock fields (ms, exploreMs)' },
    transitions: { type: 'boolean', help: 'list every machine transition never taken, and why some cannot be' },
  },
  notes: [
    'Strategies: list (fast-check decision lists, shrinkable) | random (seeded random walks)',
    '  | pct (actor priorities with D-1 change points) | portfolio (a mix of them).',
    'The seed is --seed, else SBSIM_SEED, else fresh; it is always printed, so any search can be repeated.',
    `Seeds are 32-bit: the seeds of --shard and --workers wrap around past ${MAX_SEED} to 0.`,
    'Exit codes: 0 all properties hold, 1 a violation, 2 bad usage or input (also: no run finished',
    'within --time), 3 harness error.',
  ],
});

type CheckFlags = FlagValues<(typeof CHECK)['flags']>;

function budget(flags: CheckFlags, defaultTimeS: number): { runs?: number; timeMs?: number } {
  if (flags.runs !== undefined && flags.time !== undefined)
    throw new UsageError('sbsim: give --runs or --time, not both');
  if (typeof flags.runs === 'number') {
    if (flags.runs < 1) throw new UsageError('sbsim: --runs must be at least 1');
    return { runs: flags.runs };
  }
  const time = typeof flags.time === 'number' ? flags.time : defaultTimeS;
  if (!(time > 0)) throw new UsageError('sbsim: --time must be a positive number of seconds');
  return { timeMs: time * 1000 };
}

function strategyOf(flags: CheckFlags): { strategy: Strategy; pctDepth?: number } {
  const strategy = flags.strategy ?? 'list';
  if (!isStrategy(strategy))
    throw new UsageError(`sbsim check: no strategy "${String(strategy)}" (known: ${STRATEGIES.join(', ')})`);
  const depth = flags['pct-depth'];
  if (depth === undefined) return { strategy };
  if (strategy !== 'pct' && strategy !== 'portfolio')
    throw new UsageError('sbsim check: --pct-depth applies to --strategy pct or portfolio');
  if (typeof depth !== 'number' || depth < 1 || depth > MAX_PCT_DEPTH)
    throw new UsageError(`sbsim check: --pct-depth must be between 1 and ${MAX_PCT_DEPTH}`);
  return { strategy, pctDepth: depth };
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** `--shard I/N`: shard I (1-based) of N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count))
    throw new UsageError(`sbsim check: --shard takes I/N (shard I of N, e.g. 2/4), not "${text}"`);
  if (count < 1 || index < 1 || index > count)
    throw new UsageError(`sbsim check: --shard ${text}: I must be between 1 and N`);
  return { index, count };
}

function workersOf(flags: CheckFlags): number {
  const n = flags.workers ?? 1;
  if (n < 1 || n > MAX_WORKERS) throw new UsageError(`sbsim check: --workers must be between 1 and ${MAX_WORKERS}`);
  return n;
}

/** More workers than cores still runs, each search on a share of a core: said on stderr, not refused. */
function warnOversubscribed(workers: number, io: Io): void {
  const cores = availableParallelism();
  if (workers > cores)
    io.err(
      `sbsim check: warning: ${count(workers, 'worker')} but ${count(cores, 'core')} here (os.availableParallelism()); the searches will share them`,
    );
}

/** One search, split: what each worker of this shard runs. */
export interface SearchPlan {
  /** The seed of this shard's search (`--seed` + I − 1, wrapped to 32 bits): the seed of worker 0. */
  readonly seed: number;
  /** One seed per worker: shard seed + k·N, so the seeds of all shards and workers never overlap. */
  readonly seeds: readonly number[];
  /** Each worker's run budget (under --runs), split evenly; absent under a time budget. */
  readonly runs?: readonly number[];
  readonly shard?: Shard;
}

/**
 * Shard I of N searches with seed `seed + (I − 1)` and `ceil(runs / N)` runs (or the whole time budget);
 * its W workers take seeds `seed + (I − 1) + k·N` (k = 0…W−1) and split its runs. Every seed wraps
 * around past 4294967295 to 0 (check/seeds.ts): still N·W distinct seeds, each one `--seed` accepts.
 */
export function planSearch(seed: number, budget: { runs?: number }, workers: number, shard?: Shard): SearchPlan {
  const stride = shard?.count ?? 1;
  const shardSeed = offsetSeed(seed, shard ? shard.index - 1 : 0);
  const shardRuns = budget.runs === undefined ? undefined : Math.ceil(budget.runs / stride);
  const used = shardRuns === undefined ? workers : Math.min(workers, shardRuns);
  const seeds = Array.from({ length: used }, (_, k) => offsetSeed(shardSeed, k * stride));
  return {
    seed: shardSeed,
    seeds,
    ...(shardRuns !== undefined ? { runs: seeds.map((_, k) => runsShare(shardRuns, used, k)) } : {}),
    ...(shard ? { shard } : {}),
  };
}

export function checkCommand(argv: readonly string[], io: Io): number | Promise<number> {
  const { flags, positionals } = parseCommand(CHECK, argv);
  if (positionals.length > 0) throw new UsageError(`sbsim check: unexpected argument "${positionals[0]}"`);
  const seed = chooseSeed(flags.seed, 'check');
  let mutant: Mutant | undefined;
  if (typeof flags.mutant === 'string') {
    mutant = mutantById(flags.mutant);
    if (!mutant)
      throw new UsageError(`sbsim check: no mutant "${flags.mutant}" (known: ${MUTANTS.map((m) => m.id).join(', ')})`);
  }
  const workload = typeof flags.workload === 'string' ? loadWorkload(flags.workload) : undefined;
  // A workload file may name its mutant itself; --mutant, when given, is the one checked.
  if (mutant === undefined && workload?.mutant) mutant = mutantById(workload.mutant);
  const b = budget(flags, 20);
  const shrinkTime = flags['shrink-time'];
  if (shrinkTime !== undefined && shrinkTime < 0)
    throw new UsageError('sbsim check: --shrink-time must be 0 or more seconds');
  const shrinkTimeMs = shrinkTime === undefined ? undefined : shrinkTime * 1000;
  const out = outTarget('check', flags);
  const how = strategyOf(flags);
  const workers = workersOf(flags);
  const shard = typeof flags.shard === 'string' ? parseShard(flags.shard) : undefined;
  const plan = planSearch(seed, b, workers, shard);
  warnOversubscribed(plan.seeds.length, io);
  if (!flags.json) {
    const what = workload ? `workload ${workload.name}` : 'generated workloads';
    const runs = plan.runs?.reduce((a, n) => a + n, 0);
    const limit =
      runs !== undefined
        ? `${count(runs, 'run')}${plan.seeds.length > 1 ? ` (${plan.runs?.join(' + ')})` : ''}`
        : `${(b.timeMs ?? 0) / 1000} s${plan.seeds.length > 1 ? ' each' : ''}`;
    const seeds =
      plan.seeds.length > 1 ? `seeds ${plan.seeds.join(', ')} (${plan.seeds.length} workers)` : `seed ${plan.seed}`;
    const part = shard ? ` (shard ${shard.index}/${shard.count} of seed ${seed})` : '';
    const strategy = how.strategy === 'list' ? '' : `, strategy ${strategyText(how.strategy, how.pctDepth)}`;
    io.err(
      `sbsim check: ${seeds}${part}, ${limit}, ${what}${mutant ? `, mutant ${mutant.id} (${mutant.slug})` : ''}${strategy}`,
    );
  }
  const options: CheckOptions = {
    seed: plan.seed,
    ...(b.timeMs !== undefined ? { timeMs: b.timeMs } : {}),
    ...(plan.runs !== undefined ? { runs: plan.runs.reduce((a, n) => a + n, 0) } : {}),
    ...(shrinkTimeMs !== undefined ? { shrinkTimeMs } : {}),
    ...(workload ? { workload } : {}),
    ...(mutant ? { mutant: mutant.id } : {}),
    ...how,
    onProgress:
      io.isTTY && !flags.json
        ? (p) => io.progress(`  ${count(p.runs, 'run')}, ${(p.elapsedMs / 1000).toFixed(0)} s`)
        : undefined,
  };
  const conclusion: Conclusion = {
    search: {
      seed,
      runs: b.runs ?? null,
      timeS: b.timeMs === undefined ? null : b.timeMs / 1000,
      mutant: mutant?.id ?? null,
      workload: workload?.name ?? null,
    },
    json: flags.json === true,
    transitions: flags.transitions === true,
    timing: flags['no-timing'] !== true,
    out,
    shard,
  };
  if (plan.seeds.length === 1) return conclude(check(options), conclusion, io);
  return checkParallel(options, plan)
    .then((report) => conclude(report, conclusion, io))
    .catch((e: unknown) => harnessError(e, io));
}

/**
 * Errors after the search went parallel: main() has already returned the promise and cannot catch them,
 * so they are reported here as main() would: a harness error or an internal error, exit 3.
 */
function harnessError(e: unknown, io: Io): number {
  const harness =
    e instanceof ActorFailure ||
    e instanceof NondeterminismError ||
    (e instanceof WorkerError && e.errorName === 'ActorFailure');
  if (harness) io.err(`sbsim: harness error: ${e.message}`);
  else {
    const where =
      e instanceof WorkerError ? e.workerStack || e.message : e instanceof Error ? (e.stack ?? e.message) : '';
    io.err(`sbsim: internal error: ${where || String(e)}`);
  }
  return EXIT_HARNESS;
}

export function strategyText(strategy: Strategy, pctDepth: number | undefined): string {
  return strategy === 'pct' || strategy === 'portfolio'
    ? `${strategy} (PCT depth ${pctDepth ?? DEFAULT_PCT_DEPTH})`
    : strategy;
}

interface Conclusion {
  readonly search: SearchIdentity;
  readonly json: boolean;
  readonly transitions: boolean;
  readonly timing: boolean;
  readonly out: OutTarget | undefined;
  readonly shard: Shard | undefined;
}

/**
 * Print the report, save the replay file of a violation; the exit code. A search in which no run
 * finished (a --time too short for even one) checked nothing: that is said, and it is exit 2, never a pass.
 */
function conclude(searched: CheckReport, options: Conclusion, io: Io): number {
  const report: CheckReport = options.shard
    ? { ...searched, shard: { index: options.shard.index, count: options.shard.count } }
    : searched;
  const flags = { json: options.json };
  const { out } = options;
  io.progress('');
  if (report.runs === 0 && !report.counterexample) {
    io.err(
      `sbsim check: no run finished within the time budget (seed ${report.seed}): nothing was checked; give a longer --time, or --runs N`,
    );
    return EXIT_USAGE;
  }
  let unsaved = false;
  // The replay file names the seed of the search that found the violation (a worker's, under --workers).
  const save = () => {
    if (!report.counterexample) return undefined;
    const saved = saveReplay(report.counterexample, { seed: report.counterexample.fastCheck.seed, out }, io);
    if (saved === null) unsaved = true;
    return saved ?? undefined;
  };
  if (flags.json) {
    const saved = save();
    io.out(
      safeJson({
        format: CHECK_REPORT_FORMAT,
        formatVersion: CHECK_REPORT_VERSION,
        tool: currentTool(),
        search: options.search,
        ...(jsonReport(report, options.timing) as object),
        ...(report.counterexample ? { replayFile: saved ?? null } : {}),
      }),
    );
  } else {
    io.out(renderReport(report, io.color, { allTransitions: options.transitions }));
    const saved = save();
    if (saved !== undefined) io.out(`Replay file: ${saved}\n  sbsim replay ${shellQuote(saved)}`);
  }
  // The violation was found but its replay file could not be written: the output asked for is missing,
  // so not exit 1 (which promises the file), but 2, as for any output that cannot be written.
  if (unsaved) return EXIT_USAGE;
  return report.passed ? EXIT_OK : EXIT_VIOLATION;
}

/**
 * Write the counterexample's replay file; the path written, undefined when the counterexample cannot be
 * a replay file, or null when the file could not be written (each said on stderr).
 *
 * An explicit `--out` was checked before the search: it is new, or `--force` replaces it. If it appeared
 * during the search it is still not replaced: the next free `-2`, `-3`… name is used, as for the default
 * name, so the finding is not lost.
 */
function saveReplay(
  cx: Counterexample,
  options: { seed: number; out: OutTarget | undefined },
  io: Io,
): string | undefined | null {
  const file = replayFileOf(cx, { seed: options.seed });
  const wanted = options.out?.path ?? defaultReplayFileName(file);
  try {
    const written = writeReplayFile(wanted, file, options.out?.force ? { overwrite: true } : { unique: true });
    if (written !== wanted) io.err(`sbsim check: ${wanted} already exists; wrote ${written} instead`);
    return written;
  } catch (e) {
    // The harness's own nondeterminism is not a finding about the model: exit 3, nothing written.
    if (e instanceof NondeterminismError) throw e;
    if (e instanceof ReplayFileError) {
      io.err(`sbsim check: the counterexample cannot be saved as a replay file: ${e.message}`);
      return undefined;
    }
    if (isFsError(e)) {
      io.err(`sbsim check: could not write the replay file ${wanted}: ${fsReason(e)}`);
      return null;
    }
    throw e;
  }
}

/**
 * The report as JSON. `timing: false` (`--no-timing`) leaves out the wall-clock fields (`ms`,
 * `exploreMs`), so two runs of one seed with a run budget print byte-identical output.
 */
export function jsonReport(report: CheckReport, timing = true): unknown {
  const { counterexample: cx, ms, exploreMs, ...rest } = report;
  return {
    ...rest,
    ...(timing ? { ms, exploreMs } : {}),
    ...(cx
      ? {
          violation: cx.violation,
          counterexample: {
            picks: cx.picks,
            decisions: cx.decisions,
            workload: cx.workload,
            original: cx.original,
            shrunk: cx.shrunk,
            fastCheck: cx.fastCheck,
          },
        }
      : {}),
  };
}

const pct = (n: number, d: number): string =>
  d === 0 ? '0%' : `${((100 * n) / d).toFixed(n === 0 || n === d ? 0 : 1)}%`;

/** About how wide the never-taken list of a machine's line may grow before "+N more" (all with --transitions). */
const NEVER_WIDTH = 90;

export function renderReport(report: CheckReport, color: boolean, options: { allTransitions?: boolean } = {}): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  const perSecond = report.ms > 0 ? (report.runs * 1000) / report.ms : 0;
  // Under 10 runs a second a rounded rate reads as "(0/s)": show a decimal instead.
  const rate = perSecond > 0 ? ` (${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s)` : '';
  lines.push(c.bold('Exploration'));
  lines.push(`  runs: ${report.runs}${rate} in ${(report.ms / 1000).toFixed(1)} s, seed ${report.seed}`);
  lines.push(`  strategy: ${strategyText(report.strategy, report.pctDepth)}`);
  if (report.workers) lines.push(`  workers: ${report.workers.count}, seeds ${report.workers.seeds.join(', ')}`);
  if (report.shard) lines.push(`  shard: ${report.shard.index}/${report.shard.count}`);
  lines.push(...renderSearched(report, c, options));
  const cx = report.counterexample;
  if (!cx) {
    lines.push(c.green(`All ${report.properties.length} properties hold over ${count(report.runs, 'run')}.`));
    return lines.join('\n');
  }
  lines.push(...renderCounterexample(cx, cx.fastCheck.seed, c));
  return lines.join('\n');
}

/** What a search saw, in a report of one search or of many merged (`sbsim merge`). */
export type Searched = Pick<
  CheckReport,
  'runs' | 'steps' | 'boundHits' | 'properties' | 'coverage' | 'transitions' | 'observations'
>;

/**
 * The body of a summary, after its first lines: steps per run, the step bound, the properties, the
 * situations reached, the transitions taken and the observations.
 */
export function renderSearched(
  report: Searched,
  c: InstanceType<typeof Chalk>,
  options: { allTransitions?: boolean } = {},
): string[] {
  const lines: string[] = [];
  lines.push(`  steps per run: ${report.steps.min} min, ${report.steps.avg.toFixed(1)} avg, ${report.steps.max} max`);
  const bound = `  hit the step bound: ${count(report.boundHits, 'run')} (${pct(report.boundHits, report.runs)})`;
  lines.push(
    report.boundHits * 10 > report.runs
      ? c.yellow(`${bound} — raise maxSteps: a search that hits the bound explores less`)
      : bound,
  );
  lines.push(`  properties: ${report.properties.join(', ')}`);
  lines.push(c.bold('Situations reached'));
  for (const [key, text] of Object.entries(SITUATIONS) as [Situation, string][]) {
    const n = report.coverage[key];
    lines.push(`  ${n > 0 ? c.green('✓') : c.yellow('✗')} ${text}: ${count(n, 'run')} (${pct(n, report.runs)})`);
  }
  if (report.transitions) lines.push(...renderTransitions(report.transitions, c, options.allTransitions === true));
  if (report.observations.length > 0) {
    lines.push(c.bold('Observed (documented, not violations)'));
    for (const o of report.observations.slice(0, 6))
      lines.push(`  • ${o.text}${o.count > 1 ? ` (${count(o.count, 'run')})` : ''}`);
  }
  return lines;
}

/**
 * Per machine: N of M transitions taken, and the first few never taken (all of them, one a line, with
 * `--transitions`).
 */
function renderTransitions(t: TransitionCoverageReport, c: InstanceType<typeof Chalk>, all: boolean): string[] {
  const cannot = t.total - t.takeable;
  const lines = [
    c.bold(`Transitions taken: ${t.taken} of the ${t.takeable} that can be (${pct(t.taken, t.takeable)})`) +
      (cannot > 0 ? c.dim(`; ${cannot} more cannot be, by construction`) : ''),
  ];
  const width = Math.max(...t.machines.map((m) => m.name.length));
  const ratioWidth = Math.max(...t.machines.map((m) => `${m.taken} of ${m.takeable}`.length));
  let hidden = 0;
  for (const m of t.machines) {
    const ratio = `${m.taken} of ${m.takeable}`;
    const head = `  ${m.taken >= m.takeable ? c.green('✓') : c.yellow('✗')} ${m.name.padEnd(width)}  ${ratio}`;
    if (m.never.length === 0 || all) {
      lines.push(head);
      if (all) {
        for (const n of m.never) lines.push(`      ${c.dim('never:')} ${n.label}`);
        for (const n of m.cannot) lines.push(`      ${c.dim('cannot:')} ${n.short} ${c.dim(`(${n.why})`)}`);
      }
      continue;
    }
    // As many as fit a line of about NEVER_WIDTH characters, at least one.
    const shown: string[] = [];
    let used = 0;
    for (const n of m.never) {
      if (shown.length > 0 && used + n.short.length > NEVER_WIDTH) break;
      shown.push(n.short);
      used += n.short.length + 2;
    }
    const more = m.never.length - shown.length;
    hidden += more;
    lines.push(
      `${head.padEnd(head.length + ratioWidth - ratio.length)}  ${c.dim('never:')} ${shown.join('; ')}${more > 0 ? c.dim(`; +${more} more`) : ''}`,
    );
  }
  if (hidden > 0) lines.push(c.dim('  (--transitions lists every transition never taken; --json carries them all)'));
  return lines;
}

function renderCounterexample(cx: Counterexample, seed: number, c: InstanceType<typeof Chalk>): string[] {
  const lines: string[] = [];
  lines.push(c.red.bold(`Violation of ${cx.violation.property}`));
  lines.push(`  ${visible(cx.violation.message)}`);
  lines.push(
    `  shrunk from ${count(cx.original.steps, 'step')} (${count(cx.original.decisions, 'decision')}), ${count(cx.original.messages, 'message')}, ${count(cx.original.consumers, 'consumer')} to ${count(cx.shrunk.steps, 'step')} (${count(cx.shrunk.decisions, 'decision')}, ${cx.shrunk.deviations} off the default), ${count(cx.shrunk.messages, 'message')}, ${count(cx.shrunk.consumers, 'consumer')}`,
  );
  lines.push(c.bold('  What happened'));
  for (const e of cx.trace) {
    if (e.k !== 'fact') continue;
    const mark = cx.violation.step !== null && e.step === cx.violation.step ? c.red('▶') : ' ';
    lines.push(`  ${mark} t=${String(e.t).padStart(6)}ms  ${describeFact(e.fact, c)}`);
  }
  lines.push(`  seed ${seed}, fast-check path "${cx.fastCheck.path}"`);
  lines.push(`  decisions: ${JSON.stringify(cx.decisions.map((d) => d.pick))}`);
  return lines;
}
