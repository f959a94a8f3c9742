/**
 * Reading a scenario's trace in domain terms: facts of one kind, message ids by sequence number,
 * deliveries, processing order. Outcomes are computed with these, never by hand.
 */
import type { Fact } from '../../models/events.ts';
import type { TraceEvent } from '../trace/types.ts';

export type FactOf<K extends Fact['kind']> = Extract<Fact, { kind: K }>;

/** Every fact of one kind, in trace order. */
export function factsIn<K extends Fact['kind']>(trace: readonly TraceEvent[], kind: K): FactOf<K>[] {
  const out: FactOf<K>[] = [];
  for (const e of trace) if (e.k === 'fact' && e.fact.kind === kind) out.push(e.fact as FactOf<K>);
  return out;
}

/** Every fact of one kind with the virtual time it happened at. */
export function timedFacts<K extends Fact['kind']>(
  trace: readonly TraceEvent[],
  kind: K,
): Array<{ t: number; fact: FactOf<K> }> {
  const out: Array<{ t: number; fact: FactOf<K> }> = [];
  for (const e of trace) if (e.k === 'fact' && e.fact.kind === kind) out.push({ t: e.t, fact: e.fact as FactOf<K> });
  return out;
}

/** `entity|seq` → message id, from the `sent` facts. */
export function messageIdsOf(trace: readonly TraceEvent[]): (entity: string, seq: number) => string {
  const ids = new Map<string, string>();
  for (const f of factsIn(trace, 'sent')) ids.set(`${f.entity}|${f.seq}`, f.messageId);
  return (entity, seq) => ids.get(`${entity}|${seq}`) ?? `#${seq}`;
}

/** `consumer:c1` → `c1`, `client:alice` → `alice`. */
export function shortName(actor: string): string {
  const colon = actor.indexOf(':');
  return colon >= 0 ? actor.slice(colon + 1) : actor;
}

export interface Delivery {
  readonly t: number;
  readonly consumer: string;
  readonly messageId: string;
  readonly session: string | null;
  readonly deliveryCount: number;
}

/** Every delivery: when, to whom (short name), which message, with which count. */
export function deliveriesOf(trace: readonly TraceEvent[]): Delivery[] {
  const idOf = messageIdsOf(trace);
  return timedFacts(trace, 'delivered').map(({ t, fact }) => ({
    t,
    consumer: shortName(fact.consumer),
    messageId: idOf(fact.entity, fact.seq),
    session: fact.session,
    deliveryCount: fact.deliveryCount,
  }));
}

/** Message ids in the order their handling finished (the `processed` facts): the processing order. */
export function processingOrder(trace: readonly TraceEvent[]): string[] {
  return factsIn(trace, 'processed').map((f) => f.messageId);
}

/** Message ids completed, in order. */
export function completed(trace: readonly TraceEvent[]): string[] {
  const idOf = messageIdsOf(trace);
  return factsIn(trace, 'settled')
    .filter((f) => f.action === 'complete')
    .map((f) => idOf(f.entity, f.seq));
}

/** `[messageId, count]` pairs: the usual shape of an exact expectation. */
export function idsAndCounts(deliveries: readonly Delivery[]): Array<[string, number]> {
  return deliveries.map((d) => [d.messageId, d.deliveryCount]);
}

/** `m1 (count 0), m2 (count 1)`. */
export function listDeliveries(deliveries: readonly Delivery[]): string {
  return deliveries.map((d) => `${d.messageId} (count ${d.deliveryCount})`).join(', ');
}
