/**
 * The committed counterexamples: for each, the mutant, and the search that found it (`sbsim check
 * --mutant ID --seed SEED --runs RUNS`). A run budget, not a time budget, so regenerating gives the
 * same file on any machine (shrinking gets a generous time budget and finishes well within it).
 */
export interface Regression {
  readonly mutant: string;
  readonly seed: number;
  readonly runs: number;
  /** The property the counterexample violates. */
  readonly property: string;
}

export const REGRESSIONS: readonly Regression[] = [
  { mutant: 'M02', seed: 2, runs: 1000, property: 'exclusive-lock' },
  { mutant: 'M03', seed: 3, runs: 1000, property: 'fifo-delivery' },
  { mutant: 'M04', seed: 2, runs: 1000, property: 'delivery-count' },
  { mutant: 'M07', seed: 3, runs: 1000, property: 'ttl' },
];

export function regressionFile(r: Pick<Regression, 'mutant'>): string {
  return new URL(`./${r.mutant}.json`, import.meta.url).pathname;
}
