/**
 * `sbsim teach [SCENARIO] [--list] [--format text|mermaid|html] [--out FILE [--force]]`: walk through a
 * session rule as a narrated scenario with a timeline picture (DESIGN.md, "Teaching").
 *
 * Every format carries the narrative and the outcome: the text swimlane prints them below the picture,
 * Mermaid as `%%` comments (so the output stays a valid diagram), HTML on the page. `--out` writes
 * the rendering to a new file (an existing one only with `--force`), through a temporary file so
 * nothing is left half-written (output.ts).
 */
import type { OutcomeBase, Scenario } from '../scenarios/index.ts';
import { SCENARIOS, scenarioById } from '../scenarios/index.ts';
import { runChartsHtml } from '../machines/run-charts.ts';
import { renderHtml } from '../trace/html.ts';
import { renderMermaid } from '../trace/mermaid.ts';
import { renderSwimlane } from '../trace/swimlane.ts';
import type { RenderText } from '../trace/timeline.ts';
import { UsageError, command, parseCommand } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE } from './io.ts';
import { FORCE_FLAG, OUT_FLAG, outTarget, writeOut, formatOf } from './output.ts';

export const TEACH_FORMATS = ['text', 'mermaid', 'html'] as const;
export type TeachFormat = (typeof TEACH_FORMATS)[number];

export const TEACH = command({
  name: 'teach',
  args: '[SCENARIO]',
  summary: `narrated scenarios with timeline pictures, one per session rule; without SCENARIO, the list`,
  flags: {
    list: { type: 'boolean', help: 'list the scenarios, one a line, with their lesson' },
    format: {
      type: 'string',
      value: TEACH_FORMATS.join('|'),
      help: "the terminal swimlane, a Mermaid diagram or an HTML page (default: --out's extension, else text)",
    },
    out: OUT_FLAG,
    force: FORCE_FLAG,
  },
});

const REFERENCE = 'docs/semantics.md';

export function teachCommand(argv: readonly string[], io: Io): number {
  try {
    return teach(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(e.message);
      return EXIT_USAGE;
    }
    throw e;
  }
}

function teach(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(TEACH, argv);
  if (positionals.length > 1)
    throw new UsageError(`sbsim teach: one scenario at a time, got ${positionals.length} (${positionals.join(', ')})`);
  const id = positionals[0];
  const format = formatOf('teach', TEACH_FORMATS, flags.format, flags.out);
  if (flags.list === true || id === undefined) {
    if (id !== undefined) throw new UsageError(`sbsim teach: --list takes no scenario (got "${id}")`);
    if (flags.out !== undefined) throw new UsageError('sbsim teach: --out needs a scenario (try: sbsim teach --list)');
    if (flags.force) throw new UsageError('sbsim teach: --force applies to --out FILE');
    io.out(listing());
    if (flags.list !== true) io.out('\nRun one with: sbsim teach SCENARIO [--format text|mermaid|html] [--out FILE]');
    return EXIT_OK;
  }
  const scenario = scenarioById(id);
  if (!scenario)
    throw new UsageError(`sbsim teach: unknown scenario "${id}" (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  // Checked before running anything: nothing is written or overwritten unless it can all be done.
  const out = outTarget('teach', flags);
  if (out !== undefined) {
    writeOut('teach', out, renderScenario(scenario, format, { color: false }));
    io.out(`sbsim teach: wrote the ${format} rendering of ${scenario.id} to ${out.path}`);
    return EXIT_OK;
  }
  io.out(renderScenario(scenario, format, { color: io.color }));
  return EXIT_OK;
}

/** `id  lesson`, one scenario a line. */
export function listing(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.id.length));
  return SCENARIOS.map((s) => `${s.id.padEnd(width)}  ${s.lesson}`).join('\n');
}

/** Run a scenario and render it, with its narrative and outcome, in one format. */
export function renderScenario(
  scenario: Scenario<OutcomeBase>,
  format: TeachFormat,
  options: { color?: boolean } = {},
): string {
  const runs = scenario.run();
  const outcome = scenario.outcome(runs);
  const words: RenderText = {
    title: scenario.title,
    lesson: scenario.lesson,
    narrative: `${scenario.narrative}\n\nRule: ${scenario.rule} (${REFERENCE}).`,
    outcome: outcome.summary,
  };
  switch (format) {
    case 'text':
      return renderSwimlane(runs, { ...words, color: options.color === true });
    case 'mermaid':
      return renderMermaid(runs, words);
    case 'html':
      return renderHtml(runs, {
        ...words,
        charts: runChartsHtml(
          runs.map((r) => r.trace),
          takenBy(runs),
        ),
      });
  }
}

/** The transitions any of the runs took. */
function takenBy(runs: ReadonlyArray<{ readonly transitions: ReadonlyMap<string, number> }>): Set<string> {
  return new Set(runs.flatMap((r) => [...r.transitions.keys()]));
}
