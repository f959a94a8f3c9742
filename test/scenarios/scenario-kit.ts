/**
 * Small helpers for the transition-table scenarios (reference §1, T1–T14): unwrap driver replies with
 * a clear failure, read facts from the trace and read one session of the final state.
 */
import type { DeadLetterEntry, Fact, ReceivedMessage, StoredMessage } from '../../models/events.ts';
import type { Reply, SessionHandle } from '../../src/world/driver.ts';
import { Driver } from '../../src/world/driver.ts';
import type { SessionState } from '../../src/world/world.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import type { TraceEvent } from '../../src/trace/types.ts';
import { afterEach, expect } from 'vitest';
import { brokerConformance } from '../../properties/broker-conformance.ts';

/**
 * Every scenario is also run through the reference specification (properties/spec/): whatever a test
 * expects of the broker, the specification must expect too. Drivers made with `driver` or `queue` are
 * checked when the test ends.
 */
const made: Driver[] = [];
afterEach(() => {
  const drivers = made.splice(0);
  for (const d of drivers) {
    const run = { workload: d.world.workload, trace: d.world.trace, final: d.state(), hitBound: true };
    expect(brokerConformance.check(run)?.message ?? null, 'the reference specification disagrees').toBeNull();
  }
});

/** A driver over the given workload, checked against the reference specification when the test ends. */
export function driver(workload: WorkloadInput, chooser?: ConstructorParameters<typeof Driver>[1]): Driver {
  const d = new Driver(workload, chooser);
  made.push(d);
  return d;
}

/** A driver over one session queue `q` with the given entity settings and switches. */
export function queue(
  entity: Omit<NonNullable<WorkloadInput['entities']>[number], 'name'> = {},
  rest: Omit<WorkloadInput, 'entities'> = {},
): Driver {
  return driver({ entities: [{ name: 'q', ...entity }], ...rest });
}

/** The handle of a successful accept; fails the test with the error code otherwise. */
export function handleOf(reply: Reply<'accepted'> & { handle?: SessionHandle }): SessionHandle {
  if (!reply.ok || !reply.handle)
    throw new Error(`expected the accept to succeed, got ${reply.ok ? 'no handle' : reply.error.code}`);
  return reply.handle;
}

/** The messages of a successful receive (or peek); fails the test with the error code otherwise. */
export function messagesOf(reply: Reply<'received'> | Reply<'peeked'>): readonly ReceivedMessage[] {
  if (!reply.ok) throw new Error(`expected the receive to succeed, got ${reply.error.code}: ${reply.error.message}`);
  return reply.result.messages;
}

/** The one message of a receive that must return exactly one. */
export function oneOf(reply: Reply<'received'>): ReceivedMessage {
  const messages = messagesOf(reply);
  if (messages.length !== 1 || !messages[0]) throw new Error(`expected one message, got ${messages.length}`);
  return messages[0];
}

/** `[messageId, deliveryCount]` pairs: the usual shape of an exact expectation on a receive. */
export function idsAndCounts(messages: readonly ReceivedMessage[]): Array<[string, number]> {
  return messages.map((m) => [m.messageId, m.deliveryCount]);
}

/** `'ok'`, or the error code of a failed reply. */
export function codeOf(reply: { ok: boolean; error?: { code: string } }): string {
  return reply.ok ? 'ok' : (reply.error?.code ?? '?');
}

type FactOf<K extends Fact['kind']> = Extract<Fact, { kind: K }>;

/** Every fact of one kind in a trace, in order. */
export function factsIn<K extends Fact['kind']>(trace: readonly TraceEvent[], kind: K): FactOf<K>[] {
  const out: FactOf<K>[] = [];
  for (const e of trace) if (e.k === 'fact' && e.fact.kind === kind) out.push(e.fact as FactOf<K>);
  return out;
}

/** Every fact of one kind the driver's world has recorded so far. */
export function facts<K extends Fact['kind']>(d: Driver, kind: K): FactOf<K>[] {
  return factsIn(d.world.trace, kind);
}

/** One session of the current broker state; fails if the session does not exist. */
export function sessionOf(d: Driver, sessionId: string, entity = 'q'): SessionState {
  const s = d.state().entities[entity]?.sessions[sessionId];
  if (!s) throw new Error(`session ${entity}/${sessionId} does not exist`);
  return s;
}

/** `[messageId, state, deliveryCount]` of a session's stored messages, in order. */
export function stored(d: Driver, sessionId: string, entity = 'q'): Array<[string, StoredMessage['state'], number]> {
  return sessionOf(d, sessionId, entity).messages.map((m) => [m.messageId, m.state, m.deliveryCount]);
}

/** `[messageId, reason, deliveryCount]` of an entity's dead-letter queue. */
export function deadLetters(d: Driver, entity = 'q'): Array<[string, string, number]> {
  return dlqOf(d, entity).map((e) => [e.messageId, e.reason, e.deliveryCount]);
}

export function dlqOf(d: Driver, entity = 'q'): readonly DeadLetterEntry[] {
  return d.state().entities[entity]?.deadLetters ?? [];
}

/** Element `i` of a list; fails the test if it is missing. */
export function at<T>(list: readonly T[], i: number): T {
  const x = list[i];
  if (x === undefined) throw new Error(`expected an element at index ${i}, the list has ${list.length}`);
  return x;
}
