/**
 * What a property is: a pure function over one run's record (trace, workload, final state) that
 * returns the first violation it finds, as a full sentence, or nothing.
 */
import type { TraceEvent } from '../src/trace/types.ts';
import type { WorldState } from '../src/world/world.ts';
import type { Workload } from '../src/world/workload.ts';

export interface RunRecord {
  readonly workload: Workload;
  readonly trace: readonly TraceEvent[];
  readonly final: WorldState;
  /** True when the run was cut off by the step bound: end-of-run checks (conservation) then say less. */
  readonly hitBound: boolean;
}

export interface Violation {
  readonly property: string;
  /** A full sentence: what happened, to which message, session, consumer and lock, and when. */
  readonly message: string;
  /** Step and virtual time of the violating event, when there is one. */
  readonly step: number | null;
  readonly t: number | null;
}

export interface Property {
  readonly id: string;
  readonly title: string;
  /** The rule checked, with its source in docs/semantics.md. */
  readonly rule: string;
  check(run: RunRecord): Violation | undefined;
  /**
   * Documented losses of the guarantee that are not violations (it does not apply there), as notes:
   * "session s1: completions out of order (3 before 2) because consumer:c1 runs 2 calls per session".
   * A property reports these rather than hiding them.
   */
  observe?(run: RunRecord): string[];
}
