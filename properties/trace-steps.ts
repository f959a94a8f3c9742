/**
 * The trace cut into steps: every event of one scheduling decision together, with the step's virtual
 * time. Liveness properties judge between steps (has too much time passed?) and within them (calls,
 * facts and returns in the order they happened).
 */
import type { CallEvent, FactEvent, ReturnEvent, TraceEvent } from '../src/trace/types.ts';
import { derivedOnce } from './oracle.ts';

/** The events a liveness property reads: facts, client calls and broker returns. */
export type StepEvent = FactEvent | CallEvent | ReturnEvent;

export interface Step {
  readonly step: number;
  readonly t: number;
  readonly events: readonly StepEvent[];
}

const stepsCache = new WeakMap<readonly TraceEvent[], { readonly length: number; readonly value: readonly Step[] }>();

/** The run's steps, in order (made once per trace: `derivedOnce`). */
export function stepsOf(trace: readonly TraceEvent[]): readonly Step[] {
  return derivedOnce(stepsCache, trace, cutIntoSteps);
}

function cutIntoSteps(trace: readonly TraceEvent[]): Step[] {
  const out: { step: number; t: number; events: StepEvent[] }[] = [];
  for (const e of trace) {
    if (e.k === 'deliver') continue;
    const last = out[out.length - 1];
    if (last && last.step === e.step) last.events.push(e);
    else out.push({ step: e.step, t: e.t, events: [e] });
  }
  return out;
}

/** A call and its return share the client and the request id. */
export const callKey = (client: string, reqId: number): string => `${client}|${reqId}`;

/** The entity a call addressed: `entity:q` → `q`; a session actor `session:q/s1` → `q` (entities named by the workload). */
export function entityOf(to: string, entities: Iterable<string>): string | undefined {
  if (to.startsWith('entity:')) return to.slice('entity:'.length);
  if (!to.startsWith('session:')) return undefined;
  const path = to.slice('session:'.length);
  let best: string | undefined;
  for (const name of entities) {
    if (path.startsWith(`${name}/`) && (best === undefined || name.length > best.length)) best = name;
  }
  return best;
}

/** A run's end, in words, for the sentences of end-of-run violations. */
export const QUIESCENT =
  'when the run ended with nothing left to happen (no message in flight, no timer pending but the background expiry tick)';
