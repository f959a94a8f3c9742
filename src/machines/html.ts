/**
 * A machine's chart in HTML, with no script and nothing fetched: states as nested boxes (a parallel
 * state's regions side by side, split by dashed rules), each box listing its transitions one guard
 * branch a line (`event [guard] → target / actions`). Given the ids of the transitions a run took, each
 * line is marked taken (✓, class `taken`) or not (class `untaken`, dimmed), and the header counts them.
 *
 * `chartHtml` is the fragment (for the teach and replay pages to embed beside a timeline); the page of
 * `sbsim machines --format html` puts one fragment per machine on a page, each followed by its Mermaid
 * source, for pasting into a Mermaid renderer. Stable hooks for tests and pages: `.sbsim-chart`
 * (`data-machine`), `.st` (`data-state` = path), `.tr` (`data-transition` = the transition id).
 */
import type { MachineDescription, StateDescription, TransitionDescription } from './describe.ts';
import { eventLabel, guardLabel, targetLabel } from './describe.ts';
import { renderMachineMermaid } from './mermaid.ts';
import { esc } from '../trace/html.ts';
import { count } from '../words.ts';

export const CHART_CSS = `
.sbsim-chart { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2430; margin: 0 0 28px; }
.sbsim-chart h2 { font-size: 17px; margin: 0 0 2px; }
.sbsim-chart .summary { color: #5a6473; margin: 0 0 10px; }
.sbsim-chart .st { border: 1px solid #9aa7b8; border-radius: 8px; padding: 6px 9px 8px; margin: 6px; background: #fff; min-width: 150px; }
.sbsim-chart .st.initial { border-width: 2px; border-color: #2b7bb9; }
.sbsim-chart .st.final { border-style: double; border-width: 3px; }
.sbsim-chart .st.root { border: none; padding: 0; margin: 0; background: none; }
.sbsim-chart .st-head { font-weight: 600; }
.sbsim-chart .st-note { font-weight: 400; color: #5a6473; font-size: 11px; margin-left: 6px; }
.sbsim-chart .st-children { display: flex; flex-wrap: wrap; align-items: flex-start; margin: 4px -6px 0; }
.sbsim-chart .st-children.parallel { flex-wrap: nowrap; }
.sbsim-chart .st-children.parallel > .st { border-style: dashed; background: #fafbfd; }
.sbsim-chart .entry-exit { color: #5a6473; font-size: 11px; }
.sbsim-chart ul.trs { list-style: none; margin: 3px 0 0; padding: 0; }
.sbsim-chart .tr { white-space: nowrap; font: 12px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.sbsim-chart .tr .ev { color: #00677f; }
.sbsim-chart .tr .gd { color: #8a5a00; }
.sbsim-chart .tr .tg { color: #2e7d32; font-weight: 600; }
.sbsim-chart .tr .ac { color: #5a6473; }
.sbsim-chart .tr .mk { display: inline-block; width: 1.2em; }
.sbsim-chart .tr.taken .mk { color: #2e7d32; }
.sbsim-chart .tr.untaken { opacity: 0.55; }
.sbsim-chart details { margin-top: 8px; }
.sbsim-chart pre { background: #f4f6f9; padding: 8px 10px; border-radius: 6px; overflow-x: auto; font-size: 12px; }
`;

export interface ChartHtmlOptions {
  /** Include the style sheet in the fragment (default true; a page with several charts may include CHART_CSS once). */
  readonly style?: boolean;
  /** Append the chart's Mermaid source in a collapsed <details> (default false). */
  readonly mermaid?: boolean;
}

