import { describe, expect, it } from 'vitest';
import type { BookWatch } from '../../properties/book-pass.ts';
import { bookPass } from '../../properties/book-pass.ts';
import { deliveryCount } from '../../properties/delivery-count.ts';
import { fifoDelivery } from '../../properties/fifo-delivery.ts';
import { ALL_PROPERTIES, checkAll } from '../../properties/index.ts';
import type { Violation } from '../../properties/types.ts';
import { Script } from './helpers.ts';

/** Message 2 handed out ahead of 1 (fifo-delivery), then 1 delivered with a count nothing raised (delivery-count). */
const twoFaults = () =>
  new Script()
    .at(0)
    .sent('s1', 1)
    .sent('s1', 2)
    .at(1)
    .accepted('s1', 'c1', 's1@1')
    .at(2)
    .delivered('s1', 2, 'c1', 's1@1')
    .at(3)
    .delivered('s1', 1, 'c1', 's1@1', { deliveryCount: 3 })
    .record();

describe('the shared book pass', () => {
  it('gives each property the verdict its own check gives, one stopping early without stopping the others', () => {
    const run = twoFaults();
    const alone = ALL_PROPERTIES.map((p) => p.check(run)).filter((v): v is Violation => v !== undefined);
    const shared = checkAll(run);
    expect(shared).toEqual(alone);
    expect(shared.find((v) => v.property === fifoDelivery.id)?.t).toBe(2);
    expect(shared.find((v) => v.property === deliveryCount.id)?.t).toBe(3);
  });

  it('shows every watch the book as it stood just before each fact, and after it in `applied`', () => {
    const seen: string[] = [];
    const watch: BookWatch = {
      fact(e, book) {
        if (e.fact.kind === 'delivered') seen.push(`before ${e.fact.seq}: ${book.get('q', e.fact.seq)?.state}`);
        return undefined;
      },
      applied(e, book) {
        if (e.fact.kind === 'delivered') seen.push(`after ${e.fact.seq}: ${book.get('q', e.fact.seq)?.state}`);
      },
    };
    const stopper: BookWatch = {
      fact: (e) => (e.step === 2 ? { property: 'x', message: 'x', step: 2, t: 2 } : undefined),
    };
    const verdicts = bookPass(twoFaults(), [stopper, watch]);
    expect(verdicts.map((v) => v?.step)).toEqual([2, undefined]);
    expect(seen).toEqual(['before 2: active', 'after 2: locked', 'before 1: active', 'after 1: locked']);
  });
});
