/**
 * Behaviour fingerprint of the model: for generated workloads (correct model) and for every mutant, the
 * sha256 of each run's trace and decisions, and of its final broker state. A refactor of the machines
 * that keeps behaviour keeps every line; diff two outputs to see which runs changed. `behaviour=` leaves
 * out the machines' state names (a rebuilt chart may name its states otherwise); `trace=` and `final=` do not.
 *
 * Usage: node --import tsx scripts/behaviour-hashes.ts [CORRECT_RUNS=200] [RUNS_PER_MUTANT=25] > FILE
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MUTANTS } from '../models/mutants/index.ts';
import { scheduleArb } from '../properties/arbitraries/schedule.ts';
import { workloadArb } from '../properties/arbitraries/workload.ts';
import { Chooser, seededSource } from '../src/sim/chooser.ts';
import { pctSource } from '../src/sim/pct.ts';
import { World } from '../src/world/world.ts';
import { normalizeWorkload } from '../src/world/workload.ts';

const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

function line(i: number, mutant: string | null): string {
  const [input] = fc.sample(workloadArb(), { seed: i, numRuns: 1 });
  const workload = normalizeWorkload({ ...(input ?? {}), mutant });
  const strategy = i % 3;
  const chooser =
    strategy === 0
      ? Chooser.fromList(fc.sample(scheduleArb(), { seed: i, numRuns: 1 })[0] ?? [])
      : strategy === 1
        ? new Chooser(seededSource(i))
        : new Chooser(pctSource(i, { depth: 3, expectedLength: 200 }));
  try {
    const run = new World(workload, { chooser, trace: 'full' }).run();
    // State names blanked: a chart rebuilt with other state names keeps this hash if it keeps its behaviour.
    const blank = run.trace.map((e) => (e.k === 'deliver' ? { ...e, before: '', after: '' } : e));
    const consumers = Object.values(run.final.consumers).map((c) => ({ ...c, state: '' }));
    // Facts only: what happened and every decision, without the deliveries that carry it (a cut round
    // trip changes the deliveries, never the facts or the decisions).
    const said = run.trace.filter((e) => e.k !== 'deliver');
    return [
      `${mutant ?? 'correct'} ${i}`,
      `facts=${sha({ said, decisions: run.decisions, entities: run.final.entities })}`,
      `behaviour=${sha({ trace: blank, decisions: run.decisions, entities: run.final.entities, consumers })}`,
      `trace=${sha({ trace: run.trace, decisions: run.decisions })} final=${sha(run.final)} steps=${run.steps}`,
    ].join(' ');
  } catch (e) {
    return `${mutant ?? 'correct'} ${i} threw ${(e as Error).message.slice(0, 120)}`;
  }
}

const correctRuns = Number(process.argv[2] ?? 200);
const perMutant = Number(process.argv[3] ?? 25);
const out: string[] = [];
for (let i = 0; i < correctRuns; i++) out.push(line(i, null));
for (const m of MUTANTS) for (let i = 0; i < perMutant; i++) out.push(line(1000 + i, m.id));
process.stdout.write(out.join('\n') + '\n');
