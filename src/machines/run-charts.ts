/**
 * The charts of the machines a run involved, with the transitions the run took marked: what the teach
 * and replay HTML pages show beside their timelines. The machine kinds come from the actor ids of the
 * trace (`session:…`, `lock:…`, `entity:…`, `consumer:…`, `topic:…`); the transitions from the run's
 * coverage counts (WorldOptions.coverage).
 */
import type { TraceEvent } from '../trace/types.ts';
import { CHART_CSS, chartHtml } from './html.ts';
import type { MachineName } from './registry.ts';
import { MACHINE_NAMES, describeNamed } from './registry.ts';

/** The machine kinds whose actors appear in the traces, in the registry's order. */
export function machinesInvolved(traces: ReadonlyArray<readonly TraceEvent[]>): MachineName[] {
  const seen = new Set<string>();
  for (const trace of traces)
    for (const e of trace) if (e.k === 'deliver') seen.add(e.actor.slice(0, e.actor.indexOf(':')));
  return MACHINE_NAMES.filter((name) => seen.has(name));
}

/** An HTML section: one chart per machine involved, each transition marked taken (✓) or not. */
export function runChartsHtml(
  traces: ReadonlyArray<readonly TraceEvent[]>,
  taken: ReadonlyMap<string, number> | Iterable<string>,
): string {
  const ids = taken instanceof Map ? [...taken.keys()] : [...(taken as Iterable<string>)];
  const charts = machinesInvolved(traces).map((name) => chartHtml(describeNamed(name), ids, { style: false }));
  if (charts.length === 0) return '';
  return `<section class="machines"><h2>The machines, with the transitions this run took (✓)</h2>
<style>${CHART_CSS}</style>
${charts.join('\n')}
</section>`;
}
