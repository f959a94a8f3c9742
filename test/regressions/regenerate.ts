/**
 * Regenerates the regression replay files of this directory from their searches (regressions.ts):
 * run the property search against each mutant, shrink, verify by double replay, and write
 * `test/regressions/<mutant>.json`, replacing the old file.
 *
 *   node --import tsx test/regressions/regenerate.ts          # every regression
 *   node --import tsx test/regressions/regenerate.ts M04      # one
 *
 * The files pin the model's past behaviour (README.md): a regeneration accepts a new behaviour, so it
 * is needed only when the model changes on purpose so that a committed schedule diverges. The script
 * ends by listing which files changed (old and new contents compared, with the fields that differ);
 * review the diff of those files (the sizes, the property, the message) before committing them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mutantById } from '../../models/mutants/index.ts';
import { ALL_PROPERTIES } from '../../properties/index.ts';
import { check } from '../../src/check/check.ts';
import { replayFileOf } from '../../src/replay/format.ts';
import { writeReplayFile } from '../../src/replay/write.ts';
import { readReplayFile } from '../../src/replay/read.ts';
import { replay } from '../../src/replay/replay.ts';
import { currentTool } from '../../src/replay/tool.ts';
import { REGRESSIONS, regressionFile } from './regressions.ts';

/** The top-level fields of two replay files whose contents differ. */
function changedFields(before: string, after: string): string[] {
  const a = JSON.parse(before) as Record<string, unknown>;
  const b = JSON.parse(after) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

const changes: string[] = [];
const only = process.argv.slice(2).map((id) => id.toUpperCase());
for (const r of REGRESSIONS.filter((x) => only.length === 0 || only.includes(x.mutant))) {
  const mutant = mutantById(r.mutant);
  if (!mutant) throw new Error(`no mutant ${r.mutant} in the zoo`);
  // The search is held to the pinned property, so a property added later that catches the mutant first
  // (broker-conformance catches most) does not change what the file pins.
  const property = ALL_PROPERTIES.find((p) => p.id === r.property);
  if (!property) throw new Error(`${r.mutant}: no property ${r.property}; update regressions.ts`);
  const report = check({
    seed: r.seed,
    runs: r.runs,
    shrinkTimeMs: 120_000,
    mutant: mutant.id,
    properties: [property],
  });
  const cx = report.counterexample;
  if (!cx)
    throw new Error(
      `${r.mutant}: seed ${r.seed} found no violation in ${r.runs} runs; pick another seed in regressions.ts`,
    );
  if (cx.violation.property !== r.property)
    throw new Error(`${r.mutant}: found ${cx.violation.property}, not ${r.property}; update regressions.ts`);
  const before = existsSync(regressionFile(r)) ? readFileSync(regressionFile(r), 'utf8') : null;
  const path = writeReplayFile(regressionFile(r), replayFileOf(cx, { seed: r.seed }), {
    overwrite: true,
  });
  const after = readFileSync(path, 'utf8');
  if (before === null) changes.push(`new        ${path}`);
  else if (before !== after) changes.push(`CHANGED    ${path} (${changedFields(before, after).join(', ')})`);
  else changes.push(`unchanged  ${path}`);
  const size = (s: typeof cx.shrunk) =>
    `${s.decisions} decisions, ${s.steps} steps, ${s.messages} messages, ${s.consumers} consumers, ${s.sessions} sessions`;
  console.log(
    `${r.mutant} ${cx.violation.property}: ${path}\n  original: ${size(cx.original)}\n  shrunk:   ${size(cx.shrunk)} (${cx.fastCheck.shrinks} shrinks)`,
  );
}

// The example replay file the README shows (examples/order-processing) was written by `explore` against
// the user's code, which this script cannot re-run: it is stamped with the current model hash when it
// still replays to the same violation (test/docs/shown-outputs.test.ts keeps its picture current).
if (only.length === 0) {
  const example = 'examples/order-processing/naive-order-consumer.replay.json';
  const before = readFileSync(example, 'utf8');
  const { file } = readReplayFile(example);
  if (replay(file).outcome !== 'reproduced')
    throw new Error(
      `${example} no longer reproduces: write it again with explore (README: Test your own session code)`,
    );
  writeReplayFile(
    example,
    { ...file, tool: { ...file.tool, modelHash: currentTool().modelHash } },
    { overwrite: true },
  );
  const after = readFileSync(example, 'utf8');
  changes.push(`${before === after ? 'unchanged ' : 'CHANGED   '} ${example}${before === after ? '' : ' (tool)'}`);
}

console.log(`\n${changes.join('\n')}`);
const changed = changes.filter((c) => !c.startsWith('unchanged')).length;
console.log(
  changed === 0
    ? 'No regression file changed.'
    : `${changed} regression file(s) changed: they pin the model's past behaviour, so review the diff (git diff test/regressions) before committing.`,
);
