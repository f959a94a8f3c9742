/** `sbsim run`: one workload under one seed; its trace and final state. */
import { parseArgs, UsageError } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK } from './io.ts';
import { loadWorkload } from './workloads.ts';
import { renderTrace } from '../trace/text.ts';
import { runWorkload } from '../world/run.ts';

export function runCommand(argv: readonly string[], io: Io): number {
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
