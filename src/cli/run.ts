/**
 * `sbsim run [--workload NAME|FILE] [--seed N] [--format text|json|mermaid|html] [--out FILE [--force]]`:
 * one workload under one seed — the user's own, usually — drawn as `sbsim teach` and `sbsim replay`
 * draw theirs, with every property's verdict over the run. Exit 1 when a property is violated, naming
 * the violating step; 0 when all hold.
 *
 * Where things go: with `--out`, the rendering to the file and the verdicts to stdout; a picture
 * (mermaid, html) on stdout keeps stdout a valid diagram or page, so its verdicts go to stderr; the text
 * format carries them at its end, and JSON in its `violations`.
 */
import { Chalk } from 'chalk';
import { ALL_PROPERTIES, checkAll } from '../../properties/index.ts';
import type { Violation } from '../../properties/types.ts';
import type { TransitionCounts } from '../machines/inspect.ts';
import { runChartsHtml } from '../machines/run-charts.ts';
import { renderHtml } from '../trace/html.ts';
import { renderMermaid } from '../trace/mermaid.ts';
import { renderSwimlane } from '../trace/swimlane.ts';
import { renderTrace } from '../trace/text.ts';
import type { RenderText } from '../trace/timeline.ts';
import { safeJson, visible } from '../trace/visible.ts';
import { runWorkload } from '../world/run.ts';
import type { WorkloadRun } from '../world/run.ts';
import { WORKLOADS } from '../workloads/standard.ts';
import { UsageError, command, parseCommand } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_VIOLATION } from './io.ts';
import { FORCE_FLAG, OUT_FLAG, outTarget, writeOut, formatOf } from './output.ts';
import { MAX_SEED, chooseSeed } from './seed.ts';
import { loadWorkload } from './workloads.ts';

