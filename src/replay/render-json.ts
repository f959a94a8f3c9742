/** `sbsim replay --format json`: the outcome, the violation, the decisions and the full trace, for machines. */
import type { RenderContext } from './render-context.ts';
import type { ReplayResult } from './replay.ts';
import { safeJson } from '../trace/visible.ts';

export function renderReplayJson(result: ReplayResult, context: RenderContext): string {
  const { file, run } = result;
  return safeJson({
    source: context.source,
    outcome: result.outcome,
    recorded: file.property,
    violation: result.violation,
    violations: result.violations,
    divergence: result.divergence
      ? {
          index: result.divergence.index,
          step: result.divergence.step,
          t: result.divergence.t,
          reason: result.divergence.reason,
          expected: result.divergence.error.expected,
          actual: result.divergence.error.actual,
        }
      : null,
    warnings: context.warnings,
    mutant: file.mutant,
    steps: run.steps,
    hitBound: run.hitBound,
    endedAtMs: run.endedAtMs,
    decisions: run.decisions,
    trace: run.trace,
  });
}
