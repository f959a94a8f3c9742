/**
 * The Mermaid renderer: a sequenceDiagram with one participant per lane, notes for locks, expiry and
 * dead-lettering, and labels escaped so that no character breaks the diagram.
 */
import { describe, expect, it } from 'vitest';
import { maxDelivery } from '../../src/scenarios/max-delivery.ts';
import { sequenceVsSession } from '../../src/scenarios/sequence-vs-session.ts';
import { sessionTtl } from '../../src/scenarios/session-ttl.ts';
import { workloadRun } from '../../src/scenarios/scenario.ts';
import { mermaidText, participantId, renderMermaid } from '../../src/trace/mermaid.ts';
import { buildTimeline } from '../../src/trace/timeline.ts';
import { SCENARIO_RUNS, awkwardRun } from './teach-fixtures.ts';

/** The statement lines: everything but `%%` comments. */
function statements(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('%%'));
}

describe('mermaid renderer', () => {
  for (const { id, runs } of SCENARIO_RUNS) {
    it(`${id}: starts with sequenceDiagram and declares one participant per lane`, () => {
      const text = renderMermaid(runs, { title: id, narrative: 'n', outcome: ['o'] });
      expect(text.startsWith('sequenceDiagram\n')).toBe(true);
      const lanes = new Set(runs.flatMap((r) => buildTimeline(r.trace).lanes.map((l) => l.id)));
      const participants = statements(text).filter((l) => l.startsWith('participant '));
      expect(participants).toHaveLength(lanes.size);
      expect(participants.map((l) => l.split(' ')[1])).toEqual([...lanes].map(participantId));
    });

    it(`${id}: activations balance within each run box, and boxes close`, () => {
      const lines = statements(renderMermaid(runs));
      let depth = 0;
      const active = new Set<string>();
      for (const l of lines) {
        if (l.startsWith('rect ')) depth++;
        if (l === 'end') {
          expect(active.size).toBe(0);
          depth--;
        }
        if (l.startsWith('activate ')) active.add(l.slice(9));
        if (l.startsWith('deactivate ')) expect(active.delete(l.slice(11))).toBe(true);
      }
      expect(depth).toBe(0);
    });
  }

  it('an arrow for each delivery and settlement, notes for lock acquired and released', () => {
    const text = renderMermaid(sequenceVsSession.run());
    // The time shows where it changes: the delivery at 0 ms follows the enqueue note that shows it.
    expect(text).toContain('Note over Broker: [0ms] enqueued m1 (seq 1)\n        Broker->>p_consumer_c1: m1 count 0');
    expect(text).toContain('p_consumer_c2->>Broker: [1.001s] complete m2');
    expect(text).toContain(
      'Note over p_consumer_c1: lock acquired: order-42 until 60s\n        activate p_consumer_c1',
    );
    expect(text).toContain('Note over p_consumer_c1: [18s] lock released: order-42 (close)');
    expect(text).toContain('Broker--xp_consumer_c2: [60s] accept next: ServiceTimeout');
    expect(text).toContain('Note over Broker,p_consumer_c2: Run 1 of 2: without sessions (plain queue jobs)');
  });

  it('notes for dead-lettering and expiry', () => {
    expect(renderMermaid(maxDelivery.run())).toContain('Note over Broker: bad to DLQ: MaxDeliveryCountExceeded');
    const ttl = renderMermaid(sessionTtl.run());
    expect(ttl).toContain('Note over Broker: [10s] m1 expired (session-wide), dropped');
    expect(ttl).toContain('Note over Broker: m2 expired (TTL), to DLQ');
  });

  it('escapes the characters Mermaid chokes on: no raw ; " or # outside entity codes', () => {
    expect(mermaidText('a;b#c"d<e>')).toBe('a#59;b#35;c#34;d#60;e#62;');
    const text = renderMermaid([awkwardRun()], { title: 'x;y#z "q"', lesson: 'l;#' });
    for (const line of statements(text)) {
      const colon = line.indexOf(': ');
      if (colon < 0 || line.startsWith('acc')) continue;
      const label = line.slice(colon + 2).replace(/#\d+;/g, '');
      expect(label).not.toMatch(/[;#"<>]/);
    }
    expect(text).toContain("accTitle: x y z 'q'");
    expect(text).toContain('m#59;1#35;#34;x#39;#60;b#62;&#123;y#125;#124;#37;');
  });

  it('the narrative and outcome travel as %% comments', () => {
    const text = renderMermaid(maxDelivery.run(), { narrative: 'Because.', outcome: ['It worked.'] });
    expect(text).toContain('    %% Because.');
    expect(text).toContain('    %% It worked.');
  });
});

describe('mermaid renderer: the violation', () => {
  it('the marks of the violating step sit on a red ground, each label starting with ▶; no other mark does', () => {
    const trace = sequenceVsSession.run()[0]?.trace ?? [];
    const marks = buildTimeline(trace).marks;
    const step = marks[2]?.step ?? -1;
    const marked = marks.filter((m) => m.step === step).length;
    const out = renderMermaid(trace, { markStep: step });
    expect(out.match(/rect rgb\(255, 222, 222\)/g)?.length).toBe(marked);
    expect(out.match(/▶/g)?.length).toBe(marked);
    expect(renderMermaid(trace, {})).not.toContain('▶');
  });
});

describe('mermaid renderer: ids cannot inject directives', () => {
  it('a session id holding %%{init}%% appears nowhere as a directive: not in labels, comments or the title', () => {
    const evil = "%%{init: {'theme':'dark'}}%%";
    const run = workloadRun('evil', {
      entities: [{ name: 'q' }],
      messages: [{ messageId: `m${evil}`, sessionId: evil }],
      consumers: [{ id: 'c1', receiveWaitMs: 1_000, maxSessions: 1 }],
    });
    const out = renderMermaid(run.trace, { title: evil, lesson: evil, narrative: `session ${evil}`, outcome: [evil] });
    expect(out).not.toMatch(/%%\s*\{/);
    expect(out).toContain('sequenceDiagram');
  });
});
