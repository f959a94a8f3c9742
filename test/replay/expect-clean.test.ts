import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { m05 } from '../../models/mutants/M05-max-delivery-off-by-one.ts';
import { PropertyFailure, expectNoViolation } from '../../src/replay/expect-clean.ts';
import { readReplayFile } from '../../src/replay/read.ts';

describe('expectNoViolation (property tests write replay files too)', () => {
  it('passes quietly on the clean model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbsim-clean-'));
    expect(expectNoViolation({ seed: 2, runs: 40, dir }).passed).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('on a violation: throws with the message and the replay command, and the file replays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sbsim-fail-'));
    let failure: unknown;
    try {
      expectNoViolation({ seed: 2, runs: 300, mutant: m05.id, shrinkTimeMs: 2_000, dir });
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(PropertyFailure);
    const f = failure as PropertyFailure;
    expect(f.message).toContain('sbsim replay');
    expect(f.replayFile && existsSync(f.replayFile)).toBe(true);
    expect(readReplayFile(f.replayFile ?? '').file.property.id).toBe('delivery-count');
  });
});
