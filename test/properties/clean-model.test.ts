/**
 * The clean model (no seeded bugs) against every property: the built-in workloads and variants that
 * push each rule (clean-workloads.ts), over many seeds, with the facts-only trace. Any violation here
 * is either a property that is wrong or a model that is wrong; the message names workload and seed.
 */
import { describe, expect, it } from 'vitest';
import { checkAll, observeAll } from '../../properties/index.ts';
import type { RunRecord } from '../../properties/types.ts';
import { runWorkload } from '../../src/world/run.ts';
import { WORKLOADS } from '../../src/workloads/standard.ts';
import type { WorkloadInput } from '../../src/world/workload.ts';
import { CLEAN_WORKLOADS } from './clean-workloads.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';

const SEEDS: Readonly<Record<string, number>> = { standard: 150, demo: 40, lockedTtl: 60, stateRace: 60 };
const VARIANT_SEEDS = 25;

function record(workload: WorkloadInput, seed: number): RunRecord {
  const r = runWorkload(normalizeWorkload(workload), { seed, trace: 'facts' });
  return { workload: r.workload, trace: r.trace, final: r.final, hitBound: r.hitBound };
}

/** What the runs of one workload exercised, so that a green result is not a vacuous one. */
function kinds(runs: readonly RunRecord[]): Set<string> {
  const out = new Set<string>();
  for (const run of runs) {
    const expiresAt = new Map<string, number | null>();
    for (const e of run.trace) {
      if (e.k !== 'fact') continue;
      const f = e.fact;
      out.add(f.kind);
      if (f.kind === 'sent') expiresAt.set(`${f.entity}|${f.seq}`, f.expiresAtMs);
      const due = f.kind === 'settled' ? expiresAt.get(`${f.entity}|${f.seq}`) : null;
      if (f.kind === 'settled' && f.action === 'complete' && due != null && e.t >= due) out.add('completedAfterTtl');
      if (f.kind === 'expired') out.add(`expired:${f.rule}`);
      if (f.kind === 'requeued') out.add(`requeued:${f.cause}`);
      if (f.kind === 'deadLettered') out.add(`deadLettered:${f.reason}`);
    }
  }
  return out;
}

/** Situations each workload and variant exists to reach: every one must have an entry (tested below). */
const MUST_SEE: Readonly<Record<string, readonly string[]>> = {
  standard: ['requeued:abandon', 'requeued:lockExpired', 'requeued:close', 'deadLettered:MaxDeliveryCountExceeded'],
  // Two sessions, c1 abandons (redelivery), A-3 arrives after the accept-next waits time out, c2 renews.
  demo: ['requeued:abandon', 'acceptFailed', 'lockRenewed', 'lockReleased', 'processed'],
  shortLocks: ['requeued:lockExpired', 'lockRenewed', 'opFailed'],
  ttlDrop: ['expired:message', 'expired:session'],
  ttlDeadLetter: ['expired:session', 'deadLettered:TTLExpiredException'],
  ttlPerMessage: ['expired:message', 'deadLettered:TTLExpiredException'],
  maxDelivery2: ['deadLettered:MaxDeliveryCountExceeded', 'requeued:lockExpired'],
  twoCalls: ['stateSet', 'stateRead'],
  plainQueue: ['requeued:lockExpired', 'expired:message'],
  faults: ['crashed', 'requeued:detach', 'stateRead'],
  receiveAndDelete: ['crashed', 'expired:message'],
  topic: ['deadLettered:Session id is null.'],
  lockedTtl: ['completedAfterTtl'],
  stateRace: ['stateSet', 'stateRead', 'requeued:lockExpired'],
};

describe('clean model: every property holds', () => {
  it('every built-in workload is run here, and every workload run has a MUST_SEE entry', () => {
    expect(Object.keys(WORKLOADS).filter((name) => !(name in CLEAN_WORKLOADS))).toEqual([]);
    const missing = Object.keys(CLEAN_WORKLOADS).filter((name) => (MUST_SEE[name]?.length ?? 0) === 0);
    expect(missing, 'workloads with nothing they must reach (add them to MUST_SEE)').toEqual([]);
  });

  for (const [name, workload] of Object.entries(CLEAN_WORKLOADS)) {
    const seeds = SEEDS[name] ?? VARIANT_SEEDS;
    it(`${name}: ${seeds} seeds, no violation`, () => {
      const found: string[] = [];
      const runs: RunRecord[] = [];
      for (let seed = 0; seed < seeds; seed++) {
        const run = record(workload, seed);
        runs.push(run);
        for (const v of checkAll(run))
          found.push(`${name} seed ${seed}: [${v.property}] step ${v.step ?? '-'}: ${v.message}`);
      }
      expect(found).toEqual([]);
      const seen = kinds(runs);
      const mustSee = MUST_SEE[name];
      expect(mustSee, `${name} has no MUST_SEE entry`).toBeDefined();
      for (const k of mustSee ?? []) expect(seen, `${name} never reached ${k}`).toContain(k);
    });
  }

  it('reports the documented losses of processing order instead of hiding them', () => {
    const notes = (name: string): string[] => {
      const w = CLEAN_WORKLOADS[name];
      if (!w) return [];
      return Array.from({ length: VARIANT_SEEDS }, (_, seed) => observeAll(record(w, seed))).flat();
    };
    expect(
      notes('twoCalls').some((n) =>
        /^fifo-processing: session s\d: completions out of order \(\d+ before \d+\) because consumer:c1 runs 2 calls per session/.test(
          n,
        ),
      ),
    ).toBe(true);
    expect(
      notes('plainQueue').some((n) =>
        /^fifo-processing: q: without sessions the processing order was \d+(, \d+)+$/.test(n),
      ),
    ).toBe(true);
    expect(notes('standard').some((n) => n.includes('was dead-lettered (MaxDeliveryCountExceeded)'))).toBe(true);
    expect(notes('receiveAndDelete').some((n) => n.includes('was removed by receive-and-delete'))).toBe(true);
  });
});
