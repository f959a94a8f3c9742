import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../models/events.ts';
import { Timers } from '../../src/sim/timers.ts';

const EVENT = { type: 'consumer.renewTick' } as SimEvent;

/** The reference: every live timer, sorted by due time then insertion order. */
function reference(ops: readonly Op[]): Array<{ id: string; atMs: number }> {
  const live = new Map<string, { id: string; atMs: number; order: number }>();
  ops.forEach((op, order) => {
    if (op.kind === 'set') live.set(op.id, { id: op.id, atMs: op.atMs, order });
    else live.delete(op.id);
  });
  return [...live.values()].sort((a, b) => a.atMs - b.atMs || a.order - b.order).map(({ id, atMs }) => ({ id, atMs }));
}

type Op = { kind: 'set'; id: string; atMs: number } | { kind: 'cancel'; id: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    atMs: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), id: fc.constantFrom('a', 'b', 'c', 'd', 'e') }),
);

describe('timers', () => {
  it('keep firing order (due time, then insertion order) through any sets, replacements and cancels', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const timers = new Timers();
        for (const o of ops) {
          if (o.kind === 'set') timers.set(o.id, o.atMs, 'consumer:c1', EVENT);
          else timers.cancel(o.id);
        }
        const want = reference(ops);
        expect(timers.all().map(({ id, atMs }) => ({ id, atMs }))).toEqual(want);
        expect(timers.size).toBe(want.length);
        expect(want.map((_, i) => timers.at(i)?.id)).toEqual(want.map((t) => t.id));
        expect(timers.at(want.length)).toBeUndefined();
        expect([...timers.values()].map((t) => t.id).sort()).toEqual(want.map((t) => t.id).sort());
        const first = want[0];
        expect(timers.eligible(null).length).toBe(first ? want.filter((t) => t.atMs <= first.atMs).length : 0);
        expect(timers.countDueBy(3)).toBe(want.filter((t) => t.atMs <= 3).length);
      }),
      { numRuns: 500 },
    );
  });
});
