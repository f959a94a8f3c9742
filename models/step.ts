/**
 * How a machine applies the outcome of its pure handler: every machine's `apply` action computes
 * `(context, event) → (patch, effects)` in plain code and hands the result to XState here, as an
 * `assign` of the patch and one `emit` per effect, so XState still owns every state change and effect.
 */
import type { Effect } from './events.ts';

export interface StepOutcome<C> {
  readonly patch: Partial<C>;
  readonly fx: readonly Effect[];
}

export interface Enqueue<C> {
  assign(patch: Partial<C>): void;
  emit(effect: Effect): void;
}

export function enqueueStep<C>(enqueue: Enqueue<C>, out: StepOutcome<C>): void {
  if (Object.keys(out.patch).length > 0) enqueue.assign(out.patch);
  for (const fx of out.fx) enqueue.emit(fx);
}
