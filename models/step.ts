/**
 * How a named action hands XState what it decided: a context patch, effects to emit, events to raise.
 *
 * Every named action of the charts is one of these (or XState's own `emit` / `raise`). They are XState
 * built-in actions — the same `resolve` / `execute` protocol `assign`, `emit`, `raise` and
 * `enqueueActions` are made of — so XState still owns every state change and effect, and `provide`,
 * inspection and `transition()` treat them like any other action. What they save: XState's `assign`
 * rebuilds the whole snapshot (state value, tags) for each context change, and `enqueueActions` builds
 * a fresh enqueue API and one action object per enqueued item on each call. A transition here runs two
 * to six named actions, so that was the larger part of the cost of an event (`npm run bench`). An
 * action never changes the active state nodes, so the new snapshot shares them (and the state value and
 * tags derived from them) with the old one; only the context is new.
 *
 * One exception, in the entity: its session directory (with the index of accept-next's candidates) and its
 * dead-letter queue grow with the run and are updated in place by their actions, since copying them on
 * every status report or dead letter made a long run cost the square of its sessions (models/entity.ts).
 * Nothing keeps an old entity snapshot: the world reads the live context and copies what it reports.
 *
 * Order is XState's: each action sees the context the previous ones left; effects are emitted after
 * the macrostep, in action order, exactly as `emit` defers them; raised events join the internal queue
 * as `raise` puts them there.
 */
import type { EventObject, MachineContext } from 'xstate';
import type { Effect } from './events.ts';

export interface StepOutcome<C> {
  readonly patch: Partial<C>;
  readonly fx: readonly Effect[];
}

/** What an action body may ask for, in order (the shape of `enqueueActions`' `enqueue`, minus the rest). */
export interface Enqueue<C> {
  assign(patch: Partial<C>): void;
  emit(effect: Effect): void;
  raise(event: EventObject): void;
}

export function enqueueStep<C>(enqueue: Pick<Enqueue<C>, 'assign' | 'emit'>, out: StepOutcome<C>): void {
  if (Object.keys(out.patch).length > 0) enqueue.assign(out.patch);
  for (const fx of out.fx) enqueue.emit(fx);
}

/** The action arguments these actions read: the context the previous actions left, and the event. */
export interface StepArgs<C, E> {
  readonly context: C;
  readonly event: E;
}

/** XState's view of a built-in action (xstate 5: `resolve` makes the next snapshot, `execute` acts). */
type Resolve = (
  actorScope: ActorScopeLike,
  snapshot: SnapshotLike,
  args: { event: EventObject },
  params: unknown,
  action: unknown,
  extra: { internalQueue: EventObject[] },
) => [SnapshotLike, readonly Effect[] | undefined, undefined];
interface ActorScopeLike {
  defer(fn: () => void): void;
  emit(event: Effect): void;
}
interface SnapshotLike {
  readonly context: MachineContext;
}

/**
 * A machine snapshot with a new context: every other field is XState's own, shared (an action never
 * changes the state nodes, so the value and tags made of them stay). Written field by field rather than
 * spread, as the snapshot's one shape; test/models/step.test.ts checks it has exactly XState's fields.
 */
export function withContext<S extends SnapshotLike>(snapshot: S, context: MachineContext): S {
  const s = snapshot as unknown as Record<string, unknown>;
  return {
    status: s.status,
    output: s.output,
    error: s.error,
    machine: s.machine,
    context,
    _nodes: s._nodes,
    value: s.value,
    tags: s.tags,
    children: s.children,
    historyValue: s.historyValue,
    matches: s.matches,
    hasTag: s.hasTag,
    can: s.can,
    getMeta: s.getMeta,
    toJSON: s.toJSON,
  } as unknown as S;
}

/** The call signature XState's types expect of an action; built-ins are never called through it. */
type ActionLike<C, E, P> = (args: StepArgs<C, E>, params: P) => void;

