/**
 * A swimlane timeline for the terminal: virtual time down the left, one column for the broker and one
 * per consumer or client, each event in its lane, messages coloured by session, and a two-character
 * gutter per lane showing the session lock held (┏ ┃ ┗) and the handler busy (│). The narrative and
 * the outcome follow. Colour comes from chalk at an explicit level, so it can be forced off; without
 * colour the output holds no escape codes at all.
 */
import type { ChalkInstance } from 'chalk';
import { Chalk } from 'chalk';
import type { Mark, RenderText, Span, Timeline, TraceInput } from './timeline.ts';
import { buildTimeline, formatMs, panelsOf } from './timeline.ts';
import { visibleDeep } from './visible.ts';

export interface SwimlaneOptions extends RenderText {
  /** ANSI colour (default off: a pure function does not look at the terminal). */
  readonly color?: boolean;
  /** Total width in columns (default 100; readable from 100 to 120). */
  readonly width?: number;
}

const TIME_WIDTH = 8;
const SEP = ' │ ';
const MIN_LANE = 16;
const MAX_LANE = 48;
/** Lock glyph, handler glyph, space. */
const GUTTER = 3;
/** A lane with nothing in it only needs room for its name. */
const EMPTY_LANE = 8;

type Paint = (s: string) => string;

/** Chalk colours for sessions, in order of first appearance; red is kept for failures. */
const SESSION_COLOURS = [
  'cyan',
  'magenta',
  'yellow',
  'green',
  'blue',
  'cyanBright',
  'magentaBright',
  'greenBright',
] as const;

export function renderSwimlane(input: TraceInput, options: SwimlaneOptions = {}): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, options.width ?? 100);
  const panels = panelsOf(visibleDeep(input));
  const out: string[] = [];
  if (options.title) out.push(c.bold(options.title));
  if (options.lesson) out.push(...wrap(options.lesson, width).map((l) => c.italic(l)));
  if (options.title || options.lesson) out.push('');
  panels.forEach((panel, i) => {
    if (panels.length > 1 || panel.label) {
      const head = panels.length > 1 ? `Run ${i + 1} of ${panels.length}: ${panel.label}` : panel.label;
      out.push(c.bold(`━━ ${head} ${'━'.repeat(Math.max(3, width - head.length - 4))}`));
    }
    out.push(...drawTimeline(buildTimeline(panel.trace), width, c), '');
  });
  out.push(c.dim(wrapItems(LEGEND, width).join('\n')));
  if (options.narrative) out.push('', ...wrap(options.narrative, width));
  if (options.outcome && options.outcome.length > 0) {
    out.push('', c.bold('Outcome'));
    for (const line of options.outcome) out.push(...wrap(line, width - 2).map((l, i) => `${i === 0 ? '•' : ' '} ${l}`));
  }
  return out.join('\n');
}

const LEGEND = [
  'Legend:',
  '┏┃┗ session lock held',
  '│ handler busy',
  '+ sent',
  '→ delivered (count)',
  '✓ complete',
  '↺ abandon / back in the session',
  '‖ defer',
  '⊘ dead-letter',
  '× expired',
  '↻ renew',
  '◆ session state',
  '✗ failure',
];

const SYMBOL: Record<Mark['kind'], string> = {
  send: '+',
  'send-rejected': '✗',
  accept: '',
  'accept-failed': '✗',
  deliver: '→',
  settle: '✓',
  'op-failed': '✗',
  requeue: '↺',
  dlq: '⊘',
  expire: '×',
  'lock-released': '',
  'lock-expired': '✗',
  renew: '↻',
  state: '◆',
  crash: '✗',
};

const SETTLE_SYMBOL: Record<string, string> = { complete: '✓', abandon: '↺', defer: '‖', deadLetter: '⊘' };

function symbolOf(m: Mark): string {
  return m.kind === 'settle' ? (SETTLE_SYMBOL[m.variant ?? ''] ?? '✓') : SYMBOL[m.kind];
}

