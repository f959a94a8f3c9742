/**
 * T13 — session state: get, set, clear; it needs the lock, outlives the messages and survives changes
 * of holder; its size is limited per tier (reference §1 T13, §5).
 */
import { describe, expect, it } from 'vitest';
import { codeOf, facts, handleOf, oneOf, queue, sessionOf } from './scenario-kit.ts';

function stateOf(reply: { ok: boolean; result?: { kind: string; value?: string | null } }): string | null | undefined {
  return reply.ok ? reply.result?.value : undefined;
}

describe('T13 session state', () => {
  it('a session that never had state reads null', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(stateOf(d.getState(h))).toBeNull();
  });

  it('set replaces the state, get reads it back, set(null) clears it', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(d.setState(h, 'step-1').ok).toBe(true);
    expect(stateOf(d.getState(h))).toBe('step-1');
    expect(d.setState(h, 'step-2').ok).toBe(true);
    expect(stateOf(d.getState(h))).toBe('step-2');
    expect(d.setState(h, null).ok).toBe(true);
    expect(stateOf(d.getState(h))).toBeNull();
    expect(facts(d, 'stateSet').map((f) => f.value)).toEqual(['step-1', 'step-2', null]);
    expect(facts(d, 'stateRead').map((f) => f.value)).toEqual(['step-1', 'step-2', null]);
  });

  it('state outlives the messages and passes to the next holder', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    d.send(a, 'q', { messageId: 'm1', sessionId: 's1' });
    const ha = handleOf(d.accept(a, 'q', 's1'));
    d.settle(ha, oneOf(d.receive(ha)), 'complete');
    d.setState(ha, 'done:1');
    d.close(ha);
    expect(sessionOf(d, 's1')).toMatchObject({ messages: [], state: 'done:1' });
    d.advance(24 * 3_600_000);
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(stateOf(d.getState(hb))).toBe('done:1');
  });

  it('state survives lock expiry: what the old holder set stays, its later writes are refused', () => {
    const d = queue({ lockDurationMs: 30_000 });
    const a = d.client('a');
    const b = d.client('b');
    const ha = handleOf(d.accept(a, 'q', 's1'));
    d.setState(ha, 'from-a');
    d.advance(30_000);
    expect(codeOf(d.setState(ha, 'late-from-a'))).toBe('SessionLockLost');
    expect(codeOf(d.getState(ha))).toBe('SessionLockLost');
    const hb = handleOf(d.accept(b, 'q', 's1'));
    expect(stateOf(d.getState(hb))).toBe('from-a');
  });

  it('get and set need the session lock: a client that does not hold it gets SessionLockLost', () => {
    const d = queue();
    const a = d.client('a');
    const b = d.client('b');
    const h = handleOf(d.accept(a, 'q', 's1'));
    d.setState(h, 'mine');
    const intruder = { ...h, client: b, token: 'guess@1' };
    expect(codeOf(d.getState(intruder))).toBe('SessionLockLost');
    expect(codeOf(d.setState(intruder, 'theirs'))).toBe('SessionLockLost');
    expect(sessionOf(d, 's1').state).toBe('mine');
  });

  it('standard tier: state up to 256 KB is accepted, one byte more is MessageSizeExceeded and keeps the old state', () => {
    const d = queue({ tier: 'standard' });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(d.setState(h, 'x'.repeat(256 * 1024)).ok).toBe(true);
    const tooBig = d.setState(h, 'y'.repeat(256 * 1024 + 1));
    expect(codeOf(tooBig)).toBe('MessageSizeExceeded');
    expect(!tooBig.ok && tooBig.error.message).toBe(
      'The session state exceeds the 262144-byte limit of the standard tier.',
    );
    expect(stateOf(d.getState(h))).toBe('x'.repeat(256 * 1024));
  });

  it('standard tier: the limit counts UTF-8 bytes, not characters', () => {
    const d = queue({ tier: 'standard' });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    // 'é' is two bytes in UTF-8: 131073 of them are 262146 bytes.
    expect(codeOf(d.setState(h, 'é'.repeat(128 * 1024 + 1)))).toBe('MessageSizeExceeded');
    expect(d.setState(h, 'é'.repeat(128 * 1024)).ok).toBe(true);
  });

  it('premium tier: a 1 MB state is accepted', () => {
    const d = queue({ tier: 'premium' });
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 's1'));
    expect(d.setState(h, 'z'.repeat(1024 * 1024)).ok).toBe(true);
  });

  it('state of an empty session is kept by a session that has no messages at all', () => {
    const d = queue();
    const a = d.client('a');
    const h = handleOf(d.accept(a, 'q', 'bookkeeping'));
    d.setState(h, 'poisoned');
    d.close(h);
    expect(sessionOf(d, 'bookkeeping')).toMatchObject({ messages: [], state: 'poisoned', lock: 'released' });
  });
});
