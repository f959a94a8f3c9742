/**
 * Search strategies: how each run of the search is scheduled.
 *
 * - `list` (the default): fast-check generates a decision list (properties/arbitraries/schedule.ts) and
 *   shrinks it directly.
 * - `random`: fast-check generates a 32-bit seed and the run is a uniform random walk from it.
 * - `pct`: fast-check generates a 32-bit seed for a PCT scheduler (src/sim/pct.ts): actor priorities
 *   with d−1 change points, Burckhardt et al., ASPLOS'10.
 * - `portfolio`: each run draws one of the three (as Coyote's and P's portfolios mix their strategies).
 *
 * A seeded run records every decision it made, so a failing one turns into the decision list that
 * replays it exactly: that list is its first (and only) shrink, and from there on it shrinks like any
 * generated list. fast-check's path therefore stays a complete address of the counterexample.
 */
import fc from 'fast-check';
import { scheduleArb } from '../../properties/arbitraries/schedule.ts';
import type { Workload } from '../world/workload.ts';

export type Strategy = 'list' | 'random' | 'pct' | 'portfolio';
export const STRATEGIES: readonly Strategy[] = ['list', 'random', 'pct', 'portfolio'];

export function isStrategy(s: unknown): s is Strategy {
  return typeof s === 'string' && (STRATEGIES as readonly string[]).includes(s);
}

/** A run scheduled by a seeded source rather than a list. */
export interface SeededSchedule {
  readonly kind: 'random' | 'pct';
  readonly seed: number;
}

/** What one run is scheduled by: a decision list (value i picks option `value mod n`), or a seed. */
export type Schedule = readonly number[] | SeededSchedule;

export type Example = [Workload, Schedule];

export function isSeeded(schedule: Schedule): schedule is SeededSchedule {
  return !Array.isArray(schedule);
}

/** A recorded run as a decision list: the picks, less the trailing zeros (past the end of a list, every pick is 0). */
export function picksOf(decisions: readonly { readonly pick: number }[]): number[] {
  let end = decisions.length;
  while (end > 0 && decisions[end - 1]?.pick === 0) end--;
  return decisions.slice(0, end).map((d) => d.pick);
}

/**
 * Workload and schedule, generated together. `toPicks` runs a seeded schedule on its workload and gives
 * the decision list of that run: the shrink of a seeded example.
 */
class SeededExampleArbitrary extends fc.Arbitrary<Example> {
  private readonly pair: fc.Arbitrary<[Workload, number[]]>;

  constructor(
    private readonly workloads: fc.Arbitrary<Workload>,
    private readonly kinds: readonly ('list' | 'random' | 'pct')[],
    private readonly toPicks: (input: Workload, schedule: SeededSchedule) => readonly number[],
  ) {
    super();
    this.pair = fc.tuple(workloads, scheduleArb());
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Example> {
    const kind = this.kinds.length === 1 ? this.kinds[0] : this.kinds[mrng.nextInt(0, this.kinds.length - 1)];
    if (kind === 'list' || kind === undefined) return this.pair.generate(mrng, biasFactor) as fc.Value<Example>;
    const workload = this.workloads.generate(mrng, biasFactor);
    const seed = mrng.nextInt(-0x80000000, 0x7fffffff);
    return new fc.Value<Example>([workload.value, { kind, seed }], [workload.context, undefined]);
  }

  canShrinkWithoutContext(value: unknown): value is Example {
    if (!Array.isArray(value) || value.length !== 2) return false;
    const schedule = value[1] as unknown;
    if (Array.isArray(schedule)) return this.pair.canShrinkWithoutContext(value);
    return (
      typeof schedule === 'object' &&
      schedule !== null &&
      typeof (schedule as SeededSchedule).seed === 'number' &&
      this.workloads.canShrinkWithoutContext(value[0])
    );
  }

  shrink(value: Example, context: unknown): fc.Stream<fc.Value<Example>> {
    const [input, schedule] = value;
    if (!isSeeded(schedule))
      return this.pair.shrink(value as [Workload, number[]], context) as fc.Stream<fc.Value<Example>>;
    const contexts: unknown[] = Array.isArray(context) ? context : [];
    const picks = [...this.toPicks(input, schedule)];
    return fc.Stream.of(new fc.Value<Example>([input, picks], [contexts[0], undefined]));
  }
}

/** The examples the search generates under a strategy other than `list`. */
export function seededExampleArb(
  strategy: Exclude<Strategy, 'list'>,
  workloads: fc.Arbitrary<Workload>,
  toPicks: (input: Workload, schedule: SeededSchedule) => readonly number[],
): fc.Arbitrary<Example> {
  const kinds = strategy === 'portfolio' ? (['list', 'random', 'pct'] as const) : ([strategy] as const);
  return new SeededExampleArbitrary(workloads, kinds, toPicks);
}
