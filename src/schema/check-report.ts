/**
 * The report of `sbsim check --json` (src/check/report-format.ts), described once with zod like the
 * workload and replay formats: `sbsim merge` reads shard reports through it, and
 * schema/check-report.schema.json is generated from it. Strict at every level sbsim merges from (an
 * unknown field is an error, so a report and this description cannot drift apart unnoticed); the
 * counterexample's parts reuse the replay file's descriptions of the same values.
 */
import { z } from 'zod';
import { SITUATIONS } from '../check/coverage.ts';
import { CHECK_REPORT_FORMAT, CHECK_REPORT_VERSION } from '../check/report-format.ts';
import { STRATEGIES } from '../check/strategy.ts';
import { REPLAY_FILE } from './replay.ts';
import { COMPLETE_WORKLOAD } from './workload.ts';

const count = z.int().min(0);

/** Every named situation, with the runs that reached it. */
const situations = z.strictObject(
  Object.fromEntries(Object.keys(SITUATIONS).map((key) => [key, count])) as Record<
    keyof typeof SITUATIONS,
    typeof count
  >,
);

const transitions = z.strictObject({
  taken: count,
  total: count,
  takeable: count,
  machines: z.array(
    z.strictObject({
      name: z.string(),
      id: z.string(),
      taken: count,
      total: count,
      takeable: count,
      cannot: z.array(z.strictObject({ id: z.string(), short: z.string(), why: z.string() })),
      never: z.array(z.strictObject({ id: z.string(), short: z.string(), label: z.string() })),
      transitions: z.array(z.strictObject({ id: z.string(), label: z.string(), count })),
    }),
  ),
  unknown: z.array(z.string()),
});

const { tool, original: size, decisions } = REPLAY_FILE.shape;

export const CHECK_REPORT_FILE = z.strictObject({
  format: z.literal(CHECK_REPORT_FORMAT),
  formatVersion: z.literal(CHECK_REPORT_VERSION),
  tool,
  search: z.strictObject({
    seed: z.int(),
    runs: z.int().min(1).nullable(),
    timeS: z.number().positive().nullable(),
    mutant: z.string().nullable(),
    workload: z.string().nullable(),
  }),
  passed: z.boolean(),
  /** This report's own search: `search.seed` + I − 1 for shard I (wrapped to 32 bits: check/seeds.ts). */
  seed: z.int(),
  strategy: z.enum(STRATEGIES as [string, ...string[]]),
  pctDepth: z.int().min(1).optional(),
  workers: z.strictObject({ count: z.int().min(1), seeds: z.array(z.int()) }).optional(),
  runs: count,
  steps: z.strictObject({ min: count, avg: z.number().min(0), max: count }),
  boundHits: count,
  coverage: situations,
  transitions: transitions.optional(),
  observations: z.array(z.strictObject({ text: z.string(), count })),
  properties: z.array(z.string()),
  shard: z.strictObject({ index: z.int().min(1), count: z.int().min(1) }).optional(),
  /** Wall-clock ms, left out under --no-timing. */
  ms: z.number().min(0).optional(),
  exploreMs: z.number().min(0).optional(),
  violation: z
    .strictObject({ property: z.string(), message: z.string(), step: count.nullable(), t: count.nullable() })
    .optional(),
  counterexample: z
    .strictObject({
      picks: z.array(z.int()),
      decisions,
      workload: COMPLETE_WORKLOAD,
      original: size,
      shrunk: size,
      fastCheck: z.strictObject({ seed: z.int(), path: z.string(), shrinks: count }),
    })
    .optional(),
  /** The replay file written for the violation, as the check named it (null: it could not be written). */
  replayFile: z.string().nullable().optional(),
});

export type CheckReportFile = z.output<typeof CHECK_REPORT_FILE>;
