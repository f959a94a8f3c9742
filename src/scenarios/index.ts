/**
 * The teaching scenarios, one per session rule, in the order `sbsim teach --list` shows them.
 */
import { abandon } from './abandon.ts';
import { deferral } from './deferral.ts';
import { deliveryCountTable } from './delivery-count-table.ts';
import { exclusiveLock } from './exclusive-lock.ts';
import { interleavedSessions } from './interleaved-sessions.ts';
import { lockRenewal } from './lock-renewal.ts';
import { maxDelivery } from './max-delivery.ts';
import { poisonCrash } from './poison-crash.ts';
import { requestResponse } from './request-response.ts';
import type { OutcomeBase, Scenario } from './scenario.ts';
import { sequenceVsSession } from './sequence-vs-session.ts';
import { sessionState } from './session-state.ts';
import { sessionTtl } from './session-ttl.ts';

export type { OutcomeBase, Scenario, ScenarioRun } from './scenario.ts';

export const SCENARIOS: readonly Scenario<OutcomeBase>[] = [
  sequenceVsSession,
  interleavedSessions,
  exclusiveLock,
  abandon,
  deliveryCountTable,
  deferral,
  lockRenewal,
  maxDelivery,
  sessionState,
  sessionTtl,
  requestResponse,
  poisonCrash,
];

export function scenarioById(id: string): Scenario<OutcomeBase> | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
