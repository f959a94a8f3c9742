/**
 * PCT, the probabilistic concurrency testing scheduler (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
 * Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS'10), adapted to message
 * passing: priorities belong to actors, not threads.
 *
 * - Every actor gets a random priority when it first shows up among the options (inserted at a random
 *   place in the order, as Coyote's PrioritizationStrategy does for new operation groups).
 * - At each `schedule` decision the option whose actor has the highest priority wins: the head of that
 *   actor's mailbox, or its earliest due timer. An option's actor is the mailbox owner
 *   (`mail <actorId> <- …`) or the timer's owner (`timer <owner>|<key>@<t>`); the world's own timers
 *   (message sends and fault plans) belong to one actor, `world`.
 * - d−1 priority change points are drawn among the schedule decisions 1..k, k the expected run length.
 *   At change point i (i = 1..d−1, in the order drawn) the actor about to run drops to priority i, below
 *   every actor that never dropped: the paper's construction, so a bug of depth d is found with
 *   probability at least 1/(n·k^(d−1)) per run for n actors.
 * - `choice` and `int` decisions (broker choices, durations) stay uniform.
 *
 * Deterministic given its seed: the change points are drawn first, then every priority and every
 * uniform pick comes from the same xoroshiro128+ stream, in decision order.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { DecisionKind, PickSource } from './chooser.ts';

export const DEFAULT_PCT_DEPTH = 3;

export interface PctOptions {
  /** Bug depth d: d−1 priority change points. Default 3. */
  readonly depth?: number;
  /** Expected number of schedule decisions in a run (k): the range the change points are drawn from. */
  readonly expectedLength: number;
}

/** The actor an option of a `schedule` decision belongs to, read from its label. */
export function actorOfOption(label: string): string {
  if (label.startsWith('mail ')) {
    const end = label.indexOf(' <- ', 5);
    return label.slice(5, end < 0 ? undefined : end);
  }
  if (label.startsWith('timer ')) {
    const bar = label.indexOf('|', 6);
    if (bar >= 0) return label.slice(6, bar);
    const at = label.lastIndexOf('@');
    return label.slice(6, at > 6 ? at : undefined);
  }
  return label;
}

export class PctSource implements PickSource {
  readonly describe: string;
  readonly depth: number;
  readonly expectedLength: number;
  /** Schedule decision (1-based) → the priority the running actor drops to there (1..d−1). */
  readonly changePoints: ReadonlyMap<number, number>;
  private readonly rng: ReturnType<typeof xoroshiro128plus>;
  /** Actors that never dropped, highest priority first. */
  private readonly ranked: string[] = [];
  /** Actors that dropped at a change point, with the priority they dropped to (all below `ranked`). */
  private readonly dropped = new Map<string, number>();
  private scheduleDecisions = 0;

  constructor(seed: number, options: PctOptions) {
    const depth = options.depth ?? DEFAULT_PCT_DEPTH;
    if (!Number.isInteger(depth) || depth < 1)
      throw new RangeError(`PCT depth must be a whole number ≥ 1, not ${depth}`);
    this.depth = depth;
    this.expectedLength = Math.max(1, Math.round(options.expectedLength));
    this.rng = xoroshiro128plus(seed | 0);
    const points = new Map<number, number>();
    const wanted = Math.min(depth - 1, this.expectedLength);
    while (points.size < wanted) {
      const at = uniformInt(this.rng, 1, this.expectedLength);
      if (!points.has(at)) points.set(at, points.size + 1);
    }
    this.changePoints = points;
    this.describe = `pct seed ${seed}, depth ${depth}, over ${this.expectedLength} decisions`;
  }

  next(n: number, labelOf?: (i: number) => string, kind?: DecisionKind): number {
    if (n <= 1) return 0;
    if (kind !== 'schedule' || labelOf === undefined) return uniformInt(this.rng, 0, n - 1);
    this.scheduleDecisions++;
    const actors = Array.from({ length: n }, (_, i) => actorOfOption(labelOf(i)));
    for (const actor of actors) this.meet(actor);
    let best = this.highest(actors);
    const drop = this.changePoints.get(this.scheduleDecisions);
    if (drop !== undefined) {
      const running = actors[best] ?? '';
      const at = this.ranked.indexOf(running);
      if (at >= 0) this.ranked.splice(at, 1);
      this.dropped.set(running, drop);
      best = this.highest(actors);
    }
    return best;
  }

  /** The priority order now, highest first (for tests and for explaining a run). */
  priorities(): string[] {
    const dropped = [...this.dropped].sort((a, b) => b[1] - a[1]).map(([actor]) => actor);
    return [...this.ranked, ...dropped];
  }

  /** A new actor takes a random place among those that never dropped. */
  private meet(actor: string): void {
    if (this.dropped.has(actor) || this.ranked.includes(actor)) return;
    this.ranked.splice(uniformInt(this.rng, 0, this.ranked.length), 0, actor);
  }

  /** Priority: d + rank from the bottom for actors that never dropped, the drop level (< d) for the others. */
  private priorityOf(actor: string): number {
    const level = this.dropped.get(actor);
    if (level !== undefined) return level;
    return this.depth + (this.ranked.length - this.ranked.indexOf(actor));
  }

  /** The first option whose actor has the highest priority. */
  private highest(actors: readonly string[]): number {
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < actors.length; i++) {
      const p = this.priorityOf(actors[i] ?? '');
      if (p > bestPriority) {
        best = i;
        bestPriority = p;
      }
    }
    return best;
  }
}

export function pctSource(seed: number, options: PctOptions): PctSource {
  return new PctSource(seed, options);
}
