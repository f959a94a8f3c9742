/**
 * A machine's chart as plain data, read from its XState definition (never from a hand-kept copy): the
 * tree of states (compound, parallel regions, finals), each state's entry and exit actions, and every
 * transition — source state, event, guard, actions, targets, and its place among the candidates for
 * that event in that state.
 *
 * A transition's identity (`TransitionDescription.id`) is the source state's path in its machine, the
 * event and the branch index: the same in every `machine.provide(...)` copy of a machine (provide swaps
 * implementations, never the structure), so what a mutant's run took is counted against the correct
 * chart. Works for any XState v5 machine: it reads `machine.root`, `StateNode.states`, `.transitions`
 * (which holds the `on`, `after` and `onDone` transitions) and `.always`.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

export type StateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface StateDescription {
  /** The key in its parent (the machine id for the root). */
  readonly key: string;
  /** Path from the root, dot-joined ('' for the root). */
  readonly path: string;
  readonly type: StateType;
  /** The initial child's key (compound states). */
  readonly initial?: string;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Children in document order; the regions of a parallel state. */
  readonly states: readonly StateDescription[];
}

export type TransitionKind = 'event' | 'always' | 'after' | 'done';

export interface TransitionDescription {
  /** `machine:path|event|index`: stable across provide copies; what coverage counts. */
  readonly id: string;
  /** The source state's path ('' for the root). */
  readonly source: string;
  /** The event descriptor ('' for eventless `always` transitions; XState's `xstate.after…` for delays). */
  readonly event: string;
  readonly kind: TransitionKind;
  /** The delay of an `after` transition (ms or a named delay). */
  readonly delay?: number | string;
  /** The guard's name (`and(a, not(b))` for combinators, `(inline)` for an inline function), or null. */
  readonly guard: string | null;
  readonly actions: readonly string[];
  /** Target state paths; empty for a targetless transition (stays, no exit or entry). */
  readonly targets: readonly string[];
  readonly reenter: boolean;
  /** Branch index among the candidates for this event in this state (0 is tried first). */
  readonly index: number;
  /** How many candidates this event has in this state. */
  readonly of: number;
  readonly description?: string;
}

export interface MachineDescription {
  /** A short name (the CLI's: `lock`), or the machine id. */
  readonly name: string;
  /** The machine's id (`sessionLock`). */
  readonly id: string;
  readonly root: StateDescription;
  readonly transitions: readonly TransitionDescription[];
  /** The states counted (every node but the root), the events handled, and the guard and action names used. */
  readonly stateCount: number;
  readonly events: readonly string[];
  readonly guards: readonly string[];
  readonly actions: readonly string[];
}

const AFTER = 'xstate.after.';
const DONE_STATE = 'xstate.done.state.';

/** Describe a machine; `name` defaults to the machine's id. */
export function describeMachine(machine: AnyStateMachine, name: string = machine.id): MachineDescription {
  const transitions: TransitionDescription[] = [];
  let stateCount = 0;
  const visit = (node: AnyStateNode): StateDescription => {
    if (node !== machine.root) stateCount++;
    transitions.push(...transitionsOf(machine, node));
    const children = Object.values(node.states as Record<string, AnyStateNode>);
    const initialKey = node.type === 'compound' ? initialOf(node) : undefined;
    return {
      key: node === machine.root ? machine.id : node.key,
      path: pathOf(node),
      type: node.type,
      ...(initialKey !== undefined ? { initial: initialKey } : {}),
      entry: node.entry.filter(notAfterTimer).map(actionName),
      exit: node.exit.filter(notAfterTimer).map(actionName),
      ...(node.description !== undefined ? { description: node.description } : {}),
      ...(node.tags.length > 0 ? { tags: [...node.tags] } : {}),
      states: children.map(visit),
    };
  };
  const root = visit(machine.root);
  const guards = new Set<string>();
  const actions = new Set<string>();
  const events = new Set<string>();
  for (const t of transitions) {
    if (t.guard !== null) for (const g of guardNames(t.guard)) guards.add(g);
    for (const a of t.actions) actions.add(a);
    if (t.kind === 'event') events.add(t.event);
  }
  const walk = (s: StateDescription): void => {
    for (const a of [...s.entry, ...s.exit]) actions.add(a);
    s.states.forEach(walk);
  };
  walk(root);
  return {
    name,
    id: machine.id,
    root,
    transitions,
    stateCount,
    events: [...events],
    guards: [...guards],
    actions: [...actions],
  };
}

