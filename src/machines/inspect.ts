/**
 * Recording the transitions a run takes, through XState's inspection API: every microstep an actor
 * makes is reported with the transition definitions it took (`@xstate.microstep`, `_transitions`),
 * and each is counted under its stable id (describe.ts `idOfDefinition`: source path, event, branch
 * index), so runs of a mutant's `provide` copies count against the correct chart.
 */
import type { AnyTransitionDefinition, InspectionEvent } from 'xstate';
import { idOfDefinition } from './describe.ts';

/** Transition id → times taken. */
export type TransitionCounts = Map<string, number>;

/** Ids by transition definition: definitions are immutable parts of a machine, so this is shared. */
const ids = new WeakMap<AnyTransitionDefinition, string>();

function idOf(t: AnyTransitionDefinition): string {
  let id = ids.get(t);
  if (id === undefined) {
    id = idOfDefinition(t) ?? `?:${String(t.eventType)}`;
    ids.set(t, id);
  }
  return id;
}

/** An `inspect` callback for `createActor` that counts every transition taken into `counts`. */
export function coverageInspector(counts: TransitionCounts): (event: InspectionEvent) => void {
  return (event) => {
    if (event.type !== '@xstate.microstep') return;
    for (const t of event._transitions) {
      const id = idOf(t);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  };
}
