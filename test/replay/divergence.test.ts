/**
 * Replaying: the recorded decisions reproduce the run exactly; when the model or the workload changes
 * so that they no longer fit, the replay stops at the first decision that does not and names it.
 */
import { describe, expect, it } from 'vitest';
import { DivergenceError } from '../../src/sim/chooser.ts';
import type { ReplayFile } from '../../src/replay/format.ts';
import { replay } from '../../src/replay/replay.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { counterexampleOf, M03_WORKLOAD, m03File } from './fixture.ts';

describe('replay: reproducing and diverging', () => {
  it('the recorded decisions reproduce the violation and the exact trace of the search', () => {
    const file = m03File();
    const result = replay(file);
    expect(result.outcome).toBe('reproduced');
    expect(result.violation).toEqual({
      property: file.property.id,
      message: file.property.message,
      step: file.property.step,
      t: file.property.t,
    });
    expect(result.run.trace).toEqual(counterexampleOf(M03_WORKLOAD).trace);
    expect(result.run.decisions).toEqual(file.decisions);
  });

  it('a decision whose label the model no longer offers: DivergenceError naming the decision', () => {
    const file = m03File();
    const decisions = file.decisions.map((d) =>
      d.i === 1 ? { ...d, label: 'mail entity:q <- req.accept from consumer:c7' } : d,
    );
    const result = replay({ ...file, decisions });
    expect(result.outcome).toBe('diverged');
    expect(result.divergence?.error).toBeInstanceOf(DivergenceError);
    expect(result.divergence?.index).toBe(1);
    expect(result.divergence?.error.expected.label).toBe('mail entity:q <- req.accept from consumer:c7');
    expect(result.divergence?.reason).toMatch(
      /recorded schedule "deliver" picked "mail entity:q <- req.accept from consumer:c7", which the model no longer offers; options are \[/,
    );
    // The run stops at the divergence: it kept the trace up to there, and no violation is claimed.
    expect(result.run.decisions).toHaveLength(1);
    expect(result.violation).toBeNull();
  });

  it('a decision of another name (the model now decides something else there)', () => {
    const file = m03File();
    const decisions = file.decisions.map((d) =>
      d.i === 0 ? { ...d, kind: 'choice' as const, name: 'acceptNext:consumer:c1' } : d,
    );
    const result = replay({ ...file, decisions });
    expect(result.divergence?.index).toBe(0);
    expect(result.divergence?.reason).toMatch(
      /recorded choice "acceptNext:consumer:c1" .* but the model now asks for schedule "deliver"/,
    );
  });

  it('a changed workload: a renamed consumer is not among the options the recorded decision picked from', () => {
    const file = m03File();
    const consumers = (M03_WORKLOAD.consumers ?? []).map((c) => ({ ...c, id: 'c9' }));
    const workload = normalizeWorkload({ ...M03_WORKLOAD, consumers });
    const result = replay({ ...file, workload, switches: workload.switches });
    expect(result.outcome).toBe('diverged');
    expect(result.divergence?.error).toBeInstanceOf(DivergenceError);
    expect(result.divergence?.index).toBe(0);
    expect(result.divergence?.reason).toMatch(
      /picked "timer consumer:c1\|start@0", which the model no longer offers; options are \[.*consumer:c9/,
    );
  });

  it('a changed workload: a second consumer makes the run ask for more decisions than were recorded', () => {
    const file = m03File();
    const workload = normalizeWorkload({
      ...M03_WORKLOAD,
      consumers: [...(M03_WORKLOAD.consumers ?? []), { id: 'c2', outcomes: ['complete'] }],
    });
    const result = replay({ ...file, workload, switches: workload.switches });
    expect(result.outcome).toBe('diverged');
    expect(result.divergence?.index).toBe(2);
    expect(result.divergence?.reason).toMatch(/the run asks for a decision \(schedule deliver\) past the 2 recorded/);
  });

  it('too few decisions recorded: the run asks for one past the end', () => {
    const file = m03File();
    const result = replay({ ...file, decisions: file.decisions.slice(0, 1) });
    expect(result.divergence?.index).toBe(1);
    expect(result.divergence?.reason).toMatch(/past the 1 recorded/);
  });

  it('more decisions recorded than the run uses: the run ended early', () => {
    const file = m03File();
    const extra = {
      i: file.decisions.length,
      kind: 'schedule' as const,
      name: 'deliver',
      n: 2,
      pick: 1,
      label: 'timer consumer:c1|ghost',
    };
    const result = replay({ ...file, decisions: [...file.decisions, extra] } satisfies ReplayFile);
    expect(result.outcome).toBe('diverged');
    expect(result.divergence?.index).toBe(file.decisions.length);
    expect(result.divergence?.reason).toMatch(
      /the run ended after 2 decisions, but 3 were recorded; the model never asked for schedule "deliver" \(timer consumer:c1\|ghost\)/,
    );
  });

  it('the bug fixed: the same decisions run clean', () => {
    const file = m03File();
    const workload = { ...file.workload, mutant: null };
    const result = replay({ ...file, mutant: null, workload });
    expect(result.outcome).toBe('clean');
    expect(result.violations).toEqual([]);
  });
});
