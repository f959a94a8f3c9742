/**
 * `sbsim bench [--json] [--scale-to N]`: executions and steps per second on the standard workload, the
 * harness's overhead over raw XState, a calibration to read them against, and the scaling table (one
 * workload shape at 10, 100, 1,000 and 10,000 messages; `--scale-to 100000` adds 10^5, about a minute
 * and a half more). A table by default, JSON with --json. Takes under a minute. Exits 1 if a replay of
 * the recorded events did not end where the harness did: the world then does something to the machines
 * besides sending them events, and the overhead figures are meaningless.
 */
import type { BenchReport, Throughput } from '../bench/bench.ts';
import { SCALING_SIZES, runBench } from '../bench/bench.ts';
import { MAX_MESSAGES } from '../schema/workload.ts';
import { command, parseCommand, UsageError } from './args.ts';
import { safeJson } from '../trace/visible.ts';
import type { Io } from './io.ts';

export const BENCH = command({
  name: 'bench',
  summary: `executions and steps per second on the standard workload, the harness's overhead over raw
XState, a calibration to read them against, and the cost per message from 10 to 10,000 messages (under a
minute)`,
  flags: {
    json: { type: 'boolean', help: 'print the figures as JSON' },
    'scale-to': {
      type: 'int',
      value: 'N',
      help: 'the scaling table up to N messages (10, 100, … and N; default 10000; at most 100000)',
    },
  },
});

export async function benchCommand(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommand(BENCH, argv);
  if (positionals.length > 0) throw new UsageError(`sbsim bench: unexpected argument "${positionals[0]}"`);
  const json = flags.json === true;
  const scaleTo = flags['scale-to'];
  const scalingSizes = typeof scaleTo === 'number' ? sizesUpTo(scaleTo) : SCALING_SIZES;
  const report = runBench({
    scalingSizes,
    ...(json ? {} : { onProgress: (what: string) => io.err(`sbsim bench: ${what}…`) }),
  });
  io.out(json ? safeJson(report) : renderBench(report));
  return report.rawXState.matchesHarness && report.pureTransition.matchesHarness ? 0 : 1;
}

