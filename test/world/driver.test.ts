import { describe, expect, it } from 'vitest';
import { Driver } from '../../src/world/driver.ts';

describe('driver', () => {
  it('session lock: covers a message sent after accept, refuses a second receiver, expiry redelivers with count 1', () => {
    const d = new Driver({ entities: [{ name: 'q', lockDurationMs: 30_000 }] });
    const a = d.client('a');
    const b = d.client('b');
    const accepted = d.accept(a, 'q', 's1');
    expect(accepted.ok).toBe(true);
    const h = accepted.handle!;
    expect(d.send(a, 'q', { messageId: 'm1', sessionId: 's1' }).ok).toBe(true);
    const second = d.accept(b, 'q', 's1');
    expect(second.ok).toBe(false);
    expect(!second.ok && second.error.code).toBe('SessionCannotBeLocked');
    const got = d.receive(h);
    expect(got.ok && got.result.messages.map((m) => [m.messageId, m.deliveryCount])).toEqual([['m1', 0]]);
    d.advance(30_000);
    const late = d.settle(h, got.ok ? got.result.messages[0]! : (undefined as never), 'complete');
    expect(!late.ok && late.error.code).toBe('SessionLockLost');
    const again = d.accept(b, 'q', 's1');
    expect(again.ok).toBe(true);
    const redelivered = d.receive(again.handle!);
    expect(redelivered.ok && redelivered.result.messages.map((m) => [m.messageId, m.deliveryCount])).toEqual([
      ['m1', 1],
    ]);
  });
});
