/**
 * The benchmark: how fast the harness runs a workload, and how much of that time is the harness itself
 * rather than XState running the models.
 *
 * 1. The harness: `runWorkload` under each seed of a fixed set, at trace level `facts` and `full`.
 * 2. Raw XState: the same executions with the scheduler, the Chooser and the trace taken away. A
 *    recording pass notes every actor the world created and every event it sent, in order; the timed
 *    pass re-creates those actors with `createActor` and sends exactly those events, nothing else. The
 *    harness time over the raw time is the harness's own overhead.
 * 3. Pure `transition()`: the same events applied to snapshots with `initialTransition()` and
 *    `transition()` instead of live actors — the other execution style the world could have used.
 * 4. A calibration: `transition()` and `actor.send()` on a two-state toggle, to read the figures
 *    above against the speed of the machine they ran on.
 * 5. Scaling: one workload shape (src/workloads/scaling.ts) at 10 … 10^5 messages — steps, time per step
 *    and per message, the property check's time, the heap the run holds. A harness whose cost per
 *    message stays flat as runs grow has no step, index or scan that grows with the run.
 *
 * Each contender is warmed up, then timed over whole passes of its seed set until its time budget is
 * spent (at least one pass), so every figure averages the same executions. Contenders compared with
 * each other take turns chunk by chunk (10 executions), and a ratio is the median over chunks of the
 * paired times: a busy neighbour on the machine then slows both sides of each pair alike.
 *
 * Wall-clock time is read here and in the CLI only: models, the scheduler and the world never see it.
 */
import { createRequire } from 'node:module';
import type { AnyActorRef, AnyStateMachine } from 'xstate';
import { createActor, createMachine, initialTransition, transition } from 'xstate';
import type { ActorId, SimEvent } from '../../models/events.ts';
import { ALL_PROPERTIES, checkAll } from '../../properties/index.ts';
import { factsOf, sentMessages } from '../../properties/oracle.ts';
import { stepsOf } from '../../properties/trace-steps.ts';
import type { RunRecord } from '../../properties/types.ts';
import { Chooser } from '../sim/chooser.ts';
import { SESSION_MESSAGES, SESSIONS_AT_ONCE, scalingWorkload } from '../workloads/scaling.ts';
import { standardWorkload } from '../workloads/standard.ts';
import { runWorkload } from '../world/run.ts';
import type { TraceLevel, WorldObserver } from '../world/world.ts';
import { World } from '../world/world.ts';
import type { Workload, WorkloadInput } from '../world/workload.ts';
import { normalizeWorkload } from '../world/workload.ts';

export interface BenchOptions {
  /** Default: the standard workload. */
  readonly workload?: WorkloadInput;
  /** Seeds 0..seeds-1 form the measured set. Default 100. */
  readonly seeds?: number;
  /** The pure-transition() style is slow: it runs on the first this-many seeds of the set. Default 20. */
  readonly pureSeeds?: number;
  /** Wall time per measurement; whole passes over the seed set run until it is spent. Default 3000. */
  readonly measureMs?: number;
  /** Wall time of warm-up before each measurement. Default 500. */
  readonly warmupMs?: number;
  /** Wall time per calibration figure. Default 1000. */
  readonly calibrationMs?: number;
  /** Message counts of the specification's scaling runs. Default 100, 1000, 4000. */
  readonly scalingMessages?: readonly number[];
  /** Message counts of the scaling table (`scalingWorkload`), smallest first. Default `SCALING_SIZES`. */
  readonly scalingSizes?: readonly number[];
  /** A scaling row repeats its run until this much CPU time is spent (small sizes). Default 500. */
  readonly scalingMinMs?: number;
  /** Told what is about to run, in a few words. */
  readonly onProgress?: (what: string) => void;
}

export interface StepStats {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
  /** Share of executions cut off by the workload's step bound, 0..1. */
  readonly hitBoundShare: number;
}

