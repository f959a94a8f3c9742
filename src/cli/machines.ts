/**
 * `sbsim machines [NAME] [--format text|mermaid|json|html] [--out FILE]`: draw the model's statecharts
 * from their XState definitions (src/machines/): states, regions, events, guards, actions. NAME is one
 * of session, lock, entity, consumer, topic; without it, all of them (Mermaid: one diagram after
 * another; JSON: an array).
 *
 * The format defaults to the `--out` file's extension (.html, .mmd, .json), else text. `--out` writes a
 * new file, an existing one only with `--force` (checked first, then written atomically: output.ts).
 */
import type { MachineDescription } from '../machines/describe.ts';
import { renderMachinesHtml } from '../machines/html.ts';
import { safeJson } from '../trace/visible.ts';
import { renderMachinesMermaid } from '../machines/mermaid.ts';
import { MACHINE_NAMES, describeAll, describeNamed, isMachineName } from '../machines/registry.ts';
import { renderMachinesText } from '../machines/text.ts';
import { UsageError, command, parseCommand } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE } from './io.ts';
import { FORCE_FLAG, OUT_FLAG, outTarget, writeOut, formatOf } from './output.ts';

export const MACHINE_FORMATS = ['text', 'mermaid', 'json', 'html'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

export const MACHINES = command({
  name: 'machines',
  args: `[${MACHINE_NAMES.join('|')}]`,
  summary: `the statecharts, drawn from their XState definitions: states, regions, events, guards, actions
(without a name, all of them)`,
  flags: {
    format: {
      type: 'string',
      value: MACHINE_FORMATS.join('|'),
      help: "a tree, Mermaid, the description as JSON or an HTML page (default: --out's extension, else text)",
    },
    overview: {
      type: 'boolean',
      help: 'with --format mermaid: the shape only, one edge per pair of states, labelled with events',
    },
    out: OUT_FLAG,
    force: FORCE_FLAG,
  },
});

const USAGE = `sbsim machines [${MACHINE_NAMES.join('|')}] [--format ${MACHINE_FORMATS.join('|')}] [--out FILE [--force]]`;

export function machinesCommand(argv: readonly string[], io: Io): number {
  try {
    return machines(argv, io);
  } catch (e) {
    if (e instanceof UsageError) io.err(e.message);
    else throw e;
    return EXIT_USAGE;
  }
}

function machines(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(MACHINES, argv);
  if (positionals.length > 1) throw new UsageError(`sbsim machines: one machine at a time, or none for all (${USAGE})`);
  const name = positionals[0];
  if (name !== undefined && !isMachineName(name))
    throw new UsageError(`sbsim machines: unknown machine "${name}" (known: ${MACHINE_NAMES.join(', ')})`);
  const format = formatOf('machines', MACHINE_FORMATS, flags.format, flags.out);
  const out = outTarget('machines', flags);
  const descriptions = name === undefined ? describeAll() : [describeNamed(name)];
  if (flags.overview === true && format !== 'mermaid')
    throw new UsageError('sbsim machines: --overview draws Mermaid only (--format mermaid)');
  const text = renderMachines(descriptions, format, {
    color: out === undefined && io.color,
    all: name === undefined,
    overview: flags.overview === true,
  });
  if (out === undefined) {
    io.out(text);
    return EXIT_OK;
  }
  writeOut('machines', out, text);
  io.err(`sbsim machines: wrote the ${format} chart${name === undefined ? 's' : ` of ${name}`} to ${out.path}`);
  return EXIT_OK;
}

/** Machines in one format. `all`: the JSON is an array even of one. */
export function renderMachines(
  ds: readonly MachineDescription[],
  format: MachineFormat,
  options: { color?: boolean; all?: boolean; overview?: boolean } = {},
): string {
  switch (format) {
    case 'text':
      return renderMachinesText(ds, { color: options.color === true });
    case 'mermaid':
      return renderMachinesMermaid(ds, { overview: options.overview === true });
    case 'json':
      return safeJson(options.all || ds.length !== 1 ? ds : ds[0]);
    case 'html':
      return renderMachinesHtml(ds);
  }
}
