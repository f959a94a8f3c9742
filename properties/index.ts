/**
 * The property library: one guarantee per module, each a pure function over a run's record.
 * `checkAll` runs them all and returns the first violation of each property that has one.
 */
import { acceptProgress } from './accept-progress.ts';
import { bookPass, isBookProperty } from './book-pass.ts';
import { brokerConformance } from './broker-conformance.ts';
import { conservation } from './conservation.ts';
import { deliveryCount } from './delivery-count.ts';
import { eventualProcessing } from './eventual-processing.ts';
import { exclusiveLock } from './exclusive-lock.ts';
import { fifoDelivery } from './fifo-delivery.ts';
import { fifoProcessing } from './fifo-processing.ts';
import { lockRelease } from './lock-release.ts';
import { sequenceNumbers } from './sequence-numbers.ts';
import { sessionState } from './session-state.ts';
import { ttl } from './ttl.ts';
import type { Property, RunRecord, Violation } from './types.ts';

export type { Property, RunRecord, Violation } from './types.ts';
export {
  acceptProgress,
  brokerConformance,
  conservation,
  deliveryCount,
  eventualProcessing,
  exclusiveLock,
  fifoDelivery,
  fifoProcessing,
  lockRelease,
  sequenceNumbers,
  sessionState,
  ttl,
};

export const ALL_PROPERTIES: readonly Property[] = [
  exclusiveLock,
  fifoDelivery,
  fifoProcessing,
  deliveryCount,
  ttl,
  conservation,
  sessionState,
  sequenceNumbers,
  brokerConformance,
  acceptProgress,
  lockRelease,
  eventualProcessing,
];

/**
 * Every property's first violation, in the order given. The properties that judge facts against the
 * message book share one pass and one book (book-pass.ts); the others run on their own.
 */
export function checkAll(run: RunRecord, properties: readonly Property[] = ALL_PROPERTIES): Violation[] {
  const shared = properties.filter(isBookProperty);
  const verdicts = bookPass(
    run,
    shared.map((p) => p.watch(run)),
  );
  const byBook = new Map<Property, Violation | undefined>(shared.map((p, i) => [p, verdicts[i]]));
  const out: Violation[] = [];
  for (const p of properties) {
    const v = byBook.has(p) ? byBook.get(p) : p.check(run);
    if (v) out.push(v);
  }
  return out;
}

/** Every property's notes on documented losses of its guarantee (see `Property.observe`). */
export function observeAll(run: RunRecord, properties: readonly Property[] = ALL_PROPERTIES): string[] {
  return properties.flatMap((p) => (p.observe ? p.observe(run).map((n) => `${p.id}: ${n}`) : []));
}
