/**
 * broker-conformance: the reference specification judges every answer and every reported effect.
 * Real runs of the model (driven one command at a time) pass; the same runs with one answer or one
 * effect altered fail, each naming the rule it breaks.
 */
import { describe, expect, it } from 'vitest';
import type { Fact, ReplyEvent } from '../../models/events.ts';
import { brokerConformance } from '../../properties/broker-conformance.ts';
import type { TraceEvent } from '../../src/trace/types.ts';
import { Driver } from '../../src/world/driver.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { handleOf, messagesOf, oneOf } from '../scenarios/scenario-kit.ts';

function verdict(d: Driver, trace: readonly TraceEvent[] = d.world.trace): string | null {
  return (
    brokerConformance.check({ workload: d.world.workload, trace, final: d.state(), hitBound: true })?.message ?? null
  );
}

/** The trace with the broker's answer to `reqId` of `client` replaced. */
function withReply(trace: readonly TraceEvent[], client: string, reqId: number, reply: (r: ReplyEvent) => ReplyEvent) {
  return trace.map((e) =>
    e.k === 'return' && e.client === client && e.reply.reqId === reqId ? { ...e, reply: reply(e.reply) } : e,
  );
}

/** The trace with the facts that match `drop` left out. */
function without(trace: readonly TraceEvent[], drop: (f: Fact) => boolean): TraceEvent[] {
  return trace.filter((e) => !(e.k === 'fact' && drop(e.fact)));
}

const session = (entity: WorkloadInput['entities'] = [{ name: 'q', lockDurationMs: 30_000 }]) =>
  new Driver({ entities: entity });