function builtIn<C, E, P>(
  type: string,
  decide: (args: StepArgs<C, E>, params: P, queue: EventObject[]) => StepOutcome<C> | Partial<C>,
  isPatch: boolean,
): ActionLike<C, E, P> {
  const action = function step(): void {
    // Built-ins are resolved, not called (XState checks for `resolve`).
  };
  const resolve: Resolve = (_scope, snapshot, args, params, _action, extra) => {
    const out = decide({ context: snapshot.context as C, event: args.event as E }, params as P, extra.internalQueue);
    const patch = isPatch ? (out as Partial<C>) : (out as StepOutcome<C>).patch;
    const fx = isPatch ? undefined : (out as StepOutcome<C>).fx;
    let next = snapshot;
    for (const _ in patch) {
      // The state nodes (and the value and tags made of them) stay; the context is new.
      next = withContext(snapshot, { ...snapshot.context, ...patch });
      break;
    }
    return [next, fx !== undefined && fx.length > 0 ? fx : undefined, undefined];
  };
  // Effects are emitted after the macrostep, in order, as `emit` does; a patch alone has nothing to execute.
  const execute = (scope: ActorScopeLike, fx: readonly Effect[] | undefined): void => {
    if (fx === undefined) return;
    scope.defer(() => {
      for (const effect of fx) scope.emit(effect);
    });
  };
  return Object.assign(action, isPatch ? { type, resolve } : { type, resolve, execute }) as unknown as ActionLike<
    C,
    E,
    P
  >;
}

const NO_EFFECTS: readonly Effect[] = [];

/**
 * What the `act` body being resolved has asked for. One for all: XState resolves one action at a time and
 * never one inside another, so a body's `enqueue` needs no object of its own.
 */
const collected: { patch?: Record<string, unknown>; fx?: Effect[]; queue?: EventObject[] } = {};
const COLLECTOR: Enqueue<MachineContext> = {
  assign: (p) => {
    collected.patch = collected.patch === undefined ? { ...p } : Object.assign(collected.patch, p);
  },
  emit: (effect) => {
    (collected.fx ??= []).push(effect);
  },
  raise: (event) => {
    if (collected.queue === undefined) throw new Error('raise outside an action');
    collected.queue.push(event);
  },
};

/**
 * A named action typed for one machine: `stepAction` applies a `StepOutcome` (patch and effects),
 * `patch` a context patch (the cheap `assign(fn)`), `act` runs a body that calls `enqueue.assign`,
 * `enqueue.emit` and `enqueue.raise` (the cheap `enqueueActions`).
 */
export function actionsFor<C extends MachineContext, E extends EventObject>() {
  return {
    stepAction<P = undefined>(fn: (context: C, event: E, params: P) => StepOutcome<C>): ActionLike<C, E, P> {
      return builtIn<C, E, P>('sbsim.step', ({ context, event }, params) => fn(context, event, params), false);
    },
    patch<P = undefined>(fn: (args: StepArgs<C, E>, params: P) => Partial<C>): ActionLike<C, E, P> {
      return builtIn<C, E, P>('sbsim.patch', fn, true);
    },
    act<P = undefined>(
      body: (args: StepArgs<C, E> & { readonly enqueue: Enqueue<C> }, params: P) => void,
    ): ActionLike<C, E, P> {
      return builtIn<C, E, P>(
        'sbsim.act',
        ({ context, event }, params, queue) => {
          collected.patch = undefined;
          collected.fx = undefined;
          collected.queue = queue;
          body({ context, event, enqueue: COLLECTOR as Enqueue<C> }, params);
          const out = { patch: (collected.patch ?? {}) as Partial<C>, fx: collected.fx ?? NO_EFFECTS };
          collected.patch = undefined;
          collected.fx = undefined;
          collected.queue = undefined;
          return out;
        },
        false,
      );
    },
  };
}
