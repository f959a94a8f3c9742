/**
 * Regenerates the regression replay files of this directory from their searches (regressions.ts):
 * run the property search against each mutant, shrink, verify by double replay, and write
 * `test/regressions/<mutant>.json`, replacing the old file.
 *
 *   node --import tsx test/regressions/regenerate.ts          # every regression
 *   node --import tsx test/regressions/regenerate.ts M04      # one
 *
 * Needed when the model changes on purpose so that a committed schedule diverges; review the diff of
 * the files (the sizes, the property, the message) before committing them.
 */
import { mutantById } from '../../models/mutants/index.ts';
import { check } from '../../src/check/check.ts';
import { replayFileOf } from '../../src/replay/format.ts';
import { writeReplayFile } from '../../src/replay/write.ts';
import { REGRESSIONS, regressionFile } from './regressions.ts';

const only = process.argv.slice(2).map((id) => id.toUpperCase());
for (const r of REGRESSIONS.filter((x) => only.length === 0 || only.includes(x.mutant))) {
  const mutant = mutantById(r.mutant);
  if (!mutant) throw new Error(`no mutant ${r.mutant} in the zoo`);
  const report = check({ seed: r.seed, runs: r.runs, shrinkTimeMs: 120_000, bugs: mutant.bugs });
  const cx = report.counterexample;
  if (!cx)
    throw new Error(
      `${r.mutant}: seed ${r.seed} found no violation in ${r.runs} runs; pick another seed in regressions.ts`,
    );
  if (cx.violation.property !== r.property)
    throw new Error(`${r.mutant}: found ${cx.violation.property}, not ${r.property}; update regressions.ts`);
  const path = writeReplayFile(regressionFile(r), replayFileOf(cx, { seed: r.seed, mutant: mutant.id }), {
    overwrite: true,
  });
  const size = (s: typeof cx.shrunk) =>
    `${s.decisions} decisions, ${s.steps} steps, ${s.messages} messages, ${s.consumers} consumers, ${s.sessions} sessions`;
  console.log(
    `${r.mutant} ${cx.violation.property}: ${path}\n  original: ${size(cx.original)}\n  shrunk:   ${size(cx.shrunk)} (${cx.fastCheck.shrinks} shrinks)`,
  );
}
