/**
 * Reading replay files: each way a file can be wrong ends in a ReplayFileError with its own code and a
 * message naming the JSON path; a changed model is a warning, not an error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReplayFileErrorCode } from '../../src/replay/read.ts';
import { parseReplay, readReplayFile, ReplayFileError } from '../../src/replay/read.ts';
import { normalizeWorkload } from '../../src/world/workload.ts';
import { clone, m03File, m03Text, tempDir } from './fixture.ts';

type Json = Record<string, unknown>;

function errorOf(run: () => unknown): ReplayFileError {
  try {
    run();
  } catch (e) {
    if (e instanceof ReplayFileError) return e;
    throw e;
  }
  throw new Error('expected a ReplayFileError, but the file was accepted');
}

/** The fixture as plain JSON, edited by `edit`, then parsed. */
function readEdited(edit: (file: Json) => void): ReplayFileError {
  const file = JSON.parse(m03Text()) as Json;
  edit(file);
  return errorOf(() => parseReplay(JSON.stringify(file), 'edited.json'));
}

function expectCode(e: ReplayFileError, code: ReplayFileErrorCode, message?: RegExp): void {
  expect(e.code, e.message).toBe(code);
  if (message) expect(e.message).toMatch(message);
}

const at = (o: unknown, ...keys: (string | number)[]): Json =>
  keys.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], o) as Json;

