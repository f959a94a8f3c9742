/**
 * `sbsim machines [NAME] [--format text|mermaid|json|html] [--out FILE]`: draw the model's statecharts
 * from their XState definitions (src/machines/): states, regions, events, guards, actions. NAME is one
 * of session, lock, entity, consumer, topic; without it, all of them (Mermaid: one diagram after
 * another; JSON: an array).
 *
 * The format defaults to the `--out` file's extension (.html, .mmd, .json), else text. `--out` writes a
 * new file, never over an existing one (checked first, then written atomically).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { MachineDescription } from '../machines/describe.ts';
import { renderMachinesHtml } from '../machines/html.ts';
import { renderMachinesMermaid } from '../machines/mermaid.ts';
import { MACHINE_NAMES, describeAll, describeNamed, isMachineName } from '../machines/registry.ts';
import { renderMachinesText } from '../machines/text.ts';
import { ReplayExistsError, atomicWrite } from '../replay/write.ts';
import { UsageError, parseArgs } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE } from './io.ts';

export const MACHINE_FORMATS = ['text', 'mermaid', 'json', 'html'] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

const USAGE = `sbsim machines [${MACHINE_NAMES.join('|')}] [--format ${MACHINE_FORMATS.join('|')}] [--out FILE]`;

export function machinesCommand(argv: readonly string[], io: Io): number {
  try {
    return machines(argv, io);
  } catch (e) {
    if (e instanceof UsageError) io.err(e.message);
    else if (e instanceof ReplayExistsError) io.err(`sbsim machines: ${e.message}`);
    else if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string')
      io.err(`sbsim machines: could not write the output: ${e.message}`);
    else throw e;
    return EXIT_USAGE;
  }
}

function machines(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(argv, { format: 'string', out: 'string', overview: 'boolean' }, 'machines');
  if (positionals.length > 1) throw new UsageError(`sbsim machines: one machine at a time, or none for all (${USAGE})`);
  const name = positionals[0];
  if (name !== undefined && !isMachineName(name))
    throw new UsageError(`sbsim machines: unknown machine "${name}" (known: ${MACHINE_NAMES.join(', ')})`);
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  const format = formatOf(typeof flags.format === 'string' ? flags.format : undefined, out);
  if (out !== undefined) checkOut(out);
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
  atomicWrite(out, text.endsWith('\n') ? text : `${text}\n`, false);
  io.err(`sbsim machines: wrote the ${format} chart${name === undefined ? 's' : ` of ${name}`} to ${out}`);
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
      return JSON.stringify(options.all || ds.length !== 1 ? ds : ds[0], null, 2);
    case 'html':
      return renderMachinesHtml(ds);
  }
}

function formatOf(flag: string | undefined, out: string | undefined): MachineFormat {
  if (flag !== undefined) {
    const known = MACHINE_FORMATS.find((f) => f === flag);
    if (!known) throw new UsageError(`sbsim machines: unknown format "${flag}" (known: ${MACHINE_FORMATS.join(', ')})`);
    return known;
  }
  const ext = out === undefined ? '' : extname(out).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.mmd' || ext === '.mermaid') return 'mermaid';
  if (ext === '.json') return 'json';
  return 'text';
}

/** `--out` must be a new file in an existing directory: checked before anything is rendered. */
function checkOut(out: string): void {
  if (existsSync(out))
    throw new UsageError(`sbsim machines: ${out} already exists; not overwriting it (choose another --out)`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`sbsim machines: cannot write ${out}: no directory ${dir}`);
}