/** A state node's path, dot-joined ('' for the root). */
export function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

/** The identity of a transition: its machine, source path, event and branch index. */
export function transitionId(machineId: string, source: string, event: string, index: number): string {
  return `${machineId}:${source}|${event}|${index}`;
}

/**
 * The id of a transition definition as XState hands it out (an inspection event's `_transitions`),
 * or undefined for one that is not in its source's lists (it never is, for a machine's own).
 */
export function idOfDefinition(t: AnyTransitionDefinition): string | undefined {
  const source = t.source;
  const list = candidatesOf(source, t.eventType);
  const index = list ? list.indexOf(t) : -1;
  if (index < 0) return undefined;
  return transitionId(source.machine.id, pathOf(source), t.eventType, index);
}

function candidatesOf(node: AnyStateNode, eventType: string): readonly AnyTransitionDefinition[] | undefined {
  return eventType === '' ? node.always : node.transitions.get(eventType);
}

function transitionsOf(machine: AnyStateMachine, node: AnyStateNode): TransitionDescription[] {
  const out: TransitionDescription[] = [];
  const source = pathOf(node);
  const lists: [string, readonly AnyTransitionDefinition[]][] = [...node.transitions.entries()];
  if (node.always) lists.push(['', node.always]);
  for (const [event, list] of lists) {
    list.forEach((t, index) => {
      const delay = (t as { delay?: number | string }).delay;
      const kind: TransitionKind =
        event === '' ? 'always' : event.startsWith(AFTER) ? 'after' : event.startsWith(DONE_STATE) ? 'done' : 'event';
      out.push({
        id: transitionId(machine.id, source, event, index),
        source,
        event,
        kind,
        ...(kind === 'after' && delay !== undefined ? { delay } : {}),
        guard: t.guard === undefined ? null : guardName(t.guard),
        actions: t.actions.map(actionName),
        targets: (t.target ?? []).map((s: AnyStateNode) => pathOf(s)),
        reenter: t.reenter,
        index,
        of: list.length,
        ...(typeof t.description === 'string' ? { description: t.description } : {}),
      });
    });
  }
  return out;
}

function initialOf(node: AnyStateNode): string | undefined {
  const target = node.initial?.target?.[0] as AnyStateNode | undefined;
  if (!target) return undefined;
  // The initial target may be a descendant (`initial: 'a.b'` is not allowed, but `#id` is): name the child on its way.
  let n: AnyStateNode | undefined = target;
  while (n && n.parent !== node) n = n.parent;
  return n?.key;
}

/** XState's own timer of an `after` transition (a raise on entry, a cancel on exit): not the chart's action. */
function notAfterTimer(action: unknown): boolean {
  if (typeof action !== 'function') return true;
  const a = action as { type?: unknown; id?: unknown; sendId?: unknown };
  const key = a.type === 'xstate.raise' ? a.id : a.type === 'xstate.cancel' ? a.sendId : undefined;
  return !(typeof key === 'string' && key.startsWith(AFTER));
}

/** A target as read from its source: a sibling (or the source itself) by its key, anything else by its path. */
export function targetLabel(source: string, target: string, machineId: string): string {
  if (target === '') return machineId;
  const parent = (p: string) => (p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '');
  return parent(source) === parent(target) ? target.slice(target.lastIndexOf('.') + 1) : target;
}

