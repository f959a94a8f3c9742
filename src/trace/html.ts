/**
 * One self-contained HTML page for a trace: title, lesson and narrative, then an SVG timeline per run
 * (runs side by side), then a legend and the outcome. Virtual time runs down the page as in the
 * terminal swimlane; each consumer or client and the broker has a lane; marks are coloured by session;
 * a held session lock is a bar, a busy handler a thinner bar. Hovering (or focusing) a mark or a bar
 * shows its details in a tooltip; every mark also carries an SVG <title>.
 *
 * Nothing is fetched: no network, no external script, style sheet or font. Lanes, marks and spans have
 * stable class names and data attributes (class="lane" data-lane="consumer:c1", class="mark settle
 * complete", class="span lock") so a browser test can count them.
 */
import type { Lane, Mark, RenderText, Span, Timeline, TraceInput } from './timeline.ts';
import { buildTimeline, formatMs, panelsOf, settleClass } from './timeline.ts';

export interface HtmlOptions extends RenderText {
  /** An HTML fragment shown beside the timelines: the charts of the machines, transitions taken marked. */
  readonly charts?: string | undefined;
}

const AXIS_W = 64;
const MIN_LANE_W = 120;
const MAX_LANE_W = 320;
const EMPTY_LANE_W = 90;
/** Average advance of an 11px system sans-serif character, generously rounded up. */
const CHAR_W = 6.4;
const HEADER_H = 30;
const ROW_H = 22;
const BOTTOM = 12;
const LOCK_X = 8;
const BUSY_X = 17;
const MARK_X = 30;

/** Session colours, in order of first appearance (red is kept for failures). */
export const SESSION_HEX = ['#2b7bb9', '#9c4dcc', '#c98200', '#2e9d52', '#d1468b', '#00838f', '#7a6a00', '#5c6bc0'];
const NO_SESSION = '#607080';
const FAILURE = '#c62828';