export interface Throughput {
  /** Seeds in the set this was measured on. */
  readonly seeds: number;
  readonly executions: number;
  readonly seconds: number;
  readonly executionsPerSecond: number;
  readonly stepsPerSecond: number;
  /** Events sent to machines per second: the unit of work all styles share. */
  readonly deliveriesPerSecond: number;
  /** Mean wall time of one execution, ms. */
  readonly msPerExecution: number;
  /** Time over raw XState's for the same executions, taken in turns: median over chunks (1 = no overhead). */
  readonly vsRawXState: number;
}

export interface BenchReport {
  readonly workload: string;
  readonly seeds: number;
  readonly maxSteps: number;
  readonly node: string;
  readonly xstate: string;
  /** Per execution over the seed set; the trace level does not steer a run, so they hold for both. */
  readonly steps: StepStats;
  /** XState `send` calls per execution: every event delivered to a machine is one. */
  readonly deliveriesPerExecution: number;
  /** The same, by event type, most frequent first: where the sends go (status echoes, round-trips). */
  readonly sendsByEvent: Readonly<Record<string, number>>;
  readonly harness: Readonly<Record<TraceLevel, Throughput>>;
  /** The recorded executions through createActor + send alone. */
  readonly rawXState: Throughput & {
    /** Every actor ended in the same state and context as in the harness. */
    readonly matchesHarness: boolean;
  };
  /** The recorded executions as pure initialTransition() / transition() calls on snapshots. */
  readonly pureTransition: Throughput & { readonly matchesHarness: boolean };
  readonly calibration: {
    /** `transition(machine, snapshot, event)` calls per second on a two-state toggle. */
    readonly transitionPerSecond: number;
    /** `actor.send(event)` calls per second on the same toggle as a live actor. */
    readonly sendPerSecond: number;
    /** The figures of the reference machine class the numbers above are read against. */
    readonly reference: { readonly transitionPerSecond: number; readonly sendPerSecond: number };
  };
  /** What the property check costs on top of a run: the price of a checked run in `sbsim check`. */
  readonly properties: PropertyCost;
  /** The scaling table: the same workload shape at growing sizes. */
  readonly scaling: Scaling;
  readonly totalSeconds: number;
}

export interface Scaling {
  /** The shape, in words. */
  readonly workload: string;
  /**
   * Whether garbage was collected before each heap reading (node run with --expose-gc, as `npm run
   * bench` does); without it `heapMb` also counts garbage not collected yet.
   */
  readonly heapAfterGc: boolean;
  readonly rows: readonly ScalingRow[];
}

export interface ScalingRow {
  readonly messages: number;
  readonly sessions: number;
  /** Steps of one run (seed 1). */
  readonly steps: number;
  readonly hitBound: boolean;
  /** Runs the figures average: a small size repeats until `scalingMinMs` is spent. */
  readonly runs: number;
  /**
   * One run at trace level facts, ms of CPU time (user + system, `process.cpuUsage`): on a shared
   * machine wall time also counts whatever else runs, and one long run cannot take turns with anything.
   */
  readonly runMs: number;
  readonly usPerStep: number;
  readonly usPerMessage: number;
  /** Every property over the run's record (`checkAll`, as `sbsim check` does), ms of CPU time. */
  readonly propertyMs: number;
  readonly propertyUsPerMessage: number;
  /** Node's `heapUsed` with the run's record and its check's derived data held, less before the run, MB. */
  readonly heapMb: number;
  /** The process's peak resident set so far (`process.resourceUsage().maxRSS`), MB: rows run smallest first. */
  readonly peakRssMb: number;
}

/** The default sizes of the scaling table; `sbsim bench --scale-to 100000` goes on to 10^5. */
export const SCALING_SIZES: readonly number[] = [10, 100, 1_000, 10_000];

