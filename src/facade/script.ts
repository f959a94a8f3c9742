/**
 * The facade's side of a run, as data: every external input it gave the world (a client attached, a
 * request injected, a client timer set or cancelled, a Chooser pick it made) with the step count at which
 * it gave it. The user's code is not in a replay file; this script is what it did to the broker, so
 * replaying the script with the recorded decisions redoes the broker's side of the run exactly, and
 * `sbsim replay` renders and checks it like any other run.
 */
import type { ActorId, ClientRequest, SimEvent } from '../../models/events.ts';
import type { World } from '../world/world.ts';

/** The event a client timer delivers to its owner. */
export const FACADE_TIMER = 'facade.timer';

/** The property id of a failure in the user's own code (an assertion, a thrown error). */
export const USER_CODE_PROPERTY = 'user-code';

/** One external input to the world, at the step count (`world.steps`) when it was made. */
export type ScriptOp =
  | { readonly step: number; readonly op: 'attach'; readonly client: ActorId }
  | { readonly step: number; readonly op: 'inject'; readonly to: ActorId; readonly event: ClientRequest }
  | {
      readonly step: number;
      readonly op: 'timer';
      readonly id: string;
      readonly atMs: number;
      readonly to: ActorId;
      readonly event: SimEvent;
    }
  | { readonly step: number; readonly op: 'cancel'; readonly id: string }
  | { readonly step: number; readonly op: 'choose'; readonly name: string; readonly labels: readonly string[] }
  | {
      readonly step: number;
      readonly op: 'chooseInt';
      readonly name: string;
      readonly min: number;
      readonly max: number;
    };

export interface FacadeScript {
  readonly ops: readonly ScriptOp[];
  /** The step count when the run ended. */
  readonly endStep: number;
}

/** Redo a facade run on `world` (built from the same workload, with a replaying Chooser). */
export function replayScript(world: World, script: FacadeScript): void {
  for (const op of script.ops) {
    while (world.steps < op.step) if (!world.step()) break;
    apply(world, op);
  }
  while (world.steps < script.endStep) if (!world.step()) break;
}

function apply(world: World, op: ScriptOp): void {
  switch (op.op) {
    case 'attach':
      world.attachClient(op.client, ignore);
      return;
    case 'inject':
      world.inject(op.to, structuredClone(op.event));
      return;
    case 'timer':
      world.setTimer(op.id, op.atMs, op.to, structuredClone(op.event));
      return;
    case 'cancel':
      world.cancelTimer(op.id);
      return;
    case 'choose':
      world.chooser.pick('schedule', op.name, op.labels.length, (i) => op.labels[i] ?? '');
      return;
    case 'chooseInt':
      world.chooser.int(op.name, op.min, op.max);
      return;
  }
}

function ignore(): void {
  /* a replayed client reads nothing: its user code is not in the file */
}
