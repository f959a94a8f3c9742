/**
 * Sequence numbers: the broker stamps every accepted message with a gap-free, increasing sequence
 * number relative to the entity, in acceptance order (T1; reference §6, D5, N6). FIFO "by sequence
 * number" means nothing if the numbers repeat across sessions or skip.
 */
import type { Property, RunRecord, Violation } from './types.ts';

export const sequenceNumbers: Property = {
  id: 'sequence-numbers',
  title: 'Sequence numbers are gapless and increasing per entity',
  rule: 'T1 / §6: every accepted message gets the next sequence number of its entity, in acceptance order (D5, N6).',
  check(run: RunRecord): Violation | undefined {
    const last = new Map<string, { seq: number; messageId: string }>();
    for (const e of run.trace) {
      if (e.k !== 'fact' || e.fact.kind !== 'sent') continue;
      const f = e.fact;
      const prev = last.get(f.entity);
      const expected = (prev?.seq ?? 0) + 1;
      if (f.seq !== expected) {
        const after = prev ? `after ${prev.messageId} got ${prev.seq}` : 'as the first message of the entity';
        return {
          property: 'sequence-numbers',
          message: `message ${f.messageId} was accepted by entity ${f.entity} at t=${e.t}ms with sequence number ${f.seq}, but ${after} the next number is ${expected}.`,
          step: e.step,
          t: e.t,
        };
      }
      last.set(f.entity, { seq: f.seq, messageId: f.messageId });
    }
    return undefined;
  },
};
