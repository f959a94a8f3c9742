/**
 * The `sbsim` command. Exit codes: 0 all properties hold / the schedule ran clean; 1 a violation was
 * found or reproduced; 2 bad usage or bad input; 3 a harness error (a bug in sbsim itself).
 */
import { UsageError } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_HARNESS, EXIT_OK, EXIT_USAGE, processIo } from './io.ts';
import { WORKLOADS } from '../workloads/standard.ts';

// Each command is loaded when it is asked for: `sbsim help` reads no model, no search and no renderer.

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
  sbsim bench   [--json] [--scale-to N] executions and steps per second; cost per message at 10 … N messages
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
        return await (await import('./check.ts')).checkCommand(rest, io);
      case 'mutants':
        return (await import('./mutants.ts')).mutantsCommand(rest, io);
      case 'run':
        return (await import('./run.ts')).runCommand(rest, io);
      case 'replay':
        return (await import('./replay.ts')).replayCommand(rest, io);
      case 'teach':
        return (await import('./teach.ts')).teachCommand(rest, io);
      case 'bench':
        return await (await import('./bench.ts')).benchCommand(rest, io);
      case 'machines':
        return (await import('./machines.ts')).machinesCommand(rest, io);
      default:
        throw new UsageError(`sbsim: unknown command "${command}" (try: sbsim help)`);
    }
  } catch (e) {
    // Told apart by name, so that the error classes' (heavy) modules load only with their commands.
    const name = e instanceof Error ? e.name : '';
    if (e instanceof UsageError || name === 'WorkloadError' || name === 'InputError') {
      io.err((e as Error).message);
      return EXIT_USAGE;
    }
    if (e instanceof Error && (name === 'ActorFailure' || name === 'NondeterminismError')) {
      io.err(`sbsim: harness error: ${e.message}`);
      return EXIT_HARNESS;
    }
    // Anything else is a bug in sbsim: never let it pass for a violation (exit 1).
    io.err(`sbsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT_HARNESS;
  }
}
