/**
 * The property check: fast-check generates workloads and schedules (decision lists, or seeds for the
 * random and PCT strategies), the world runs each one, every property is checked over its trace, and a
 * failure is shrunk — schedule and workload together — to a small counterexample.
 *
 * Two phases, so shrinking has a budget of its own: exploration ends on the first failure
 * (`endOnFailure`), then fast-check replays that failure from its path and shrinks it. The phases are
 * separate functions (`explore`, `finish`) so that parallel workers (parallel.ts) can explore and the
 * main thread merge their statistics and shrink the first failure.
 */
import fc from 'fast-check';
import { workloadArb } from '../../properties/arbitraries/workload.ts';
import { scheduleArb } from '../../properties/arbitraries/schedule.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { Property, RunRecord, Violation } from '../../properties/types.ts';
import type { Decision, PickSource } from '../sim/chooser.ts';
import { Chooser, seededSource } from '../sim/chooser.ts';
import { DEFAULT_PCT_DEPTH, pctSource } from '../sim/pct.ts';
import type { TraceEvent } from '../trace/types.ts';
import { runWorkload } from '../world/run.ts';
import { World } from '../world/world.ts';
import type { Workload } from '../world/workload.ts';
import { normalizeWorkload } from '../world/workload.ts';
import type { TransitionCoverageReport } from '../machines/coverage.ts';
import { countsRecord, coverageReport, mergeCounts } from '../machines/coverage.ts';
import type { TransitionCounts } from '../machines/inspect.ts';
import type { Situation } from './coverage.ts';
import { SITUATIONS, situationsOfRun } from './coverage.ts';
import type { Example, Schedule, SeededSchedule, Strategy } from './strategy.ts';
import { isSeeded, picksOf, seededExampleArb } from './strategy.ts';

export interface CheckOptions {
  readonly seed: number;
  /** Stop after this many runs (default: as many as fit in `timeMs`). */
  readonly runs?: number;
  /** Exploration budget in wall-clock ms (default 20 s when `runs` is not given). */
  readonly timeMs?: number;
  /** Shrinking budget in wall-clock ms (default 15 s). */
  readonly shrinkTimeMs?: number;
  /** Check one fixed workload (only schedules vary) instead of generated ones. */
  readonly workload?: Workload;
  /** The zoo mutant under test (`M03`); the correct model when left out. */
  readonly mutant?: string;
  readonly properties?: readonly Property[];
  /** How runs are scheduled (strategy.ts). Default `list`. */
  readonly strategy?: Strategy;
  /** PCT's bug depth d (`pct` and `portfolio`). Default 3. */
  readonly pctDepth?: number;
  readonly onProgress?: (progress: { readonly runs: number; readonly elapsedMs: number }) => void;
  /** Polled before every run: true ends the exploration without a failure (another worker found one). */
  readonly shouldStop?: () => boolean;
  /** Count the machine transitions the exploration takes (default true; costs a few per cent). */
  readonly transitionCoverage?: boolean;
}

export interface Size {
  /** Scheduling and choice decisions the run made. */
  readonly decisions: number;
  /** Decisions that differ from the default (option 0): the schedule's real content. */
  readonly deviations: number;
  readonly steps: number;
  readonly messages: number;
  readonly consumers: number;
  readonly sessions: number;
}

export interface Counterexample {
  readonly violation: Violation;
  readonly workload: Workload;
  /** The shrunk decision list (what fast-check generated, or what a seeded run's decisions became). */
  readonly picks: readonly number[];
  /** The typed decisions the run made with those picks: what a replay file records. */
  readonly decisions: readonly Decision[];
  readonly trace: readonly TraceEvent[];
  readonly original: Size;
  readonly shrunk: Size;
  /** fast-check's coordinates: `seed` is the seed of the search that found it (a worker's, under --workers). */
  readonly fastCheck: { readonly seed: number; readonly path: string; readonly shrinks: number };
}