export interface PropertyCost {
  /** One execution at trace level facts (the level `check` runs at), ms. */
  readonly runMsPerExecution: number;
  /**
   * Each property over one execution's record, ms, in the order `check` runs them; the facts, sent
   * messages and steps all of them read are derived once per run, outside these (`derivedMsPerExecution`).
   */
  readonly perProperty: Readonly<Record<string, number>>;
  /** Deriving the facts, sent messages and steps every property reads, once per run, ms. */
  readonly derivedMsPerExecution: number;
  /** The properties and what they share, ms. */
  readonly totalMsPerExecution: number;
  /** Properties' share of a checked run: properties / (run + properties), 0..1. */
  readonly share: number;
  /** The reference specification (broker-conformance) over a checked run without it: what it adds, 0..1. */
  readonly specificationAdds: number;
  /** broker-conformance on ever larger runs: its cost per message should stay flat (linear in messages). */
  readonly specificationScaling: readonly {
    readonly messages: number;
    readonly steps: number;
    readonly specMs: number;
    readonly usPerMessage: number;
  }[];
}

/** The calibration figures of the machine class the project's numbers were first taken on. */
export const REFERENCE_CALIBRATION = { transitionPerSecond: 60_000, sendPerSecond: 200_000 } as const;

const WARMUP_SEED_BASE = 1_000_000;

