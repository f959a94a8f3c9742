/**
 * The mutant zoo run: the property search against every mutant, and the clean model against the same
 * budget. A mutant is killed when the search finds a violation and shrinks it.
 */
import type { Mutant } from '../../models/mutants/index.ts';
import { MUTANTS } from '../../models/mutants/index.ts';
import type { CheckReport } from './check.ts';
import { check } from './check.ts';

export interface MutantResult {
  readonly id: string;
  readonly slug: string;
  readonly description: string;
  readonly killed: boolean;
  /** The property that caught it. */
  readonly property: string | null;
  readonly expectedProperty: string;
  /** Runs to the first failure (or the whole budget when it survived). */
  readonly runs: number;
  /** Wall-clock ms to the first failure. */
  readonly ms: number;
  /** Length of the counterexample in scheduling steps: the first failing run, and after shrinking (cut at the violation). */
  readonly lengthBefore: number | null;
  readonly lengthAfter: number | null;
  readonly message: string | null;
}

export interface MutantsReport {
  readonly clean: {
    readonly passed: boolean;
    readonly runs: number;
    readonly ms: number;
    readonly message: string | null;
  };
  readonly mutants: readonly MutantResult[];
  readonly seed: number;
  readonly ok: boolean;
}

export interface MutantsOptions {
  readonly seed: number;
  /** Exploration budget per mutant, and for the clean model: wall-clock ms, or a number of runs (deterministic). */
  readonly timeMs?: number;
  readonly runs?: number;
  readonly shrinkTimeMs?: number;
  readonly mutants?: readonly Mutant[];
  readonly onMutant?: (result: MutantResult) => void;
}

export function runMutants(options: MutantsOptions): MutantsReport {
  const results: MutantResult[] = [];
  for (const mutant of options.mutants ?? MUTANTS) {
    const report = check({
      seed: options.seed,
      ...budgetOf(options),
      shrinkTimeMs: options.shrinkTimeMs ?? 5_000,
      mutant: mutant.id,
      transitionCoverage: false,
    });
    const result = toResult(mutant, report);
    results.push(result);
    options.onMutant?.(result);
  }
  const clean = check({ seed: options.seed, ...budgetOf(options), transitionCoverage: false });
  const cleanResult = {
    passed: clean.passed,
    runs: clean.runs,
    ms: clean.ms,
    message: clean.counterexample?.violation.message ?? null,
  };
  return {
    clean: cleanResult,
    mutants: results,
    seed: options.seed,
    ok: clean.passed && results.every((r) => r.killed),
  };
}

function budgetOf(options: MutantsOptions): { runs?: number; timeMs?: number } {
  return options.runs !== undefined ? { runs: options.runs } : { timeMs: options.timeMs ?? 10_000 };
}

function toResult(mutant: Mutant, report: CheckReport): MutantResult {
  const cx = report.counterexample;
  return {
    id: mutant.id,
    slug: mutant.slug,
    description: mutant.description,
    killed: !report.passed,
    property: cx?.violation.property ?? null,
    expectedProperty: mutant.expectedProperty,
    runs: report.runs,
    ms: report.exploreMs,
    lengthBefore: cx?.original.steps ?? null,
    lengthAfter: cx?.shrunk.steps ?? null,
    message: cx?.violation.message ?? null,
  };
}
