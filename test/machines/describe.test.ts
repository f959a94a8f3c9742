/**
 * describeMachine reads a chart from its XState definition: the lock's states, guards and guard
 * branches; every feature of a nested, parallel chart (fixture.ts); and transition ids that survive
 * `machine.provide` and match what XState hands out at run time.
 */
import { describe, expect, it } from 'vitest';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { sessionLockMachine } from '../../models/session-lock.ts';
import { describeMachine, guardLabel, idOfDefinition, statesOf, transitionLabel } from '../../src/machines/describe.ts';
import { MACHINE_NAMES, describeAll, machineNamed } from '../../src/machines/registry.ts';
import { fixtureMachine } from './fixture.ts';

describe('describeMachine: the lock', () => {
  const d = describeMachine(sessionLockMachine, 'lock');

  it('names its states, its initial state and its guards', () => {
    expect(d.name).toBe('lock');
    expect(d.id).toBe('sessionLock');
    expect(d.root.initial).toBe('free');
    expect(d.root.states.map((s) => s.key)).toEqual(['free', 'held', 'released', 'expired']);
    expect(d.stateCount).toBe(4);
    for (const g of ['tokenMatches', 'validFor', 'lapsed']) expect(d.guards).toContain(g);
    for (const a of ['grant', 'armExpiry', 'announceGrant', 'refuseRenewal']) expect(d.actions).toContain(a);
    expect(d.events).toEqual(expect.arrayContaining(['lock.acquire', 'lock.renew', 'lock.release', 'lock.expire']));
  });

  it('lists each guard branch of an event in the order XState tries them, the last unguarded one as else', () => {
    const renew = d.transitions.filter((t) => t.source === 'held' && t.event === 'lock.renew');
    expect(renew.map((t) => t.index)).toEqual(renew.map((_, i) => i));
    expect(renew.every((t) => t.of === renew.length)).toBe(true);
    expect(renew.map(guardLabel)).toContain('validFor');
    const last = renew[renew.length - 1]!;
    expect(guardLabel(last)).toBe('else');
    expect(last.targets).toEqual([]);
    expect(last.actions).toEqual(['refuseRenewal']);
    const release = d.transitions.find((t) => t.source === 'held' && t.event === 'lock.release')!;
    expect(release.targets).toEqual(['released']);
    expect(transitionLabel(release)).toBe(
      'held: lock.release [tokenMatches] → released / disarmExpiry, announceRelease',
    );
  });

  it('gives every transition a unique id, the same in a provide copy', () => {
    const ids = d.transitions.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const copy = sessionLockMachine.provide({ guards: { lapsed: () => false } });
    expect(describeMachine(copy, 'lock').transitions.map((t) => t.id)).toEqual(ids);
  });
});

describe('describeMachine: nested and parallel states', () => {
  const d = describeMachine(fixtureMachine);
  const byPath = new Map(statesOf(d).map((s) => [s.path, s]));

  it('keeps the tree: compound with initial, parallel regions, finals', () => {
    expect(byPath.get('holding')?.type).toBe('parallel');
    expect(byPath.get('holding')?.states.map((s) => s.key)).toEqual(['receiver', 'renewal']);
    expect(byPath.get('holding.receiver')?.initial).toBe('ready');
    expect(byPath.get('crashed')?.type).toBe('final');
    expect(byPath.get('accepting')?.entry).toEqual(['log']);
    // XState's own timer of an `after` transition is not shown as the state's entry and exit.
    expect(byPath.get('backingOff')?.entry).toEqual([]);
    expect(byPath.get('holding')?.exit).toEqual(['log', 'raise(…)']);
  });

  it('reads every kind of transition and guard', () => {
    const find = (source: string, kind: string) => d.transitions.find((t) => t.source === source && t.kind === kind);
    expect(find('', 'event')).toMatchObject({ event: 'crash', targets: ['crashed'] });
    expect(find('backingOff', 'after')).toMatchObject({ delay: 500, targets: ['accepting'] });
    expect(find('holding.renewal.off', 'always')).toMatchObject({ event: '', guard: 'busy' });
    const go = d.transitions.filter((t) => t.source === 'accepting');
    expect(go.map((t) => t.guard)).toEqual(['and(retriesLeft, not(busy))', null]);
    expect(d.guards).toEqual(['retriesLeft', 'busy']);
    const done = d.transitions.find((t) => t.source === 'holding.receiver.receiving')!;
    expect(done.guard).toBe('(inline)');
    expect(done.targets).toEqual(['finished']);
    expect(d.transitions.find((t) => t.source === 'holding.renewal.scheduled')?.actions).toEqual(['(inline)']);
  });
});

describe('transition ids at run time', () => {
  it('idOfDefinition gives every definition of every machine its description id', () => {
    for (const name of MACHINE_NAMES) {
      const machine = machineNamed(name);
      const described = new Set(
        describeAll()
          .find((d) => d.name === name)!
          .transitions.map((t) => t.id),
      );
      const found: string[] = [];
      const walk = (node: AnyStateNode) => {
        const lists: AnyTransitionDefinition[][] = [...node.transitions.values()];
        if (node.always) lists.push(node.always);
        for (const list of lists) for (const t of list) found.push(idOfDefinition(t)!);
        for (const child of Object.values(node.states as Record<string, AnyStateNode>)) walk(child);
      };
      walk(machine.root);
      expect(new Set(found), name).toEqual(described);
    }
  });
});
