import { Chalk } from 'chalk';
import type { MutantResult, MutantsReport } from '../check/mutants.ts';
import { runMutants } from '../check/mutants.ts';
import { MUTANTS, mutantById } from '../../models/mutants/index.ts';
import type { Mutant } from '../../models/mutants/index.ts';
import { UsageError, command, parseCommand } from './args.ts';
import { SEED_FLAG, chooseSeed } from './seed.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_VIOLATION } from './io.ts';
import { count } from '../words.ts';

export const MUTANTS_COMMAND = command({
  name: 'mutants',
  summary: `run the search against every mutant of the zoo and the clean model, with the same budget;
exit 0 only when every mutant is killed and the clean model passes`,
  flags: {
    time: { type: 'number', value: 'S', help: 'search each for up to S seconds (default 10)' },
    runs: { type: 'int', value: 'N', help: 'run N schedules against each instead (not with --time)' },
    seed: SEED_FLAG,
    only: { type: 'string', value: 'IDS', help: 'only these mutants, comma-separated (M03,M12)' },
    json: { type: 'boolean', help: 'print the report as JSON' },
  },
});

/**
 * `sbsim mutants [--time S | --runs N] [--seed N] [--only IDS] [--json]`: exit 0 only when every mutant is
 * killed and the clean model passes.
 */
export function mutantsCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(MUTANTS_COMMAND, argv);
  if (positionals.length > 0) throw new UsageError(`sbsim mutants: unexpected argument "${positionals[0]}"`);
  if (flags.time !== undefined && flags.runs !== undefined)
    throw new UsageError('sbsim mutants: give --time or --runs, not both');
  const time = typeof flags.time === 'number' ? flags.time : 10;
  if (!(time > 0)) throw new UsageError('sbsim mutants: --time must be a positive number of seconds');
  const runs = typeof flags.runs === 'number' ? flags.runs : undefined;
  if (runs !== undefined && runs < 1) throw new UsageError('sbsim mutants: --runs must be at least 1');
  const mutants = typeof flags.only === 'string' ? selectMutants(flags.only) : MUTANTS;
  const seed = chooseSeed(flags.seed, 'mutants');
  const c = new Chalk({ level: io.color ? 1 : 0 });
  const budget = runs !== undefined ? count(runs, 'run') : `up to ${time} s of search`;
  if (!flags.json) io.err(`sbsim mutants: seed ${seed}, ${budget} per mutant and for the clean model`);
  const report = runMutants({
    seed,
    mutants,
    ...(runs !== undefined ? { runs } : { timeMs: time * 1000 }),
    onMutant: flags.json
      ? undefined
      : (r) => io.err(`  ${r.killed ? c.green('killed') : c.red('SURVIVED')} ${r.id} ${r.slug}`),
  });
  if (flags.json) {
    io.out(
      JSON.stringify(
        {
          clean: { passed: report.clean.passed, runs: report.clean.runs },
          mutants: report.mutants.map(jsonRow),
          seed: report.seed,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(renderMutants(report, c));
  }
  return report.ok ? EXIT_OK : EXIT_VIOLATION;
}

/** The mutants named in `--only`, each once, in the order first named (`M01,M01` runs M01 once). */
function selectMutants(list: string): Mutant[] {
  const picked = list.split(',').map((id) => {
    const m = mutantById(id.trim());
    if (!m)
      throw new UsageError(`sbsim mutants: no mutant "${id.trim()}" (known: ${MUTANTS.map((x) => x.id).join(', ')})`);
    return m;
  });
  return [...new Set(picked)];
}

function jsonRow(r: MutantResult): Record<string, unknown> {
  return {
    id: r.id,
    description: r.description,
    killed: r.killed,
    property: r.property,
    runs: r.runs,
    ms: r.ms,
    lengthBefore: r.lengthBefore,
    lengthAfter: r.lengthAfter,
  };
}

export function renderMutants(report: MutantsReport, c: InstanceType<typeof Chalk>): string {
  const rows = report.mutants.map((r) => [
    r.id,
    r.slug,
    r.killed ? 'killed' : 'SURVIVED',
    r.property ?? '-',
    String(r.runs),
    `${r.ms} ms`,
    r.lengthBefore === null ? '-' : `${r.lengthBefore} → ${r.lengthAfter}`,
  ]);
  const header = ['id', 'mutant', 'result', 'caught by', 'runs', 'time', 'steps'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const lines = [c.bold(fmt(header)), ...rows.map((r) => (r[2] === 'killed' ? fmt(r) : c.red(fmt(r))))];
  const killed = report.mutants.filter((r) => r.killed).length;
  lines.push('');
  lines.push(
    `clean model: ${report.clean.passed ? c.green('passed') : c.red('FAILED')} ${report.clean.runs} run${report.clean.runs === 1 ? '' : 's'} in ${(report.clean.ms / 1000).toFixed(1)} s${report.clean.message ? ` — ${report.clean.message}` : ''}`,
  );
  lines.push(`${killed}/${report.mutants.length} mutants killed, seed ${report.seed}`);
  return lines.join('\n');
}
