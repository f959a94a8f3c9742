/**
 * A Mermaid `sequenceDiagram` of a trace, to paste into GitHub markdown as-is: one participant per
 * consumer or client and one for the broker; deliveries and replies as arrows, failures as crossed
 * arrows; notes for lock acquired, released and expired, expiry, dead-lettering and crashes; the
 * lock-held span as an activation bar. Several runs are drawn one after another in shaded boxes.
 *
 * Labels go through `mermaidText`: `;` ends a statement and `#` starts an entity code in Mermaid, so
 * these and the other awkward characters are written as entity codes (`#59;`), which render as the
 * characters themselves. The narrative and outcome travel as `%%` comments, which Mermaid ignores.
 */
import type { Lane, Mark, RenderText, TraceInput } from './timeline.ts';
import { BROKER_LANE, buildTimeline, formatMs, panelsOf } from './timeline.ts';

/** Characters Mermaid reads as syntax inside labels. */
const AWKWARD = /[#;"'<>%{}|\\]/g;

/** Label text safe for a Mermaid sequence diagram: awkward characters become entity codes. */
export function mermaidText(s: string): string {
  return s.replace(/\s+/g, ' ').replace(AWKWARD, (ch) => `#${ch.charCodeAt(0)};`);
}

/** A participant id: letters, digits and underscores only (and never a keyword). */
export function participantId(lane: string): string {
  return lane === BROKER_LANE ? 'Broker' : `p_${lane.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Shades for the boxes around successive runs (rgb: a hex colour would start a comment). */
const SHADES = ['rgb(238, 244, 255)', 'rgb(240, 250, 240)', 'rgb(255, 245, 235)', 'rgb(245, 240, 255)'];

export function renderMermaid(input: TraceInput, options: RenderText = {}): string {
  const panels = panelsOf(input).map((p) => ({ label: p.label, timeline: buildTimeline(p.trace) }));
  const lanes: Lane[] = [];
  for (const { timeline } of panels)
    for (const lane of timeline.lanes) if (!lanes.some((l) => l.id === lane.id)) lanes.push(lane);
  const out: string[] = ['sequenceDiagram'];
  // Accessible title and description: plain one-line text, where entity codes are not decoded.
  if (options.title) out.push(`    accTitle: ${plainLine(options.title)}`);
  if (options.lesson) out.push(`    accDescr: ${plainLine(options.lesson)}`);
  if (options.narrative) out.push(...comment(options.narrative));
  for (const lane of lanes) out.push(`    participant ${participantId(lane.id)} as ${mermaidText(lane.label)}`);
  const first = participantId(lanes[0]?.id ?? BROKER_LANE);
  const last = participantId(lanes[lanes.length - 1]?.id ?? BROKER_LANE);
  const span = first === last ? first : `${first},${last}`;
  // The visible title is a note across the diagram: Mermaid's own `title` is clipped when it is
  // wider than the diagram, a note widens the diagram to fit.
  if (options.title) out.push(`    Note over ${span}: ${mermaidText(options.title)}`);
  panels.forEach(({ label, timeline }, i) => {
    const boxed = panels.length > 1 || label !== '';
    const indent = boxed ? '        ' : '    ';
    if (boxed) {
      out.push(`    rect ${SHADES[i % SHADES.length]}`);
      const head = panels.length > 1 ? `Run ${i + 1} of ${panels.length}: ${label}` : label;
      out.push(`${indent}Note over ${span}: ${mermaidText(head)}`);
    }
    const active = new Set<string>();
    let lastT: number | null = null;
    for (const m of timeline.marks) {
      const when = m.t === lastT ? '' : `[${formatMs(m.t)}] `;
      lastT = m.t;
      const marked = options.markStep !== undefined && options.markStep !== null && m.step === options.markStep;
      // The violation's step: its statements on a red ground, each label starting with ▶.
      if (marked) out.push(`${indent}rect rgb(255, 222, 222)`);
      for (const line of statements(m, marked ? `▶ ${when}` : when, active))
        out.push(`${marked ? `${indent}    ` : indent}${line}`);
      if (marked) out.push(`${indent}end`);
    }
    for (const p of active) out.push(`${indent}deactivate ${p}`);
    if (timeline.marks.length === 0) out.push(`${indent}Note over ${span}: nothing happened`);
    if (boxed) out.push('    end');
  });
  if (options.outcome && options.outcome.length > 0) out.push(...comment(['Outcome:', ...options.outcome].join('\n')));
  return `${out.join('\n')}\n`;
}

/** The Mermaid statements for one mark; keeps `active` (participants with an activation bar) balanced. */
function statements(m: Mark, when: string, active: Set<string>): string[] {
  const p = participantId(m.lane);
  const b = participantId(BROKER_LANE);
  const text = mermaidText(`${when}${m.label}`);
  switch (m.kind) {
    case 'send':
    case 'send-rejected':
      if (m.lane === BROKER_LANE) return [`Note over ${b}: ${mermaidText(`${when}enqueued ${enqueued(m)}`)}`];
      return [`${p}${m.kind === 'send' ? '->>' : '-x'}${b}: ${mermaidText(`${when}send ${m.label}`)}`];
    case 'accept': {
      const lines = [`Note over ${p}: ${mermaidText(`${when}lock acquired: ${m.label.replace(/^lock /, '')}`)}`];
      if (!active.has(p)) {
        active.add(p);
        lines.push(`activate ${p}`);
      }
      return lines;
    }
    case 'lock-released':
    case 'lock-expired': {
      const what =
        m.kind === 'lock-expired'
          ? `lock on ${m.session ?? ''} EXPIRED`
          : `lock released: ${m.label.replace(/^release /, '')}`;
      const lines = [`Note over ${p}: ${mermaidText(`${when}${what}`)}`];
      if (active.delete(p)) lines.push(`deactivate ${p}`);
      return lines;
    }
    case 'deliver':
      return [`${b}->>${p}: ${text}`];
    case 'accept-failed':
    case 'op-failed':
      return [`${b}--x${p}: ${text}`];
    case 'settle':
    case 'renew':
      return [`${p}->>${b}: ${text}`];
    case 'state':
      return m.variant === 'read' ? [`${b}-->>${p}: ${text}`] : [`${p}->>${b}: ${text}`];
    case 'requeue':
    case 'dlq':
    case 'expire':
      return [`Note over ${b}: ${text}`];
    case 'crash':
      return [`Note over ${p}: ${text}`];
  }
}

/** `m1 (session s1, seq 1)`: the position in words, without the `s1#1` shorthand. */
function enqueued(m: Mark): string {
  const where = [m.session === null ? null : `session ${m.session}`, m.seq === null ? null : `seq ${m.seq}`]
    .filter((x) => x !== null)
    .join(', ');
  const ttl = / expires (\S+)$/.exec(m.label);
  return `${m.messageId ?? m.label}${where ? ` (${where})` : ''}${ttl ? `, expires at ${ttl[1] ?? ''}` : ''}`;
}

/** One line with no `#`, `;`, double quotes or angle brackets, for statements that do not decode entity codes. */
function plainLine(text: string): string {
  return (
    text
      .replace(/"/g, "'")
      // `%%{` starts a Mermaid directive anywhere in the text, so braces and `%` never pass.
      .replace(/[#;<>{}%]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Text as `%%` comment lines, at most about 100 characters each. */
function comment(text: string): string[] {
  const lines: string[] = [];
  // Mermaid finds `%%{…}%%` directives inside comments too: braces become parentheses.
  const safe = text.replace(/\{/g, '(').replace(/\}/g, ')');
  for (const paragraph of safe.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line && line.length + 1 + word.length > 96) {
        lines.push(`    %% ${line}`);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line ? `    %% ${line}` : '    %%');
  }
  return lines;
}