export function renderHtml(input: TraceInput, options: HtmlOptions = {}): string {
  const panels = panelsOf(input);
  const title = options.title ?? 'sbsim trace';
  const figures = panels
    .map((p, i) => figure(buildTimeline(p.trace), i, panels.length, p.label, options.markStep ?? null))
    .join('\n');
  const outcome =
    options.outcome && options.outcome.length > 0
      ? `<section class="outcome"><h2>Outcome</h2><ul>${options.outcome.map((l) => `<li>${esc(l)}</li>`).join('')}</ul></section>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${options.lesson ? `<p class="lesson">${esc(options.lesson)}</p>` : ''}
${
  options.narrative
    ? options.narrative
        .split(/\n\s*\n/)
        .map((p) => `<p class="narrative">${esc(p)}</p>`)
        .join('\n')
    : ''
}
</header>
<div class="page${options.charts ? ' with-charts' : ''}">
<main class="runs">
${figures}
</main>
${options.charts ? `<aside class="charts">${options.charts}</aside>` : ''}
</div>
${legend()}
${outcome}
<div id="tooltip" role="tooltip" hidden></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function figure(tl: Timeline, index: number, count: number, label: string, markStep: number | null): string {
  const widths = tl.lanes.map((l) => laneWidth(tl, l.id));
  const xs: number[] = [];
  let width = AXIS_W;
  for (const w of widths) {
    xs.push(width);
    width += w;
  }
  const rows = Math.max(1, tl.rowTimes.length);
  const height = HEADER_H + rows * ROW_H + BOTTOM;
  const laneX = (id: string): number => xs[tl.lanes.findIndex((l) => l.id === id)] ?? AXIS_W;
  const fallbackW = MIN_LANE_W;
  const colour = (session: string | null): string => {
    const i = session === null ? -1 : tl.sessions.indexOf(session);
    return i < 0 ? NO_SESSION : (SESSION_HEX[i % SESSION_HEX.length] ?? NO_SESSION);
  };
  const caption = count > 1 ? `Run ${index + 1} of ${count}: ${label}` : label;
  const parts: string[] = [];
  parts.push(
    `<defs>${tl.lanes.map((_l, i) => `<clipPath id="clip-${index}-${i}"><rect x="${xs[i] ?? 0}" y="0" width="${(widths[i] ?? fallbackW) - 4}" height="${height}"/></clipPath>`).join('')}</defs>`,
  );
  tl.lanes.forEach((lane, i) => parts.push(laneGroup(lane, i, xs[i] ?? 0, widths[i] ?? fallbackW, height)));
  parts.push(axis(tl, width));
  for (const s of tl.spans) parts.push(spanRect(s, laneX(s.lane), colour(s.session)));
  for (const m of tl.marks)
    parts.push(
      markGroup(
        m,
        laneX(m.lane),
        m.bad ? FAILURE : colour(m.session),
        colour(m.session),
        `clip-${index}-${tl.lanes.findIndex((l) => l.id === m.lane)}`,
        markStep !== null && m.step === markStep,
      ),
    );
  if (tl.marks.length === 0)
    parts.push(`<text class="empty" x="${AXIS_W + 8}" y="${HEADER_H + 15}">nothing happened</text>`);
  const sessions = tl.sessions.map((s) => `<span class="chip" style="--c:${colour(s)}">${esc(s)}</span>`).join(' ');
  return `<figure class="run" data-run="${index}">
<figcaption>${esc(caption)}${sessions ? ` <span class="sessions">sessions: ${sessions}</span>` : ''}</figcaption>
<svg class="timeline" role="img" aria-label="${esc(caption || 'timeline')}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" data-lanes="${tl.lanes.length}" data-marks="${tl.marks.length}">
${parts.join('\n')}
</svg>
</figure>`;
}

/** Wide enough for the lane's longest label (within bounds; a longer one is clipped, its tooltip says it all). */
function laneWidth(tl: Timeline, lane: string): number {
  const labels = tl.marks.filter((m) => m.lane === lane).map((m) => m.label.length);
  if (labels.length === 0) return EMPTY_LANE_W;
  const text = Math.max(...labels) * CHAR_W;
  return Math.round(Math.max(MIN_LANE_W, Math.min(MAX_LANE_W, MARK_X + 10 + text + 12)));
}

function laneGroup(lane: Lane, i: number, x: number, w: number, height: number): string {
  const label = ellipsis(lane.label, Math.floor((w - 16) / CHAR_W));
  return `<g class="lane" data-lane="${esc(lane.id)}" data-kind="${lane.kind}"><rect class="lane-bg${i % 2 === 1 ? ' alt' : ''}" x="${x}" y="0" width="${w}" height="${height}"/><text class="lane-label" x="${x + 8}" y="19"><title>${esc(lane.id)}</title>${esc(label)}</text></g>`;
}

/** A label cut to `max` characters ends with an ellipsis; the lane's tooltip keeps the whole name. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

function axis(tl: Timeline, width: number): string {
  const out: string[] = [
    `<g class="axis"><text class="axis-label" x="6" y="19">time</text><line class="header-rule" x1="0" y1="${HEADER_H - 4}" x2="${width}" y2="${HEADER_H - 4}"/>`,
  ];
  let last: number | null = null;
  tl.rowTimes.forEach((t, row) => {
    if (t === last) return;
    last = t;
    const y = HEADER_H + row * ROW_H;
    out.push(
      `<line class="tick" x1="0" y1="${y}" x2="${width}" y2="${y}"/><text class="time" x="${AXIS_W - 8}" y="${y + 15}" data-t="${t}">${esc(formatMs(t))}</text>`,
    );
  });
  out.push('</g>');
  return out.join('');
}

function spanRect(s: Span, laneX: number, colour: string): string {
  const top = HEADER_H + s.fromRow * ROW_H + 4;
  const bottom = HEADER_H + s.toRow * ROW_H + ROW_H - 4;
  const x = laneX + (s.kind === 'lock' ? LOCK_X : BUSY_X);
  const w = s.kind === 'lock' ? 6 : 3;
  const what =
    s.kind === 'lock'
      ? `session lock ${s.key}${s.session ? ` on ${s.session}` : ''}`
      : `handling ${s.session ?? ''}#${s.key}`;
  const detail = `${what}: ${formatMs(s.fromMs)} to ${formatMs(s.toMs)} (${s.end === 'open' ? 'still held when the run ended' : s.end})`;
  const cls = `span ${s.kind}${s.end === 'expired' ? ' expired' : ''}`;
  return `<rect class="${cls}" data-lane="${esc(s.lane)}" data-session="${esc(s.session ?? '')}" data-end="${esc(s.end)}" data-detail="${esc(detail)}" x="${x}" y="${top}" width="${w}" height="${Math.max(4, bottom - top)}" rx="2" fill="${colour}"><title>${esc(detail)}</title></rect>`;
}

function markClass(m: Mark): string {
  if (m.kind === 'settle') return `mark settle ${settleClass(m.variant)}`;
  if (m.kind === 'state') return `mark state ${m.variant ?? ''}`.trim();
  return `mark ${m.kind}${m.bad && m.kind !== 'crash' ? ' failure' : ''}`;
}

