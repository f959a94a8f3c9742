/**
 * `sbsim check`: the property search, with a Coyote-style summary, and `sbsim mutants`: the same search
 * against every mutant of the zoo.
 *
 * A violation is saved as a replay file (`--out FILE`, or `sbsim-failure-<property>-<seed>.json` in the
 * current directory), verified by two replays before it is written; an existing file is never
 * overwritten — the next free `-2`, `-3`… name is used, and the output says so. The path and the
 * command to replay it are printed last.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Chalk } from 'chalk';
import { mutantById, MUTANTS } from '../../models/mutants/index.ts';
import type { Mutant } from '../../models/mutants/index.ts';
import type { CheckReport, Counterexample } from '../check/check.ts';
import { check } from '../check/check.ts';
import { SITUATIONS } from '../check/coverage.ts';
import type { Situation } from '../check/coverage.ts';
import { replayFileOf } from '../replay/format.ts';
import { ReplayFileError, validateReplayWorkload } from '../replay/read.ts';
import { NondeterminismError, defaultReplayFileName, writeReplayFile } from '../replay/write.ts';
import { describeFact } from '../trace/text.ts';
import { UsageError, parseArgs } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_VIOLATION } from './io.ts';
import { shellQuote } from './quote.ts';
import { loadWorkload } from './workloads.ts';
import type { WorkloadInput } from '../world/workload.ts';
import { normalizeWorkload } from '../world/workload.ts';

const CHECK_FLAGS = {
  seed: 'int',
  runs: 'int',
  time: 'number',
  workload: 'string',
  mutant: 'string',
  json: 'boolean',
  'shrink-time': 'number',
  out: 'string',
} as const;

/** The seed: --seed, else SBSIM_SEED, else a fresh one (always printed, so any run can be repeated). */
export function chooseSeed(flag: unknown): number {
  if (typeof flag === 'number') return flag;
  const env = process.env.SBSIM_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n)) throw new UsageError(`sbsim: SBSIM_SEED must be a whole number, not "${env}"`);
    return n;
  }
  return (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
}

function budget(flags: Record<string, unknown>, defaultTimeS: number): { runs?: number; timeMs?: number } {
  if (flags.runs !== undefined && flags.time !== undefined)
    throw new UsageError('sbsim: give --runs or --time, not both');
  if (typeof flags.runs === 'number') {
    if (flags.runs < 1) throw new UsageError('sbsim: --runs must be at least 1');
    return { runs: flags.runs };
  }
  const time = typeof flags.time === 'number' ? flags.time : defaultTimeS;
  if (!(time > 0)) throw new UsageError('sbsim: --time must be a positive number of seconds');
  return { timeMs: time * 1000 };
}

export function checkCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(argv, CHECK_FLAGS, 'check');
  if (positionals.length > 0) throw new UsageError(`sbsim check: unexpected argument "${positionals[0]}"`);
  const seed = chooseSeed(flags.seed);
  let mutant: Mutant | undefined;
  if (typeof flags.mutant === 'string') {
    mutant = mutantById(flags.mutant);
    if (!mutant)
      throw new UsageError(`sbsim check: no mutant "${flags.mutant}" (known: ${MUTANTS.map((m) => m.id).join(', ')})`);
  }
  const workload = typeof flags.workload === 'string' ? loadWorkload(flags.workload) : undefined;
  if (workload) fitsReplayFormat(workload, String(flags.workload));
  const b = budget(flags, 20);
  const shrinkTimeMs = typeof flags['shrink-time'] === 'number' ? flags['shrink-time'] * 1000 : undefined;
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out !== undefined) checkOutDir(out);
  if (!flags.json) {
    const what = workload ? `workload ${workload.name ?? String(flags.workload)}` : 'generated workloads';
    const limit = b.runs !== undefined ? `${b.runs} runs` : `${(b.timeMs ?? 0) / 1000} s`;
    io.err(`sbsim check: seed ${seed}, ${limit}, ${what}${mutant ? `, mutant ${mutant.id} (${mutant.slug})` : ''}`);
  }
  const report = check({
    seed,
    ...b,
    ...(shrinkTimeMs !== undefined ? { shrinkTimeMs } : {}),
    ...(workload ? { workload } : {}),
    ...(mutant ? { bugs: mutant.bugs } : {}),
    onProgress:
      io.isTTY && !flags.json
        ? (p) => io.progress(`  ${p.runs} runs, ${(p.elapsedMs / 1000).toFixed(0)} s`)
        : undefined,
  });
  io.progress('');
  const save = () =>
    report.counterexample
      ? saveReplay(report.counterexample, { seed, mutant: mutant?.id ?? null, out }, io)
      : undefined;
  if (flags.json) {
    const saved = save();
    io.out(
      JSON.stringify(
        { ...(jsonReport(report) as object), ...(report.counterexample ? { replayFile: saved ?? null } : {}) },
        null,
        2,
      ),
    );
  } else {
    io.out(renderReport(report, io.color));
    const saved = save();
    if (saved !== undefined) io.out(`Replay file: ${saved}\n  sbsim replay ${shellQuote(saved)}`);
  }
  return report.passed ? EXIT_OK : EXIT_VIOLATION;
}

/**
 * A workload whose counterexample could not be saved is refused before the search: the replay format
 * knows every field (a misspelt one would otherwise be carried along unread).
 */
