/**
 * `sbsim replay FILE [--format text|json] [--out FILE]`: re-run a replay file's decisions and explain
 * the run. Exit 1 when a violation reproduces (or another one appears), 0 when the schedule now runs
 * clean (the bug is fixed), 2 for bad input: an unreadable or invalid file, or a model that changed so
 * the recorded decisions no longer fit (divergence) — each with one clear line on stderr.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReplayFileError, readReplayFile } from '../replay/read.ts';
import { replay } from '../replay/replay.ts';
import type { ReplayResult } from '../replay/replay.ts';
import { REPLAY_RENDERERS, rendererFor } from '../replay/renderers.ts';
import { ReplayExistsError, atomicWrite } from '../replay/write.ts';
import { UsageError, parseArgs } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';

const REPLAY_FLAGS = { format: 'string', out: 'string' } as const;

const USAGE = `sbsim replay FILE [--format ${Object.keys(REPLAY_RENDERERS).join('|')}] [--out FILE]`;

export function replayCommand(argv: readonly string[], io: Io): number {
  try {
    return replayOrThrow(argv, io);
  } catch (e) {
    if (e instanceof UsageError) io.err(e.message);
    else if (e instanceof ReplayFileError || e instanceof ReplayExistsError) io.err(`sbsim replay: ${e.message}`);
    else if (e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e)
      io.err(`sbsim replay: could not write the output: ${e.message}`);
    else throw e;
    return EXIT_USAGE;
  }
}

function replayOrThrow(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseArgs(argv, REPLAY_FLAGS, 'replay');
  const [source, extra] = positionals;
  if (source === undefined) throw new UsageError(`sbsim replay: which file? (${USAGE})`);
  if (extra !== undefined) throw new UsageError(`sbsim replay: one file at a time, not also "${extra}" (${USAGE})`);
  const format = typeof flags.format === 'string' ? flags.format : 'text';
  const render = rendererFor(format);
  if (!render)
    throw new UsageError(
      `sbsim replay: unknown --format "${format}" (known: ${Object.keys(REPLAY_RENDERERS).join(', ')})`,
    );
  const out = typeof flags.out === 'string' ? flags.out : undefined;
  if (out !== undefined) checkOut(out);

  const { file, warnings } = readReplayFile(source);
  for (const w of warnings) io.err(`sbsim replay: warning: ${w.message}`);
  const result = replay(file);
  if (result.outcome === 'diverged') {
    io.err(divergenceLine(source, result));
    if (format === 'json') io.out(render(result, { color: false, source, warnings }));
    return EXIT_USAGE;
  }
  const text = render(result, { color: out === undefined && io.color, source, warnings });
  if (out === undefined) io.out(text);
  else {
    atomicWrite(out, text.endsWith('\n') ? text : `${text}\n`, false);
    io.err(`sbsim replay: wrote ${out} (${result.outcome})`);
  }
  return result.outcome === 'clean' ? EXIT_OK : EXIT_VIOLATION;
}

/** `--out` must be a new file in an existing directory: checked before the replay, so nothing is half done. */
function checkOut(out: string): void {
  if (existsSync(out))
    throw new UsageError(`sbsim replay: ${out} already exists; not overwriting it (choose another --out)`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(`sbsim replay: cannot write ${out}: no directory ${dir}`);
}

function divergenceLine(source: string, result: ReplayResult): string {
  const d = result.divergence;
  if (!d) return `sbsim replay: ${source}: the replay diverged`;
  return `sbsim replay: ${source}: the model changed: replay diverged at decision ${d.index} (step ${d.step}, t=${d.t}ms): ${d.reason}`;
}
