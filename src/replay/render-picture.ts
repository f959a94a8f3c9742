/**
 * `sbsim replay --format mermaid|html`, and the swimlane that opens `--format text`: the same pictures
 * `sbsim teach` draws, of the replayed run, with the violated rule as the narrative.
 */
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { runChartsHtml } from '../machines/run-charts.ts';
import { renderHtml } from '../trace/html.ts';
import { renderMermaid } from '../trace/mermaid.ts';
import { renderSwimlane } from '../trace/swimlane.ts';
import type { RenderText } from '../trace/timeline.ts';
import type { RenderContext } from './render-context.ts';
import type { ReplayResult } from './replay.ts';

/** Title, lesson and narrative of a replayed run. */
export function pictureText(result: ReplayResult, context: RenderContext): RenderText {
  const v = result.violation;
  const property = v ? ALL_PROPERTIES.find((p) => p.id === v.property) : undefined;
  const title = `Replay of ${context.source}`;
  if (result.outcome === 'diverged') {
    return {
      title,
      lesson: 'The model changed: the recorded decisions no longer fit.',
      narrative: result.divergence?.reason,
    };
  }
  if (!v)
    return {
      title,
      lesson: 'The schedule now runs clean: every property holds.',
      narrative: `Recorded: ${result.file.property.message}`,
    };
  return {
    title,
    lesson: `${v.property} is violated at step #${v.step ?? '?'}${v.t === null ? '' : `, t=${v.t}ms`} (▶).`,
    narrative: `${v.message}${property ? ` The rule: ${property.rule}` : ''}`,
    markStep: v.step,
  };
}

export function renderReplayMermaid(result: ReplayResult, context: RenderContext): string {
  return renderMermaid(result.run.trace, pictureText(result, context));
}

export function renderReplayHtml(result: ReplayResult, context: RenderContext): string {
  const charts = runChartsHtml([result.run.trace], result.transitions);
  return renderHtml(result.run.trace, { ...pictureText(result, context), charts });
}

/** The swimlane picture alone (no words: the story and the verdict follow it). */
export function renderReplaySwimlane(result: ReplayResult, context: RenderContext): string {
  return renderSwimlane(result.run.trace, { color: context.color, width: 110 });
}
