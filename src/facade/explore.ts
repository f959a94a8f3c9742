/**
 * `explore(async (bus) => { … }, { runs, seed, properties })`: run the user's own async code against a
 * fresh simulated namespace many times, each under another schedule, and judge every run twice: by
 * sbsim's properties over the run's trace (the broker kept its guarantees under what this code did), and
 * by the code itself (a thrown error, a failed `expect`, is a failure).
 *
 * Schedules: run i uses a Chooser seeded with `seed + i`; every order in which concurrent operations take
 * effect, every session accept-next hands out, every duration a handler sleeps within a range, and, with
 * `faults` on, every point where an enabled fault could strike (faults.ts), is one of its decisions. A
 * failing run's decisions become a decision list, and shrinking re-runs the user's code under shorter and
 * simpler lists (cut the tail, zero one pick, halve one pick), keeping each that still fails the same
 * way, within a budget of runs.
 *
 * The failure is then written as a replay file. The user's code is not in it: the file holds what that
 * code did to the broker (the facade's script: clients attached, requests, client timers, each at its
 * step) beside the decisions, so `sbsim replay FILE` redoes the broker's side of the run bit for bit,
 * renders it, and re-checks the properties. For a failure of the user's own assertion the file's property
 * is `user-code` with the assertion's message; its replay reproduces the run that led to it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { Property, RunRecord, Violation } from '../../properties/types.ts';
import type { ReplayFile, ReplaySize } from '../replay/format.ts';
import { REPLAY_FORMAT, REPLAY_FORMAT_VERSION } from '../replay/format.ts';
import { currentTool } from '../replay/tool.ts';
import { writeReplayFile } from '../replay/write.ts';
import type { Decision } from '../sim/chooser.ts';
import { Chooser } from '../sim/chooser.ts';
import type { TraceEvent } from '../trace/types.ts';
import type { SimulatedServiceBusOptions } from './bus.ts';
import type { FaultOptions } from './faults.ts';
import { SimulatedServiceBus } from './bus.ts';
import type { FacadeScript } from './script.ts';
import { USER_CODE_PROPERTY } from './script.ts';

export interface ExploreOptions {
  /** How many schedules to try (default 100). */
  readonly runs?: number;
  /** Run i uses seed `seed + i` (default 0). */
  readonly seed?: number;
  /** sbsim's properties to check over each run's trace (default: all of them). */
  readonly properties?: readonly Property[];
  /** The namespace's options for every run: switches, a mutant of the zoo, maxSteps. */
  readonly bus?: Omit<SimulatedServiceBusOptions, 'seed' | 'picks' | 'chooser'>;
  /**
   * Faults to explore besides schedules (off by default): `{ detach: true }` lets any session receiver's
   * link drop before any of its operations, `{ loseRenewals: true }` lets any auto lock renewal be lost.
   * Each point where a fault could strike is a Chooser decision (`fault:detach:receiver3`, default `no`),
   * so a failure's decision list and replay file say where it struck, and shrinking drops the faults the
   * failure does not need.
   */
  readonly faults?: FaultOptions;
  /** Re-runs spent shrinking a failure (default 200; 0: no shrinking). */
  readonly shrinkRuns?: number;
  /**
   * Where the replay file of a failure goes: a path, `false` for none. Default: a new file in a fresh
   * directory under the OS's temporary directory (named in the report and the thrown error).
   */
  readonly replayFile?: string | false;
  /** Throw an ExploreFailure when a run fails (default true: a vitest test then fails with the story). */
  readonly throwOnFailure?: boolean;
}

export interface ExploreFailureInfo {
  /** `user-code`, or the id of the sbsim property the run violated. */
  readonly property: string;
  readonly message: string;
  /** The run (0-based) and seed that failed first. */
  readonly run: number;
  readonly seed: number;
  /** The shrunk decision list: `new SimulatedServiceBus({ picks })` re-runs it with your code. */
  readonly picks: readonly number[];
  readonly original: ReplaySize;
  readonly shrunk: ReplaySize;
  readonly shrinkRuns: number;
  readonly replayFile: string | null;
  /** The error the user's code threw, when that was the failure. */
  readonly error?: unknown;
}

