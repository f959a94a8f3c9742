/**
 * The Chooser: the one source of nondeterminism. Every choice the world makes — which pending event is
 * delivered next, which session accept-next grants, how long processing takes, which outcome a handler
 * picks — goes through here and is recorded as a typed decision. A seed or a decision list reproduces
 * a run exactly.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** `schedule`: which event is delivered next; `choice`: a broker or client choice; `int`: a duration. */
export type DecisionKind = 'schedule' | 'choice' | 'int';

export interface Decision {
  /** Index of the decision in the run. */
  readonly i: number;
  readonly kind: DecisionKind;
  /** What was being decided: `deliver`, `acceptNext:consumer:c1`, `duration:consumer:c2`… */
  readonly name: string;
  /** Number of options (for `int`: the size of the range). */
  readonly n: number;
  /** The index picked (for `int`: the value minus the range minimum). */
  readonly pick: number;
  /** The option picked, in words: the divergence check compares it. */
  readonly label: string;
}

/**
 * Where picks come from. `next(n)` picks one of `n` options; a source that schedules by what the
 * options are (PCT: by the actor each one belongs to) reads them through `labelOf` and `kind`, which
 * the Chooser always passes (`labelOf` only for `schedule` and `choice`). Labels cost a string each:
 * a source that does not need them never calls `labelOf`.
 */
export interface PickSource {
  next(n: number, labelOf?: (i: number) => string, kind?: DecisionKind): number;
  readonly describe: string;
}

/** A seeded PRNG (xoroshiro128+ from pure-rand). */
export function seededSource(seed: number): PickSource {
  const rng = xoroshiro128plus(seed | 0);
  return { next: (n) => (n <= 1 ? 0 : uniformInt(rng, 0, n - 1)), describe: `seed ${seed}` };
}

/**
 * A list of picks, as fast-check generates and shrinks them: each value is taken modulo the number
 * of options, and past the end of the list every pick is 0 (the first option, the smallest duration),
 * so a shorter list is a simpler schedule.
 */
export function listSource(picks: readonly number[]): PickSource {
  let at = 0;
  return {
    next: (n) => {
      const v = at < picks.length ? (picks[at] ?? 0) : 0;
      at++;
      return n <= 1 ? 0 : Math.abs(v) % n;
    },
    describe: `decision list of ${picks.length}`,
  };
}

export class DivergenceError extends Error {
  override readonly name = 'DivergenceError';
  constructor(
    readonly index: number,
    readonly expected: Decision,
    readonly actual: { kind: DecisionKind; name: string; n: number; labels: readonly string[] },
    reason: string,
  ) {
    super(`Replay diverged at decision ${index}: ${reason}`);
  }
}

export class Chooser {
  readonly decisions: Decision[] = [];
  private readonly source: PickSource;
  /** When replaying recorded decisions, each one is checked against what the run offers. */
  private readonly expected: readonly Decision[] | null;

  constructor(source: PickSource, options: { expected?: readonly Decision[] } = {}) {
    this.source = source;
    this.expected = options.expected ?? null;
  }

  static seeded(seed: number): Chooser {
    return new Chooser(seededSource(seed));
  }

  static fromList(picks: readonly number[]): Chooser {
    return new Chooser(listSource(picks));
  }

  /** Replay recorded decisions exactly; a mismatch throws DivergenceError naming the decision. */
  static replaying(decisions: readonly Decision[]): Chooser {
    return new Chooser(listSource(decisions.map((d) => d.pick)), { expected: decisions });
  }

  get describe(): string {
    return this.source.describe;
  }

  /**
   * Pick one of `n` options; `labelOf(i)` names option i (called only for what is recorded or checked,
   * so the hot path builds one string). A single option is not a decision and is not recorded.
   */
  pick(kind: 'schedule' | 'choice', name: string, n: number, labelOf: (i: number) => string): number {
    if (n <= 1) return 0;
    const i = this.decisions.length;
    const pick = this.expected ? this.checked(i, kind, name, n, labelOf) : this.source.next(n, labelOf, kind);
    this.decisions.push({ i, kind, name, n, pick, label: labelOf(pick) });
    return pick;
  }

  /** Pick an integer in [min, max]. */
  int(name: string, min: number, max: number): number {
    const n = max - min + 1;
    if (n <= 1) return min;
    const i = this.decisions.length;
    const pick = this.expected ? this.checkedInt(i, name, n) : this.source.next(n, undefined, 'int');
    this.decisions.push({ i, kind: 'int', name, n, pick, label: String(min + pick) });
    return min + pick;
  }

  private checked(i: number, kind: DecisionKind, name: string, n: number, labelOf: (i: number) => string): number {
    const want = this.expected?.[i];
    const labels = Array.from({ length: n }, (_, k) => labelOf(k));
    const actual = { kind, name, n, labels };
    if (!want)
      throw new DivergenceError(
        i,
        { i, kind, name, n: 0, pick: 0, label: '' },
        actual,
        `the run asks for a decision (${kind} ${name}) past the ${i} recorded.`,
      );
    if (want.kind !== kind || want.name !== name) {
      throw new DivergenceError(
        i,
        want,
        actual,
        `recorded ${want.kind} "${want.name}" (${want.label}), but the model now asks for ${kind} "${name}" among [${labels.join(', ')}].`,
      );
    }
    // Options may share a label (a consumer whose outcomes are ['complete', 'complete', 'close']): the
    // recorded index wins while it still names the recorded option, so a replay is byte-identical.
    if (labels[want.pick] === want.label) return want.pick;
    const at = labels.indexOf(want.label);
    if (at < 0) {
      throw new DivergenceError(
        i,
        want,
        actual,
        `recorded ${kind} "${name}" picked "${want.label}", which the model no longer offers; options are [${labels.join(', ')}].`,
      );
    }
    return at;
  }

  private checkedInt(i: number, name: string, n: number): number {
    const want = this.expected?.[i];
    const actual = { kind: 'int' as const, name, n, labels: [] };
    if (!want || want.kind !== 'int' || want.name !== name || want.n !== n) {
      const rec = want ? `recorded ${want.kind} "${want.name}" over ${want.n}` : 'no decision recorded';
      throw new DivergenceError(
        i,
        want ?? { i, kind: 'int', name, n: 0, pick: 0, label: '' },
        actual,
        `${rec}, but the model now asks for int "${name}" over ${n} values.`,
      );
    }
    return want.pick;
  }
}