function markGroup(m: Mark, laneX: number, stroke: string, fill: string, clip: string, violation: boolean): string {
  const cx = laneX + MARK_X;
  const cy = HEADER_H + m.row * ROW_H + ROW_H / 2;
  const attrs = [
    `class="${markClass(m)}${violation ? ' violation' : ''}"`,
    `data-lane="${esc(m.lane)}"`,
    `data-t="${m.t}"`,
    `data-session="${esc(m.session ?? '')}"`,
    m.seq === null ? '' : `data-seq="${m.seq}"`,
    m.messageId === null ? '' : `data-message="${esc(m.messageId)}"`,
    `data-detail="${esc(m.detail)}"`,
    'tabindex="0"',
  ].filter((a) => a !== '');
  const text = violation ? `▶ ${m.label}` : m.label;
  const label = `<text class="mark-label${m.bad || violation ? ' bad' : ''}" x="${cx + 10}" y="${cy + 4}" clip-path="url(#${clip})">${esc(text)}</text>`;
  // The violation's step: a red ring behind the glyph, as the text story marks it with ▶.
  const ring = violation
    ? `<circle class="violation-ring" cx="${cx}" cy="${cy}" r="10" fill="none" stroke="${FAILURE}" stroke-width="2.5"/>`
    : '';
  const detail = violation ? `${m.detail} (the violation)` : m.detail;
  return `<g ${attrs.join(' ')}><title>${esc(detail)}</title>${ring}${shape(m, cx, cy, stroke, fill)}${label}</g>`;
}

/** The glyph of a mark: its shape says what happened, its colour which session. */
function shape(m: Mark, x: number, y: number, stroke: string, fill: string): string {
  const diamond = (r: number) => `M${x} ${y - r}L${x + r} ${y}L${x} ${y + r}L${x - r} ${y}Z`;
  const triangle = (r: number) => `M${x} ${y - r}L${x + r} ${y + r * 0.8}L${x - r} ${y + r * 0.8}Z`;
  const cross = (r: number) => `M${x - r} ${y - r}L${x + r} ${y + r}M${x + r} ${y - r}L${x - r} ${y + r}`;
  switch (m.kind) {
    case 'send':
      return `<circle cx="${x}" cy="${y}" r="4" fill="#fff" stroke="${fill}" stroke-width="2"/>`;
    case 'deliver':
      return `<circle cx="${x}" cy="${y}" r="5.5" fill="${fill}"/>`;
    case 'settle':
      if (m.variant === 'abandon') return `<path d="${diamond(6)}" fill="#fff" stroke="${fill}" stroke-width="2"/>`;
      if (m.variant === 'defer')
        return `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="#fff" stroke="${fill}" stroke-width="2" stroke-dasharray="2 2"/>`;
      if (m.variant === 'deadLetter')
        return `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" fill="${fill}" stroke="${FAILURE}" stroke-width="2"/>`;
      return `<rect x="${x - 5}" y="${y - 5}" width="10" height="10" rx="1" fill="${fill}"/>`;
    case 'requeue':
      return `<path d="${triangle(5.5)}" fill="#fff" stroke="${fill}" stroke-width="2"/>`;
    case 'dlq':
      return `<path d="${diamond(6.5)}" fill="${FAILURE}" stroke="${fill}" stroke-width="1.5"/>`;
    case 'expire':
    case 'lock-expired':
      return `<path d="${cross(5)}" stroke="${FAILURE}" stroke-width="3" fill="none"/>`;
    case 'accept':
    case 'lock-released':
      return `<rect x="${x - 6}" y="${y - 2}" width="12" height="4" fill="${fill}"/>`;
    case 'renew':
      return `<circle cx="${x}" cy="${y}" r="4" fill="none" stroke="${fill}" stroke-width="2" stroke-dasharray="5 2"/>`;
    case 'state':
      return `<path d="${diamond(4.5)}" fill="${fill}" opacity="0.7"/>`;
    case 'crash':
    case 'op-failed':
    case 'accept-failed':
    case 'send-rejected':
      return `<path d="${triangle(6)}" fill="${stroke}"/><text class="bang" x="${x}" y="${y + 3.5}">!</text>`;
  }
}