/** The scaling table's sizes up to `max`: the powers of ten from 10, then `max` itself. */
export function sizesUpTo(max: number): number[] {
  if (max < 10 || max > MAX_MESSAGES)
    throw new UsageError(`sbsim bench: --scale-to is ${max}; it takes 10 to ${MAX_MESSAGES} messages`);
  const sizes: number[] = [];
  for (let n = 10; n <= max; n *= 10) sizes.push(n);
  if (sizes[sizes.length - 1] !== max) sizes.push(max);
  return sizes;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => n.toFixed(digits);

export function renderBench(r: BenchReport): string {
  const row = (name: string, t: Throughput): string =>
    [
      name.padEnd(34),
      fixed(t.executionsPerSecond, 1).padStart(8),
      int(t.stepsPerSecond).padStart(10),
      int(t.deliveriesPerSecond).padStart(10),
      fixed(t.msPerExecution, 2).padStart(9),
      `${fixed(t.vsRawXState, 2)}×`.padStart(8),
      String(t.seeds).padStart(6),
    ].join(' ');
  const { calibration: c } = r;
  const lines = [
    `sbsim bench: workload ${r.workload}, seeds 0..${r.seeds - 1}, step bound ${r.maxSteps}; node ${r.node}, xstate ${r.xstate}`,
    '',
    `steps per execution   min ${r.steps.min}, avg ${fixed(r.steps.avg, 1)}, max ${r.steps.max}; ${fixed(r.steps.hitBoundShare * 100, 1)}% hit the step bound`,
    `XState sends per execution  ${fixed(r.deliveriesPerExecution, 1)}: ${Object.entries(r.sendsByEvent)
      .map(([type, n]) => `${type} ${fixed(n, 1)}`)
      .join(', ')}`,
    '',
    `${''.padEnd(34)} ${'exec/s'.padStart(8)} ${'steps/s'.padStart(10)} ${'events/s'.padStart(10)} ${'ms/exec'.padStart(9)} ${'vs raw'.padStart(8)} ${'seeds'.padStart(6)}`,
    row('harness, trace facts', r.harness.facts),
    row('harness, trace full', r.harness.full),
    row('raw XState: createActor + send', r.rawXState),
    row('pure transition() on snapshots', r.pureTransition),
    '',
    `harness overhead: ${fixed(r.harness.facts.vsRawXState, 2)}× (facts) and ${fixed(r.harness.full.vsRawXState, 2)}× (full) the raw XState time of the same executions`,
    `calibration, 2-state toggle: transition() ${int(c.transitionPerSecond)}/s, actor.send() ${int(c.sendPerSecond)}/s ` +
      `(${fixed(c.transitionPerSecond / c.reference.transitionPerSecond, 2)}× and ${fixed(c.sendPerSecond / c.reference.sendPerSecond, 2)}× the reference ${int(c.reference.transitionPerSecond)}/s and ${int(c.reference.sendPerSecond)}/s)`,
  ];
  const pc = r.properties;
  lines.push(
    '',
    `properties, ms per execution (the run itself: ${fixed(pc.runMsPerExecution, 2)} ms at trace level facts):`,
    ...Object.entries(pc.perProperty).map(([id, ms]) => `  ${id.padEnd(22)} ${fixed(ms, 3).padStart(8)}`),
    `  ${'all'.padEnd(22)} ${fixed(pc.totalMsPerExecution, 3).padStart(8)}: ${fixed(pc.share * 100, 1)}% of a checked run; the reference specification adds ${fixed(pc.specificationAdds * 100, 1)}% to a checked run without it`,
    `  ${'(facts, messages, steps)'.padEnd(22)} ${fixed(pc.derivedMsPerExecution, 3).padStart(8)}: derived once per run, read by all of them`,
    `specification scaling: ${pc.specificationScaling.map((s) => `${int(s.messages)} messages ${fixed(s.specMs, 0)} ms (${fixed(s.usPerMessage, 1)} µs/message)`).join(', ')}`,
    '',
    ...renderScaling(r),
  );
  if (!r.rawXState.matchesHarness || !r.pureTransition.matchesHarness) {
    lines.push(
      '',
      "WARNING: a replay did not end in the harness's final states; its figures do not measure the same work.",
    );
  }
  lines.push(
    `vs raw: time over raw XState's on the same executions, run in turns, median over chunks of 10. Took ${fixed(r.totalSeconds, 1)} s.`,
  );
  return lines.join('\n');
}

function renderScaling(r: BenchReport): string[] {
  const s = r.scaling;
  const cells = (values: readonly string[]): string =>
    values.map((v, i) => (i === 0 ? v.padStart(9) : v.padStart(i === 1 ? 10 : 9))).join(' ');
  return [
    `scaling: ${s.workload}; seed 1, trace facts, all properties; times are CPU time`,
    cells([
      'messages',
      'steps',
      'run ms',
      'µs/step',
      'µs/msg',
      'prop ms',
      'prop µs/msg',
      'heap MB',
      'KB/msg',
      'peak RSS',
    ]),
    ...s.rows.map((row) =>
      cells([
        int(row.messages),
        int(row.steps) + (row.hitBound ? '!' : ''),
        fixed(row.runMs, row.runMs < 10 ? 2 : 0),
        fixed(row.usPerStep, 1),
        fixed(row.usPerMessage, 0),
        fixed(row.propertyMs, row.propertyMs < 10 ? 2 : 0),
        fixed(row.propertyUsPerMessage, 0),
        fixed(row.heapMb, 1),
        fixed((row.heapMb * 1000) / row.messages, 1),
        `${fixed(row.peakRssMb, 0)} MB`,
      ]),
    ),
    `µs/msg should stay flat from 1,000 messages on (smaller runs are mostly start-up and the consumers' idle tail). ` +
      `heap: process.memoryUsage().heapUsed held by the run's record and its check${s.heapAfterGc ? ', garbage collected first' : ' (node without --expose-gc: garbage included)'}; peak RSS: the process so far.` +
      (s.rows.some((row) => row.hitBound) ? ' !: hit the step bound.' : ''),
  ];
}
