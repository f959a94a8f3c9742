/**
 * `sbsim replay --format text`: what the file is, the run as a story (one line per step, the violating
 * step marked ▶), and a verdict that explains the rule broken, with its source, in a sentence.
 */
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import { SWITCH_DEFAULTS } from '../schema/workload.ts';
import type { Switches } from '../../models/config.ts';
import { mutantById } from '../../models/mutants/index.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import type { Violation } from '../../properties/types.ts';
import { renderStory } from '../trace/story.ts';
import { visible } from '../trace/visible.ts';
import { renderReplaySwimlane } from './render-picture.ts';
import type { Workload } from '../world/workload.ts';
import type { ReplayFile } from './format.ts';
import type { RenderContext } from './render-context.ts';
import type { ReplayResult } from './replay.ts';
import { count } from '../words.ts';

export function renderReplayText(result: ReplayResult, context: RenderContext): string {
  const c = new Chalk({ level: context.color ? 1 : 0 });
  const { file, run } = result;
  const lines: string[] = [];
  lines.push(c.bold(`Replay of ${context.source}`));
  lines.push(...describeFile(file).map((l) => `  ${l}`));
  lines.push('');
  if (result.outcome !== 'diverged') {
    lines.push(renderReplaySwimlane(result, context));
    lines.push('');
  }
  const mark = result.outcome === 'diverged' ? null : (result.violation?.step ?? null);
  lines.push(
    ...renderStory(run.trace, {
      color: context.color,
      markStep: mark,
      qualifySessions: receivableCount(file.workload) > 1,
    }),
  );
  lines.push('');
  lines.push(`${run.steps} steps, ${run.decisions.length} decisions, ended at t=${run.endedAtMs}ms${endingOf(result)}`);
  lines.push('');
  lines.push(...verdict(result, c));
  return lines.join('\n');
}

/** Why the run stopped where it did, when it did not simply go quiet. */
function endingOf({ run, file }: ReplayResult): string {
  if (!run.hitBound) return '';
  // The search cuts a counterexample at its violating step (maxSteps): what follows is noise.
  if (file.property.step !== null && run.steps === file.property.step)
    return ' (the counterexample stops at its violating step)';
  return ` (hit the step bound of ${file.workload.maxSteps})`;
}

function receivableCount(w: Workload): number {
  return w.entities.length + w.topics.reduce((n, t) => n + t.subscriptions.length, 0);
}

/** Where the file came from and what it runs: the search, the mutant, the workload, the switches off their defaults. */
function describeFile(file: ReplayFile): string[] {
  const w = file.workload;
  const m = file.mutant === null ? undefined : mutantById(file.mutant);
  const mutant = file.mutant === null ? 'the real model' : m ? `mutant ${m.id} (${m.slug})` : `mutant ${file.mutant}`;
  const at =
    file.property.step === null
      ? 'at the end of the run'
      : `at step #${file.property.step}, t=${file.property.t ?? '?'}ms`;
  const lines = [`recorded: ${file.property.id} ${at}; found by seed ${file.search.seed} against ${mutant}`];
  const entities = [...w.entities, ...w.topics.flatMap((t) => t.subscriptions)].map(
    (e) =>
      `${e.kind} ${e.name} (${e.requiresSession ? 'sessions, ' : ''}lock ${e.lockDurationMs}ms, max delivery ${e.maxDeliveryCount}${e.defaultMessageTimeToLiveMs === null ? '' : `, TTL ${e.defaultMessageTimeToLiveMs}ms`})`,
  );
  const sessions = new Set(w.messages.flatMap((m) => (m.sessionId === undefined ? [] : [m.sessionId]))).size;
  const messages = `${count(w.messages.length, 'message')}${sessions > 0 ? ` in ${count(sessions, 'session')}` : ''}`;
  // A file `explore` wrote for the SDK facade: the messages and receivers were the user's code's calls.
  const load =
    file.facade === undefined
      ? `${messages}; ${count(w.consumers.length, 'consumer')}`
      : `messages and receivers from your code (${count(file.facade.ops.length, 'recorded operation')})`;
  lines.push(
    `workload "${w.name}": ${entities.join(', ')}; ${load}${w.faults.length > 0 ? `; ${count(w.faults.length, 'fault')}` : ''}`,
  );
  const changed = (Object.keys(SWITCH_DEFAULTS) as (keyof Switches)[])
    .filter((k) => file.switches[k] !== SWITCH_DEFAULTS[k])
    .map((k) => `${k}=${String(file.switches[k])}`);
  lines.push(
    `switches: ${changed.length === 0 ? 'all at their defaults' : `${changed.join(', ')} (the rest at their defaults)`}`,
  );
  lines.push(
    `shrunk to ${count(file.shrunk.decisions, 'decision')} and ${count(file.shrunk.steps, 'step')} from ${file.original.decisions} decisions, ${file.original.steps} steps, ${count(file.original.messages, 'message')}, ${count(file.original.consumers, 'consumer')}`,
  );
  return lines;
}

/** The rule broken, in a sentence, with its source, then what happened. */
function explain(v: Violation, c: ChalkInstance): string[] {
  const p = ALL_PROPERTIES.find((x) => x.id === v.property);
  const where = v.step === null ? 'at the end of the run' : `at step #${v.step} (▶), t=${v.t ?? '?'}ms`;
  const lines = [c.red.bold(`✗ ${v.property} is violated ${where}.`)];
  if (p) {
    lines.push(`  The rule: ${p.title}.`);
    lines.push(`  Source (docs/semantics.md): ${p.rule}`);
  }
  lines.push(`  What happened: ${visible(v.message)}`);
  return lines;
}

function verdict(result: ReplayResult, c: ChalkInstance): string[] {
  const recorded = result.file.property;
  switch (result.outcome) {
    case 'reproduced':
      return [...explain(result.violation as Violation, c), c.bold('Reproduced: the same violation as recorded.')];
    case 'changed': {
      const v = result.violation as Violation;
      return [
        ...explain(v, c),
        c.yellow.bold('A violation, but not the one recorded:'),
        `  recorded: ${recorded.id}: ${visible(recorded.message)}`,
        `  now:      ${v.property}: ${visible(v.message)}`,
      ];
    }
    case 'clean':
      return [
        c.green.bold('✓ The schedule now runs clean: every property holds.'),
        `  The file recorded ${recorded.id}: ${visible(recorded.message)}`,
        '  That bug is fixed (or the model changed under the schedule without diverging).',
      ];
    case 'diverged':
      return [
        c.red.bold(
          `The model changed: replay diverged at decision ${result.divergence?.index}: ${result.divergence?.reason}`,
        ),
      ];
  }
}
