/**
 * The output formats of `sbsim replay`, by name. A format is a function from the replay's result to
 * text; adding one (mermaid, html) is one entry here and one file beside it — the CLI lists, checks and
 * dispatches `--format` from this map alone.
 */
import type { ReplayRenderer } from './render-context.ts';
import { renderReplayJson } from './render-json.ts';
import { renderReplayHtml, renderReplayMermaid } from './render-picture.ts';
import { renderReplayText } from './render-text.ts';

export type { RenderContext, ReplayRenderer } from './render-context.ts';

export const REPLAY_RENDERERS: Readonly<Record<string, ReplayRenderer>> = {
  text: renderReplayText,
  json: renderReplayJson,
  mermaid: renderReplayMermaid,
  html: renderReplayHtml,
};

export function rendererFor(format: string): ReplayRenderer | undefined {
  return Object.hasOwn(REPLAY_RENDERERS, format) ? REPLAY_RENDERERS[format] : undefined;
}
