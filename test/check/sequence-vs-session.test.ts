/**
 * The documented sequence-versus-session example as a fixed case (reference §6, D1, D5): three messages,
 * two consumers. Without sessions the documented schedule processes 2, 3, 1; with one session every
 * explored schedule processes 1, 2, 3; with two groups (1, 4, 8 and 2, 3, 6) order holds within each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { scheduleArb } from '../../properties/arbitraries/schedule.ts';
import type { RunRecord } from '../../properties/types.ts';
import { withSessions, withoutSessions } from '../../src/scenarios/sequence-vs-session.ts';
import type { TraceEvent } from '../../src/trace/types.ts';
import { runWorkload } from '../../src/world/run.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { announceSeed } from '../helpers/seed.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

const seed = announceSeed();

/** Message ids in the order their completions succeeded, per session (`-` without sessions). */
function completions(trace: readonly TraceEvent[]): Map<string, string[]> {
  const ids = new Map<number, string>();
  const out = new Map<string, string[]>();
  for (const e of trace) {
    if (e.k !== 'fact') continue;
    if (e.fact.kind === 'sent') ids.set(e.fact.seq, e.fact.messageId);
    if (e.fact.kind === 'settled' && e.fact.action === 'complete') {
      const key = e.fact.session ?? '-';
      out.set(key, [...(out.get(key) ?? []), ids.get(e.fact.seq) ?? '?']);
    }
  }
  return out;
}

/** Both consumers vary their pace, so the search explores who is slow. */
const varied = (w: WorkloadInput): WorkloadInput => ({
  ...w,
  consumers: (w.consumers ?? []).map((c) => ({ ...c, processingMs: [100, 6_000] as const })),
});

describe(`sequence versus session (seed ${seed})`, () => {
  it('without sessions, the documented schedule processes 2, 3, 1, and the property reports it', () => {
    const run = runWorkload(normalizeWorkload(withoutSessions), { picks: [] });
    expect(completions(run.trace).get('-')).toEqual(['m2', 'm3', 'm1']);
    const record: RunRecord = { workload: run.workload, trace: run.trace, final: run.final, hitBound: run.hitBound };
    const notes = ALL_PROPERTIES.flatMap((p) => p.observe?.(record) ?? []);
    expect(notes.join('\n')).toContain('without sessions the processing order was 2, 3, 1');
    expect(ALL_PROPERTIES.map((p) => p.check(record)).filter(Boolean)).toEqual([]);
  });

  it('without sessions, other explored schedules lose order too (it is not one unlucky schedule)', () => {
    const orders = new Set<string>();
    fc.assert(
      fc.property(scheduleArb(60), (picks) => {
        orders.add(
          (
            completions(runWorkload(normalizeWorkload(varied(withoutSessions)), { picks, trace: 'facts' }).trace).get(
              '-',
            ) ?? []
          ).join(','),
        );
      }),
      { seed, numRuns: 150 },
    );
    expect(orders.has('m1,m2,m3')).toBe(true);
    expect([...orders].filter((o) => o !== 'm1,m2,m3').length).toBeGreaterThan(0);
  });

  it('with all three in one session, every explored schedule processes 1, 2, 3', () => {
    fc.assert(
      fc.property(scheduleArb(), (picks) => {
        const run = runWorkload(normalizeWorkload(varied(withSessions)), { picks, trace: 'facts' });
        expect(completions(run.trace).get('order-42')).toEqual(['m1', 'm2', 'm3']);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('two groups (1, 4, 8 and 2, 3, 6) keep their order within each group, across explored schedules', () => {
    const group = (n: number) => ([1, 4, 8].includes(n) ? 'A' : [2, 3, 6].includes(n) ? 'B' : 'C');
    const workload: WorkloadInput = {
      name: 'two-groups',
      entities: [{ name: 'orders' }],
      messages: Array.from({ length: 8 }, (_, i) => ({ messageId: `m${i + 1}`, sessionId: group(i + 1), atMs: i })),
      consumers: [
        { id: 'c1', processingMs: [100, 6_000], receiveWaitMs: 3_000 },
        { id: 'c2', processingMs: [100, 6_000], receiveWaitMs: 3_000 },
      ],
    };
    fc.assert(
      fc.property(scheduleArb(), (picks) => {
        const done = completions(runWorkload(normalizeWorkload(workload), { picks, trace: 'facts' }).trace);
        expect(done.get('A')).toEqual(['m1', 'm4', 'm8']);
        expect(done.get('B')).toEqual(['m2', 'm3', 'm6']);
        expect(done.get('C')).toEqual(['m5', 'm7']);
      }),
      { seed, numRuns: 200 },
    );
  });
});
