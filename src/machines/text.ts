/**
 * A machine's chart for the terminal: the states as an indented tree (initial, parallel regions,
 * finals, entry and exit actions), and under each state its transitions, grouped by event, one guard
 * branch a line in the order XState tries them:
 *
 *     held
 *       lock.acquire  [lapsed] → held ↻ / announceExpiry, grant, armExpiry, announceGrant
 *                     [else] stays / deny
 *
 * Coloured with chalk when asked (a TTY): states bold, events cyan, guards yellow, targets green,
 * actions dim. Given the ids of transitions taken, each branch is marked ✓ or ·.
 */
import { Chalk } from 'chalk';
import type { MachineDescription, StateDescription, TransitionDescription } from './describe.ts';
import { eventLabel, guardLabel, targetLabel } from './describe.ts';
import { count } from '../words.ts';

export interface TextOptions {
  readonly color?: boolean;
  /** Ids of transitions taken: each branch is marked ✓ (taken) or · (not). */
  readonly taken?: ReadonlySet<string>;
}

export function renderMachineText(d: MachineDescription, options: TextOptions = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  const guards = d.guards.length > 0 ? `, ${d.guards.length} guards` : '';
  lines.push(
    `${c.bold(d.name)}  machine ${d.id}: ${count(d.stateCount, 'state')}, ${count(d.transitions.length, 'transition')}${guards}`,
  );
  const bySource = new Map<string, TransitionDescription[]>();
  for (const t of d.transitions) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);

  const transitionLines = (path: string, indent: string): void => {
    const own = bySource.get(path) ?? [];
    const width = Math.max(0, ...own.map((t) => eventLabel(t).length));
    let last = '';
    for (const t of own) {
      const event = eventLabel(t);
      const shown = event === last ? ' '.repeat(width) : c.cyan(event.padEnd(width));
      last = event;
      const guard = guardLabel(t);
      const parts = [shown];
      if (guard !== null) parts.push(c.yellow(`[${guard}]`));
      if (t.targets.length === 0) parts.push(c.dim('stays'));
      else {
        const to = t.targets.map((p) => targetLabel(t.source, p, d.id)).join(', ');
        const loop = t.reenter || t.targets.includes(t.source) ? ' ↻' : '';
        parts.push(`→ ${c.green(to)}${loop}`);
      }
      if (t.actions.length > 0) parts.push(c.dim(`/ ${t.actions.join(', ')}`));
      const mark = options.taken ? (options.taken.has(t.id) ? `${c.green('✓')} ` : `${c.dim('·')} `) : '';
      lines.push(`${indent}${mark}${parts.join(' ')}`);
    }
  };

  const visit = (s: StateDescription, parent: StateDescription | null, indent: string): void => {
    const notes: string[] = [];
    if (parent?.initial === s.key) notes.push('initial');
    if (parent?.type === 'parallel') notes.push('region');
    if (s.type === 'parallel') notes.push('parallel');
    if (s.type === 'final') notes.push('final');
    if (s.type === 'history') notes.push('history');
    const marker = s.type === 'final' ? '◉' : parent?.initial === s.key ? '●' : '○';
    const head = `${indent}${marker} ${c.bold(s.key)}${notes.length > 0 ? c.dim(` (${notes.join(', ')})`) : ''}`;
    lines.push(head);
    const inner = `${indent}    `;
    if (s.entry.length > 0) lines.push(`${inner}${c.dim(`entry / ${s.entry.join(', ')}`)}`);
    if (s.exit.length > 0) lines.push(`${inner}${c.dim(`exit / ${s.exit.join(', ')}`)}`);
    transitionLines(s.path, inner);
    for (const child of s.states) visit(child, s, `${indent}  `);
  };

  const root = d.root;
  if (root.entry.length > 0) lines.push(`  ${c.dim(`entry / ${root.entry.join(', ')}`)}`);
  if ((bySource.get('') ?? []).length > 0) {
    lines.push(`  ${c.dim('in every state:')}`);
    transitionLines('', '      ');
  }
  for (const child of root.states) visit(child, root, '  ');
  if (d.guards.length > 0) lines.push(`  ${c.dim('guards:')} ${d.guards.map((g) => c.yellow(g)).join(', ')}`);
  if (d.actions.length > 0) lines.push(`  ${c.dim('actions:')} ${d.actions.join(', ')}`);
  return lines.join('\n');
}

export function renderMachinesText(ds: readonly MachineDescription[], options: TextOptions = {}): string {
  return ds.map((d) => renderMachineText(d, options)).join('\n\n');
}
