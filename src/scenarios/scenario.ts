/**
 * A teaching scenario: a fixed workload and schedule (or a driver script) that shows one session rule,
 * with a title, a one-line lesson, a short narrative citing the rule in the reference
 * (docs/semantics.md), and a function computing its documented outcome from its runs.
 * The outcome is what the scenario tests assert exactly, so the teaching material cannot drift from the
 * model.
 */
import type { Driver } from '../world/driver.ts';
import type { RunOptions } from '../world/run.ts';
import { runWorkload } from '../world/run.ts';
import type { WorkloadInput } from '../world/workload.ts';
import { normalizeWorkload } from '../world/workload.ts';
import type { WorldState } from '../world/world.ts';
import type { TraceEvent } from '../trace/types.ts';
import type { TracePanel } from '../trace/timeline.ts';

/** One run of a scenario. */
export interface ScenarioRun extends TracePanel {
  readonly label: string;
  readonly trace: readonly TraceEvent[];
  readonly final: WorldState;
  readonly steps: number;
  readonly hitBound: boolean;
  readonly endedAtMs: number;
  /** Machine transitions the run took (transition id → times), for the charts beside the timeline. */
  readonly transitions: ReadonlyMap<string, number>;
}

/** Every outcome says itself in sentences; each scenario adds the exact values its tests assert. */
export interface OutcomeBase {
  readonly summary: readonly string[];
}

export interface Scenario<O extends OutcomeBase = OutcomeBase> {
  /** Kebab-case id: `sbsim teach <id>`. */
  readonly id: string;
  readonly title: string;
  /** One line: what to remember. */
  readonly lesson: string;
  /** Where the rule is in the reference: section and source key, e.g. `§2.6, D1 table`. */
  readonly rule: string;
  /** A few sentences: what happens and why, citing the rule. */
  readonly narrative: string;
  /** Run the scenario: deterministic, the same trace every time. */
  run(): readonly ScenarioRun[];
  /** The documented outcome, computed from the runs. */
  outcome(runs: readonly ScenarioRun[]): O;
}

/** The first-option schedule: every choice takes option 0 (oldest mail first, earliest timer first). */
export const FIRST_OPTION: RunOptions = { picks: [] };

/** Run a workload as one labelled run of a scenario. */
export function workloadRun(label: string, workload: WorkloadInput, options: RunOptions = FIRST_OPTION): ScenarioRun {
  const transitions = new Map<string, number>();
  const r = runWorkload(normalizeWorkload(workload), { ...options, trace: 'full', coverage: transitions });
  return {
    label,
    trace: r.trace,
    final: r.final,
    steps: r.steps,
    hitBound: r.hitBound,
    endedAtMs: r.endedAtMs,
    transitions,
  };
}

/** The run a driver script produced. */
export function driverRun(label: string, d: Driver): ScenarioRun {
  const r = d.world.result();
  return {
    label,
    trace: [...r.trace],
    final: r.final,
    steps: r.steps,
    hitBound: r.hitBound,
    endedAtMs: r.endedAtMs,
    transitions: d.coverage,
  };
}

/** The run with this index; a scenario's own runs always exist, so a missing one is a programming error. */
export function runAt(runs: readonly ScenarioRun[], i: number): ScenarioRun {
  const r = runs[i];
  if (!r) throw new Error(`scenario run ${i} is missing (have ${runs.length})`);
  return r;
}
