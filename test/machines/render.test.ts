/**
 * The renderers of a chart: Mermaid `stateDiagram-v2` (every state declared, every transition an edge,
 * composites balanced, parallel regions split by `--`), text (plain without colour, ANSI with it), JSON,
 * and HTML (self-contained; taken transitions marked).
 */
import { describe, expect, it } from 'vitest';
import type { MachineDescription } from '../../src/machines/describe.ts';
import { describeMachine, statesOf } from '../../src/machines/describe.ts';
import { chartHtml, renderMachinesHtml } from '../../src/machines/html.ts';
import { mermaidStateId, renderMachineMermaid } from '../../src/machines/mermaid.ts';
import { describeAll, describeNamed } from '../../src/machines/registry.ts';
import { renderMachineText } from '../../src/machines/text.ts';
import { sessionLockMachine } from '../../models/session-lock.ts';
import { fixtureMachine } from './fixture.ts';

const charts: MachineDescription[] = [...describeAll(), describeMachine(fixtureMachine)];

describe('Mermaid stateDiagram-v2', () => {
  for (const d of charts) {
    it(`${d.name}: well-formed, every state declared, every transition an edge`, () => {
      const text = renderMachineMermaid(d);
      const lines = text.split('\n').map((l) => l.trim());
      expect(lines[0]).toBe('stateDiagram-v2');
      // Composites balanced.
      expect(lines.filter((l) => l.endsWith('{')).length).toBe(lines.filter((l) => l === '}').length);
      // Every state (the root too when it is drawn) is declared once.
      const declared = lines
        .filter((l) => l.startsWith('state '))
        .map((l) => /(?:as )?([A-Za-z0-9_]+)( \{)?$/.exec(l)?.[1]);
      for (const s of statesOf(d).filter((s) => s.path !== ''))
        expect(declared, s.path).toContain(mermaidStateId(d, s.path));
      expect(new Set(declared).size).toBe(declared.length);
      // One edge per transition target (a targetless transition loops on its source).
      const edges = lines.filter((l) => / --> /.test(l) && !l.startsWith('[*]') && !l.endsWith('--> [*]'));
      const expected = d.transitions.reduce((n, t) => n + Math.max(1, t.targets.length), 0);
      expect(edges).toHaveLength(expected);
      for (const t of d.transitions) {
        const from = mermaidStateId(d, t.source);
        for (const target of t.targets.length === 0 ? [t.source] : t.targets)
          expect(
            edges.some((e) => e.startsWith(`${from} --> ${mermaidStateId(d, target)} : `)),
            t.id,
          ).toBe(true);
      }
      // Labels never carry Mermaid's statement or comment characters raw.
      for (const e of edges) expect(e.slice(e.indexOf(' : ')).replace(/#\d+;/g, '')).not.toMatch(/[;#]/);
    });
  }

  it('draws parallel regions split by --, nested states inside their composite', () => {
    const text = renderMachineMermaid(describeMachine(fixtureMachine));
    expect(text).toMatch(/state holding \{\n\s+state "receiver" as holding_receiver \{/);
    expect(text).toMatch(/\}\n\s+--\n\s+state "renewal" as holding_renewal \{/);
    expect(text).toContain('holding_renewal_off --> holding_renewal_scheduled : always [busy]');
    expect(text).toContain('accepting --> holding : go [and(retriesLeft, not(busy))]');
    expect(text).toContain('crashed --> [*]');
  });

  it('labels edges event [guard] / actions', () => {
    const text = renderMachineMermaid(describeNamed('lock'));
    expect(text).toContain('[*] --> free');
    expect(text).toMatch(/held --> released : lock\.release \[tokenMatches\] \/ disarmExpiry, announceRelease/);
  });
});

describe('text, JSON and HTML', () => {
  it('text: an indented tree, plain without colour and coloured with it', () => {
    const d = describeNamed('lock');
    const plain = renderMachineText(d);
    expect(plain).not.toContain('\x1b[');
    expect(plain).toMatch(/^lock {2}machine sessionLock: \d+ states, \d+ transitions/);
    expect(plain).toContain('● free (initial)');
    expect(plain).toMatch(/lock\.release \[tokenMatches\] → released \/ disarmExpiry, announceRelease/);
    expect(renderMachineText(d, { color: true })).toContain('\x1b[');
    const nested = renderMachineText(describeMachine(fixtureMachine));
    expect(nested).toContain('○ holding (parallel)');
    expect(nested).toContain('    ○ receiver (region)');
  });

  it('JSON: the description round-trips', () => {
    const d = describeNamed('lock');
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it('HTML: a self-contained page; the fragment marks the transitions taken', () => {
    const page = renderMachinesHtml(describeAll());
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|https?:\/\//i);
    expect(page).toContain('stateDiagram-v2');
    const d = describeMachine(fixtureMachine);
    const taken = d.transitions.slice(0, 3).map((t) => t.id);
    const fragment = chartHtml(d, taken);
    expect(fragment.match(/class="tr taken"/g)).toHaveLength(3);
    expect(fragment.match(/class="tr untaken"/g)).toHaveLength(d.transitions.length - 3);
    expect(fragment).toContain(`3 of ${d.transitions.length} taken`);
    expect(fragment).toContain(`data-transition="${taken[0]}"`);
    expect(chartHtml(d)).not.toMatch(/class="tr (un)?taken"|of \d+ taken/);
    for (const s of statesOf(d)) expect(fragment).toContain(`data-state="${s.path}"`);
  });
});

describe('mermaid overview', () => {
  it('one edge per pair of states a transition moves between, events merged; what stays in place is a comment', () => {
    const d = describeMachine(sessionLockMachine, 'lock');
    const out = renderMachineMermaid(d, { overview: true });
    const edges = out.split('\n').filter((l) => l.includes(' --> ') && !l.includes('[*]'));
    const pairs = edges.map((l) => l.trim().split(' : ')[0]);
    expect(new Set(pairs).size).toBe(pairs.length);
    // Every state-changing transition of the definition is on some edge; no guard or action is drawn.
    for (const t of d.transitions.filter((x) => x.targets.some((target) => target !== x.source)))
      expect(edges.some((l) => l.includes(`${t.source} --> `) && l.includes(t.event))).toBe(true);
    expect(out).not.toMatch(/ \/ /);
    expect(out).toMatch(/%% in held, handled without leaving it: .*lock\.renew/);
  });
});
