/**
 * Which search strategy finds which mutant faster: runs (and wall-clock ms) to the first failure under
 * each strategy, over several seeds per mutant (find rate, median and p90 iterations to the first bug, as
 * controlled-scheduling studies compare strategies). Exploration only, no shrinking.
 *
 *   node --import tsx scripts/strategies.ts [--mutants M02,M09,M10,M14] [--strategies list,random,pct]
 *                                          [--seeds 10] [--first-seed 1] [--cap 3000] [--pct-depth 3]
 *                                          [--workload NAME|FILE] [--json]
 *
 * A (mutant, strategy, seed) that is not found within `--cap` runs counts as not found; the medians are
 * over the seeds that found it. Prints a Markdown table (or JSON rows with every seed's count).
 */
import { mutantById } from '../models/mutants/index.ts';
import { explore } from '../src/check/check.ts';
import type { Strategy } from '../src/check/strategy.ts';
import { isStrategy } from '../src/check/strategy.ts';
import type { Command, FlagTable, Parsed } from '../src/cli/args.ts';
import { HelpRequest, UsageError, command, parseCommand } from '../src/cli/args.ts';

/** The script's flags, or its usage (exit 0) or one line of what is wrong (exit 2). */
function parseOrExit<F extends FlagTable>(spec: Command<F>, argv: readonly string[]): Parsed<F> {
  try {
    return parseCommand(spec, argv);
  } catch (e) {
    if (e instanceof HelpRequest) {
      process.stdout.write(`${e.text}\n`);
      process.exit(0);
    }
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}
import { loadWorkload } from '../src/cli/workloads.ts';

interface Row {
  readonly mutant: string;
  readonly strategy: Strategy;
  /** Runs to the first failure per seed, null when not found within the cap. */
  readonly runs: readonly (number | null)[];
  readonly ms: readonly number[];
}

const { flags } = parseOrExit(
  command({
    name: 'scripts/strategies',
    summary: 'runs to the first failure of each mutant under each scheduling strategy',
    flags: {
      mutants: { type: 'string', value: 'IDS', help: 'mutants to hunt (default M02,M09,M10,M14)' },
      strategies: { type: 'string', value: 'S,S', help: 'strategies to compare (default list,random,pct)' },
      seeds: { type: 'int', value: 'N', help: 'seeds per mutant and strategy (default 10)' },
      'first-seed': { type: 'int', value: 'N', help: 'the first seed (default 1)' },
      cap: { type: 'int', value: 'N', help: 'give up after N runs (default 3000)' },
      'pct-depth': { type: 'int', value: 'D', help: 'PCT depth (default 3)' },
      workload: { type: 'string', value: 'NAME|FILE', help: 'a fixed workload (default: generated)' },
      json: { type: 'boolean', help: 'print JSON' },
    },
  }),
  process.argv.slice(2),
);
const mutants = String(flags.mutants ?? 'M02,M09,M10,M14').split(',');
const strategies = String(flags.strategies ?? 'list,random,pct').split(',');
const seeds = Number(flags.seeds ?? 10);
const firstSeed = Number(flags['first-seed'] ?? 1);
const cap = Number(flags.cap ?? 3000);
const pctDepth = Number(flags['pct-depth'] ?? 3);
const workload = typeof flags.workload === 'string' ? loadWorkload(flags.workload) : undefined;

const rows: Row[] = [];
for (const id of mutants) {
  const mutant = mutantById(id);
  if (!mutant) throw new Error(`no mutant ${id}`);
  for (const strategy of strategies) {
    if (!isStrategy(strategy)) throw new Error(`no strategy ${strategy}`);
    const runs: (number | null)[] = [];
    const ms: number[] = [];
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const e = explore({ seed, runs: cap, mutant: mutant.id, strategy, pctDepth, ...(workload ? { workload } : {}) });
      runs.push(e.failure ? e.runs : null);
      ms.push(e.ms);
    }
    const row = { mutant: id, strategy, runs, ms };
    rows.push(row);
    process.stderr.write(`${id} ${strategy}: ${runs.map((r) => r ?? '-').join(' ')}\n`);
  }
}

const quantile = (xs: readonly number[], q: number): number | null => {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
};

if (flags.json) {
  process.stdout.write(
    `${JSON.stringify({ cap, seeds, firstSeed, pctDepth, workload: flags.workload ?? 'generated', rows }, null, 2)}\n`,
  );
} else {
  const lines = [
    `Runs to the first failure, ${workload ? `workload ${String(flags.workload)}` : 'generated workloads'}, seeds ${firstSeed}..${firstSeed + seeds - 1}, cap ${cap} runs, PCT depth ${pctDepth}`,
    '',
    '| mutant | strategy | found | median runs | p90 runs | mean runs | median ms to failure |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const found = r.runs.filter((x): x is number => x !== null);
    const foundMs = r.ms.filter((_, i) => r.runs[i] !== null);
    const mean = found.length === 0 ? '-' : (found.reduce((a, b) => a + b, 0) / found.length).toFixed(1);
    lines.push(
      `| ${r.mutant} | ${r.strategy} | ${found.length}/${r.runs.length} | ${quantile(found, 0.5) ?? '-'} | ${quantile(found, 0.9) ?? '-'} | ${mean} | ${quantile(foundMs, 0.5) ?? '-'} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
