/**
 * The `sbsim` command. Exit codes: 0 all properties hold / the schedule ran clean; 1 a violation was
 * found or reproduced; 2 bad usage or bad input.
 */
import { readFileSync } from 'node:fs';
import { UsageError, parseArgs } from './args.ts';
import { renderTrace } from '../trace/text.ts';
import { runWorkload } from '../world/run.ts';
import type { WorkloadInput } from '../world/workload.ts';
import { WorkloadError } from '../world/workload.ts';
import { WORKLOADS } from '../workloads/standard.ts';
import { benchCommand } from './bench.ts';

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;

const HELP = `sbsim — deterministic simulator and property checker for Azure Service Bus message sessions

Usage:
  sbsim run    [--workload NAME|FILE] [--seed N] [--json] [--brief]   run one workload, print its trace and final state
  sbsim bench  [--json]                                               executions and steps per second
  sbsim help                                                          this text

Workloads: ${Object.keys(WORKLOADS).join(', ')} (or a JSON file)
Exit codes: 0 ok, 1 violation, 2 bad usage or input.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP);
        return EXIT_OK;
      case 'run':
        return runCommand(rest, io);
      case 'bench':
        return await benchCommand(rest, io);
      default:
        throw new UsageError(`sbsim: unknown command "${command}" (try: sbsim help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof WorkloadError || e instanceof InputError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
}

export class InputError extends Error {
  override readonly name = 'InputError';
}

export function loadWorkload(nameOrFile: string): WorkloadInput {
  const named = WORKLOADS[nameOrFile];
  if (named) return named;
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch {
    throw new InputError(`sbsim: no workload named "${nameOrFile}" and no such file (named workloads: ${Object.keys(WORKLOADS).join(', ')})`);
  }
  try {
    return JSON.parse(text) as WorkloadInput;
  } catch (e) {
    throw new InputError(`sbsim: ${nameOrFile} is not valid JSON: ${(e as Error).message}`);
  }
}

function runCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(argv, { workload: 'string', seed: 'int', json: 'boolean', brief: 'boolean' }, 'run');
  if (positionals.length > 0) throw new UsageError(`sbsim run: unexpected argument "${positionals[0]}"`);
  const workload = loadWorkload(String(flags.workload ?? 'demo'));
  const seed = Number(flags.seed ?? 1);
  const result = runWorkload(workload, { seed });
  if (flags.json) {
    io.out(JSON.stringify({ seed, steps: result.steps, hitBound: result.hitBound, decisions: result.decisions, trace: result.trace, final: result.final }, null, 2));
    return EXIT_OK;
  }
  io.out(renderTrace(result.trace, { brief: flags.brief === true }));
  io.out('');
  io.out(`workload ${result.workload.name}, seed ${seed}: ${result.steps} steps, ${result.decisions.length} decisions, ended at t=${result.endedAtMs}ms${result.hitBound ? ' (hit the step bound)' : ''}`);
  io.out('final state:');
  io.out(JSON.stringify(result.final, null, 2));
  return EXIT_OK;
}
