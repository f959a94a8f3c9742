/**
 * The report `sbsim check --json` prints, as a document another program reads: `sbsim merge` combines
 * the reports of one search split over CI machines (`--shard I/N`) into one verdict. So the report says
 * what it is (`format`, `formatVersion`), which sbsim and model wrote it (`tool`), and which search it
 * belongs to (`search`), besides what the search found. Its fields are described once, in
 * src/schema/check-report.ts (and schema/check-report.schema.json).
 *
 * A shard's report, abridged, in the order the fields are written:
 *
 * ```json
 * {
 *   "format": "sbsim-check-report",
 *   "formatVersion": 1,
 *   "tool": { "name": "sbsim", "version": "0.1.0", "modelHash": "sha256:…" },
 *   "search": { "seed": 7, "runs": 60, "timeS": null, "mutant": null, "workload": null },
 *   "passed": true,
 *   "seed": 8,
 *   "strategy": "list",
 *   "runs": 20,
 *   …
 *   "shard": { "index": 2, "count": 3 }
 * }
 * ```
 */

/** The value of `format`: what tells a check report from a replay file or any other JSON. */
export const CHECK_REPORT_FORMAT = 'sbsim-check-report';
/** The version this sbsim writes and the only one it merges. A change to the fields raises it. */
export const CHECK_REPORT_VERSION = 1;

/**
 * The whole search as it was asked for, the same in every shard of it: what `sbsim merge` compares to
 * tell shards of one search from reports of different ones.
 */
export interface SearchIdentity {
  /** `--seed` (or SBSIM_SEED, or the fresh seed): shard I of N searches with seed + I − 1 (mod 2^32), the report's `seed`. */
  readonly seed: number;
  /** `--runs` of the whole search (a shard runs ceil(runs / N)), or null under a time budget. */
  readonly runs: number | null;
  /** `--time` in seconds (each shard's budget), or null under a run budget. */
  readonly timeS: number | null;
  /** `--mutant`, or null for the correct model. */
  readonly mutant: string | null;
  /** The name of the `--workload` checked, or null for generated workloads. */
  readonly workload: string | null;
}
