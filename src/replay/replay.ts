/**
 * Re-running a replay file: its decisions are fed back through `Chooser.replaying`, which checks each
 * one against what the model now offers, and every property is checked over the new trace.
 *
 * Four outcomes:
 * - `reproduced`: the recorded property fails with the recorded sentence;
 * - `changed`: some property fails, but not as recorded (another sentence, or another property);
 * - `clean`: every property holds — the bug is fixed, or the model changed under the schedule;
 * - `diverged`: the model no longer offers what a decision recorded (DivergenceError), or the run ended
 *   before using every recorded decision. The run stops there; its partial trace is kept.
 */
import { ALL_PROPERTIES, checkAll } from '../../properties/index.ts';
import type { Property, Violation } from '../../properties/types.ts';
import type { Decision } from '../sim/chooser.ts';
import { Chooser, DivergenceError } from '../sim/chooser.ts';
import type { TraceEvent } from '../trace/types.ts';
import type { WorldState } from '../world/world.ts';
import { World } from '../world/world.ts';
import type { ReplayFile } from './format.ts';
import { USER_CODE_PROPERTY, replayScript } from '../facade/script.ts';

export type ReplayOutcome = 'reproduced' | 'changed' | 'clean' | 'diverged';

export interface ReplayRun {
  readonly trace: readonly TraceEvent[];
  readonly decisions: readonly Decision[];
  readonly steps: number;
  readonly hitBound: boolean;
  readonly endedAtMs: number;
  /** Null when the run diverged before the world was built. */
  readonly final: WorldState | null;
}

export interface ReplayResult {
  readonly file: ReplayFile;
  readonly outcome: ReplayOutcome;
  readonly run: ReplayRun;
  /** The violation to report: the recorded property's if it fails, else the first other one; null when clean or diverged. */
  readonly violation: Violation | null;
  /** Every property's first violation (ALL_PROPERTIES order); empty when diverged. */
  readonly violations: readonly Violation[];
  /** Why the replay diverged, naming the decision; null otherwise. */
  readonly divergence: Divergence | null;
  /** Machine transitions the run took (transition id → times), marked on the charts of the HTML page. */
  readonly transitions: ReadonlyMap<string, number>;
}

export interface Divergence {
  readonly error: DivergenceError;
  /** The index of the first decision that no longer fits. */
  readonly index: number;
  /** The step being decided (a scheduling decision picks the delivery of the next step), and the virtual time. */
  readonly step: number;
  readonly t: number;
  /** Why, in words (from DivergenceError). */
  readonly reason: string;
}

export function replay(file: ReplayFile, properties: readonly Property[] = ALL_PROPERTIES): ReplayResult {
  const chooser = Chooser.replaying(file.decisions);
  const transitions = new Map<string, number>();
  let world: World | undefined;
  let error: DivergenceError | undefined;
  try {
    world = new World(file.workload, { chooser, trace: 'full', coverage: transitions });
    // A facade run (explore): the user's code drove the world from outside; its script redoes that.
    if (file.facade) replayScript(world, file.facade);
    else
      while (world.step()) {
        /* one step per scheduling decision */
      }
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    error = e;
  }
  const result = world?.result();
  const run: ReplayRun = {
    trace: result?.trace ?? [],
    decisions: chooser.decisions,
    steps: result?.steps ?? 0,
    hitBound: result?.hitBound ?? false,
    endedAtMs: result?.endedAtMs ?? 0,
    final: result?.final ?? null,
  };
  // The model may also ask for fewer decisions than were recorded: the run ended early.
  error ??= unusedDecisions(file.decisions, chooser.decisions.length);
  if (error) {
    // A scheduling decision picks the delivery of the next step; other decisions are made within a step.
    const step = error.actual.kind === 'schedule' && error.actual.n > 0 ? run.steps + 1 : run.steps;
    const divergence: Divergence = {
      error,
      index: error.index,
      step,
      t: run.endedAtMs,
      reason: reasonOf(error),
    };
    return { file, outcome: 'diverged', run, violation: null, violations: [], divergence, transitions };
  }
  const violations = checkAll(
    { workload: file.workload, trace: run.trace, final: run.final as WorldState, hitBound: run.hitBound },
    properties,
  );
  if (file.facade && file.property.id === USER_CODE_PROPERTY && violations.length === 0) {
    // The failure was the user's own assertion; it is not in the file, but the broker's side of the run
    // is, and it replayed without diverging: that is the reproduction a file can give.
    const { id, message, step, t } = file.property;
    return {
      file,
      outcome: 'reproduced',
      run,
      violation: { property: id, message, step, t },
      violations: [],
      transitions,
      divergence: null,
    };
  }
  const recorded = violations.find((v) => v.property === file.property.id);
  const outcome: ReplayOutcome =
    recorded?.message === file.property.message ? 'reproduced' : violations.length > 0 ? 'changed' : 'clean';
  return {
    file,
    outcome,
    run,
    violation: recorded ?? violations[0] ?? null,
    violations,
    divergence: null,
    transitions,
  };
}

function unusedDecisions(recorded: readonly Decision[], used: number): DivergenceError | undefined {
  const next = recorded[used];
  if (!next) return undefined;
  return new DivergenceError(
    used,
    next,
    { kind: next.kind, name: '', n: 0, labels: [] },
    `the run ended after ${used} decisions, but ${recorded.length} were recorded; the model never asked for ${next.kind} "${next.name}" (${next.label}).`,
  );
}

function reasonOf(e: DivergenceError): string {
  const prefix = `Replay diverged at decision ${e.index}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
