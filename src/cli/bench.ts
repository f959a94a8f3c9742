/**
 * `sbsim bench [--json]`: executions and steps per second on the standard workload, the harness's
 * overhead over raw XState, and a calibration to read them against. A table by default, JSON with
 * --json. Takes about half a minute. Exits 1 if a replay of the recorded events did not end where the
 * harness did: the world then does something to the machines besides sending them events, and the
 * overhead figures are meaningless.
 */
import type { BenchReport, Throughput } from '../bench/bench.ts';
import { runBench } from '../bench/bench.ts';
import { command, parseCommand, UsageError } from './args.ts';
import { safeJson } from '../trace/visible.ts';
import type { Io } from './io.ts';

export const BENCH = command({
  name: 'bench',
  summary: `executions and steps per second on the standard workload, the harness's overhead over raw
XState, and a calibration to read them against (about half a minute)`,
  flags: { json: { type: 'boolean', help: 'print the figures as JSON' } },
});

export async function benchCommand(argv: readonly string[], io: Io): Promise<number> {
  const { flags, positionals } = parseCommand(BENCH, argv);
  if (positionals.length > 0) throw new UsageError(`sbsim bench: unexpected argument "${positionals[0]}"`);
  const json = flags.json === true;
  const report = runBench(json ? {} : { onProgress: (what) => io.err(`sbsim bench: ${what}…`) });
  io.out(json ? safeJson(report) : renderBench(report));
  return report.rawXState.matchesHarness && report.pureTransition.matchesHarness ? 0 : 1;
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
    `specification scaling: ${pc.specificationScaling.map((s) => `${int(s.messages)} messages ${fixed(s.specMs, 0)} ms (${fixed(s.usPerMessage, 1)} µs/message)`).join(', ')}`,
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
