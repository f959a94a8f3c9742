/**
 * Writing replay files: what is written reads back as the same file, byte for byte; the same
 * counterexample always gives the same bytes; nothing is written that does not replay; an existing file
 * is never replaced unless asked.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReplayFile, REPLAY_FORMAT, REPLAY_FORMAT_VERSION } from '../../src/replay/format.ts';
import { hashModelSources, modelHash, modelSourceFiles } from '../../src/replay/model-hash.ts';
import { parseReplay, readReplayFile } from '../../src/replay/read.ts';
import {
  defaultReplayFileName,
  NondeterminismError,
  numbered,
  ReplayExistsError,
  writeReplayFile,
} from '../../src/replay/write.ts';
import { clone, m03File, m03Text, tempDir } from './fixture.ts';

describe('replay file: write and read back', () => {
  it('round trip: the file read back equals the file written, and formats to the same bytes', () => {
    const dir = tempDir();
    const file = m03File();
    const path = writeReplayFile(join(dir, 'a.json'), file);
    const text = readFileSync(path, 'utf8');
    const { file: back, warnings } = readReplayFile(path);
    expect(warnings).toEqual([]);
    expect(back).toEqual(clone(file));
    expect(formatReplayFile(back)).toBe(text);
  });

  it('the same counterexample writes byte-identical files: no clock, no host, no path in the file', () => {
    const dir = tempDir();
    const a = readFileSync(writeReplayFile(join(dir, 'a.json'), m03File()), 'utf8');
    const b = readFileSync(writeReplayFile(join(dir, 'b.json'), m03File()), 'utf8');
    expect(a).toBe(b);
    expect(a).not.toMatch(/createdAt|date|time"|host|\/tmp/i);
    expect(a.endsWith('}\n')).toBe(true);
  });

  it('the envelope: format, version, tool with version and model hash, the switches echoed, the mutant, the search', () => {
    const file = JSON.parse(m03Text()) as Record<string, unknown>;
    expect(Object.keys(file)).toEqual([
      'format',
      'formatVersion',
      'tool',
      'property',
      'mutant',
      'switches',
      'search',
      'original',
      'shrunk',
      'workload',
      'decisions',
    ]);
    expect(file.format).toBe(REPLAY_FORMAT);
    expect(file.formatVersion).toBe(REPLAY_FORMAT_VERSION);
    expect(file.tool).toEqual({ name: 'sbsim', version: '0.1.0', modelHash: modelHash() });
    expect(file.mutant).toBe('M03');
    expect(file.switches).toEqual((file.workload as { switches: unknown }).switches);
    expect(file.search).toEqual({ seed: 7, fastCheck: { seed: 7, path: '3:0:1' } });
    expect((file.workload as { mutant: unknown }).mutant).toBe('M03');
  });

  it('each decision is written on a line of its own, with its index', () => {
    const text = m03Text();
    const lines = text.split('\n').filter((l) => l.trimStart().startsWith('{ "i": '));
    expect(lines).toHaveLength(m03File().decisions.length);
    expect(lines[0]).toContain('"i": 0, "kind": "schedule", "name": "deliver"');
  });

  it('the model hash is sha256 over every models/**/*.ts file, and changes with any of them', () => {
    expect(modelHash()).toMatch(/^sha256:[0-9a-f]{64}$/);
    const files = modelSourceFiles();
    expect(files).toContain('mutants/M03-abandon-to-tail.ts');
    expect(files).toEqual([...files].sort());
    const dir = tempDir();
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\n');
    const before = hashModelSources(dir);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;\n');
    expect(hashModelSources(dir)).not.toBe(before);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;\r\n');
    expect(hashModelSources(dir)).toBe(before);
  });

  it('the default name is sbsim-failure-<property>-<seed>.json', () => {
    expect(defaultReplayFileName(m03File())).toBe('sbsim-failure-fifo-delivery-7.json');
    expect(numbered('/x/sbsim-failure-ttl-3.json', 2)).toBe('/x/sbsim-failure-ttl-3-2.json');
  });
});

describe('replay file: never overwrite, never half-write', () => {
  it('refuses to overwrite an existing file and leaves it as it was', () => {
    const dir = tempDir();
    const path = join(dir, 'taken.json');
    writeFileSync(path, 'precious');
    expect(() => writeReplayFile(path, m03File())).toThrow(ReplayExistsError);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['taken.json']);
  });

  it('with unique, writes the next free -2, -3… name instead', () => {
    const dir = tempDir();
    const path = join(dir, 'f.json');
    writeFileSync(path, 'one');
    writeFileSync(join(dir, 'f-2.json'), 'two');
    expect(writeReplayFile(path, m03File(), { unique: true })).toBe(join(dir, 'f-3.json'));
    expect(readFileSync(path, 'utf8')).toBe('one');
    expect(readdirSync(dir).sort()).toEqual(['f-2.json', 'f-3.json', 'f.json']);
  });

  it('replaces a file only when told to, through a rename (no temporary file left)', () => {
    const dir = tempDir();
    const path = join(dir, 'f.json');
    writeFileSync(path, 'old');
    writeReplayFile(path, m03File(), { overwrite: true });
    expect(parseReplay(readFileSync(path, 'utf8')).file.property.id).toBe('fifo-delivery');
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('writes nothing when the decisions do not reproduce the recorded violation (NondeterminismError)', () => {
    const dir = tempDir();
    const file = { ...m03File(), property: { ...m03File().property, message: 'something else happened' } };
    expect(() => writeReplayFile(join(dir, 'f.json'), file)).toThrow(NondeterminismError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes nothing when the decisions no longer fit the model', () => {
    const dir = tempDir();
    const file = m03File();
    const decisions = file.decisions.map((d, i) => (i === 0 ? { ...d, label: 'timer consumer:c9|start@0' } : d));
    expect(() => writeReplayFile(join(dir, 'f.json'), { ...file, decisions })).toThrow(
      /nondeterministic: the first replay .* diverged at decision 0/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
