/**
 * The consumer options that take the search to deadlines and rare operations (issue 8): `boundaryTimes`
 * (finish, renew or probe exactly at a deadline, ±1 ms), `fetchDeferred` (fetch deferred messages by
 * sequence number, T9) and `probes` (extra operations, also right after the lock is lost, §2.5). Each
 * choice goes through the Chooser; these runs steer it by the labels of the options, so every
 * expectation is exact.
 */
import { describe, expect, it } from 'vitest';
import type { Fact } from '../../models/events.ts';
import { Chooser } from '../../src/sim/chooser.ts';
import type { TraceEvent } from '../../src/trace/types.ts';
import { runWorkload } from '../../src/world/run.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { World } from '../../src/world/world.ts';

/**
 * A run whose choices take the first of `prefer` that the options name (else the first option), and
 * whose scheduling always takes the first option. Returns the trace and the labelled choices made.
 */
function steered(input: WorkloadInput, prefer: readonly string[]) {
  const chooser = new Chooser({
    describe: 'steered',
    next: (n, labelOf, kind) => {
      if (kind !== 'choice' || labelOf === undefined) return 0;
      const labels = Array.from({ length: n }, (_, i) => labelOf(i));
      for (const want of prefer) {
        const at = labels.indexOf(want);
        if (at >= 0) return at;
      }
      return 0;
    },
  });
  const run = new World(normalizeWorkload(input), { chooser, trace: 'facts' }).run();
  const choices = run.decisions.filter((d) => d.kind === 'choice').map((d) => `${d.name}=${d.label}`);
  return { ...run, choices };
}

/** `[t, fact]` of every fact of the given kinds. */
function at<K extends Fact['kind']>(trace: readonly TraceEvent[], ...kinds: K[]): Array<[number, Fact]> {
  const out: Array<[number, Fact]> = [];
  for (const e of trace) if (e.k === 'fact' && (kinds as string[]).includes(e.fact.kind)) out.push([e.t, e.fact]);
  return out;
}

const oneMessage = (consumer: Partial<NonNullable<WorkloadInput['consumers']>[number]>): WorkloadInput => ({
  entities: [{ name: 'q', lockDurationMs: 5_000 }],
  messages: [{ messageId: 'm1', sessionId: 's1', atMs: 0 }],
  consumers: [{ id: 'c1', renewal: { kind: 'none' }, processingMs: [100, 100], receiveWaitMs: 1_000, ...consumer }],
  maxSteps: 500,
});

describe('consumer option boundaryTimes', () => {
  it('a handler that finishes exactly at lockedUntil finds the lock gone: the settle is refused (T11)', () => {
    const run = steered(oneMessage({ boundaryTimes: true }), ['lockedUntil']);
    expect(run.choices).toContain('finishAt:consumer:c1=lockedUntil');
    const first = at(run.trace, 'opFailed', 'settled')[0];
    expect(first?.[0]).toBe(5_000);
    expect(first?.[1]).toMatchObject({ kind: 'opFailed', op: 'settle', code: 'SessionLockLost' });
  });

  it('one millisecond earlier the same handler completes', () => {
    const run = steered(oneMessage({ boundaryTimes: true }), ['lockedUntil-1']);
    expect(at(run.trace, 'opFailed', 'settled').map(([t, f]) => [t, f.kind])).toEqual([[4_999, 'settled']]);
  });

  it('a message finished exactly at its TTL is still completed: it was protected by the lock (D2)', () => {
    const input = oneMessage({ boundaryTimes: true });
    const run = steered({ ...input, messages: [{ messageId: 'm1', sessionId: 's1', atMs: 0, ttlMs: 3_000 }] }, [
      'expiresAt',
    ]);
    expect(at(run.trace, 'settled', 'expired').map(([t, f]) => [t, f.kind])).toEqual([[3_000, 'settled']]);
  });

  it('a manual renewal in the last millisecond of the lock extends it; at the deadline it is refused (T10)', () => {
    const renewing = oneMessage({
      boundaryTimes: true,
      renewal: { kind: 'manual', everyMs: 1_000 },
      // Busy past the deadline, so that no parked receive learns of the loss first.
      processingMs: [6_000, 6_000],
    });
    const last = steered(renewing, ['range', 'lockedUntil-1']);
    expect(last.choices).toContain('renewAt:consumer:c1=lockedUntil-1');
    const renewed = at(last.trace, 'lockRenewed')[0];
    expect(renewed?.[0]).toBe(4_999);
    expect(renewed?.[1]).toMatchObject({ lockedUntilMs: 9_999 });

    const late = steered(renewing, ['range', 'lockedUntil']);
    expect(at(late.trace, 'lockRenewed')).toEqual([]);
    const refused = at(late.trace, 'opFailed').map(([t, f]) => [t, f.kind === 'opFailed' ? `${f.op} ${f.code}` : '']);
    expect(refused[0]).toEqual([5_000, 'renew SessionLockLost']);
    expect(at(late.trace, 'lockExpired').map(([t]) => t)[0]).toBe(5_000);
  });

  it('off by default: the consumer makes no timing choices and its run is as before', () => {
    const run = runWorkload(normalizeWorkload(oneMessage({ processingMs: [100, 900] })), { seed: 3, trace: 'facts' });
    expect(run.decisions.map((d) => d.name.split(':')[0])).not.toContain('finishAt');
    expect(run.decisions.some((d) => d.name === 'duration:consumer:c1')).toBe(true);
  });
});