function fitsReplayFormat(input: WorkloadInput, name: string): void {
  try {
    validateReplayWorkload(normalizeWorkload(input));
  } catch (e) {
    if (e instanceof ReplayFileError) throw new UsageError(`sbsim check: workload ${name}: ${e.message}`);
    throw e;
  }
}

/** `--out` must name a file in an existing directory: checked before the search, not after it. */
function checkOutDir(out: string): void {
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`sbsim check: cannot write ${out}: no directory ${dir}`);
  if (existsSync(out) && statSync(out).isDirectory())
    throw new UsageError(`sbsim check: --out ${out} is a directory; give a file name`);
}

/**
 * Write the counterexample's replay file; the path written, or undefined when it could not be written
 * (said on stderr: the violation still stands and the exit code is still 1).
 */
function saveReplay(
  cx: Counterexample,
  options: { seed: number; mutant: string | null; out: string | undefined },
  io: Io,
): string | undefined {
  const file = replayFileOf(cx, { seed: options.seed, mutant: options.mutant });
  const wanted = options.out ?? defaultReplayFileName(file);
  try {
    const written = writeReplayFile(wanted, file, { unique: true });
    if (written !== wanted) io.err(`sbsim check: ${wanted} already exists; wrote ${written} instead`);
    return written;
  } catch (e) {
    // The harness's own nondeterminism is not a finding about the model: exit 3, nothing written.
    if (e instanceof NondeterminismError) throw e;
    if (e instanceof ReplayFileError)
      io.err(`sbsim check: the counterexample cannot be saved as a replay file: ${e.message}`);
    else if (isFsError(e)) io.err(`sbsim check: could not write the replay file ${wanted}: ${e.message}`);
    else throw e;
    return undefined;
  }
}

function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

export function jsonReport(report: CheckReport): unknown {
  const { counterexample: cx, ...rest } = report;
  return {
    ...rest,
    ...(cx
      ? {
          violation: cx.violation,
          counterexample: {
            picks: cx.picks,
            decisions: cx.decisions,
            workload: cx.workload,
            original: cx.original,
            shrunk: cx.shrunk,
            fastCheck: cx.fastCheck,
          },
        }
      : {}),
  };
}

const pct = (n: number, d: number): string =>
  d === 0 ? '0%' : `${((100 * n) / d).toFixed(n === 0 || n === d ? 0 : 1)}%`;

export function renderReport(report: CheckReport, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  const rate = report.ms > 0 ? ` (${Math.round((report.runs * 1000) / report.ms)}/s)` : '';
  lines.push(c.bold('Exploration'));
  lines.push(`  runs: ${report.runs}${rate} in ${(report.ms / 1000).toFixed(1)} s, seed ${report.seed}`);
  lines.push(`  steps per run: ${report.steps.min} min, ${report.steps.avg.toFixed(1)} avg, ${report.steps.max} max`);
  const bound = `  hit the step bound: ${report.boundHits} runs (${pct(report.boundHits, report.runs)})`;
  lines.push(
    report.boundHits * 10 > report.runs
      ? c.yellow(`${bound} — raise maxSteps: a search that hits the bound explores less`)
      : bound,
  );
  lines.push(`  properties: ${report.properties.join(', ')}`);
  lines.push(c.bold('Situations reached'));
  for (const [key, text] of Object.entries(SITUATIONS) as [Situation, string][]) {
    const n = report.coverage[key];
    lines.push(`  ${n > 0 ? c.green('✓') : c.yellow('✗')} ${text}: ${n} runs (${pct(n, report.runs)})`);
  }
  if (report.observations.length > 0) {
    lines.push(c.bold('Observed (documented, not violations)'));
    for (const o of report.observations.slice(0, 6))
      lines.push(`  • ${o.text}${o.count > 1 ? ` (${o.count} runs)` : ''}`);
  }
  const cx = report.counterexample;
  if (!cx) {
    lines.push(c.green(`All ${report.properties.length} properties hold over ${report.runs} runs.`));
    return lines.join('\n');
  }
  lines.push(...renderCounterexample(cx, report.seed, c));
  return lines.join('\n');
}

function renderCounterexample(cx: Counterexample, seed: number, c: InstanceType<typeof Chalk>): string[] {
  const lines: string[] = [];
  lines.push(c.red.bold(`Violation of ${cx.violation.property}`));
  lines.push(`  ${cx.violation.message}`);
  lines.push(
    `  shrunk from ${cx.original.decisions} decisions, ${cx.original.messages} messages, ${cx.original.consumers} consumers to ${cx.shrunk.decisions} decisions (${cx.shrunk.deviations} off the default), ${cx.shrunk.messages} messages, ${cx.shrunk.consumers} consumers`,
  );
  lines.push(c.bold('  What happened'));
  for (const e of cx.trace) {
    if (e.k !== 'fact') continue;
    const mark = cx.violation.step !== null && e.step === cx.violation.step ? c.red('▶') : ' ';
    lines.push(`  ${mark} t=${String(e.t).padStart(6)}ms  ${describeFact(e.fact, c)}`);
  }
  lines.push(`  seed ${seed}, fast-check path "${cx.fastCheck.path}"`);
  lines.push(`  decisions: ${JSON.stringify(cx.decisions.map((d) => d.pick))}`);
  return lines;
}