describe('broker-conformance', () => {
  it('a run of the model passes: send, accept, receive, abandon, receive again, renew, state, complete', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    const m = oneOf(d.receive(h));
    d.settle(h, m, 'abandon');
    const again = oneOf(d.receive(h));
    expect(again.deliveryCount).toBe(1);
    d.advance(10_000);
    d.renew(h);
    d.setState(h, 'step 1');
    d.getState(h);
    d.settle(h, again, 'complete');
    expect(verdict(d)).toBeNull();
  });

  it('renew: a lockedUntil other than now + lock duration is named with the rule (T10)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(10_000);
    const renewed = d.renew(h);
    expect(renewed.ok && renewed.result.lockedUntilMs).toBe(40_000);
    const reqId = d.world.trace.filter((e) => e.k === 'call' && e.req.type === 'req.renew')[0];
    const id = reqId?.k === 'call' ? reqId.req.reqId : -1;
    const tampered = withReply(d.world.trace, a, id, (r) =>
      r.ok && r.result.kind === 'renewed' ? { ...r, result: { ...r.result, lockedUntilMs: 70_000 } } : r,
    );
    expect(verdict(d, tampered)).toMatch(/^Renew by client:a at t=10000ms/);
    expect(verdict(d, tampered)).toContain('returned lockedUntil 70000ms; the rule (T10');
    expect(verdict(d, tampered)).toContain('gives 40000ms');
  });

  it('receive: a wrong delivery count is caught (§3.4)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    const call = d.world.trace.find((e) => e.k === 'call' && e.req.type === 'req.receive');
    const id = call?.k === 'call' ? call.req.reqId : -1;
    const tampered = withReply(d.world.trace, a, id, (r) =>
      r.ok && r.result.kind === 'received'
        ? { ...r, result: { ...r.result, messages: r.result.messages.map((m) => ({ ...m, deliveryCount: 1 })) } }
        : r,
    );
    expect(verdict(d, tampered)).toContain('with delivery count 1 (§3.4)');
  });

  it('a lost lock: an operation that succeeds without a valid lock is caught (T11, §2.5)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(30_000);
    const got = d.getState(h);
    expect(got.ok).toBe(false);
    const call = d.world.trace.find((e) => e.k === 'call' && e.req.type === 'req.getState');
    const id = call?.k === 'call' ? call.req.reqId : -1;
    const tampered = withReply(d.world.trace, a, id, (r) => ({
      type: 'reply',
      reqId: r.reqId,
      ok: true,
      result: { kind: 'state', value: null },
    }));
    expect(verdict(d, tampered)).toContain(
      'the rule (T11/§2.5: s1@1 is not the lock of s1) gives error SessionLockLost',
    );
  });

  it('lock expiry: a requeue the rule asks for but the broker never reports is caught (T11)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    oneOf(d.receive(h));
    d.advance(30_000);
    expect(verdict(d)).toBeNull();
    const tampered = without(d.world.trace, (f) => f.kind === 'requeued');
    expect(verdict(d, tampered)).toContain('the rule (T11: lock expiry raises the count');
    expect(verdict(d, tampered)).toContain('requeued q#1 count=1 cause=lockExpired, but the broker did not report it');
  });

  it('a receive that hands out a message whose TTL has passed is caught (T14, §4)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1', ttlMs: 1_000 });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.advance(2_000);
    const got = d.receive(h);
    expect(got.ok && got.result.messages).toEqual([]);
    expect(verdict(d)).toBeNull();
    // The broker that skips expiry: no `expired` fact, and the expired message handed out.
    const call = d.world.trace.find((e) => e.k === 'call' && e.req.type === 'req.receive');
    const id = call?.k === 'call' ? call.req.reqId : -1;
    const m1 = {
      seq: 1,
      messageId: 'm1',
      sessionId: 's1',
      deliveryCount: 0,
      lockToken: 's1@1',
      enqueuedAtMs: 0,
      expiresAtMs: 1_000,
      state: 'active' as const,
    };
    const tampered = withReply(
      without(d.world.trace, (f) => f.kind === 'expired'),
      a,
      id,
      (r) => ({ type: 'reply', reqId: r.reqId, ok: true, result: { kind: 'received', messages: [m1] } }),
    );
    expect(verdict(d, tampered)).toContain('returned received s1#1 (count 0); the rule (T4');
  });

  it('a waiting receive served late, after a message was there for it, is caught (T4)', () => {
    const d = new Driver({
      entities: [{ name: 'q', lockDurationMs: 30_000 }],
      messages: [{ messageId: 'm1', sessionId: 's1', atMs: 3_000 }],
    });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    const got = d.receive(h, 1, 10_000);
    expect(got.ok && got.result.messages.map((m) => m.messageId)).toEqual(['m1']);
    expect(verdict(d)).toBeNull();
    const last = d.world.trace.findLast((e) => e.k === 'return') as TraceEvent;
    const moved = [...d.world.trace.filter((e) => e !== last), { ...last, step: last.step + 1000, t: 4_500 }];
    expect(verdict(d, moved)).toContain('was active (T4: a waiting receive takes a message as soon as one is there)');
  });

  it('a sequence number handed out twice, or a session-less send accepted by a session queue, is caught (T1, §8.1)', () => {
    const d = session();
    const a = d.client('a');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const rejected = d.send(a, 'q', { messageId: 'm2' });
    expect(rejected.ok).toBe(false);
    expect(verdict(d)).toBeNull();
    const call = d.world.trace.find(
      (e) => e.k === 'call' && e.req.type === 'req.send' && e.req.message.messageId === 'm2',
    );
    const id = call?.k === 'call' ? call.req.reqId : -1;
    const tampered = withReply(d.world.trace, a, id, (r) => ({
      type: 'reply',
      reqId: r.reqId,
      ok: true,
      result: { kind: 'sent', seq: 2 },
    }));
    expect(verdict(d, tampered)).toContain('§8.1: a session queue rejects a message without a session id');
  });

  it('peek shows every message of the session from the cursor, whatever its state (§11)', () => {
    const d = session();
    const a = d.client('a');
    for (const id of ['m1', 'm2', 'm3']) d.send(a, 'q', { messageId: id, sessionId: 's1' });
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.settle(h, oneOf(d.receive(h)), 'defer');
    oneOf(d.receive(h));
    expect(messagesOf(d.peek(h)).map((m) => [m.seq, m.state])).toEqual([
      [1, 'deferred'],
      [2, 'active'],
      [3, 'active'],
    ]);
    expect(verdict(d)).toBeNull();
    const call = d.world.trace.find((e) => e.k === 'call' && e.req.type === 'req.peek');
    const id = call?.k === 'call' ? call.req.reqId : -1;
    const tampered = withReply(d.world.trace, a, id, (r) =>
      r.ok && r.result.kind === 'peeked' ? { ...r, result: { ...r.result, messages: r.result.messages.slice(1) } } : r,
    );
    expect(verdict(d, tampered)).toContain('the rule (§11: peek shows every message of the session from the cursor)');
  });
});