/** The chart as an HTML fragment; with `taken`, each transition marked taken or not. */
export function chartHtml(d: MachineDescription, taken?: Iterable<string>, options: ChartHtmlOptions = {}): string {
  const takenSet = taken === undefined ? undefined : new Set(taken);
  const bySource = new Map<string, TransitionDescription[]>();
  for (const t of d.transitions) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);
  const out: string[] = [];
  if (options.style !== false) out.push(`<style>${CHART_CSS}</style>`);
  out.push(`<section class="sbsim-chart" data-machine="${esc(d.name)}">`);
  out.push(`<h2>${esc(d.name)}</h2>`);
  const takenCount = takenSet ? d.transitions.filter((t) => takenSet.has(t.id)).length : null;
  const summary = [
    `machine <code>${esc(d.id)}</code>`,
    count(d.stateCount, 'state'),
    count(d.transitions.length, 'transition'),
    ...(takenCount !== null ? [`<strong>${takenCount} of ${d.transitions.length} taken</strong>`] : []),
  ];
  out.push(`<p class="summary">${summary.join(' · ')}</p>`);

  const trs = (path: string): string => {
    const own = bySource.get(path) ?? [];
    if (own.length === 0) return '';
    const items = own.map((t) => {
      const guard = guardLabel(t);
      const state = takenSet ? (takenSet.has(t.id) ? ' taken' : ' untaken') : '';
      const mark = takenSet ? `<span class="mk">${takenSet.has(t.id) ? '✓' : '·'}</span>` : '';
      const target =
        t.targets.length === 0
          ? ' <span class="ac">stays</span>'
          : ` → <span class="tg">${t.targets.map((p) => esc(targetLabel(t.source, p, d.id))).join(', ')}</span>`;
      const actions = t.actions.length > 0 ? ` <span class="ac">/ ${esc(t.actions.join(', '))}</span>` : '';
      const title = takenSet ? (takenSet.has(t.id) ? 'taken' : 'not taken') : '';
      return `<li class="tr${state}" data-transition="${esc(t.id)}"${title ? ` title="${title}"` : ''}>${mark}<span class="ev">${esc(eventLabel(t))}</span>${guard === null ? '' : ` <span class="gd">[${esc(guard)}]</span>`}${target}${actions}</li>`;
    });
    return `<ul class="trs">${items.join('')}</ul>`;
  };

  const box = (s: StateDescription, parent: StateDescription | null): string => {
    const isRoot = parent === null;
    const classes = ['st'];
    if (isRoot) classes.push('root');
    if (parent?.initial === s.key) classes.push('initial');
    if (s.type === 'final') classes.push('final');
    const notes: string[] = [];
    if (parent?.initial === s.key) notes.push('initial');
    if (parent?.type === 'parallel') notes.push('region');
    if (s.type === 'parallel') notes.push('parallel');
    if (s.type === 'final') notes.push('final');
    const parts: string[] = [`<div class="${classes.join(' ')}" data-state="${esc(s.path)}">`];
    if (!isRoot)
      parts.push(
        `<div class="st-head">${esc(s.key)}${notes.length > 0 ? `<span class="st-note">${notes.join(', ')}</span>` : ''}</div>`,
      );
    if (s.entry.length > 0) parts.push(`<div class="entry-exit">entry / ${esc(s.entry.join(', '))}</div>`);
    if (s.exit.length > 0) parts.push(`<div class="entry-exit">exit / ${esc(s.exit.join(', '))}</div>`);
    const own = trs(s.path);
    if (own !== '') parts.push(isRoot ? `<div class="entry-exit">in every state:</div>${own}` : own);
    if (s.states.length > 0) {
      parts.push(`<div class="st-children${s.type === 'parallel' ? ' parallel' : ''}">`);
      for (const c of s.states) parts.push(box(c, s));
      parts.push('</div>');
    }
    parts.push('</div>');
    return parts.join('');
  };
  out.push(box(d.root, null));
  if (options.mermaid)
    out.push(
      `<details><summary>Mermaid source (stateDiagram-v2)</summary><pre>${esc(renderMachineMermaid(d))}</pre></details>`,
    );
  out.push('</section>');
  return out.join('\n');
}

/** A self-contained page of charts (the output of `sbsim machines --format html`). */
export function renderMachinesHtml(ds: readonly MachineDescription[], taken?: Iterable<string>): string {
  const takenList = taken === undefined ? undefined : [...taken];
  const title = ds.length === 1 ? `sbsim: the ${ds[0]?.name ?? ''} machine` : 'sbsim: the machines';
  const charts = ds.map((d) => chartHtml(d, takenList, { style: false, mermaid: true })).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body { margin: 24px; background: #f7f8fa; }
body > h1 { font: 600 20px system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 0 4px; }
body > p { font: 13px system-ui, -apple-system, "Segoe UI", sans-serif; color: #5a6473; margin: 0 0 20px; }
${CHART_CSS}
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p>Drawn from the XState definitions by <code>sbsim machines</code>. Each box is a state; its lines are its transitions, one guard branch a line in the order XState tries them. Under each chart, its Mermaid <code>stateDiagram-v2</code> source, to paste into any Mermaid renderer.</p>
${charts}
</body>
</html>
`;
}