export interface CheckReport {
  readonly passed: boolean;
  readonly seed: number;
  /** How runs were scheduled. */
  readonly strategy: Strategy;
  /** PCT's bug depth, for `pct` and `portfolio`. */
  readonly pctDepth?: number;
  /** Under --workers: how many searches ran in parallel, and the seed of each. */
  readonly workers?: { readonly count: number; readonly seeds: readonly number[] };
  /** Under --shard: which part of the search this was (1-based index of count). */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly runs: number;
  /** Wall-clock ms, exploration and shrinking. */
  readonly ms: number;
  /** Wall-clock ms of exploration alone: for a failing check, the time to the first failure. */
  readonly exploreMs: number;
  readonly steps: { readonly min: number; readonly avg: number; readonly max: number };
  /** Runs cut off by the step bound. */
  readonly boundHits: number;
  readonly coverage: Readonly<Record<Situation, number>>;
  /** Transition coverage of the exploration (not of shrinking), per machine; absent when not collected. */
  readonly transitions?: TransitionCoverageReport;
  /** Documented losses of order and other notes the properties report without failing. */
  /** Grouped by kind (ids and numbers aside): one example each, and how many runs showed that kind. */
  readonly observations: readonly { readonly text: string; readonly count: number }[];
  readonly properties: readonly string[];
  readonly counterexample?: Counterexample;
}

/**
 * One exploration's statistics and its first failure: plain data, so a worker can post it back. The
 * failure is the example and fast-check's path to it under `seed`.
 */
export interface Exploration {
  readonly seed: number;
  readonly runs: number;
  readonly ms: number;
  readonly steps: { readonly sum: number; readonly min: number; readonly max: number };
  readonly boundHits: number;
  readonly coverage: Readonly<Record<Situation, number>>;
  /** Times each machine transition was taken, by id (sorted keys); absent when not collected. */
  readonly transitions?: Readonly<Record<string, number>>;
  /** [kind, first text, runs], in the order the kinds were first seen. */
  readonly observations: readonly (readonly [string, string, number])[];
  readonly failure?: { readonly example: Example; readonly path: string };
}

interface Outcome {
  readonly record: RunRecord;
  readonly violation: Violation | undefined;
  readonly decisions: readonly Decision[];
  readonly steps: number;
}

/** Runs a schedule: a decision list through `runWorkload`, a seed through its source. */
class Runner {
  /** PCT's k per workload input: the schedule decisions of its default-schedule run. */
  private readonly lengths = new WeakMap<object, number>();
  /** The decision list each seeded run became (the seeded example's shrink). */
  private readonly recorded = new WeakMap<SeededSchedule, { input: Workload; picks: readonly number[] }>();

  constructor(
    private readonly properties: readonly Property[],
    private readonly mutant: string | undefined,
    private readonly pctDepth: number,
  ) {}

  execute(input: Workload, schedule: Schedule, full: boolean, coverage?: TransitionCounts): Outcome {
    const workload = this.mutant ? { ...input, mutant: this.mutant } : input;
    const trace = full ? 'full' : 'facts';
    const counted = coverage ? { coverage } : {};
    const result = isSeeded(schedule)
      ? new World(workload, { chooser: new Chooser(this.sourceOf(input, workload, schedule)), trace, ...counted }).run()
      : runWorkload(workload, { picks: schedule, trace, ...counted });
    if (isSeeded(schedule)) this.recorded.set(schedule, { input, picks: picksOf(result.decisions) });
    const record: RunRecord = { workload, trace: result.trace, final: result.final, hitBound: result.hitBound };
    let violation: Violation | undefined;
    for (const p of this.properties) {
      violation = p.check(record);
      if (violation) break;
    }
    return { record, violation, decisions: result.decisions, steps: result.steps };
  }

  /** The decision list that replays a seeded run exactly. */
  picksOf(input: Workload, schedule: Schedule): readonly number[] {
    if (!isSeeded(schedule)) return schedule;
    const known = this.recorded.get(schedule);
    if (known?.input === input) return known.picks;
    this.execute(input, schedule, false);
    return this.recorded.get(schedule)?.picks ?? [];
  }

  private sourceOf(input: Workload, workload: Workload, schedule: SeededSchedule): PickSource {
    if (schedule.kind === 'random') return seededSource(schedule.seed);
    return pctSource(schedule.seed, { depth: this.pctDepth, expectedLength: this.expectedLength(input, workload) });
  }

