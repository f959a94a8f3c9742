/**
 * Transition coverage: of all the transitions in the machines' definitions (source state, event, guard
 * branch), which ones runs took. The named situations (src/check/coverage.ts) say in domain words what
 * a search reached; this says how much of the model it exercised, and lists what it never did.
 */
import type { MachineDescription } from './describe.ts';
import { transitionLabel, transitionShort } from './describe.ts';
import { describeAll } from './registry.ts';
import { UNTAKEABLE } from './untakeable.ts';

export interface TransitionCount {
  readonly id: string;
  /** `held: lock.renew [validFor] / extend, armExpiry, announceRenewal`. */
  readonly label: string;
  readonly count: number;
}

export interface MachineCoverage {
  readonly name: string;
  readonly id: string;
  readonly taken: number;
  readonly total: number;
  /** Transitions that can be taken at all: `total` less the never-taken ones a rule of untakeable.ts names. */
  readonly takeable: number;
  /** Never taken and cannot be: each with the reason (untakeable.ts). */
  readonly cannot: readonly { readonly id: string; readonly short: string; readonly why: string }[];
  /** The transitions never taken that can be, in definition order (`short`: source, event and guard only). */
  readonly never: readonly { readonly id: string; readonly short: string; readonly label: string }[];
  /** Every transition with how often it was taken (0: never), in definition order. */
  readonly transitions: readonly TransitionCount[];
}

export interface TransitionCoverageReport {
  readonly taken: number;
  readonly total: number;
  readonly takeable: number;
  readonly machines: readonly MachineCoverage[];
  /** Ids counted that no described machine defines (a machine outside the model, or none: it should stay empty). */
  readonly unknown: readonly string[];
}

/** Taken ids (with counts, or a plain set counting 1 each) as a count by id. */
function countsOf(taken: Iterable<string> | ReadonlyMap<string, number> | Readonly<Record<string, number>>) {
  if (taken instanceof Map) return taken as ReadonlyMap<string, number>;
  if (typeof (taken as Iterable<string>)[Symbol.iterator] === 'function')
    return new Map([...(taken as Iterable<string>)].map((id) => [id, 1] as const));
  return new Map(Object.entries(taken as Record<string, number>));
}

/** Per machine: taken of total, the never-taken transitions, every transition's count. */
export function coverageReport(
  taken: Iterable<string> | ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  descriptions: readonly MachineDescription[] = describeAll(),
): TransitionCoverageReport {
  const counts = countsOf(taken);
  const known = new Set<string>();
  const machines = descriptions.map((d): MachineCoverage => {
    const transitions = d.transitions.map((t) => {
      known.add(t.id);
      return { id: t.id, short: transitionShort(t), label: transitionLabel(t), count: counts.get(t.id) ?? 0 };
    });
    const why = (t: { id: string; label: string }) => UNTAKEABLE.find((u) => u.matches(d.name, t))?.why;
    const cannot = transitions.flatMap((t) => {
      const reason = t.count === 0 ? why(t) : undefined;
      return reason === undefined ? [] : [{ id: t.id, short: t.short, why: reason }];
    });
    const never = transitions
      .filter((t) => t.count === 0 && !cannot.some((c) => c.id === t.id))
      .map(({ id, short, label }) => ({ id, short, label }));
    return {
      name: d.name,
      id: d.id,
      taken: transitions.filter((t) => t.count > 0).length,
      total: transitions.length,
      takeable: transitions.length - cannot.length,
      cannot,
      never,
      transitions: transitions.map(({ id, label, count }) => ({ id, label, count })),
    };
  });
  return {
    taken: machines.reduce((n, m) => n + m.taken, 0),
    total: machines.reduce((n, m) => n + m.total, 0),
    takeable: machines.reduce((n, m) => n + m.takeable, 0),
    machines,
    unknown: [...counts.keys()].filter((id) => !known.has(id) && (counts.get(id) ?? 0) > 0).sort(),
  };
}

/** Sum counts into `into` (a worker's counts into the merged ones). */
export function mergeCounts(
  into: Map<string, number>,
  from: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
): Map<string, number> {
  const entries = from instanceof Map ? [...from.entries()] : Object.entries(from);
  for (const [id, n] of entries) into.set(id, (into.get(id) ?? 0) + n);
  return into;
}

/** Counts as a plain object with sorted keys: what an exploration carries (and a worker posts back). */
export function countsRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of [...counts.keys()].sort()) out[id] = counts.get(id) ?? 0;
  return out;
}
