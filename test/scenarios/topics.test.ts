/**
 * Topics (T1 through a topic, §8.1, §8.3): a topic fans each message out to every subscription; each
 * subscription has its own `requiresSession`, its own sequence numbers and its own sessions; a message
 * without a session id that reaches a session subscription is dead-lettered there.
 */
import { describe, expect, it } from 'vitest';
import type { Driver } from '../../src/world/driver.ts';
import {
  codeOf,
  deadLetters,
  dlqOf,
  facts,
  handleOf,
  idsAndCounts,
  messagesOf,
  oneOf,
  stored,
  driver,
} from './scenario-kit.ts';

const SESSIONED = 'orders/Subscriptions/by-customer';
const PLAIN = 'orders/Subscriptions/audit';

function topic(): Driver {
  return driver({
    entities: [],
    topics: [
      {
        name: 'orders',
        subscriptions: [
          { name: 'by-customer', requiresSession: true },
          { name: 'audit', requiresSession: false },
        ],
      },
    ],
  });
}

describe('topics: fan-out to subscriptions', () => {
  it('every subscription gets its own copy, numbered by its own sequence', () => {
    const d = topic();
    const a = d.client('a');
    const sent = d.send(a, 'orders', { messageId: 'o1', sessionId: 'cust-1' });
    expect(sent.ok && sent.result.seq).toBeNull();
    d.send(a, 'orders', { messageId: 'o2', sessionId: 'cust-2' });
    expect(facts(d, 'sent').map((f) => [f.entity, f.messageId, f.session, f.seq])).toEqual([
      [SESSIONED, 'o1', 'cust-1', 1],
      [PLAIN, 'o1', null, 1],
      [SESSIONED, 'o2', 'cust-2', 2],
      [PLAIN, 'o2', null, 2],
    ]);
    expect(stored(d, 'cust-1', SESSIONED)).toEqual([['o1', 'active', 0]]);
    expect(d.state().entities[PLAIN]?.messages.map((m) => [m.messageId, m.sessionId])).toEqual([
      ['o1', null],
      ['o2', null],
    ]);
  });

  it('a session subscription hands out sessions; a plain one is read by a plain receiver', () => {
    const d = topic();
    const a = d.client('a');
    d.send(a, 'orders', { messageId: 'o1', sessionId: 'cust-1' });
    const h = handleOf(d.accept(a, SESSIONED, null));
    expect(h.sessionId).toBe('cust-1');
    expect(idsAndCounts(messagesOf(d.receive(h)))).toEqual([['o1', 0]]);
    expect(idsAndCounts(messagesOf(d.receivePlain(a, PLAIN)))).toEqual([['o1', 0]]);
    // Each subscription keeps its own exclusivity rules.
    expect(codeOf(d.receivePlain(a, SESSIONED))).toBe('GeneralError');
    expect(codeOf(d.accept(a, PLAIN, 'cust-1'))).toBe('GeneralError');
  });

  it('no session id: dead-lettered on the session subscription with "Session id is null.", delivered on the plain one', () => {
    const d = topic();
    const a = d.client('a');
    const sent = d.send(a, 'orders', { messageId: 'anon' });
    expect(sent.ok).toBe(true);
    expect(deadLetters(d, SESSIONED)).toEqual([['anon', 'Session id is null.', 0]]);
    expect(dlqOf(d, SESSIONED)[0]).toMatchObject({
      seq: 1,
      sessionId: null,
      description: "Session enabled entity doesn't allow a message whose session identifier is null.",
    });
    expect(facts(d, 'deadLettered')).toEqual([
      {
        kind: 'deadLettered',
        entity: SESSIONED,
        session: null,
        seq: 1,
        reason: 'Session id is null.',
        deliveryCount: 0,
      },
    ]);
    expect(d.state().entities[SESSIONED]?.sessions).toEqual({});
    expect(facts(d, 'sendRejected')).toEqual([]);
    const plain = oneOf(d.receivePlain(a, PLAIN));
    expect([plain.messageId, plain.sessionId]).toEqual(['anon', null]);
  });

  it('a subscription keeps sessions of its own: the same session id is locked separately per subscription', () => {
    const d = driver({
      entities: [],
      topics: [{ name: 't', subscriptions: [{ name: 'x' }, { name: 'y' }] }],
    });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 't', { messageId: 'm1', sessionId: 's1' });
    const hx = handleOf(d.accept(a, 't/Subscriptions/x', 's1'));
    const hy = handleOf(d.accept(b, 't/Subscriptions/y', 's1'));
    const mx = oneOf(d.receive(hx));
    expect(idsAndCounts(messagesOf(d.receive(hy)))).toEqual([['m1', 0]]);
    expect([mx.messageId, mx.deliveryCount]).toEqual(['m1', 0]);
    d.settle(hx, mx, 'complete');
    expect(stored(d, 's1', 't/Subscriptions/x')).toEqual([]);
    expect(stored(d, 's1', 't/Subscriptions/y')).toEqual([['m1', 'locked', 0]]);
  });
});