function drawTimeline(tl: Timeline, width: number, c: ChalkInstance): string[] {
  const widths = laneWidths(tl, width);
  const paintSession = (session: string | null): Paint => {
    const i = session === null ? -1 : tl.sessions.indexOf(session);
    const name = i < 0 ? undefined : SESSION_COLOURS[i % SESSION_COLOURS.length];
    return name ? (s) => c[name](s) : (s) => s;
  };
  const lines: string[] = [];
  const header = tl.lanes.map((l, i) => pad(l.label, widths[i] ?? MIN_LANE));
  lines.push(trimEndAnsi(c.bold(`${pad('time', TIME_WIDTH, 'right')}${SEP}${header.join(SEP)}`)));
  lines.push(c.dim(`${'─'.repeat(TIME_WIDTH)}─┼─${widths.map((w) => '─'.repeat(w)).join('─┼─')}`));
  if (tl.rowTimes.length === 0) {
    lines.push(c.dim(`${pad('', TIME_WIDTH)}${SEP}(nothing happened)`));
    return lines;
  }
  const byCell = new Map<string, Mark>();
  for (const m of tl.marks) byCell.set(`${m.row}|${m.lane}`, m);
  let lastTime: number | null = null;
  tl.rowTimes.forEach((t, row) => {
    const cells = tl.lanes.map((lane, i) => {
      const m = byCell.get(`${row}|${lane.id}`);
      const textWidth = (widths[i] ?? MIN_LANE) - GUTTER;
      const text = m ? `${symbolOf(m)}${symbolOf(m) ? ' ' : ''}${m.label}` : '';
      return { lane: lane.id, mark: m, textWidth, lines: m ? wrap(text, textWidth) : [''] };
    });
    const height = Math.max(...cells.map((x) => x.lines.length));
    for (let k = 0; k < height; k++) {
      const time = k === 0 && t !== lastTime ? formatMs(t) : '';
      const parts = cells.map((cell) => {
        const g = gutter(tl.spans, cell.lane, row, k > 0, c, paintSession);
        const text = cell.lines[k] ?? '';
        const paint: Paint = cell.mark ? (cell.mark.bad ? (s) => c.red(s) : paintSession(cell.mark.session)) : (s) => s;
        return `${g} ${paint(text)}${' '.repeat(Math.max(0, cell.textWidth - text.length))}`;
      });
      lines.push(trimEndAnsi(`${c.dim(pad(time, TIME_WIDTH, 'right'))}${c.dim(SEP)}${parts.join(c.dim(SEP))}`));
    }
    lastTime = t;
  });
  return lines;
}

/** Column widths: empty lanes get just their name, the others share the rest (within bounds). */
function laneWidths(tl: Timeline, width: number): number[] {
  const used = new Set(tl.marks.map((m) => m.lane));
  const empty = tl.lanes.map((l) => (used.has(l.id) ? null : Math.max(EMPTY_LANE, l.label.length)));
  const busy = empty.filter((w) => w === null).length;
  const fixed = empty.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const room = width - TIME_WIDTH - SEP.length * tl.lanes.length - fixed;
  const share = busy === 0 ? MIN_LANE : Math.max(MIN_LANE, Math.min(MAX_LANE, Math.floor(room / busy)));
  return empty.map((w) => w ?? share);
}

/** The lock glyph and the handler glyph of one lane on one row (or a continuation line of it). */
function gutter(
  spans: readonly Span[],
  lane: string,
  row: number,
  continuation: boolean,
  c: ChalkInstance,
  paint: (s: string | null) => Paint,
): string {
  let lock = ' ';
  let busy = ' ';
  for (const s of spans) {
    if (s.lane !== lane || row < s.fromRow || row > s.toRow) continue;
    if (s.kind === 'lock') {
      const glyph = continuation
        ? row < s.toRow
          ? '┃'
          : ' '
        : row === s.fromRow && row === s.toRow
          ? '╺'
          : row === s.fromRow
            ? '┏'
            : row === s.toRow
              ? '┗'
              : '┃';
      if (glyph !== ' ')
        lock = s.end === 'expired' && row === s.toRow && !continuation ? c.red(glyph) : paint(s.session)(glyph);
    } else if (!continuation || row < s.toRow) {
      busy = c.dim(paint(s.session)('│'));
    }
  }
  return `${lock}${busy}`;
}

/** Trailing blanks removed, also those inside the closing colour codes (the codes themselves stay). */
function trimEndAnsi(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/(?:\s|\x1b\[[0-9;]*m)+$/, (tail) => tail.replace(/\s+/g, ''));
}

function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = s.length > width ? `${s.slice(0, width - 1)}…` : s;
  const fill = ' '.repeat(width - cut.length);
  return align === 'left' ? `${cut}${fill}` : `${fill}${cut}`;
}

/** Items joined by two spaces into lines of at most `width` characters, never splitting an item. */
function wrapItems(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + 2 + item.length > width) {
      lines.push(line);
      line = item;
    } else line = line ? `${line}  ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}

/** Words into lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      while (word.length > width) {
        if (line) lines.push(line);
        lines.push(word.slice(0, width));
        word = word.slice(width);
        line = '';
      }
      if (!line) line = word;
      else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}
