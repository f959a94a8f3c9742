/**
 * A machine's chart as a Mermaid `stateDiagram-v2`: compound states as composite states with their
 * `[*] -->` initial, parallel states as composites whose regions are separated by `--`, final states
 * with `--> [*]`, and one edge per transition labelled `event [guard] / actions`. A targetless
 * transition (it stays, runs its actions) is a loop on its source.
 *
 * Every state's Mermaid id is its path with `_` for the dots (unique in the machine); the state's own
 * key is its label. An edge is written inside the innermost composite that holds both its ends: Mermaid
 * draws edges across composites poorly when they are declared elsewhere. Transitions on the machine's
 * root (`on` at the top, "from any state") leave a composite drawn around the whole machine.
 */
import { mermaidText } from '../trace/mermaid.ts';
import type { MachineDescription, StateDescription, TransitionDescription } from './describe.ts';
import { eventLabel, guardLabel } from './describe.ts';

const KEYWORDS = new Set(['state', 'note', 'direction', 'classdef', 'class', 'end', 'as', 'style', 'click', 'hide']);

/** The Mermaid id of a state path (`locked.serving` → `locked_serving`); the root is the machine id. */
export function mermaidStateId(d: Pick<MachineDescription, 'id'>, path: string): string {
  const raw = path === '' ? `${d.id}_machine` : path;
  const id = raw.replace(/[^A-Za-z0-9_]/g, '_');
  const safe = /^[A-Za-z_]/.test(id) ? id : `s_${id}`;
  return KEYWORDS.has(safe.toLowerCase()) ? `${safe}_` : safe;
}

/** `event [guard] / a, b`. */
export function edgeLabel(t: TransitionDescription): string {
  const guard = guardLabel(t);
  const actions = t.actions.length > 0 ? ` / ${t.actions.join(', ')}` : '';
  return `${eventLabel(t)}${guard === null ? '' : ` [${guard}]`}${actions}`;
}

export interface MermaidOptions {
  /** Ids of transitions taken: their edges are marked ✓ in the label. */
  readonly taken?: ReadonlySet<string>;
  /**
   * The shape only: one edge per pair of states a transition moves between, labelled with its events;
   * transitions that stay in their state are counted in a note instead of drawn (the README's charts).
   */
  readonly overview?: boolean;
}

/** An overview edge's event: a reply names what it answers (`reply answered(accept)`), other events stand alone. */
function overviewLabel(t: TransitionDescription): string {
  const answers = (t.guard ?? '').match(/\b(?:answered|refused)\([a-zA-Z]+\)/);
  return answers ? `${eventLabel(t)} ${answers[0]}` : eventLabel(t);
}

/** The overview's edges: state-changing transitions merged per (source, target), events in definition order. */
function overviewEdges(d: MachineDescription): { moves: TransitionDescription[]; stays: Map<string, Set<string>> } {
  const merged = new Map<string, TransitionDescription>();
  const stays = new Map<string, Set<string>>();
  for (const t of d.transitions) {
    const moving = t.targets.filter((target) => target !== t.source);
    if (moving.length === 0) {
      stays.set(t.source, (stays.get(t.source) ?? new Set()).add(eventLabel(t)));
      continue;
    }
    for (const target of moving) {
      const key = `${t.source}→${target}`;
      const seen = merged.get(key);
      const events = seen ? seen.event.split(', ') : [];
      const label = overviewLabel(t);
      if (!events.includes(label)) events.push(label);
      merged.set(key, { ...t, targets: [target], event: events.join(', '), guard: null, actions: [], of: 1 });
    }
  }
  return { moves: [...merged.values()], stays };
}

export function renderMachineMermaid(d: MachineDescription, options: MermaidOptions = {}): string {
  const out: string[] = ['stateDiagram-v2'];
  out.push(`    %% ${d.name}: machine ${d.id}, generated from its XState definition by sbsim machines`);
  const byPath = new Map<string, StateDescription>();
  const parentOf = new Map<string, string | null>();
  const walk = (s: StateDescription, parent: string | null): void => {
    byPath.set(s.path, s);
    parentOf.set(s.path, parent);
    for (const c of s.states) walk(c, s.path);
  };
  walk(d.root, null);
  const overview = options.overview === true ? overviewEdges(d) : null;
  const transitions = overview ? overview.moves : d.transitions;
  const wrapRoot = transitions.some((t) => t.source === '' || t.targets.includes(''));

  // Edges go into the block of the innermost composite holding both ends (null: the top level).
  const edges = new Map<string | null, string[]>();
  const ancestors = (path: string): string[] => {
    const out: string[] = [];
    for (let p = parentOf.get(path); p !== undefined && p !== null; p = parentOf.get(p)) out.push(p);
    return out;
  };
  for (const t of transitions) {
    const targets = t.targets.length === 0 ? [t.source] : t.targets;
    for (const target of targets) {
      const common = ancestors(t.source).find((a) => ancestors(target).includes(a));
      // With no composite drawn around the machine, what lives in the root's block is at the top level.
      const block = common === undefined || (common === '' && !wrapRoot) ? null : common;
      const mark = options.taken?.has(t.id) ? ' ✓' : '';
      const label = overview ? t.event : edgeLabel(t);
      const line = `${mermaidStateId(d, t.source)} --> ${mermaidStateId(d, target)} : ${mermaidText(label)}${mark}`;
      edges.set(block, [...(edges.get(block) ?? []), line]);
    }
  }

  const body = (s: StateDescription, indent: string): string[] => {
    const lines: string[] = [];
    if (s.type === 'parallel') {
      s.states.forEach((region, i) => {
        if (i > 0) lines.push(`${indent}--`);
        lines.push(...state(region, indent));
      });
    } else {
      if (s.initial !== undefined) {
        const initial = s.states.find((c) => c.key === s.initial);
        if (initial) lines.push(`${indent}[*] --> ${mermaidStateId(d, initial.path)}`);
      }
      for (const c of s.states) lines.push(...state(c, indent));
    }
    for (const e of edges.get(s.path) ?? []) lines.push(`${indent}${e}`);
    return lines;
  };
  const state = (s: StateDescription, indent: string): string[] => {
    const id = mermaidStateId(d, s.path);
    const label = s.path === '' ? d.id : s.key;
    const head = id === label ? `state ${id}` : `state "${mermaidText(label)}" as ${id}`;
    const lines: string[] = [];
    if (s.states.length === 0) {
      lines.push(`${indent}${head}`);
    } else {
      lines.push(`${indent}${head} {`);
      lines.push(...body(s, `${indent}    `));
      lines.push(`${indent}}`);
    }
    if (s.type === 'final') lines.push(`${indent}${id} --> [*]`);
    return lines;
  };

  if (wrapRoot) {
    out.push(`    [*] --> ${mermaidStateId(d, '')}`);
    out.push(...state(d.root, '    '));
  } else {
    out.push(...body(d.root, '    '));
  }
  for (const e of edges.get(null) ?? []) out.push(`    ${e}`);
  for (const [path, events] of overview?.stays ?? []) {
    const where = path === '' ? 'in every state' : `in ${byPath.get(path)?.key ?? path}`;
    out.push(`    %% ${where}, handled without leaving it: ${mermaidText([...events].join(', '))}`);
  }
  return out.join('\n');
}

/** Several machines: one diagram after another, each headed by a `%%` comment. */
export function renderMachinesMermaid(ds: readonly MachineDescription[], options: MermaidOptions = {}): string {
  return ds.map((d) => renderMachineMermaid(d, options)).join('\n\n');
}
