/**
 * The `sbsim` command. Exit codes: 0 all properties hold / the schedule ran clean; 1 a violation was
 * found or reproduced; 2 bad usage, bad input, or output that cannot be written; 3 a harness error (a
 * bug in sbsim itself). `sbsim COMMAND --help` (or `sbsim help COMMAND`) prints the command's usage,
 * made from its flag table (args.ts).
 */
import { HelpRequest, UsageError } from './args.ts';
import type { Io } from './io.ts';
import { visibleLines } from '../trace/visible.ts';
import { EXIT_HARNESS, EXIT_OK, EXIT_USAGE, processIo } from './io.ts';
import { WORKLOADS } from '../workloads/standard.ts';

// Each command is loaded when it is asked for: `sbsim help` reads no model, no search and no renderer.

const HELP = `sbsim — deterministic simulator and property checker for Azure Service Bus message sessions

Usage:
  sbsim check   [--seed N] [--runs N | --time S] [--workload NAME|FILE] [--mutant ID] [--strategy S]
                [--pct-depth D] [--out FILE [--force]] [--json [--no-timing]] [--workers N] [--shard I/N]
                [--shrink-time S] [--transitions]
                property search over generated (or the given) workloads and schedules; a violation
                is shrunk and saved as a replay file (--out, else sbsim-failure-<property>-<seed>.json);
                reports the situations reached and the machine transitions taken (--transitions: list
                every one never taken)
                --strategy list (default: shrinkable decision lists) | random (seeded random walks)
                  | pct (actor priorities with D-1 change points, default D 3) | portfolio (a mix)
                --workers N: N searches in parallel, seeds seed..seed+N-1, --runs split between them
                --shard I/N: part I of N of one search (seed + I-1, ceil(runs/N) runs), for CI machines
  sbsim merge   FILE... [--json [--no-timing]] [--transitions]
                the --json reports of the shards of one search as one verdict, coverage and list of
                replay files (1 a shard found a violation, 2 a report unreadable, of another search or missing)
  sbsim replay  FILE [--format text|json|mermaid|html] [--out FILE [--force]]
                re-run a replay file and explain it (1 reproduced, 0 now runs clean, 2 bad file or model changed)
  sbsim mutants [--time S | --runs N] [--seed N] [--only IDS] [--json]
                run the search against every mutant of the zoo
  sbsim run     [--workload NAME|FILE] [--seed N] [--format text|json|mermaid|html] [--out FILE [--force]]
                [--json] [--brief]
                run one workload under one seed: its picture, trace, final state and every property's
                verdict (1 when one is violated)
  sbsim teach   [SCENARIO] [--list] [--format text|mermaid|html] [--out FILE [--force]]
                narrated scenarios with timeline pictures, one per session rule
  sbsim machines [NAME] [--format text|mermaid|json|html] [--overview] [--out FILE [--force]]
                the statecharts, drawn from their XState definitions: session, lock, entity,
                consumer, topic (default: all)
  sbsim bench   [--json] [--scale-to N] executions and steps per second; cost per message at 10 … N messages
  sbsim help [COMMAND]                  this text, or a command's options (also: sbsim COMMAND --help)

--out never replaces an existing file unless --force is given. The seed is --seed, else SBSIM_SEED.
Workloads: ${Object.keys(WORKLOADS).join(', ')} (or a JSON file)
Exit codes: 0 all properties hold, 1 a violation was found, 2 bad usage, input or output, 3 harness error.`;

export type { Io } from './io.ts';

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'help':
        // `sbsim help COMMAND` is `sbsim COMMAND --help`: each command prints the usage made from its flags.
        if (rest[0] !== undefined && rest[0] !== 'help') return await main([rest[0], '--help'], io);
        io.out(HELP);
        return EXIT_OK;
      case undefined:
      case '--help':
      case '-h':
        io.out(HELP);
        return EXIT_OK;
      case 'check':
        return await (await import('./check.ts')).checkCommand(rest, io);
      case 'merge':
        return (await import('./merge.ts')).mergeCommand(rest, io);
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
    if (e instanceof HelpRequest) {
      io.out(e.text);
      return EXIT_OK;
    }
    if (e instanceof UsageError || name === 'WorkloadError' || name === 'InputError') {
      io.err(visibleLines((e as Error).message));
      return EXIT_USAGE;
    }
    if (e instanceof Error && (name === 'ActorFailure' || name === 'NondeterminismError')) {
      io.err(visibleLines(`sbsim: harness error: ${e.message}`));
      return EXIT_HARNESS;
    }
    // Anything else is a bug in sbsim: never let it pass for a violation (exit 1).
    io.err(visibleLines(`sbsim: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    return EXIT_HARNESS;
  }
}