function legend(): string {
  const items: Array<[string, string]> = [
    ['<rect x="3" y="1" width="6" height="16" rx="2" fill="#2b7bb9"/>', 'session lock held'],
    ['<rect x="5" y="1" width="3" height="16" rx="1" fill="#2b7bb9"/>', 'handler busy'],
    ['<circle cx="9" cy="9" r="4" fill="#fff" stroke="#2b7bb9" stroke-width="2"/>', 'sent'],
    ['<circle cx="9" cy="9" r="5.5" fill="#2b7bb9"/>', 'delivered'],
    ['<rect x="4" y="4" width="10" height="10" fill="#2b7bb9"/>', 'complete'],
    ['<path d="M9 3L15 9L9 15L3 9Z" fill="#fff" stroke="#2b7bb9" stroke-width="2"/>', 'abandon'],
    [
      '<rect x="4" y="4" width="10" height="10" fill="#fff" stroke="#2b7bb9" stroke-width="2" stroke-dasharray="2 2"/>',
      'defer',
    ],
    ['<path d="M9 3.5L14.5 13.4L3.5 13.4Z" fill="#fff" stroke="#2b7bb9" stroke-width="2"/>', 'back in the session'],
    ['<path d="M9 2.5L15.5 9L9 15.5L2.5 9Z" fill="#c62828"/>', 'dead-lettered'],
    ['<path d="M4 4L14 14M14 4L4 14" stroke="#c62828" stroke-width="3"/>', 'expired / lock expired'],
    [
      '<circle cx="9" cy="9" r="4" fill="none" stroke="#2b7bb9" stroke-width="2" stroke-dasharray="5 2"/>',
      'lock renewed',
    ],
    ['<path d="M9 3L15 13.8L3 13.8Z" fill="#c62828"/>', 'failure / crash'],
  ];
  const li = items
    .map(
      ([svg, text]) =>
        `<li><svg class="legend-mark" width="18" height="18" viewBox="0 0 18 18">${svg}</svg>${esc(text)}</li>`,
    )
    .join('');
  return `<section class="legend"><h2>Legend</h2><ul>${li}</ul><p>Colour: the message's session. Hover or focus a mark for its details.</p></section>`;
}

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #5d6975; --line: #d8dee6; }
* { box-sizing: border-box; }
body { margin: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #fff; }
header { max-width: 920px; }
h1 { font-size: 22px; margin: 0 0 6px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
.lesson { font-weight: 600; margin: 0 0 8px; }
.narrative { color: var(--ink); margin: 0 0 8px; }
.runs { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; margin-top: 14px; }
.page.with-charts { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.page.with-charts > .runs { flex: 1 1 640px; min-width: 0; }
.charts { flex: 0 1 460px; min-width: 320px; margin-top: 14px; overflow-x: auto; }
.charts .machines > h2 { font-size: 15px; margin: 0 0 8px; }
figure.run { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fff; }
figcaption { font-weight: 600; margin: 0 0 6px; }
.sessions { font-weight: 400; color: var(--muted); margin-left: 8px; }
.chip { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; background: var(--c); font-size: 12px; }
svg.timeline { display: block; font: 11px system-ui, -apple-system, "Segoe UI", sans-serif; }
.lane-bg { fill: #fbfcfd; stroke: var(--line); stroke-width: 0.5; }
.lane-bg.alt { fill: #f3f6f9; }
.lane-label, .axis-label { font-weight: 700; font-size: 12px; fill: var(--ink); }
.header-rule { stroke: #aab4bf; stroke-width: 1; }
.tick { stroke: var(--line); stroke-width: 0.5; stroke-dasharray: 2 3; }
.time { text-anchor: end; fill: var(--muted); }
.mark { cursor: default; outline: none; }
.mark-label { fill: var(--ink); }
.mark-label.bad { fill: #c62828; font-weight: 600; }
.mark:hover .mark-label, .mark:focus .mark-label { font-weight: 700; }
.mark:focus circle, .mark:focus rect, .mark:focus path { stroke: #000; stroke-width: 2; }
.bang { fill: #fff; font-size: 9px; font-weight: 700; text-anchor: middle; pointer-events: none; }
.span.handling { opacity: 0.45; }
.span.lock.expired { stroke: #c62828; stroke-width: 1.5; }
.legend ul { display: flex; flex-wrap: wrap; gap: 4px 18px; list-style: none; padding: 0; margin: 0; max-width: 920px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend p, .outcome { color: var(--muted); }
.outcome ul { margin: 0; padding-left: 20px; color: var(--ink); }
#tooltip { position: absolute; z-index: 10; max-width: 420px; padding: 6px 9px; border-radius: 5px; background: #1d232b; color: #fff; font-size: 12px; pointer-events: none; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
#tooltip[hidden] { display: none; }
`;

/** The tooltip: the hovered or focused element's data-detail, next to it. */
const SCRIPT = `
(function () {
  var tip = document.getElementById('tooltip');
  function place(x, y) {
    var left = Math.min(x + 14, window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8);
    tip.style.left = Math.max(window.scrollX + 4, left) + 'px';
    tip.style.top = (y + 16) + 'px';
  }
  function show(el, x, y) {
    tip.textContent = el.getAttribute('data-detail');
    tip.hidden = false;
    place(x, y);
  }
  function hide() { tip.hidden = true; }
  var targets = document.querySelectorAll('.mark, .span');
  for (var i = 0; i < targets.length; i++) {
    (function (el) {
      el.addEventListener('mouseenter', function (e) { show(el, e.pageX, e.pageY); });
      el.addEventListener('mousemove', function (e) { place(e.pageX, e.pageY); });
      el.addEventListener('mouseleave', hide);
      el.addEventListener('focus', function () {
        var r = el.getBoundingClientRect();
        show(el, r.right + window.scrollX, r.top + window.scrollY);
      });
      el.addEventListener('blur', hide);
    })(targets[i]);
  }
})();
`;