export const RUN_FORMATS = ['text', 'json', 'mermaid', 'html'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

/** Without --seed or SBSIM_SEED: the same run every time, so `sbsim run` draws the same picture twice. */
const DEFAULT_SEED = 1;

export const RUN = command({
  name: 'run',
  summary: `run one workload under one seed: its picture, its trace and final state, and every property's
verdict over it (exit 1 when one is violated)`,
  flags: {
    workload: {
      type: 'string',
      value: 'NAME|FILE',
      help: `a built-in workload (${Object.keys(WORKLOADS).join(', ')}) or a workload file (default demo)`,
    },
    seed: {
      type: 'int',
      value: 'N',
      help: `the seed, 0..${MAX_SEED} (default: SBSIM_SEED, else ${DEFAULT_SEED})`,
    },
    format: {
      type: 'string',
      value: RUN_FORMATS.join('|'),
      help: "swimlane, trace and verdicts (text); the run as JSON; a picture (default: --out's extension, else text)",
    },
    out: OUT_FLAG,
    force: FORCE_FLAG,
    json: { type: 'boolean', help: 'the same as --format json' },
    brief: { type: 'boolean', help: 'text: leave the broker-internal hand-offs out of the trace' },
  },
});

export function runCommand(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(RUN, argv);
  if (positionals.length > 0) throw new UsageError(`sbsim run: unexpected argument "${positionals[0]}"`);
  if (flags.json && flags.format !== undefined && flags.format !== 'json')
    throw new UsageError(`sbsim run: --json and --format ${flags.format} ask for two formats; give one`);
  const format = flags.json ? 'json' : formatOf('run', RUN_FORMATS, flags.format, flags.out);
  const workload = loadWorkload(flags.workload ?? 'demo');
  const seed = chooseSeed(flags.seed, 'run', () => DEFAULT_SEED);
  const out = outTarget('run', flags);

  const transitions: TransitionCounts = new Map();
  const result = runWorkload(workload, { seed, coverage: transitions });
  const violations = checkAll({ workload, trace: result.trace, final: result.final, hitBound: result.hitBound });
  const rendered = render(result, { format, seed, violations, transitions, brief: flags.brief === true });
  const color = out === undefined && io.color;

  if (out !== undefined) {
    writeOut('run', out, rendered(false));
    io.err(
      `sbsim run: wrote the ${format} rendering of workload ${visible(workload.name)} (seed ${seed}) to ${out.path}`,
    );
    io.out(verdicts(violations, result, color).join('\n'));
  } else if (format === 'mermaid' || format === 'html') {
    io.out(rendered(false));
    io.err(verdicts(violations, result, false).join('\n'));
  } else io.out(rendered(color));
  return violations.length > 0 ? EXIT_VIOLATION : EXIT_OK;
}

interface RenderOptions {
  readonly format: RunFormat;
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly transitions: TransitionCounts;
  readonly brief: boolean;
}

/** The run in one format, with or without colour. */
function render(result: WorkloadRun, options: RenderOptions): (color: boolean) => string {
  const { seed, violations } = options;
  switch (options.format) {
    case 'json':
      return () =>
        safeJson({
          seed,
          steps: result.steps,
          hitBound: result.hitBound,
          violations,
          decisions: result.decisions,
          trace: result.trace,
          final: result.final,
        });
    case 'mermaid':
      return () => renderMermaid(result.trace, pictureText(result, seed, violations));
    case 'html':
      return () =>
        renderHtml(result.trace, {
          ...pictureText(result, seed, violations),
          charts: runChartsHtml([result.trace], options.transitions),
        });
    case 'text':
      return (color) =>
        [
          renderSwimlane(result.trace, { color, width: 110 }),
          '',
          renderTrace(result.trace, { brief: options.brief, color }),
          '',
          summaryLine(result, seed),
          'final state:',
          safeJson(result.final),
          '',
          ...verdicts(violations, result, color),
        ].join('\n');
  }
}

function summaryLine(result: WorkloadRun, seed: number): string {
  return `workload ${visible(result.workload.name)}, seed ${seed}: ${result.steps} steps, ${result.decisions.length} decisions, ended at t=${result.endedAtMs}ms${result.hitBound ? ' (hit the step bound)' : ''}`;
}

/** Title, lesson and narrative of the picture; the first violation's step is marked (▶). */
function pictureText(result: WorkloadRun, seed: number, violations: readonly Violation[]): RenderText {
  const title = `Run of workload ${result.workload.name}, seed ${seed}`;
  const first = violations[0];
  if (!first) return { title, lesson: `All ${ALL_PROPERTIES.length} properties hold.` };
  const rule = ALL_PROPERTIES.find((p) => p.id === first.property)?.rule;
  return {
    title,
    lesson: `${first.property} is violated ${where(first)} (▶).`,
    narrative: `${first.message}${rule ? ` The rule: ${rule}` : ''}`,
    outcome: violations.map((v) => `${v.property} is violated ${where(v)}: ${v.message}`),
    markStep: first.step,
  };
}

function where(v: Violation): string {
  return v.step === null ? 'at the end of the run' : `at step #${v.step}${v.t === null ? '' : `, t=${v.t}ms`}`;
}

/**
 * Every property's verdict, a line each: ✓ with its title, or ✗ with where and what happened, followed
 * by the violating step as the trace shows it.
 */
export function verdicts(violations: readonly Violation[], result: WorkloadRun, color: boolean): string[] {
  const c = new Chalk({ level: color ? 1 : 0 });
  const held = ALL_PROPERTIES.length - new Set(violations.map((v) => v.property)).size;
  const lines = [c.bold(`Properties: ${held} of ${ALL_PROPERTIES.length} hold`)];
  for (const p of ALL_PROPERTIES) {
    const v = violations.find((x) => x.property === p.id);
    if (!v) {
      lines.push(`  ${c.green('✓')} ${p.id}: ${p.title}`);
      continue;
    }
    lines.push(`  ${c.red('✗')} ${c.red.bold(`${p.id} is violated ${where(v)}`)}: ${visible(v.message)}`);
    if (v.step === null) continue;
    const step = renderTrace(
      result.trace.filter((e) => e.step === v.step),
      { color },
    );
    lines.push(...step.split('\n').map((l, i) => `    ${i === 0 ? c.red('▶') : ' '} ${l}`));
  }
  return lines;
}
