/**
 * The `sbsim` command. Exit codes: 0 all properties hold / the schedule ran clean; 1 a violation was
 * found or reproduced; 2 bad usage or bad input; 3 a harness error (a bug in sbsim itself).
 */
import { UsageError, parseArgs } from './args.ts';
import { checkCommand } from './check.ts';
import type { Io } from './io.ts';
import { EXIT_HARNESS, EXIT_OK, EXIT_USAGE, processIo } from './io.ts';
import { mutantsCommand } from './mutants.ts';
import { InputError, loadWorkload } from './workloads.ts';
import { renderTrace } from '../trace/text.ts';
import { runWorkload } from '../world/run.ts';
import { WorkloadError } from '../world/workload.ts';
import { ActorFailure } from '../world/world.ts';
import { NondeterminismError } from '../replay/write.ts';
import { WORKLOADS } from '../workloads/standard.ts';
import { benchCommand } from './bench.ts';
import { teachCommand } from './teach.ts';
import { replayCommand } from './replay.ts';
import { machinesCommand } from './machines.ts';

const HELP = `sbsim — deterministic simulator and property checker for Azure Service Bus message sessions

Usage:
  sbsim check   [--seed N] [--runs N | --time S] [--workload NAME|FILE] [--mutant ID] [--strategy S]
                [--pct-depth D] [--out FILE] [--json [--no-timing]] [--workers N] [--shard I/N] [--shrink-time S]
                [--transitions]
                property search over generated (or the given) workloads and schedules; a violation
                is shrunk and saved as a replay file (--out, else sbsim-failure-<property>-<seed>.json);
                reports the situations reached and the machine transitions taken (--transitions: list
                every one never taken)
                --strategy list (default: shrinkable decision lists) | random (seeded random walks)
                  | pct (actor priorities with D-1 change points, default D 3) | portfolio (a mix)
                --workers N: N searches in parallel, seeds seed..seed+N-1, --runs split between them
                --shard I/N: part I of N of one search (seed + I-1, ceil(runs/N) runs), for CI machines
  sbsim replay  FILE [--format text|json|mermaid|html] [--out FILE]
                re-run a replay file and explain it (1 reproduced, 0 now runs clean, 2 bad file or model changed)
  sbsim mutants [--time S] [--json]     run the search against every mutant of the zoo
  sbsim run     [--workload NAME|FILE] [--seed N] [--json] [--brief]
                run one workload under one seed, print its trace and final state
  sbsim teach   [SCENARIO] [--list] [--format text|mermaid|html] [--out FILE]
                narrated scenarios with timeline pictures, one per session rule
  sbsim machines [NAME] [--format text|mermaid|json|html] [--out FILE]
                the statecharts, drawn from their XState definitions: session, lock, entity,
                consumer, topic (default: all)
  sbsim bench   [--json]                executions and steps per second
  sbsim help                            this text

Workloads: ${Object.keys(WORKLOADS).join(', ')} (or a JSON file)
Exit codes: 0 all properties hold, 1 a violation was found, 2 bad usage or input, 3 harness error.`;

export type { Io } from './io.ts';

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return EXIT_OK;
      case 'check':
        return await checkCommand(rest, io);
      case 'mutants':
        return mutantsCommand(rest, io);
      case 'run':
        return runCommand(rest, io);
      case 'replay':
        return replayCommand(rest, io);
      case 'teach':
        return teachCommand(rest, io);
      case 'bench':
        return await benchCommand(rest, io);
      case 'machines':
        return machinesCommand(rest, io);
      default:
        throw new UsageError(`sbsim: unknown command "${command}" (try: sbsim help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof WorkloadError || e instanceof InputError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    if (e instanceof ActorFailure || e instanceof NondeterminismError) {
      io.err(`sbsim: harness error: ${e.message}`);
      return EXIT_HARNESS;
    }
    // Anything else is a bug in sbsim: never let it pass for a violation (exit 1).
    io.err(`sbsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT_HARNESS;
  }
}

function runCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(
    argv,
    { workload: 'string', seed: 'int', json: 'boolean', brief: 'boolean' },
    'run',
  );
  if (positionals.length > 0) throw new UsageError(`sbsim run: unexpected argument "${positionals[0]}"`);
  const workload = loadWorkload(String(flags.workload ?? 'demo'));
  const seed = Number(flags.seed ?? 1);
  const result = runWorkload(workload, { seed });
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          seed,
          steps: result.steps,
          hitBound: result.hitBound,
          decisions: result.decisions,
          trace: result.trace,
          final: result.final,
        },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  io.out(renderTrace(result.trace, { brief: flags.brief === true, color: io.color }));
  io.out('');
  io.out(
    `workload ${result.workload.name}, seed ${seed}: ${result.steps} steps, ${result.decisions.length} decisions, ended at t=${result.endedAtMs}ms${result.hitBound ? ' (hit the step bound)' : ''}`,
  );
  io.out('final state:');
  io.out(JSON.stringify(result.final, null, 2));
  return EXIT_OK;
}
