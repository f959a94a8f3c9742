/**
 * The property check: fast-check generates workloads and schedules (decision lists), the world runs
 * each one, every property is checked over its trace, and a failure is shrunk — schedule and workload
 * together — to a small counterexample.
 *
 * Two phases, so shrinking has a budget of its own: exploration ends on the first failure
 * (`endOnFailure`), then fast-check replays that failure from its path and shrinks it.
 */
import fc from 'fast-check';
import type { Bugs } from '../../models/bugs.ts';
import type { Fact } from '../../models/events.ts';
import { workloadArb } from '../../properties/arbitraries/workload.ts';
import { scheduleArb } from '../../properties/arbitraries/schedule.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { Property, RunRecord, Violation } from '../../properties/types.ts';
import type { Decision } from '../sim/chooser.ts';
import type { TraceEvent } from '../trace/types.ts';
import { runWorkload } from '../world/run.ts';
import type { Workload, WorkloadInput } from '../world/workload.ts';
import { normalizeWorkload } from '../world/workload.ts';
import type { Situation } from './coverage.ts';
import { SITUATIONS, situationsOf } from './coverage.ts';

export interface CheckOptions {
  readonly seed: number;
  /** Stop after this many runs (default: as many as fit in `timeMs`). */
  readonly runs?: number;
  /** Exploration budget in wall-clock ms (default 20 s when `runs` is not given). */
  readonly timeMs?: number;
  /** Shrinking budget in wall-clock ms (default 15 s). */
  readonly shrinkTimeMs?: number;
  /** Check one fixed workload (only schedules vary) instead of generated ones. */
  readonly workload?: WorkloadInput;
  /** Seeded bugs: the mutant under test. */
  readonly bugs?: Bugs;
  readonly properties?: readonly Property[];
  readonly onProgress?: (progress: { readonly runs: number; readonly elapsedMs: number }) => void;
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
  /** The shrunk decision list (what fast-check generated). */
  readonly picks: readonly number[];
  /** The typed decisions the run made with those picks: what a replay file records. */
  readonly decisions: readonly Decision[];
  readonly trace: readonly TraceEvent[];
  readonly original: Size;
  readonly shrunk: Size;
  readonly fastCheck: { readonly seed: number; readonly path: string; readonly shrinks: number };
}

export interface CheckReport {
  readonly passed: boolean;
  readonly seed: number;
  readonly runs: number;
  /** Wall-clock ms, exploration and shrinking. */
  readonly ms: number;
  /** Wall-clock ms of exploration alone: for a failing check, the time to the first failure. */
  readonly exploreMs: number;
  readonly steps: { readonly min: number; readonly avg: number; readonly max: number };
  /** Runs cut off by the step bound. */
  readonly boundHits: number;
  readonly coverage: Readonly<Record<Situation, number>>;
  /** Documented losses of order and other notes the properties report without failing. */
  /** Grouped by kind (ids and numbers aside): one example each, and how many runs showed that kind. */
  readonly observations: readonly { readonly text: string; readonly count: number }[];
  readonly properties: readonly string[];
  readonly counterexample?: Counterexample;
}

type Example = [WorkloadInput, number[]];

interface Outcome {
  readonly record: RunRecord;
  readonly violation: Violation | undefined;
  readonly decisions: readonly Decision[];
  readonly steps: number;
}

function execute(
  input: WorkloadInput,
  picks: readonly number[],
  properties: readonly Property[],
  bugs: Bugs | undefined,
  full: boolean,
): Outcome {
  const workload = normalizeWorkload(bugs ? { ...input, bugs } : input);
  const result = runWorkload(workload, { picks, trace: full ? 'full' : 'facts' });
  const record: RunRecord = { workload, trace: result.trace, final: result.final, hitBound: result.hitBound };
  let violation: Violation | undefined;
  for (const p of properties) {
    violation = p.check(record);
    if (violation) break;
  }
  return { record, violation, decisions: result.decisions, steps: result.steps };
}

/**
 * The last shrink: end the run at the violating step. The schedule up to there is the same, so the
 * violation is the same; what follows it is noise. Kept only if the same property still fails.
 */
function cutAtViolation(
  input: WorkloadInput,
  picks: readonly number[],
  properties: readonly Property[],
  bugs: Bugs | undefined,
): Outcome {
  const whole = execute(input, picks, properties, bugs, true);
  const step = whole.violation?.step;
  if (step === null || step === undefined || step >= whole.steps) return whole;
  const cut = execute({ ...input, maxSteps: Math.max(1, step) }, picks, properties, bugs, true);
  return cut.violation?.property === whole.violation?.property ? cut : whole;
}

