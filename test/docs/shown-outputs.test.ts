/**
 * The command output README.md and the guide show is what the commands print today (scripts/shown-outputs.ts:
 * every fenced block that starts with `$ sbsim …`, run in-process in order, `...` abridging), and the
 * files that are a command's whole output are current. `node --import tsx scripts/shown-outputs.ts`
 * prints what a stale block should show.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DOCUMENTS,
  matches,
  runBlock,
  runCommand,
  shownBlocks,
  WHOLE_OUTPUTS,
  workspace,
} from '../../scripts/shown-outputs.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';

describe('matching a shown block', () => {
  it('`...` stands for any number of lines, every other line must be there, in order', () => {
    expect(matches(['a', '...', 'd'], ['a', 'b', 'c', 'd'])).toBe(true);
    expect(matches(['a', '...', 'd'], ['a', 'd'])).toBe(true);
    expect(matches(['...', 'c'], ['a', 'b', 'c'])).toBe(true);
    expect(matches(['a', 'c'], ['a', 'b', 'c'])).toBe(false);
    expect(matches(['a', '...', 'x'], ['a', 'b', 'c'])).toBe(false);
    expect(matches(['a', 'b'], ['a', 'b', 'c'])).toBe(false);
  });

  it('wall-clock figures and trailing blanks are not compared; everything else is', () => {
    expect(matches(['runs: 3 (0.9/s) in 3.3 s, seed 3'], ['runs: 3 (12/s) in 0.2 s, seed 3  '])).toBe(true);
    expect(matches(['runs: 3 (0.9/s) in 3.3 s, seed 3'], ['runs: 4 (0.9/s) in 3.3 s, seed 3'])).toBe(false);
  });
});

for (const file of DOCUMENTS) {
  describe(`${file}: the command output it shows`, () => {
    const blocks = shownBlocks(readFileSync(join(PACKAGE_ROOT, file), 'utf8'), file);
    // One scratch directory per document: a later block may replay the file an earlier block's check wrote.
    const space = workspace();
    afterAll(() => space.dispose());

    it('shows some', () => {
      expect(blocks.length).toBeGreaterThan(0);
    });

    for (const block of blocks) {
      it(`line ${block.line}: $ ${block.steps[0]?.command}`, async () => {
        for (const r of await runBlock(block, space.dir)) {
          const shown = `${file}:${block.line} $ ${r.step.command} prints today:\n${r.actual.join('\n')}\n`;
          expect(r.ok, shown).toBe(true);
        }
      });
    }
  });
}

describe('files that are a command’s whole output', () => {
  for (const { file, command } of WHOLE_OUTPUTS) {
    it(`${file} is what \`${command}\` prints`, async () => {
      const now = `${(await runCommand(command, PACKAGE_ROOT)).stdout.join('\n')}\n`;
      expect(readFileSync(join(PACKAGE_ROOT, file), 'utf8')).toBe(now);
    });
  }
});