export interface ExploreReport {
  readonly passed: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly failure?: ExploreFailureInfo;
}

export class ExploreFailure extends Error {
  override readonly name = 'ExploreFailure';
  constructor(readonly report: ExploreReport & { failure: ExploreFailureInfo }) {
    const f = report.failure;
    super(
      `explore: run ${f.run} (seed ${f.seed}) failed ${f.property === USER_CODE_PROPERTY ? 'in your code' : `property ${f.property}`}: ${f.message}\n` +
        `  shrunk from ${f.original.decisions} to ${f.shrunk.decisions} decisions (${f.shrunk.deviations} off the default) in ${f.shrinkRuns} re-runs; picks [${f.picks.join(', ')}]\n` +
        (f.replayFile ? `  replay file: ${f.replayFile} (sbsim replay ${f.replayFile})` : '  no replay file written'),
    );
  }
}

type UserCode = (bus: SimulatedServiceBus) => Promise<void> | void;

interface RunOutcome {
  readonly failure: {
    property: string;
    message: string;
    step: number | null;
    t: number | null;
    error?: unknown;
  } | null;
  readonly decisions: readonly Decision[];
  readonly trace: readonly TraceEvent[];
  readonly record: RunRecord;
  readonly script: FacadeScript;
  readonly steps: number;
}

/** One run of the user's code under `chooser`. */
async function runOnce(code: UserCode, chooser: Chooser, options: ExploreOptions): Promise<RunOutcome> {
  const faults = { ...options.bus?.faults, ...options.faults };
  const bus = new SimulatedServiceBus({ ...options.bus, faults, chooser });
  let error: unknown;
  let threw = false;
  try {
    await code(bus);
  } catch (e) {
    threw = true;
    error = e;
  }
  const runtime = bus.runtime;
  runtime.stop();
  const world = runtime.world;
  const endedAt = { step: world.steps, t: world.nowMs };
  // The user's code is done with the namespace: the broker runs on until nothing is left to happen (locks
  // the code never released lapse, timers fire), so that the properties judge a whole run.
  if (!world.hitBound) world.run();
  const record: RunRecord = {
    workload: world.workload,
    trace: world.trace,
    final: world.state(),
    hitBound: world.hitBound,
  };
  let violation: Violation | undefined;
  for (const p of options.properties ?? ALL_PROPERTIES) {
    violation = p.check(record);
    if (violation) break;
  }
  const failure = violation
    ? { property: violation.property, message: violation.message, step: violation.step, t: violation.t }
    : threw
      ? {
          property: USER_CODE_PROPERTY,
          message: error instanceof Error ? error.message : String(error),
          step: endedAt.step,
          t: endedAt.t,
          error,
        }
      : null;
  return {
    failure,
    decisions: [...world.chooser.decisions],
    trace: world.trace,
    record,
    script: runtime.script(),
    steps: world.steps,
  };
}

function sizeOf(o: RunOutcome): ReplaySize {
  const facts = o.trace.flatMap((e) => (e.k === 'fact' ? [e.fact] : []));
  const sent = facts.filter((f) => f.kind === 'sent');
  return {
    decisions: o.decisions.length,
    deviations: o.decisions.filter((d) => d.pick !== 0).length,
    steps: o.steps,
    messages: sent.length,
    consumers: new Set(o.script.ops.flatMap((op) => (op.op === 'attach' ? [op.client] : []))).size,
    sessions: new Set(sent.map((f) => (f.kind === 'sent' ? (f.session ?? '') : ''))).size,
  };
}

/** Simpler lists to try, simplest first: cut the tail, then zero or halve one pick (from the end). */
function candidates(picks: readonly number[]): number[][] {
  const out: number[][] = [];
  const last = picks.reduce((at, p, i) => (p !== 0 ? i : at), -1);
  if (last + 1 < picks.length) out.push(picks.slice(0, last + 1));
  for (let cut = Math.floor((last + 1) / 2); cut > 0 && cut <= last; cut = Math.floor(cut / 2))
    out.push(picks.slice(0, cut));
  for (let i = last; i >= 0; i--) {
    const p = picks[i] ?? 0;
    if (p === 0) continue;
    out.push(picks.map((x, k) => (k === i ? 0 : x)));
    if (p > 1) out.push(picks.map((x, k) => (k === i ? Math.floor(p / 2) : x)));
  }
  return out;
}