describe('replay file: reading', () => {
  it('a valid file reads with no warnings', () => {
    const { file, warnings } = parseReplay(m03Text());
    expect(file).toEqual(clone(m03File()));
    expect(warnings).toEqual([]);
  });

  it('missing: no such file', () => {
    expectCode(
      errorOf(() => readReplayFile(join(tempDir(), 'nope.json'))),
      'missing',
      /nope\.json: no such file/,
    );
  });

  it('unreadable: a directory', () => {
    const dir = join(tempDir(), 'd.json');
    mkdirSync(dir);
    expectCode(
      errorOf(() => readReplayFile(dir)),
      'unreadable',
      /cannot be read/,
    );
  });

  it('not-json, truncated and empty files are told apart', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), 'format: sbsim-replay');
    expectCode(
      errorOf(() => readReplayFile(join(dir, 'bad.json'))),
      'not-json',
      /^bad\.json|not JSON/,
    );
    writeFileSync(join(dir, 'cut.json'), m03Text().slice(0, 500));
    expectCode(
      errorOf(() => readReplayFile(join(dir, 'cut.json'))),
      'truncated',
      /cut short/,
    );
    writeFileSync(join(dir, 'empty.json'), '');
    expectCode(
      errorOf(() => readReplayFile(join(dir, 'empty.json'))),
      'truncated',
      /empty/,
    );
  });

  it('wrong-format: another JSON document, or another format', () => {
    expectCode(
      errorOf(() => parseReplay('[1, 2]')),
      'wrong-format',
      /top level is an array/,
    );
    expectCode(
      readEdited((f) => delete f.format),
      'wrong-format',
      /no "format" field/,
    );
    expectCode(
      readEdited((f) => (f.format = 'sb-harness-replay')),
      'wrong-format',
      /"sb-harness-replay"/,
    );
    expectCode(
      readEdited((f) => (f.formatVersion = 0)),
      'wrong-format',
      /version 0 does not exist/,
    );
  });

  it('newer-version: reported as newer even when the newer file has fields this version does not know', () => {
    const e = readEdited((f) => {
      f.formatVersion = 3;
      f.somethingNew = { a: 1 };
    });
    expectCode(e, 'newer-version', /version 3; this sbsim reads version 2 only/);
  });

  it('unknown-field: anywhere, with its JSON path', () => {
    expectCode(
      readEdited((f) => (f.createdAt = '2024-01-01')),
      'unknown-field',
      /\$\.createdAt is not a field/,
    );
    const e = readEdited((f) => (at(f, 'workload', 'entities', 0).lockDurationMS = 5));
    expectCode(e, 'unknown-field', /\$\.workload\.entities\[0\]\.lockDurationMS/);
    expect(e.path).toBe('$.workload.entities[0].lockDurationMS');
    expectCode(
      readEdited((f) => (at(f, 'workload').bugs = { abandonToTail: true })),
      'unknown-field',
      /\$\.workload\.bugs is not a field/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload').mutant = 'M99')),
      'bad-value',
      /\$\.workload\.mutant/,
    );
  });

  it('missing-field and wrong-type: with the JSON path and what was found', () => {
    expectCode(
      readEdited((f) => delete at(f, 'workload', 'consumers', 0).renewal),
      'missing-field',
      /\$\.workload\.consumers\[0\]\.renewal is missing/,
    );
    expectCode(
      readEdited((f) => (at(f, 'decisions', 1).pick = '0')),
      'wrong-type',
      /\$\.decisions\[1\]\.pick must be a whole number, not the string "0"/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload').maxSteps = 1.5)),
      'wrong-type',
      /maxSteps must be a whole number/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'consumers', 0).processingMs = [10])),
      'wrong-type',
      /processingMs must be an array of two values/,
    );
    expectCode(
      readEdited((f) => (at(f, 'property').step = 'eleven')),
      'wrong-type',
      /\$\.property\.step/,
    );
  });

  it('bad-value: unknown enum members, negative durations, a malformed model hash', () => {
    expectCode(
      readEdited((f) => (at(f, 'workload', 'switches').crashSemantics = 'explode')),
      'bad-value',
      /one of "release", "lockExpiry"/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'consumers', 0).outcomes = ['complete', 'vanish'])),
      'bad-value',
      /outcomes\[1\]/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'messages', 0).atMs = -1)),
      'bad-value',
      /at least 0/,
    );
    expectCode(
      readEdited((f) => (at(f, 'tool').modelHash = 'md5:abc')),
      'bad-value',
      /sha256/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload').maxSteps = 100_000_000)),
      'bad-value',
      /maxSteps must be at most 10000000/,
    );
  });

  it('milliseconds are whole and safe: a fraction or an unsafe number blames the file, not the model', () => {
    const fraction = readEdited((f) => (at(f, 'workload', 'messages', 1).atMs = 1.5));
    expectCode(fraction, 'wrong-type', /\$\.workload\.messages\[1\]\.atMs must be a whole number, not the number 1\.5/);
    expectCode(
      readEdited((f) => (at(f, 'workload', 'consumers', 0).receiveWaitMs = 2 ** 60)),
      'wrong-type',
      /\$\.workload\.consumers\[0\]\.receiveWaitMs must be a whole number/,
    );
    expectCode(
      readEdited((f) => (at(f, 'property').t = 10.25)),
      'wrong-type',
      /\$\.property\.t must be a whole number or null, not the number 10\.25/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'switches').gcTickMs = 1e300)),
      'wrong-type',
      /gcTickMs must be a whole number/,
    );
  });

  it('decision-out-of-range: a pick outside [0, n), or a decision out of its place', () => {
    expectCode(
      readEdited((f) => (at(f, 'decisions', 1).pick = 2)),
      'decision-out-of-range',
      /\$\.decisions\[1\]\.pick is 2, outside the 2 options \[0, 2\)/,
    );
    expectCode(
      readEdited((f) => (at(f, 'decisions', 0).pick = -1)),
      'decision-out-of-range',
      /pick is -1/,
    );
    expectCode(
      readEdited((f) => (f.decisions as unknown[]).reverse()),
      'decision-out-of-range',
      /\$\.decisions\[0\]\.i is 1, but the decision is number 0/,
    );
  });

  it('invalid-workload: the entity limits, by normalizeWorkload', () => {
    expectCode(
      readEdited((f) => (at(f, 'workload', 'entities', 0).lockDurationMs = 600_000)),
      'invalid-workload',
      /\$\.workload\.entities\[0\]\.lockDurationMs is 600000; the service allows more than 0 and at most 300000/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'entities', 0).maxDeliveryCount = 0)),
      'invalid-workload',
      /\$\.workload\.entities\[0\]\.maxDeliveryCount is 0; the minimum is 1/,
    );
    expectCode(
      readEdited((f) => (at(f, 'workload', 'consumers', 0).entity = 'elsewhere')),
      'invalid-workload',
      /receives from "elsewhere"/,
    );
  });

  it('inconsistent: the echoed switches must be the workload’s', () => {
    expectCode(
      readEdited((f) => (at(f, 'switches').sessionWideExpiry = true)),
      'inconsistent',
      /\$\.switches\.sessionWideExpiry is true but \$\.workload\.switches\.sessionWideExpiry is false/,
    );
  });

  it('a workload with topics reads (subscriptions keep their full paths)', () => {
    const workload = normalizeWorkload({
      topics: [{ name: 't', subscriptions: [{ name: 'a' }, { name: 'b' }] }],
      messages: [{ messageId: 'm1', sessionId: 's1', to: 't' }],
      consumers: [{ id: 'c1', entity: 't/Subscriptions/a' }],
    });
    const file = { ...clone(m03File()), mutant: null, workload, switches: workload.switches };
    expect(parseReplay(JSON.stringify(file)).file.workload.topics[0]?.subscriptions[1]?.name).toBe('t/Subscriptions/b');
    const renamed = clone(file) as unknown as Json;
    at(renamed, 'workload', 'topics', 0, 'subscriptions', 0).name = 'a';
    expectCode(
      errorOf(() => parseReplay(JSON.stringify(renamed))),
      'invalid-workload',
      /named "t\/Subscriptions\/<name>"/,
    );
  });

  it('the file names its mutant twice (echo and workload); the two must agree', () => {
    expectCode(
      readEdited((f) => (f.mutant = 'M04')),
      'inconsistent',
      /\$\.mutant is "M04" but \$\.workload\.mutant is "M03"/,
    );
  });

  it('a version-1 file (mutant named by its seeded-bug flag) still reads, as the mutant of that flag', () => {
    const v1 = (edit: (w: Json) => void): string => {
      const file = JSON.parse(m03Text()) as Json;
      file.formatVersion = 1;
      const w = at(file, 'workload');
      delete w.mutant;
      edit(w);
      return JSON.stringify(file);
    };
    const read = parseReplay(v1((w) => (w.bugs = { abandonToTail: true })));
    expect(read.file.workload.mutant).toBe('M03');
    expect(read.file.formatVersion).toBe(2);
    expectCode(
      errorOf(() => parseReplay(v1((w) => (w.bugs = { noSuchBug: true })))),
      'bad-value',
      /\$\.workload\.bugs\.noSuchBug is not a seeded bug/,
    );
  });

  it('a different model hash is a warning, not an error; so is an unknown property', () => {
    const file = JSON.parse(m03Text()) as Json;
    at(file, 'tool').modelHash = `sha256:${'0'.repeat(64)}`;
    at(file, 'property').id = 'no-such-property';
    const { warnings } = parseReplay(JSON.stringify(file));
    expect(warnings.map((w) => w.code)).toEqual(['model-changed', 'unknown-property']);
    expect(warnings[0]?.message).toMatch(/the model changed since this file was written/);
  });

  it('a UTF-8 byte order mark is allowed', () => {
    expect(parseReplay(`\uFEFF${m03Text()}`).file.property.id).toBe('fifo-delivery');
  });
});
