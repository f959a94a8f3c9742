/**
 * The output formats of `sbsim replay`, by name. A format is a function from the replay's result to
 * text; adding one (mermaid, html) is one entry here and one file beside it — the CLI lists, checks and
 * dispatches `--format` from this map alone.
 */
import type { ReadReplay } from './read.ts';
import type { ReplayResult } from './replay.ts';
import { renderReplayJson } from './render-json.ts';
import { renderReplayHtml, renderReplayMermaid } from './render-picture.ts';
import { renderReplayText } from './render-text.ts';

export interface RenderContext {
  /** Colour escapes allowed (a TTY without NO_COLOR); never for files. */
  readonly color: boolean;
  /** The file replayed, as the user named it. */
  readonly source: string;
  readonly warnings: ReadReplay['warnings'];
}

export type ReplayRenderer = (result: ReplayResult, context: RenderContext) => string;

export const REPLAY_RENDERERS: Readonly<Record<string, ReplayRenderer>> = {
  text: renderReplayText,
  json: renderReplayJson,
  mermaid: renderReplayMermaid,
  html: renderReplayHtml,
};

export function rendererFor(format: string): ReplayRenderer | undefined {
  return Object.hasOwn(REPLAY_RENDERERS, format) ? REPLAY_RENDERERS[format] : undefined;
}