/** What kind of observation a note is: the note with its ids, numbers and times taken out. */
function observationKind(note: string): string {
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

export function check(options: CheckOptions): CheckReport {
  const properties = options.properties ?? ALL_PROPERTIES;
  const workloads: fc.Arbitrary<WorkloadInput> = options.workload ? fc.constant(options.workload) : workloadArb();
  // A fixed workload is validated once, up front: bad input is a usage error, not a counterexample.
  if (options.workload) normalizeWorkload(options.workload);
  const started = Date.now();
  const coverage = Object.fromEntries(Object.keys(SITUATIONS).map((k) => [k, 0])) as Record<Situation, number>;
  const observations = new Map<string, { text: string; count: number }>();
  let runs = 0;
  let boundHits = 0;
  let stepsMin = Infinity;
  let stepsMax = 0;
  let stepsSum = 0;
  let exploring = true;

  const property = fc.property(workloads, scheduleArb(), (input, picks) => {
    const outcome = execute(input, picks, properties, options.bugs, false);
    if (exploring) {
      runs++;
      stepsSum += outcome.steps;
      stepsMin = Math.min(stepsMin, outcome.steps);
      stepsMax = Math.max(stepsMax, outcome.steps);
      if (outcome.record.hitBound) boundHits++;
      const facts = outcome.record.trace.flatMap((e) => (e.k === 'fact' ? [e.fact as Fact] : []));
      for (const s of situationsOf(facts)) coverage[s]++;
      const kinds = new Map<string, string>();
      for (const p of properties) for (const note of p.observe?.(outcome.record) ?? []) kinds.set(observationKind(note), note);
      for (const [kind, note] of kinds) {
        const seen = observations.get(kind);
        observations.set(kind, { text: seen?.text ?? note, count: (seen?.count ?? 0) + 1 });
      }
      if (options.onProgress && runs % 50 === 0) options.onProgress({ runs, elapsedMs: Date.now() - started });
    }
    return outcome.violation === undefined;
  });

  const timeMs = options.runs === undefined ? (options.timeMs ?? 20_000) : options.timeMs;
  const explored = fc.check(property, {
    seed: options.seed,
    numRuns: options.runs ?? 1_000_000_000,
    endOnFailure: true,
    plugins: timeMs === undefined ? [] : [fc.interruptAfterTimeLimit(timeMs)],
  }) as fc.RunDetails<Example>;
  exploring = false;
  const ms = Date.now() - started;
  const base = {
    seed: options.seed,
    runs,
    ms,
    exploreMs: ms,
    steps: { min: runs === 0 ? 0 : stepsMin, avg: runs === 0 ? 0 : stepsSum / runs, max: stepsMax },
    boundHits,
    coverage,
    observations: [...observations.values()].sort((a, b) => b.count - a.count),
    properties: properties.map((p) => p.id),
  };
  if (!explored.failed || !explored.counterexample || explored.counterexamplePath === null)
    return { passed: true, ...base };

  const [firstInput, firstPicks] = explored.counterexample;
  const original = sizeOf(execute(firstInput, firstPicks, properties, options.bugs, false));
  const shrunkRun = fc.check(property, {
    seed: options.seed,
    path: explored.counterexamplePath,
    plugins: [fc.interruptAfterTimeLimit(options.shrinkTimeMs ?? 15_000)],
  }) as fc.RunDetails<Example>;
  const [shrunkInput, shrunkPicks] =
    shrunkRun.failed && shrunkRun.counterexample ? shrunkRun.counterexample : explored.counterexample;
  // fast-check's order (smaller values) is not always a shorter run: keep whichever of the shrunk and the
  // first failure reaches its violation in fewer steps, each cut at its violating step.
  const shrunkCut = cutAtViolation(shrunkInput, shrunkPicks, properties, options.bugs);
  const firstCut = cutAtViolation(firstInput, firstPicks, properties, options.bugs);
  const keepFirst = firstCut.violation !== undefined && smaller(firstCut, shrunkCut);
  const final = keepFirst ? firstCut : shrunkCut;
  const picks = keepFirst ? firstPicks : shrunkPicks;
  const violation = final.violation;
  if (!violation) throw new Error('sbsim: the shrunk counterexample no longer fails; the harness is nondeterministic');
  return {
    passed: false,
    ...base,
    ms: Date.now() - started,
    counterexample: {
      violation,
      workload: final.record.workload,
      picks,
      decisions: final.decisions,
      trace: final.record.trace,
      original,
      shrunk: sizeOf(final),
      fastCheck: {
        seed: options.seed,
        path: shrunkRun.counterexamplePath ?? explored.counterexamplePath,
        shrinks: shrunkRun.numShrinks,
      },
    },
  };
}
