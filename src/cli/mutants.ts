import { Chalk } from 'chalk';
import type { MutantResult, MutantsReport } from '../check/mutants.ts';
import { runMutants } from '../check/mutants.ts';
import { MUTANTS, mutantById } from '../../models/mutants/index.ts';
import type { Mutant } from '../../models/mutants/index.ts';
import { UsageError, command, parseCommand } from './args.ts';
import { SEED_FLAG, chooseSeed } from './seed.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';
import { count } from '../words.ts';
import { safeJson } from '../trace/visible.ts';

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
  notes: [
    'Exit codes: 0 every mutant killed and the clean model passed, 1 a mutant survived or the clean model',
    'failed, 2 bad usage (also: a search in which no run finished within --time), 3 harness error.',
  ],
});

/**
 * `sbsim mutants [--time S | --runs N] [--seed N] [--only IDS] [--json]`: exit 0 only when every mutant is
 * killed and the clean model passes. A search in which no run finished (a --time too short for even one)
 * checked nothing: its mutant is neither killed nor survived, the clean model neither passed nor failed;
 * that is said in one line, and it is exit 2, as in `sbsim check`.
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
    onMutant: flags.json ? undefined : (r) => io.err(`  ${verdictOf(r, c)} ${r.id} ${r.slug}`),
  });
  const unchecked = uncheckedOf(report);
  if (unchecked.length > 0) {
    io.err(
      `sbsim mutants: no run finished within the time budget for ${unchecked.join(', ')} (seed ${report.seed}): not checked, so no verdict; give a longer --time, or --runs N`,
    );
    return EXIT_USAGE;
  }
  if (flags.json) {
    io.out(
      safeJson({
        clean: { passed: report.clean.passed, runs: report.clean.runs },
        mutants: report.mutants.map(jsonRow),
        seed: report.seed,
      }),
    );
  } else {
    io.out(renderMutants(report, c));
  }
  return report.ok ? EXIT_OK : EXIT_VIOLATION;
}

/** A search that finished no run and found nothing checked nothing (one that found a violation did run). */
const ranNothing = (runs: number, found: boolean): boolean => runs === 0 && !found;

/** The searches that checked nothing: mutants by id, then `the clean model`. */
function uncheckedOf(report: MutantsReport): string[] {
  return [
    ...report.mutants.filter((r) => ranNothing(r.runs, r.killed)).map((r) => r.id),
    ...(ranNothing(report.clean.runs, !report.clean.passed) ? ['the clean model'] : []),
  ];
}

/** A mutant's line as its search ends: killed, SURVIVED, or not checked (no run finished). */
function verdictOf(r: MutantResult, c: InstanceType<typeof Chalk>): string {
  if (r.killed) return c.green('killed');
  return ranNothing(r.runs, false) ? c.yellow('not checked (no run finished)') : c.red('SURVIVED');
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