  /**
   * PCT draws its change points over the expected run length: the schedule decisions of the same
   * workload under the default schedule (always option 0), remembered per workload.
   */
  private expectedLength(input: Workload, workload: Workload): number {
    const known = this.lengths.get(input);
    if (known !== undefined) return known;
    const run = runWorkload(workload, { picks: [], trace: 'facts' });
    const length = Math.max(1, run.decisions.filter((d) => d.kind === 'schedule').length);
    this.lengths.set(input, length);
    return length;
  }
}

/**
 * The last shrink: end the run at the violating step. The schedule up to there is the same, so the
 * violation is the same; what follows it is noise. Kept only if the same property still fails.
 */
function cutAtViolation(runner: Runner, input: Workload, picks: readonly number[]): Outcome {
  const whole = runner.execute(input, picks, true);
  const step = whole.violation?.step;
  if (step === null || step === undefined || step >= whole.steps) return whole;
  const cut = runner.execute({ ...input, maxSteps: Math.max(1, step) }, picks, true);
  return cut.violation?.property === whole.violation?.property ? cut : whole;
}

/**
 * What kind of observation a note is: the note with its ids, numbers and times taken out. Observations
 * are counted by kind; a report keeps one example text of each, and `sbsim merge` regroups by it.
 */
export function observationKind(note: string): string {
  return note
    .replace(/consumer:\S+/g, 'C')
    .replace(/\b[\w-]+#\d+/g, 'M')
    .replace(/\(m\d+\)/g, '')
    .replace(/session \S+:/g, 'session:')
    .replace(/\d+/g, 'N');
}

function smaller(a: Outcome, b: Outcome): boolean {
  const key = (o: Outcome) => [
    o.steps,
    o.record.workload.messages.length,
    o.record.workload.consumers.length,
    o.decisions.length,
  ];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if ((ka[i] ?? 0) !== (kb[i] ?? 0)) return (ka[i] ?? 0) < (kb[i] ?? 0);
  return false;
}

function sizeOf(o: Outcome): Size {
  const w = o.record.workload;
  return {
    decisions: o.decisions.length,
    deviations: o.decisions.filter((d) => d.pick !== 0).length,
    steps: o.steps,
    messages: w.messages.length,
    consumers: w.consumers.length,
    sessions: new Set(w.messages.map((m) => m.sessionId ?? '')).size,
  };
}

/** Thrown by the predicate when `shouldStop` says so: ends fast-check's loop, and is not a failure. */
class StopSearch extends Error {
  override readonly name = 'StopSearch';
}

/** The search's fast-check property, whatever the shape of its examples. */
type SearchProperty = fc.IRawProperty<unknown, false>;

interface Search {
  readonly runner: Runner;
  /** The fast-check property; `onRun` sees every run's outcome, `coverage` counts its transitions (exploration only). */
  property(onRun?: (outcome: Outcome) => void, shouldStop?: () => boolean, coverage?: TransitionCounts): SearchProperty;
}

function searchOf(options: CheckOptions): Search {
  const properties = options.properties ?? ALL_PROPERTIES;
  // Generated workloads are parsed once, as they are generated; a fixed one was parsed by the caller.
  const workloads: fc.Arbitrary<Workload> = options.workload
    ? fc.constant(options.workload)
    : workloadArb().map((input) => normalizeWorkload(input));
  const runner = new Runner(properties, options.mutant, options.pctDepth ?? DEFAULT_PCT_DEPTH);
  const strategy = options.strategy ?? 'list';
  const predicate =
    (onRun?: (outcome: Outcome) => void, shouldStop?: () => boolean, coverage?: TransitionCounts) =>
    (input: Workload, schedule: Schedule) => {
      if (shouldStop?.()) throw new StopSearch('stopped');
      const outcome = runner.execute(input, schedule, false, coverage);
      onRun?.(outcome);
      return outcome.violation === undefined;
    };
  return {
    runner,
    property: (onRun, shouldStop, coverage) => {
      const run = predicate(onRun, shouldStop, coverage);
      // `list` is the search as it always was: a workload and a decision list, generated and shrunk by fast-check.
      if (strategy === 'list')
        return fc.property(workloads, scheduleArb(), (input, picks) => run(input, picks)) as SearchProperty;
      const examples = seededExampleArb(strategy, workloads, (input, schedule) => runner.picksOf(input, schedule));
      return fc.property(examples, ([input, schedule]) => run(input, schedule)) as SearchProperty;
    },
  };
}

/** An example as fast-check hands it back: the list strategy's is the tuple itself, the others' wrap it. */
function exampleOf(options: CheckOptions, value: unknown): Example {
  return (options.strategy ?? 'list') === 'list' ? (value as Example) : (value as [Example])[0];
}

/** Phase 1: search until the budget is spent or a run fails. */
export function explore(options: CheckOptions): Exploration {
  const search = searchOf(options);
  const properties = options.properties ?? ALL_PROPERTIES;
  const started = Date.now();
  const coverage = Object.fromEntries(Object.keys(SITUATIONS).map((k) => [k, 0])) as Record<Situation, number>;
  const observations = new Map<string, { text: string; count: number }>();
  const transitions: TransitionCounts | undefined = options.transitionCoverage === false ? undefined : new Map();
  let runs = 0;
  let boundHits = 0;
  let stepsMin = Infinity;
  let stepsMax = 0;
  let stepsSum = 0;

  const property = search.property(
    (outcome) => {
      runs++;
      stepsSum += outcome.steps;
      stepsMin = Math.min(stepsMin, outcome.steps);
      stepsMax = Math.max(stepsMax, outcome.steps);
      if (outcome.record.hitBound) boundHits++;
      for (const s of situationsOfRun(outcome.record)) coverage[s]++;
      const kinds = new Map<string, string>();
      for (const p of properties)
        for (const note of p.observe?.(outcome.record) ?? []) kinds.set(observationKind(note), note);
      for (const [kind, note] of kinds) {
        const seen = observations.get(kind);
        observations.set(kind, { text: seen?.text ?? note, count: (seen?.count ?? 0) + 1 });
      }
      if (options.onProgress && runs % 50 === 0) options.onProgress({ runs, elapsedMs: Date.now() - started });
    },
    options.shouldStop,
    transitions,
  );

  const timeMs = options.runs === undefined ? (options.timeMs ?? 20_000) : options.timeMs;
  const explored = fc.check(property, {
    seed: options.seed,
    numRuns: options.runs ?? 1_000_000_000,
    endOnFailure: true,
    plugins: timeMs === undefined ? [] : [fc.interruptAfterTimeLimit(timeMs)],
  });
  const stopped = explored.errorInstance instanceof StopSearch;
  const failed = explored.failed && !stopped && explored.counterexample && explored.counterexamplePath !== null;
  return {
    seed: options.seed,
    runs,
    ms: Date.now() - started,
    steps: { sum: stepsSum, min: runs === 0 ? 0 : stepsMin, max: stepsMax },
    boundHits,
    coverage,
    ...(transitions ? { transitions: countsRecord(transitions) } : {}),
    observations: [...observations].map(([kind, o]) => [kind, o.text, o.count] as const),
    ...(failed && explored.counterexample && explored.counterexamplePath !== null
      ? { failure: { example: exampleOf(options, explored.counterexample), path: explored.counterexamplePath } }
      : {}),
  };
}

/** What is summed over explorations: an exploration's statistics, or a shard report's (merge-reports.ts). */
export type Statistics = Pick<
  Exploration,
  'runs' | 'steps' | 'boundHits' | 'coverage' | 'transitions' | 'observations'
>;

/**
 * Statistics as one: runs and counts summed, steps min/avg/max over all runs, transition counts
 * summed, observations grouped by kind. The one merge of worker explorations (`--workers`) and of shard
 * reports (`sbsim merge`).
 */
export function mergeStatistics(parts: readonly Statistics[]) {
  const runs = parts.reduce((n, e) => n + e.runs, 0);
  const coverage = Object.fromEntries(Object.keys(SITUATIONS).map((k) => [k, 0])) as Record<Situation, number>;
  const observations = new Map<string, { text: string; count: number }>();
  for (const e of parts) {
    for (const k of Object.keys(coverage) as Situation[]) coverage[k] += e.coverage[k];
    for (const [kind, text, count] of e.observations) {
      const seen = observations.get(kind);
      observations.set(kind, { text: seen?.text ?? text, count: (seen?.count ?? 0) + count });
    }
  }
  const ran = parts.filter((e) => e.runs > 0);
  const counted = parts.filter((e) => e.transitions !== undefined);
  const transitions =
    counted.length === 0
      ? undefined
      : coverageReport(counted.reduce((into, e) => mergeCounts(into, e.transitions ?? {}), new Map<string, number>()));
  return {
    runs,
    steps: {
      min: ran.length === 0 ? 0 : Math.min(...ran.map((e) => e.steps.min)),
      avg: runs === 0 ? 0 : parts.reduce((n, e) => n + e.steps.sum, 0) / runs,
      max: Math.max(0, ...parts.map((e) => e.steps.max)),
    },
    boundHits: parts.reduce((n, e) => n + e.boundHits, 0),
    coverage,
    ...(transitions ? { transitions } : {}),
    observations: [...observations.values()].sort((a, b) => b.count - a.count),
  };
}

/** The explorations as one report's fields: the search's identity around their merged statistics. */
function merged(options: CheckOptions, explorations: readonly Exploration[]) {
  const strategy = options.strategy ?? 'list';
  return {
    seed: options.seed,
    strategy,
    ...(strategy === 'pct' || strategy === 'portfolio' ? { pctDepth: options.pctDepth ?? DEFAULT_PCT_DEPTH } : {}),
    ...mergeStatistics(explorations),
    properties: (options.properties ?? ALL_PROPERTIES).map((p) => p.id),
  };
}

/**
 * Phase 2: merge the explorations and shrink the first failure among them (in the order given, so the
 * outcome does not depend on which worker finished first). `started` and `exploreMs` time the whole.
 */
export function finish(
  options: CheckOptions,
  explorations: readonly Exploration[],
  timing: { readonly started: number; readonly exploreMs: number },
): CheckReport {
  const ms = Date.now() - timing.started;
  const base = { ...merged(options, explorations), ms, exploreMs: timing.exploreMs };
  const found = explorations.find((e) => e.failure !== undefined);
  if (!found?.failure) return { passed: true, ...base };

  const search = searchOf(options);
  const runner = search.runner;
  const [firstInput, firstSchedule] = found.failure.example;
  const firstPicks = runner.picksOf(firstInput, firstSchedule);
  const original = sizeOf(runner.execute(firstInput, firstPicks, false));
  const shrunkRun = fc.check(search.property(), {
    seed: found.seed,
    path: found.failure.path,
    plugins: [fc.interruptAfterTimeLimit(options.shrinkTimeMs ?? 15_000)],
  });
  const [shrunkInput, shrunkSchedule] =
    shrunkRun.failed && shrunkRun.counterexample ? exampleOf(options, shrunkRun.counterexample) : found.failure.example;
  const shrunkPicks = runner.picksOf(shrunkInput, shrunkSchedule);
  // fast-check's order (smaller values) is not always a shorter run: keep whichever of the shrunk and the
  // first failure reaches its violation in fewer steps, each cut at its violating step.
  const shrunkCut = cutAtViolation(runner, shrunkInput, shrunkPicks);
  const firstCut = cutAtViolation(runner, firstInput, firstPicks);
  const keepFirst = firstCut.violation !== undefined && smaller(firstCut, shrunkCut);
  const final = keepFirst ? firstCut : shrunkCut;
  const picks = keepFirst ? firstPicks : shrunkPicks;
  const violation = final.violation;
  if (!violation) throw new Error('sbsim: the shrunk counterexample no longer fails; the harness is nondeterministic');
  return {
    passed: false,
    ...base,
    ms: Date.now() - timing.started,
    counterexample: {
      violation,
      workload: final.record.workload,
      picks,
      decisions: final.decisions,
      trace: final.record.trace,
      original,
      shrunk: sizeOf(final),
      fastCheck: {
        seed: found.seed,
        path: shrunkRun.counterexamplePath ?? found.failure.path,
        shrinks: shrunkRun.numShrinks,
      },
    },
  };
}

export function check(options: CheckOptions): CheckReport {
  const started = Date.now();
  const exploration = explore(options);
  return finish(options, [exploration], { started, exploreMs: exploration.ms });
}
