/**
 * The HTML report: one self-contained page, an SVG per run with one lane per consumer and the broker,
 * marks and spans a browser test can count by class, details on every mark, nothing fetched.
 */
import { describe, expect, it } from 'vitest';
import { deliveryCountTable } from '../../src/scenarios/delivery-count-table.ts';
import { factsIn } from '../../src/scenarios/read.ts';
import { ellipsis, esc, renderHtml } from '../../src/trace/html.ts';
import { buildTimeline } from '../../src/trace/timeline.ts';
import { workloadRun } from '../../src/scenarios/scenario.ts';
import { AWKWARD_ID, SCENARIO_RUNS, awkwardRun } from './teach-fixtures.ts';

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

describe('html renderer', () => {
  for (const { id, runs } of SCENARIO_RUNS) {
    it(`${id}: an <svg> per run with the expected lanes and marks, and no network reference`, () => {
      const html = renderHtml(runs, { title: id, narrative: 'n', outcome: ['o'] });
      const timelines = runs.map((r) => buildTimeline(r.trace));
      expect(count(html, /<svg class="timeline"/g)).toBe(runs.length);
      expect(count(html, /<g class="lane" /g)).toBe(timelines.reduce((n, t) => n + t.lanes.length, 0));
      expect(count(html, /<g class="mark /g)).toBe(timelines.reduce((n, t) => n + t.marks.length, 0));
      expect(count(html, /<rect class="span lock/g)).toBe(
        timelines.reduce((n, t) => n + t.spans.filter((s) => s.kind === 'lock').length, 0),
      );
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toMatch(/<script[^>]+src=|<link |@import|url\((?!#)/);
    });
  }

  it('classes say what a mark is: settlements by action, lock expiry, failures', () => {
    const runs = deliveryCountTable.run();
    const html = renderHtml(runs);
    const completes = runs.reduce(
      (n, r) => n + factsIn(r.trace, 'settled').filter((f) => f.action === 'complete').length,
      0,
    );
    expect(completes).toBe(3);
    expect(count(html, /class="mark settle complete"/g)).toBe(completes);
    expect(count(html, /class="mark lock-expired failure"/g)).toBe(1);
    expect(count(html, /class="mark op-failed failure"/g)).toBe(1);
    expect(count(html, /class="span lock expired"/g)).toBe(1);
    expect(html).toContain('data-lane="consumer:c1"');
  });

  it('title, lesson and narrative come before the first SVG; the outcome after', () => {
    const html = renderHtml(deliveryCountTable.run(), {
      title: 'The title',
      lesson: 'The lesson.',
      narrative: 'Para one.\n\nPara two.',
      outcome: ['Done.'],
    });
    const svgAt = html.indexOf('<svg class="timeline"');
    for (const s of [
      '<h1>The title</h1>',
      '<p class="lesson">The lesson.</p>',
      '<p class="narrative">Para one.</p>',
      '<p class="narrative">Para two.</p>',
    ]) {
      expect(html.indexOf(s)).toBeGreaterThan(0);
      expect(html.indexOf(s)).toBeLessThan(svgAt);
    }
    expect(html.indexOf('<li>Done.</li>')).toBeGreaterThan(svgAt);
  });

  it('every mark carries its details for hovering, as data-detail and as an SVG <title>', () => {
    const run = deliveryCountTable.run()[0];
    if (!run) throw new Error('no run');
    const html = renderHtml([run]);
    const marks = html.match(/<g class="mark [^>]*>/g) ?? [];
    expect(marks.length).toBeGreaterThan(5);
    for (const g of marks) expect(g).toMatch(/data-detail="t=\d/);
    expect(html).toContain('<title>t=30s: lock s1@1 of consumer:c1 on s1 expired</title>');
    expect(html).toContain('<div id="tooltip" role="tooltip" hidden></div>');
  });

  it('escapes markup in ids: a message id cannot inject HTML', () => {
    const html = renderHtml([awkwardRun()], { title: '<script>alert(1)</script>' });
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(esc(AWKWARD_ID));
    expect(esc(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});

describe('html renderer: the violation and long lane names', () => {
  it('the marks of the violating step carry class "violation", a red ring and ▶; no other mark does', () => {
    const trace = deliveryCountTable.run()[0]?.trace ?? [];
    const marks = buildTimeline(trace).marks;
    const step = marks[3]?.step ?? -1;
    const html = renderHtml(trace, { markStep: step });
    const marked = marks.filter((m) => m.step === step).length;
    expect(html.match(/class="mark [a-z -]*violation"/g)?.length).toBe(marked);
    expect(html.match(/class="violation-ring"/g)?.length).toBe(marked);
    expect(renderHtml(trace, {})).not.toContain('violation');
  });

  it('a lane name longer than its lane ends with an ellipsis; its tooltip keeps the whole name', () => {
    expect(ellipsis('consumer-with-a-very-long-name', 10)).toBe('consumer-…');
    expect(ellipsis('c1', 10)).toBe('c1');
    const long = `c${'x'.repeat(80)}`;
    const run = workloadRun('a long consumer id', {
      entities: [{ name: 'q' }],
      messages: [{ messageId: 'm1', sessionId: 's1' }],
      consumers: [{ id: long, receiveWaitMs: 1_000, maxSessions: 1 }],
    });
    const html = renderHtml(run.trace);
    expect(html).toContain(`<title>consumer:${long}</title>`);
    expect(html).toMatch(/<text class="lane-label"[^>]*><title>consumer:cx+<\/title>cx+…<\/text>/);
  });
});