export function runBench(options: BenchOptions = {}): BenchReport {
  const started = performance.now();
  const workload = normalizeWorkload(options.workload ?? standardWorkload);
  const seedCount = Math.max(1, options.seeds ?? 100);
  const measureMs = options.measureMs ?? 3_000;
  const warmupMs = options.warmupMs ?? 500;
  const progress = options.onProgress ?? (() => {});

  progress(`recording ${seedCount} executions`);
  const recordings = Array.from({ length: seedCount }, (_, seed) => record(workload, seed));
  const pureRecordings = recordings.slice(0, Math.max(1, Math.min(seedCount, options.pureSeeds ?? 20)));
  const stepCounts = recordings.map((r) => r.steps);
  const work = workOf(recordings);

  // The contenders take turns chunk by chunk (10 executions), so that a busy neighbour on the machine
  // slows them alike; each ratio to raw XState is the median over chunks of the paired times.
  const harness = (level: TraceLevel): Contender => ({
    warm: (i) => runWorkload(workload, { seed: WARMUP_SEED_BASE + i, trace: level }),
    run: (seed) => runWorkload(workload, { seed, trace: level }),
  });
  const raw = (set: readonly Recording[]): Contender => ({
    warm: (i) => replay(set[i % set.length]?.log ?? []),
    run: (i) => replay(set[i]?.log ?? []),
  });
  const rawMatches = recordings.every((r) => sameFinals(replay(r.log), r.finals));
  progress('harness (trace facts, trace full) and raw XState (createActor + send), taking turns');
  const [facts, full, rawTimed] = timeInTurns(recordings, measureMs, warmupMs, [
    harness('facts'),
    harness('full'),
    raw(recordings),
  ]) as [Timed, Timed, Timed];
  const pureMatches = pureRecordings.every((r) => sameFinals(replayPure(r.log), r.finals));
  progress('pure transition() on snapshots and raw XState, taking turns');
  const pure: Contender = {
    warm: (i) => replayPure(pureRecordings[i % pureRecordings.length]?.log ?? []),
    run: (i) => replayPure(pureRecordings[i]?.log ?? []),
  };
  const [pureTimed, rawOnPureSet] = timeInTurns(pureRecordings, measureMs / 2, warmupMs, [
    pure,
    raw(pureRecordings),
  ]) as [Timed, Timed];
  progress('properties over the same executions');
  const properties = propertyCost(
    workload,
    seedCount,
    facts.throughput.msPerExecution,
    measureMs,
    options.scalingMessages,
  );
  progress('calibration');
  const calibration = calibrate(options.calibrationMs ?? 1_000, warmupMs);
  const scaling = scalingTable(options.scalingSizes ?? SCALING_SIZES, options.scalingMinMs ?? 500, progress);

  return {
    workload: workload.name,
    seeds: seedCount,
    maxSteps: workload.maxSteps,
    node: process.version,
    xstate: XSTATE_VERSION,
    steps: {
      min: Math.min(...stepCounts),
      avg: work.steps / seedCount,
      max: Math.max(...stepCounts),
      hitBoundShare: recordings.filter((r) => r.hitBound).length / seedCount,
    },
    deliveriesPerExecution: work.deliveries / seedCount,
    sendsByEvent: sendsByEvent(recordings, seedCount),
    harness: { facts: against(facts, rawTimed), full: against(full, rawTimed) },
    rawXState: { ...against(rawTimed, rawTimed), matchesHarness: rawMatches },
    pureTransition: { ...against(pureTimed, rawOnPureSet), matchesHarness: pureMatches },
    calibration: { ...calibration, reference: REFERENCE_CALIBRATION },
    properties,
    scaling,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------------
// The properties' cost

const SPEC_ID = 'broker-conformance';

function propertyCost(
  workload: Workload,
  seeds: number,
  runMs: number,
  measureMs: number,
  scalingMessages: readonly number[] = [100, 1_000, 4_000],
): PropertyCost {
  const records: RunRecord[] = Array.from({ length: seeds }, (_, seed) => {
    const r = runWorkload(workload, { seed, trace: 'facts' });
    return { workload: r.workload, trace: r.trace, final: r.final, hitBound: r.hitBound };
  });
  const perProperty: Record<string, number> = {};
  const budget = Math.max(1, measureMs / ALL_PROPERTIES.length);
  for (const p of ALL_PROPERTIES) {
    for (const r of records) p.check(r); // warm-up pass
    let passes = 0;
    const started = performance.now();
    do {
      for (const r of records) p.check(r);
      passes++;
    } while (performance.now() - started < budget);
    perProperty[p.id] = (performance.now() - started) / (passes * records.length);
  }
  const derived = derivedCost(records, budget);
  const total = Object.values(perProperty).reduce((a, b) => a + b, 0) + derived;
  const spec = perProperty[SPEC_ID] ?? 0;
  return {
    runMsPerExecution: runMs,
    perProperty,
    derivedMsPerExecution: derived,
    totalMsPerExecution: total,
    share: total / (runMs + total),
    specificationAdds: spec / (runMs + total - spec),
    specificationScaling: scalingMessages.map(specOnLargeRun),
  };
}

/** What the properties share, per record: its facts, sent messages and steps, derived anew (a copy of the trace is a new key). */
function derivedCost(records: readonly RunRecord[], budgetMs: number): number {
  let passes = 0;
  let ms = 0;
  do {
    const copies = records.map((r) => ({ ...r, trace: r.trace.slice() }));
    const started = performance.now();
    for (const r of copies) {
      sentMessages(factsOf(r));
      stepsOf(r.trace);
    }
    ms += performance.now() - started;
    passes++;
  } while (ms < budgetMs);
  return ms / (passes * records.length);
}

/** broker-conformance over one run of `n` messages in 10 sessions, three consumers completing and abandoning. */
function specOnLargeRun(n: number) {
  const spec = ALL_PROPERTIES.find((p) => p.id === SPEC_ID);
  const run = runWorkload(
    normalizeWorkload({
      name: `scaling-${n}`,
      entities: [{ name: 'q', lockDurationMs: 10_000, maxDeliveryCount: 5 }],
      messages: Array.from({ length: n }, (_, i) => ({
        messageId: `m${i}`,
        sessionId: `s${i % 10}`,
        atMs: i * 10,
        ...(i % 7 === 0 ? { ttlMs: 5_000 } : {}),
      })),
      consumers: ['c1', 'c2', 'c3'].map((id) => ({
        id,
        entity: 'q',
        outcomes: ['complete', 'abandon'],
        processingMs: [10, 100] as const,
        receiveWaitMs: 3_000,
      })),
      maxSteps: 100 * n,
    }),
    { seed: 1, trace: 'facts' },
  );
  const record = { workload: run.workload, trace: run.trace, final: run.final, hitBound: run.hitBound };
  spec?.check(record);
  const started = performance.now();
  spec?.check(record);
  const specMs = performance.now() - started;
  return { messages: n, steps: run.steps, specMs, usPerMessage: (specMs * 1000) / n };
}

// ---------------------------------------------------------------------------------------------------
// Scaling

const collectGarbage: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;
const WARMUP_MESSAGES = 1_000;

function scalingTable(sizes: readonly number[], minMs: number, progress: (what: string) => void): Scaling {
  // A warm-up at the shape's own size: the standard workload's few sessions leave paths untried.
  const warmup = Math.min(WARMUP_MESSAGES, Math.max(0, ...sizes));
  if (warmup > 0) {
    progress(`scaling: warm-up, ${warmup.toLocaleString('en-US')} messages`);
    const run = runWorkload(normalizeWorkload(scalingWorkload(warmup)), { seed: 2, trace: 'facts' });
    checkAll({ workload: run.workload, trace: run.trace, final: run.final, hitBound: run.hitBound });
  }
  const rows = sizes.map((n) => {
    progress(`scaling: ${n.toLocaleString('en-US')} messages`);
    return scalingRow(n, minMs);
  });
  const shape = scalingWorkload(1);
  const consumers = shape.consumers?.length ?? 0;
  return {
    workload: `sessions of ${SESSION_MESSAGES} messages, ${SESSIONS_AT_ONCE} at a time, ${consumers} accept-next consumers (src/workloads/scaling.ts)`,
    heapAfterGc: collectGarbage !== undefined,
    rows,
  };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** One size: run (seed 1) and check it, again until `minMs` is spent; the heap held once the last is checked. */
function scalingRow(n: number, minMs: number): ScalingRow {
  const workload = normalizeWorkload(scalingWorkload(n));
  collectGarbage?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let runs = 0;
  let runMs = 0;
  let propertyMs = 0;
  let last: RunRecord | undefined;
  let steps = 0;
  do {
    last = undefined; // the previous run's record is garbage before the next run starts
    const started = cpuMs();
    const run = runWorkload(workload, { seed: 1, trace: 'facts' });
    const ran = cpuMs();
    last = { workload: run.workload, trace: run.trace, final: run.final, hitBound: run.hitBound };
    checkAll(last);
    propertyMs += cpuMs() - ran;
    runMs += ran - started;
    steps = run.steps;
    runs++;
  } while (runMs + propertyMs < minMs);
  collectGarbage?.();
  const heapMb = Math.max(0, process.memoryUsage().heapUsed - heapBefore) / 1e6;
  const perRun = runMs / runs;
  const perCheck = propertyMs / runs;
  return {
    messages: n,
    sessions: new Set(workload.messages.map((m) => m.sessionId)).size,
    steps,
    hitBound: last.hitBound,
    runs,
    runMs: perRun,
    usPerStep: (perRun * 1000) / steps,
    usPerMessage: (perRun * 1000) / n,
    propertyMs: perCheck,
    propertyUsPerMessage: (perCheck * 1000) / n,
    heapMb,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / 1e6,
  };
}

// ---------------------------------------------------------------------------------------------------
// Recording and replaying what the world asked of XState

/** One execution as XState saw it: the actors created and the events sent, in order. */
type Log = Array<
  | { readonly spawn: { id: ActorId; machine: AnyStateMachine; input: unknown } }
  | { readonly send: { actor: number; event: SimEvent } }
>;

interface Recording {
  readonly log: Log;
  readonly steps: number;
  readonly hitBound: boolean;
  readonly deliveries: number;
  readonly byEvent: ReadonlyMap<string, number>;
  /** Final status, state and context of each machine actor, in creation order. */
  readonly finals: readonly string[];
}

interface Snapshot {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: string;
}

function record(workload: Workload, seed: number): Recording {
  const log: Log = [];
  const index = new Map<ActorId, number>();
  let deliveries = 0;
  const byEvent = new Map<string, number>();
  const observer: WorldObserver = {
    spawned: (id, machine, input) => {
      index.set(id, index.size);
      log.push({ spawn: { id, machine, input } });
    },
    delivered: (id, event) => {
      const actor = index.get(id);
      if (actor === undefined) return;
      deliveries++;
      byEvent.set(event.type, (byEvent.get(event.type) ?? 0) + 1);
      // A copy: the world stamps `nowMs` on event objects, and the replays must see it as it was here.
      log.push({ send: { actor, event: { ...event } } });
    },
  };
  const world = new World(workload, { chooser: Chooser.seeded(seed), trace: 'facts', observer });
  const result = world.run();
  const finals = world.actorIds().flatMap((id) => {
    const snapshot = world.snapshotOf(id);
    return snapshot === undefined ? [] : [finalOf(snapshot)];
  });
  return { log, steps: result.steps, hitBound: result.hitBound, deliveries, byEvent, finals };
}

function sendsByEvent(recordings: readonly Recording[], executions: number): Record<string, number> {
  const total = new Map<string, number>();
  for (const r of recordings) for (const [type, n] of r.byEvent) total.set(type, (total.get(type) ?? 0) + n);
  return Object.fromEntries(
    [...total.entries()]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([type, n]) => [type, n / executions]),
  );
}

/** createActor + send and nothing else: no scheduler, no Chooser, no trace, nobody listening. */
function replay(log: Log): Snapshot[] {
  const actors: AnyActorRef[] = [];
  for (const item of log) {
    if ('send' in item) {
      actors[item.send.actor]?.send(item.send.event);
    } else {
      const { id, machine, input } = item.spawn;
      actors.push(createActor(machine, { id, input }).start());
    }
  }
  return actors.map((a) => a.getSnapshot() as Snapshot);
}

/** The same log as pure functions on snapshots: no actors at all (emitted effects stay in the returned actions). */
function replayPure(log: Log): Snapshot[] {
  const machines: AnyStateMachine[] = [];
  const snapshots: Snapshot[] = [];
  for (const item of log) {
    if ('send' in item) {
      const { actor, event } = item.send;
      const machine = machines[actor];
      const snapshot = snapshots[actor];
      if (machine && snapshot) snapshots[actor] = transition(machine, snapshot as never, event)[0] as Snapshot;
    } else {
      machines.push(item.spawn.machine);
      snapshots.push(initialTransition(item.spawn.machine, item.spawn.input)[0] as Snapshot);
    }
  }
  return snapshots;
}

function finalOf(snapshot: Snapshot): string {
  return JSON.stringify({ status: snapshot.status, value: snapshot.value, context: snapshot.context });
}

function sameFinals(snapshots: readonly Snapshot[], finals: readonly string[]): boolean {
  return snapshots.length === finals.length && snapshots.every((s, i) => finalOf(s) === finals[i]);
}

// ---------------------------------------------------------------------------------------------------
// Timing

interface Work {
  readonly executions: number;
  readonly steps: number;
  readonly deliveries: number;
}

interface Timed {
  readonly throughput: Omit<Throughput, 'vsRawXState'>;
  /** Wall time of each chunk, in the order run: index k is the same chunk for every contender. */
  readonly chunkMs: readonly number[];
}

function workOf(set: readonly Recording[]): Work {
  return {
    executions: set.length,
    steps: set.reduce((a, r) => a + r.steps, 0),
    deliveries: set.reduce((a, r) => a + r.deliveries, 0),
  };
}

function warmUp(ms: number, run: (i: number) => unknown): void {
  const until = performance.now() + ms;
  for (let i = 0; performance.now() < until; i++) run(i);
}

interface Contender {
  readonly warm: (i: number) => unknown;
  /** Run execution `i` of the set. */
  readonly run: (i: number) => unknown;
}

const CHUNK = 10;

/**
 * Warm each contender up; then, chunk by chunk of the set, let each contender run the chunk in turn
 * (the order rotating), for whole passes over the set until each has had `budgetMs` on average.
 */
function timeInTurns(
  set: readonly Recording[],
  budgetMs: number,
  warmupMs: number,
  contenders: readonly Contender[],
): Timed[] {
  for (const c of contenders) warmUp(warmupMs, c.warm);
  const chunks: number[][] = [];
  for (let i = 0; i < set.length; i += CHUNK)
    chunks.push(Array.from({ length: Math.min(CHUNK, set.length - i) }, (_, k) => i + k));
  const chunkMs = contenders.map((): number[] => []);
  const start = performance.now();
  let passes = 0;
  do {
    chunks.forEach((chunk, c) => {
      for (let k = 0; k < contenders.length; k++) {
        const who = (k + c + passes) % contenders.length;
        const contender = contenders[who];
        if (!contender) continue;
        const t = performance.now();
        for (const i of chunk) contender.run(i);
        chunkMs[who]?.push(performance.now() - t);
      }
    });
    passes++;
  } while (performance.now() - start < budgetMs * contenders.length);
  const work = workOf(set);
  return chunkMs.map((ms) => {
    const seconds = ms.reduce((a, b) => a + b, 0) / 1000;
    const executions = passes * work.executions;
    return {
      throughput: {
        seeds: work.executions,
        executions,
        seconds,
        executionsPerSecond: executions / seconds,
        stepsPerSecond: (passes * work.steps) / seconds,
        deliveriesPerSecond: (passes * work.deliveries) / seconds,
        msPerExecution: (seconds * 1000) / executions,
      },
      chunkMs: ms,
    };
  });
}

/** `timed`, with its time over raw XState's: the median over chunks of the paired ratio. */
function against(timed: Timed, raw: Timed): Throughput {
  const ratios = timed.chunkMs.map((ms, k) => ms / (raw.chunkMs[k] ?? Number.NaN)).filter(Number.isFinite);
  return { ...timed.throughput, vsRawXState: median(ratios) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

// ---------------------------------------------------------------------------------------------------
// Calibration: the smallest machine there is.

const toggleMachine = createMachine({
  id: 'toggle',
  initial: 'off',
  states: {
    off: { on: { TOGGLE: 'on' } },
    on: { on: { TOGGLE: 'off' } },
  },
});

const TOGGLE = { type: 'TOGGLE' } as const;
const CALLS_PER_BATCH = 1_000;

function calibrate(ms: number, warmupMs: number): { transitionPerSecond: number; sendPerSecond: number } {
  let snapshot = initialTransition(toggleMachine)[0];
  const transitions = () => {
    for (let i = 0; i < CALLS_PER_BATCH; i++) snapshot = transition(toggleMachine, snapshot, TOGGLE)[0];
  };
  const actor = createActor(toggleMachine).start();
  const sends = () => {
    for (let i = 0; i < CALLS_PER_BATCH; i++) actor.send(TOGGLE);
  };
  return {
    transitionPerSecond: callsPerSecond(ms, warmupMs, transitions),
    sendPerSecond: callsPerSecond(ms, warmupMs, sends),
  };
}

function callsPerSecond(ms: number, warmupMs: number, batch: () => void): number {
  warmUp(Math.min(warmupMs, ms / 2), batch);
  const start = performance.now();
  let batches = 0;
  do {
    batch();
    batches++;
  } while (performance.now() - start < ms);
  return (batches * CALLS_PER_BATCH) / ((performance.now() - start) / 1000);
}

const XSTATE_VERSION: string = (() => {
  try {
    return (createRequire(import.meta.url)('xstate/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();
