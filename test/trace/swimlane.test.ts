/**
 * The terminal swimlane: readable at 100–120 columns, free of escape codes without colour, and
 * followed by the narrative and the outcome.
 */
import { describe, expect, it } from 'vitest';
import { sequenceVsSession } from '../../src/scenarios/sequence-vs-session.ts';
import { renderSwimlane, wrap } from '../../src/trace/swimlane.ts';
import { buildTimeline } from '../../src/trace/timeline.ts';
import { AWKWARD_ID, SCENARIO_RUNS, awkwardRun } from './teach-fixtures.ts';

const ESC = '\x1b';

describe('swimlane renderer', () => {
  for (const { id, runs } of SCENARIO_RUNS) {
    it(`${id}: without colour there is no escape code, and no line is wider than 100 or 120 columns`, () => {
      for (const width of [100, 120]) {
        const text = renderSwimlane(runs, {
          title: id,
          narrative: 'A narrative. '.repeat(30),
          outcome: ['one', 'two'],
          width,
        });
        expect(text).not.toContain(ESC);
        const widest = Math.max(...text.split('\n').map((l) => [...l].length));
        expect(widest).toBeLessThanOrEqual(width);
      }
    });
  }

  it('colour on: escape codes, and the same text once they are stripped', () => {
    const runs = sequenceVsSession.run();
    const coloured = renderSwimlane(runs, { color: true, title: 't' });
    expect(coloured).toContain(ESC);
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderSwimlane(runs, { color: false, title: 't' }));
  });

  it('has a header with one column per lane, every mark, then the narrative and the outcome', () => {
    const runs = sequenceVsSession.run();
    const text = renderSwimlane(runs, {
      title: 'Title',
      lesson: 'Lesson line.',
      narrative: 'The narrative.',
      outcome: ['Result one.'],
    });
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Title', 'Lesson line.']);
    expect(lines.filter((l) => /^\s+time │ broker\s+│ c1\s+│ c2/.test(l))).toHaveLength(2);
    expect(text).toContain('Run 1 of 2: without sessions (plain queue jobs)');
    expect(text).toContain('Run 2 of 2: with sessions (one session order-42)');
    expect(text).toContain('✓ complete m2');
    expect(text).toContain('┏  lock order-42 until 60s');
    expect(text.indexOf('The narrative.')).toBeGreaterThan(text.indexOf('Legend'));
    expect(text.trimEnd().endsWith('• Result one.')).toBe(true);
  });

  it('shows every mark of the timeline in its lane', () => {
    for (const { runs } of SCENARIO_RUNS) {
      for (const run of runs) {
        // Wide enough that no label wraps: each one appears whole.
        const text = renderSwimlane(run.trace, { width: 200 });
        for (const m of buildTimeline(run.trace).marks) expect(text).toContain(m.label);
      }
    }
  });

  it('prints ids as they are: a terminal has no markup to escape', () => {
    expect(renderSwimlane(awkwardRun().trace, { width: 120 })).toContain(AWKWARD_ID);
  });

  it('wrap keeps words whole and cuts only words longer than the width', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(wrap('one\ntwo', 10)).toEqual(['one', 'two']);
  });
});
