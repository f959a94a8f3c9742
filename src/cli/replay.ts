/**
 * `sbsim replay FILE [--format text|json|mermaid|html] [--out FILE [--force]]`: re-run a replay file's
 * decisions and explain the run. Exit 1 when a violation reproduces (or another one appears), 0 when the schedule now runs
 * clean (the bug is fixed), 2 for bad input: an unreadable or invalid file, or a model that changed so
 * the recorded decisions no longer fit (divergence) — each with one clear line on stderr.
 */
import { ReplayFileError, readReplayFile } from '../replay/read.ts';
import { replay } from '../replay/replay.ts';
import type { ReplayResult } from '../replay/replay.ts';
import { REPLAY_RENDERERS, rendererFor } from '../replay/renderers.ts';
import { UsageError, command, parseCommand } from './args.ts';
import type { Io } from './io.ts';
import { EXIT_OK, EXIT_USAGE, EXIT_VIOLATION } from './io.ts';
import { FORCE_FLAG, OUT_FLAG, outTarget, writeOut } from './output.ts';

export const REPLAY = command({
  name: 'replay',
  args: 'FILE',
  summary: `re-run a replay file and explain it: exit 1 reproduced, 0 now runs clean, 2 bad file or the
model changed so that the recorded decisions no longer fit`,
  flags: {
    format: {
      type: 'string',
      value: Object.keys(REPLAY_RENDERERS).join('|'),
      help: 'the story and verdict (text, default), the trace (json), or a picture (mermaid, html)',
    },
    out: OUT_FLAG,
    force: FORCE_FLAG,
  },
});

const USAGE = `sbsim replay FILE [--format ${Object.keys(REPLAY_RENDERERS).join('|')}] [--out FILE [--force]]`;

export function replayCommand(argv: readonly string[], io: Io): number {
  try {
    return replayOrThrow(argv, io);
  } catch (e) {
    if (e instanceof UsageError) io.err(e.message);
    else if (e instanceof ReplayFileError) io.err(`sbsim replay: ${e.message}`);
    else throw e;
    return EXIT_USAGE;
  }
}

function replayOrThrow(argv: readonly string[], io: Io): number {
  const { flags, positionals } = parseCommand(REPLAY, argv);
  const [source, extra] = positionals;
  if (source === undefined) throw new UsageError(`sbsim replay: which file? (${USAGE})`);
  if (extra !== undefined) throw new UsageError(`sbsim replay: one file at a time, not also "${extra}" (${USAGE})`);
  const format = typeof flags.format === 'string' ? flags.format : 'text';
  const render = rendererFor(format);
  if (!render)
    throw new UsageError(
      `sbsim replay: unknown --format "${format}" (known: ${Object.keys(REPLAY_RENDERERS).join(', ')})`,
    );
  const out = outTarget('replay', flags);

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
    writeOut('replay', out, text);
    io.err(`sbsim replay: wrote ${out.path} (${result.outcome})`);
  }
  return result.outcome === 'clean' ? EXIT_OK : EXIT_VIOLATION;
}

function divergenceLine(source: string, result: ReplayResult): string {
  const d = result.divergence;
  if (!d) return `sbsim replay: ${source}: the replay diverged`;
  return `sbsim replay: ${source}: the model changed: replay diverged at decision ${d.index} (step ${d.step}, t=${d.t}ms): ${d.reason}`;
}
