/**
 * The replay file format (src/replay/format.ts), described once, with zod like the workload format
 * (see workload.ts for why zod). Strict at every level: an unknown field is an error. Its workload is the
 * workload format with every default written out (`COMPLETE_WORKLOAD`), so a replay never depends on
 * the defaults of the sbsim that reads it.
 *
 * What one field cannot tell alone is checked after the fields (`replayProblems`): every decision picks
 * within its options at its own index, the echoed mutant and switches are the workload's, and the
 * workload's names are declared.
 */
import { z } from 'zod';
import { FACADE_SCRIPT } from '../replay/facade-script.ts';
import type { ReplayFile } from '../replay/format.ts';
import { REPLAY_FORMAT, REPLAY_FORMAT_VERSION } from '../replay/format.ts';
import type { Problem } from './problems.ts';
import { pathText } from './problems.ts';
import { COMPLETE_WORKLOAD, crossProblems } from './workload.ts';

const count = z.int().min(0);
/** Whole milliseconds of virtual time. */
const ms = z.int().min(0);

const size = z.strictObject({
  decisions: count,
  deviations: count,
  steps: count,
  messages: count,
  consumers: count,
  sessions: count,
});

export const REPLAY_FILE = z.strictObject({
  format: z.literal(REPLAY_FORMAT),
  formatVersion: z.literal(REPLAY_FORMAT_VERSION),
  tool: z.strictObject({
    name: z.literal('sbsim'),
    version: z.string(),
    modelHash: z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'must be "sha256:" and 64 lowercase hex digits' }),
  }),
  property: z.strictObject({ id: z.string(), message: z.string(), step: count.nullable(), t: ms.nullable() }),
  mutant: z.string().nullable(),
  switches: COMPLETE_WORKLOAD.shape.switches,
  search: z.strictObject({
    seed: z.int(),
    fastCheck: z.strictObject({ seed: z.int(), path: z.string() }),
  }),
  original: size,
  shrunk: size,
  workload: COMPLETE_WORKLOAD,
  decisions: z.array(
    z.strictObject({
      i: count,
      kind: z.enum(['schedule', 'choice', 'int']),
      name: z.string(),
      n: z.int().min(1),
      pick: z.int(),
      label: z.string(),
    }),
  ),
  /** Only in files the SDK facade's `explore` wrote. */
  facade: FACADE_SCRIPT.optional(),
});

// The schema's output is a ReplayFile: a field added to one and not the other is a compile error. (The
// workload's fields are typed for both modes at once, optional where a workload file may leave them
// out; in a replay file the schema requires them.)
type Output = z.output<typeof REPLAY_FILE>;
const _sameFields: [keyof Output, keyof ReplayFile] extends [keyof ReplayFile, keyof Output] ? true : never = true;
void _sameFields;
export const asReplayFile = (v: Output): ReplayFile => v as unknown as ReplayFile;

/** What the fields of a well-typed replay file may still get wrong together. */
export function replayProblems(file: ReplayFile): Problem[] {
  const problems: Problem[] = [];
  const problem = (code: Problem['code'], path: (string | number)[], text: string): void => {
    const at = pathText('$', path);
    problems.push({ code, path: at, message: `${at} ${text}` });
  };
  file.decisions.forEach((d, index) => {
    if (d.i !== index)
      problem(
        'decision-out-of-range',
        ['decisions', index, 'i'],
        `is ${d.i}, but the decision is number ${index} of the list`,
      );
    else if (d.pick < 0 || d.pick >= d.n)
      problem(
        'decision-out-of-range',
        ['decisions', index, 'pick'],
        `is ${d.pick}, outside the ${d.n} options [0, ${d.n}) of ${d.kind} "${d.name}"`,
      );
  });
  if (file.mutant !== file.workload.mutant)
    problem(
      'inconsistent',
      ['mutant'],
      `is ${JSON.stringify(file.mutant)} but $.workload.mutant is ${JSON.stringify(file.workload.mutant)}; the echo must match the workload`,
    );
  for (const key of Object.keys(file.switches) as (keyof ReplayFile['switches'])[]) {
    if (file.switches[key] !== file.workload.switches[key])
      problem(
        'inconsistent',
        ['switches', key],
        `is ${JSON.stringify(file.switches[key])} but $.workload.switches.${key} is ${JSON.stringify(file.workload.switches[key])}; the echo must match the workload`,
      );
  }
  return [...problems, ...crossProblems(file.workload, 'complete', '$.workload')];
}