type GuardLike = unknown;

/** A guard's name: a string, `{ type }`, a combinator (`and(a, b)`, `or`, `not`, `stateIn(x)`), or `(inline)`. */
export function guardName(guard: GuardLike): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const g = guard as { name?: string; guards?: unknown[]; stateValue?: unknown };
    if (Array.isArray(g.guards)) return `${g.name ?? 'guard'}(${g.guards.map(guardName).join(', ')})`;
    if (g.name === 'stateIn' && g.stateValue !== undefined)
      return `stateIn(${typeof g.stateValue === 'string' ? g.stateValue : JSON.stringify(g.stateValue)})`;
    return '(inline)';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) {
    // A parameterised guard shows its parameters' values: `answered(accept)`.
    const { type, params } = guard as { type: unknown; params?: unknown };
    const values =
      params && typeof params === 'object' ? Object.values(params as Record<string, unknown>).map(String) : [];
    return values.length > 0 ? `${String(type)}(${values.join(', ')})` : String(type);
  }
  return '(inline)';
}

/** The named guards a guard refers to (a combinator's leaves). */
function guardNames(name: string): string[] {
  return name
    .split(/[(),\s]+/)
    .filter((n) => n !== '' && n !== 'and' && n !== 'or' && n !== 'not' && n !== '(inline)' && n !== 'inline');
}

/** An action's name: a string, `{ type }`, or a built-in (`assign(…)`, `emit(…)`, `raise(…)`), or `(inline)`. */
export function actionName(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    const type = (action as { type?: unknown }).type;
    if (typeof type === 'string' && type.startsWith('xstate.')) return `${type.slice('xstate.'.length)}(…)`;
    return '(inline)';
  }
  if (action && typeof action === 'object' && 'type' in action) return String((action as { type: unknown }).type);
  return '(inline)';
}

/** Every state of a description, depth first (the root first). */
export function statesOf(d: MachineDescription): StateDescription[] {
  const out: StateDescription[] = [];
  const walk = (s: StateDescription): void => {
    out.push(s);
    s.states.forEach(walk);
  };
  walk(d.root);
  return out;
}

/** How an event reads to a person: `always`, `after 500ms`, `done`, or the event type. */
export function eventLabel(t: Pick<TransitionDescription, 'event' | 'kind' | 'delay'>): string {
  if (t.kind === 'always') return 'always';
  if (t.kind === 'after')
    return t.delay === undefined ? 'after' : `after ${t.delay}${typeof t.delay === 'number' ? 'ms' : ''}`;
  if (t.kind === 'done') return 'done';
  return t.event;
}

/**
 * The guard as shown: its name, `else` for the unguarded last branch after guarded ones, or null for
 * a lone unguarded transition.
 */
export function guardLabel(t: Pick<TransitionDescription, 'guard' | 'index' | 'of'>): string | null {
  if (t.guard !== null) return t.guard;
  return t.of > 1 && t.index > 0 ? 'else' : null;
}

/** A transition in brief, for lists: `held: lock.renew [validFor]` (an unguarded branch without brackets). */
export function transitionShort(t: TransitionDescription): string {
  const guard = guardLabel(t);
  return `${t.source || '(root)'}: ${eventLabel(t)}${guard === null ? '' : ` [${guard}]`}`;
}

/** One line for a transition: `held: lock.renew [validFor] → held / extend, armExpiry`. */
export function transitionLabel(t: TransitionDescription): string {
  const guard = guardLabel(t);
  const target = t.targets.length === 0 ? '' : ` → ${t.targets.map((p) => p || '(root)').join(', ')}`;
  // Full paths here: a label stands alone (coverage lists), away from the tree that would place it.
  const actions = t.actions.length === 0 ? '' : ` / ${t.actions.join(', ')}`;
  return `${t.source || '(root)'}: ${eventLabel(t)}${guard === null ? '' : ` [${guard}]`}${target}${actions}`;
}