/** Fewer picks off the default, then smaller ones, then a shorter list. */
function simpler(a: readonly number[], b: readonly number[]): boolean {
  const key = (p: readonly number[]) => [p.filter((x) => x !== 0).length, p.reduce((n, x) => n + x, 0), p.length];
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if ((ka[i] ?? 0) !== (kb[i] ?? 0)) return (ka[i] ?? 0) < (kb[i] ?? 0);
  return false;
}

async function shrink(
  code: UserCode,
  first: RunOutcome,
  options: ExploreOptions,
): Promise<{ outcome: RunOutcome; picks: number[]; runs: number }> {
  const budget = options.shrinkRuns ?? 200;
  const property = first.failure?.property;
  let picks = first.decisions.map((d) => d.pick);
  let best = first;
  let runs = 0;
  let improved = true;
  while (improved && runs < budget) {
    improved = false;
    for (const candidate of candidates(picks)) {
      if (runs >= budget) break;
      runs++;
      const outcome = await runOnce(code, Chooser.fromList(candidate), options);
      if (outcome.failure?.property !== property) continue;
      const next = outcome.decisions.map((d) => d.pick);
      if (!simpler(next, picks)) continue;
      // The run's own decisions are the canonical list (a pick past the options wraps around).
      picks = next;
      best = outcome;
      improved = true;
      break;
    }
  }
  // The kept run, made again from its list: what the file records is exactly what that list gives.
  const final = await runOnce(code, Chooser.fromList(picks), options);
  return { outcome: final.failure?.property === property ? final : best, picks, runs };
}

function replayFileOf(o: RunOutcome, seed: number, run: number, original: ReplaySize): ReplayFile {
  const failure = o.failure;
  if (!failure) throw new Error('sbsim: no failure to write');
  const workload = o.record.workload;
  return {
    format: REPLAY_FORMAT,
    formatVersion: REPLAY_FORMAT_VERSION,
    tool: currentTool(),
    property: { id: failure.property, message: failure.message, step: failure.step, t: failure.t },
    mutant: workload.mutant,
    switches: workload.switches,
    search: { seed, fastCheck: { seed: seed + run, path: `explore:run=${run}` } },
    original,
    shrunk: sizeOf(o),
    workload,
    decisions: o.decisions.map((d) => ({ i: d.i, kind: d.kind, name: d.name, n: d.n, pick: d.pick, label: d.label })),
    facade: o.script,
  };
}

export async function explore(code: UserCode, options: ExploreOptions = {}): Promise<ExploreReport> {
  const runs = options.runs ?? 100;
  const seed = options.seed ?? 0;
  for (let run = 0; run < runs; run++) {
    const first = await runOnce(code, Chooser.seeded(seed + run), options);
    if (!first.failure) continue;
    const original = sizeOf(first);
    const shrunk = (options.shrinkRuns ?? 200) > 0 ? await shrink(code, first, options) : null;
    const outcome = shrunk?.outcome ?? first;
    const failure = outcome.failure ?? first.failure;
    let replayFile: string | null = null;
    if (options.replayFile !== false) {
      const target =
        options.replayFile ??
        join(mkdtempSync(join(tmpdir(), 'sbsim-explore-')), `sbsim-failure-${failure.property}-${seed + run}.json`);
      replayFile = writeReplayFile(target, replayFileOf(outcome, seed, run, original), { unique: true });
    }
    const report = {
      passed: false,
      runs: run + 1,
      seed,
      failure: {
        property: failure.property,
        message: failure.message,
        run,
        seed: seed + run,
        picks: shrunk?.picks ?? first.decisions.map((d) => d.pick),
        original,
        shrunk: sizeOf(outcome),
        shrinkRuns: shrunk?.runs ?? 0,
        replayFile,
        ...(failure.error !== undefined ? { error: failure.error } : {}),
      },
    };
    if (options.throwOnFailure ?? true) throw new ExploreFailure(report);
    return report;
  }
  return { passed: true, runs, seed };
}