describe('consumer option fetchDeferred', () => {
  const deferFirst = (ttlMs?: number): WorkloadInput => ({
    ...oneMessage({
      fetchDeferred: true,
      // Deferred on its first delivery; fetched, it has been delivered once and is completed.
      rules: [{ messageId: 'm1', belowDeliveryCount: 1, outcome: 'defer' }],
    }),
    messages: [
      { messageId: 'm1', sessionId: 's1', atMs: 0, ...(ttlMs === undefined ? {} : { ttlMs }) },
      { messageId: 'm2', sessionId: 's1', atMs: 1 },
    ],
  });

  it('a deferred message is fetched by sequence number when the session goes idle, and completed (T9)', () => {
    const run = runWorkload(normalizeWorkload(deferFirst()), { picks: [], trace: 'facts' });
    const story = at(run.trace, 'delivered', 'settled').map(([, f]) =>
      f.kind === 'delivered'
        ? `deliver ${f.seq}${f.deferred ? ' (deferred)' : ''}`
        : f.kind === 'settled'
          ? `settled ${f.seq} ${f.action}`
          : '',
    );
    expect(story).toEqual([
      'deliver 1',
      'settled 1 defer',
      'deliver 2',
      'settled 2 complete',
      'deliver 1 (deferred)',
      'settled 1 complete',
    ]);
    expect(run.final.entities['q']?.sessions['s1']?.messages).toEqual([]);
  });

  it('a deferred message whose TTL passes before the fetch is expired by the fetch, not returned (§3.3)', () => {
    const run = runWorkload(normalizeWorkload(deferFirst(800)), { picks: [], trace: 'facts' });
    expect(at(run.trace, 'delivered').map(([, f]) => (f.kind === 'delivered' ? [f.seq, f.deferred] : []))).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(at(run.trace, 'expired').map(([, f]) => (f.kind === 'expired' ? f.seq : -1))).toEqual([1]);
  });
});

describe('consumer option probes', () => {
  const stalled: WorkloadInput = {
    ...oneMessage({ probes: true, outcomes: ['stall'], stallMs: 6_000 }),
    entities: [{ name: 'q', lockDurationMs: 5_000 }],
  };

  for (const kind of ['peek', 'getState', 'setState', 'receive', 'renew', 'receiveDeferred', 'complete'] as const) {
    it(`right after the lock is lost, a ${kind} under the lost lock is refused with SessionLockLost (§2.5)`, () => {
      const run = steered(stalled, [kind, 'none']);
      expect(run.choices).toContain(`probeAfterLoss:consumer:c1=${kind}`);
      const refused = at(run.trace, 'opFailed').map(([t, f]) => (f.kind === 'opFailed' ? [t, f.op, f.code] : []));
      const op = kind === 'complete' ? 'settle' : kind;
      expect(refused.slice(0, 2)).toEqual([
        [6_000, 'settle', 'SessionLockLost'],
        [6_000, op, 'SessionLockLost'],
      ]);
    });
  }

  it('a probe timed one millisecond after the lock expiry is refused; one at lockedUntil−1 is answered', () => {
    const timed: WorkloadInput = {
      ...stalled,
      consumers: [{ ...stalled.consumers?.[0], id: 'c1', boundaryTimes: true }],
    };
    // The handler stalls (`range`); the probe is timed, then picks its kind.
    const after = steered(timed, ['lockedUntil+1', 'getState', 'none']);
    expect(after.choices).toContain('probeAt:consumer:c1=lockedUntil+1');
    expect(at(after.trace, 'opFailed').map(([t, f]) => (f.kind === 'opFailed' ? [t, f.op] : []))[0]).toEqual([
      5_001,
      'getState',
    ]);
    const before = steered(timed, ['lockedUntil-1', 'getState', 'none']);
    expect(at(before.trace, 'stateRead').map(([t]) => t)[0]).toBe(4_999);
  });
});
