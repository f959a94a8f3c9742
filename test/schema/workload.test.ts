/**
 * The workload file format: strict at every level, the documented defaults filled in by the schema, the
 * limits of the service and of sbsim refused with one sentence naming the JSON path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workloadArb } from '../../properties/arbitraries/workload.ts';
import {
  CONSUMER_DEFAULTS,
  ENTITY_DEFAULTS,
  MAX_CONSUMERS,
  MAX_MESSAGES,
  parseWorkload,
  SWITCH_DEFAULTS,
  WorkloadError,
} from '../../src/schema/workload.ts';

function problemOf(value: unknown): { code: string; path: string; message: string } {
  try {
    parseWorkload(value, 'w.json');
  } catch (e) {
    if (e instanceof WorkloadError) {
      const p = e.problems[0];
      if (!p) throw new Error('a WorkloadError without a problem');
      expect(e.message).toBe(`w.json: ${p.message}`);
      return p;
    }
    throw e;
  }
  throw new Error('expected a WorkloadError, but the workload was accepted');
}

describe('workload file: defaults', () => {
  it('an empty object is the default workload: one queue "q", default switches, nothing sent', () => {
    const w = parseWorkload({}, 'empty.json');
    expect(w).toEqual({
      name: 'empty.json',
      entities: [{ name: 'q', ...ENTITY_DEFAULTS }],
      topics: [],
      switches: SWITCH_DEFAULTS,
      messages: [],
      consumers: [],
      faults: [],
      maxSteps: 5_000,
      networkDelayMaxMs: 0,
      mutant: null,
    });
  });

  it('the documented defaults (README, docs/semantics.md §13)', () => {
    expect(ENTITY_DEFAULTS).toEqual({
      kind: 'queue',
      requiresSession: true,
      lockDurationMs: 60_000,
      maxDeliveryCount: 10,
      defaultMessageTimeToLiveMs: null,
      deadLetteringOnMessageExpiration: false,
      tier: 'standard',
    });
    expect(CONSUMER_DEFAULTS).toMatchObject({
      sessions: 'next',
      batch: 1,
      renewal: { kind: 'auto', maxDurationMs: 300_000 },
    });
  });

  it('a message goes to the first entity at its index; a consumer receives from the first entity', () => {
    const w = parseWorkload({
      entities: [{ name: 'orders' }],
      messages: [{ messageId: 'a' }, { messageId: 'b' }],
      consumers: [{ id: 'c1' }],
    });
    expect(w.messages.map((m) => [m.to, m.atMs])).toEqual([
      ['orders', 0],
      ['orders', 1],
    ]);
    expect(w.consumers[0]?.entity).toBe('orders');
  });

  it('"$schema" may name the JSON Schema; it is not part of the workload', () => {
    const w = parseWorkload({ $schema: './schema/workload.schema.json', name: 'x' });
    expect(w).not.toHaveProperty('$schema');
  });

  it('parsing a parsed workload again gives the same workload', () => {
    const w = parseWorkload({
      topics: [{ name: 't', subscriptions: [{ name: 'a' }] }],
      consumers: [{ id: 'c1', entity: 't/Subscriptions/a' }],
    });
    expect(parseWorkload(w)).toEqual(w);
  });

  it('every generated workload (properties/arbitraries) is accepted', () => {
    fc.assert(
      fc.property(workloadArb(), (input) => {
        parseWorkload(input);
      }),
      { numRuns: 300 },
    );
  });
});

describe('workload file: strict, with the JSON path', () => {
  it('an unknown key at any level, the top level included', () => {
    expect(problemOf({ fault: [] })).toMatchObject({ code: 'unknown-field', path: '$.fault' });
    expect(problemOf({ switchs: {} }).message).toMatch(
      /^\$\.switchs is not a field sbsim knows here \(known: .*switches/,
    );
    expect(problemOf({ entities: [{ name: 'q', lockDurationMS: 5 }] }).path).toBe('$.entities[0].lockDurationMS');
    expect(problemOf({ consumers: [{ id: 'c1', renewal: { kind: 'none', everyMs: 5 } }] }).path).toBe(
      '$.consumers[0].renewal.everyMs',
    );
  });

  it('the wrong type, with what was expected and what was found', () => {
    expect(problemOf({ entities: [{ name: 'q', lockDurationMs: '5' }] }).message).toBe(
      '$.entities[0].lockDurationMs must be a whole number, not the string "5"',
    );
    expect(problemOf({ messages: {} }).message).toBe('$.messages must be an array, not an object');
    expect(problemOf({ consumers: [{ id: 'c1', renewal: { kind: 'sometimes' } }] }).message).toBe(
      '$.consumers[0].renewal.kind must be one of "none", "manual", "auto", not "sometimes"',
    );
    expect(problemOf({ consumers: [{ id: 'c1', sessions: 'all' }] }).message).toBe(
      '$.consumers[0].sessions must be "next" or a list of session ids, not the string "all"',
    );
    expect(problemOf({ mutant: 'M99' })).toMatchObject({ code: 'bad-value', path: '$.mutant' });
  });

  it('milliseconds are whole and safe', () => {
    expect(problemOf({ messages: [{ messageId: 'm', atMs: 1.5 }] })).toMatchObject({
      code: 'wrong-type',
      message: '$.messages[0].atMs must be a whole number, not the number 1.5',
    });
    expect(problemOf({ networkDelayMaxMs: 2 ** 60 }).code).toBe('wrong-type');
    expect(problemOf({ messages: [{ messageId: 'm', atMs: -1 }] }).message).toBe(
      '$.messages[0].atMs must be at least 0, not -1',
    );
  });
});

describe('workload file: limits and bad values', () => {
  it(`at most ${MAX_MESSAGES} messages and ${MAX_CONSUMERS} consumers`, () => {
    const messages = Array.from({ length: MAX_MESSAGES + 1 }, (_, i) => ({ messageId: `m${i}` }));
    expect(problemOf({ messages }).message).toBe(
      `$.messages has ${MAX_MESSAGES + 1} entries; sbsim runs at most ${MAX_MESSAGES} messages in one workload (README, Limits)`,
    );
    const consumers = Array.from({ length: MAX_CONSUMERS + 1 }, (_, i) => ({ id: `c${i}` }));
    expect(problemOf({ consumers })).toMatchObject({ code: 'invalid-workload', path: '$.consumers' });
  });

  it('an empty message id or consumer id', () => {
    expect(problemOf({ messages: [{ messageId: '' }] }).message).toBe('$.messages[0].messageId must not be empty');
    expect(problemOf({ consumers: [{ id: '' }] }).message).toBe('$.consumers[0].id must not be empty');
  });

  it('a session id or reply-to session id over 128 characters', () => {
    expect(problemOf({ messages: [{ messageId: 'm', replyToSessionId: 'x'.repeat(129) }] }).message).toBe(
      '$.messages[0].replyToSessionId is 129 characters long; the service allows at most 128',
    );
    expect(problemOf({ messages: [{ messageId: 'm', sessionId: 'x'.repeat(129) }] }).path).toBe(
      '$.messages[0].sessionId',
    );
    expect(() => parseWorkload({ messages: [{ messageId: 'm', replyToSessionId: 'x'.repeat(128) }] })).not.toThrow();
  });

  it('loseRenewals from after until', () => {
    expect(
      problemOf({
        consumers: [{ id: 'c1' }],
        faults: [{ kind: 'loseRenewals', consumer: 'c1', fromMs: 500, untilMs: 100 }],
      }).message,
    ).toBe('$.faults[0].untilMs is 100, before fromMs 500; renewals are lost from fromMs until untilMs');
  });

  it('the entity limits of the service, and names used but not declared', () => {
    expect(problemOf({ entities: [{ name: 'q', lockDurationMs: 600_000 }] })).toMatchObject({
      code: 'invalid-workload',
      message: '$.entities[0].lockDurationMs is 600000; the service allows more than 0 and at most 300000 (5 min)',
    });
    expect(problemOf({ consumers: [{ id: 'c1', entity: 'elsewhere' }] }).message).toBe(
      '$.consumers[0].entity: consumer "c1" receives from "elsewhere", which is not a queue or subscription of the workload',
    );
    expect(problemOf({ messages: [{ messageId: 'm' }, { messageId: 'm' }] }).path).toBe('$.messages[1].messageId');
    expect(problemOf({ consumers: [{ id: 'c1' }], faults: [{ kind: 'crash', consumer: 'c9', atMs: 0 }] }).path).toBe(
      '$.faults[0].consumer',
    );
  });
});
