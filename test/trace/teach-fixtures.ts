/**
 * Traces for the renderer tests: every teaching scenario, and one run whose ids hold every character
 * that needs escaping somewhere (Mermaid syntax, HTML markup, quotes).
 */
import { SCENARIOS } from '../../src/scenarios/index.ts';
import type { ScenarioRun } from '../../src/scenarios/scenario.ts';
import { workloadRun } from '../../src/scenarios/scenario.ts';

export const AWKWARD_ID = `m;1#"x'<b>&{y}|%`;
export const AWKWARD_SESSION = 's;#"<i>';

export function awkwardRun(): ScenarioRun {
  return workloadRun('awkward ids', {
    entities: [{ name: 'q' }],
    messages: [{ messageId: AWKWARD_ID, sessionId: AWKWARD_SESSION }],
    consumers: [
      { id: 'c1', rules: [{ belowDeliveryCount: 1, outcome: 'abandon' }], receiveWaitMs: 1_000, maxSessions: 1 },
    ],
  });
}

/** Each scenario's runs, computed once. */
export const SCENARIO_RUNS: ReadonlyArray<{ id: string; runs: readonly ScenarioRun[] }> = SCENARIOS.map((s) => ({
  id: s.id,
  runs: s.run(),
}));
