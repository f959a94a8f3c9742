/**
 * The guide docs/describe-your-consumers.md and its example workloads (examples/workloads/): each example
 * is a valid workload that runs clean, the guide shows each one as it is committed and runs it, and the
 * guide, the reference and the README link each other. What the guide's commands print is checked by
 * shown-outputs.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAll } from '../../properties/index.ts';
import { shownBlocks } from '../../scripts/shown-outputs.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';
import { parseWorkload } from '../../src/schema/workload.ts';
import { runWorkload } from '../../src/world/run.ts';

const GUIDE = 'docs/describe-your-consumers.md';
const guide = readFileSync(join(PACKAGE_ROOT, GUIDE), 'utf8');
const DIR = 'examples/workloads';
const examples = readdirSync(join(PACKAGE_ROOT, DIR))
  .filter((f) => f.endsWith('.json'))
  .sort();

describe(`${DIR}: the guide's example workloads`, () => {
  it('there are examples for each part of the guide', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of examples) {
    it(`${file} is a workload that runs under seed 1 within its bounds, every property holding`, () => {
      const json = JSON.parse(readFileSync(join(PACKAGE_ROOT, DIR, file), 'utf8')) as Record<string, unknown>;
      expect(json.$schema, 'names the JSON Schema for editors').toBe('../../schema/workload.schema.json');
      const workload = parseWorkload(json, `${DIR}/${file}`);
      expect(workload.name).toBe(file.replace(/\.json$/, ''));
      const run = runWorkload(workload, { seed: 1 });
      expect(run.hitBound).toBe(false);
      expect(run.trace.length).toBeGreaterThan(0);
      expect(checkAll({ workload, trace: run.trace, final: run.final, hitBound: run.hitBound })).toEqual([]);
    });
  }
});

describe(GUIDE, () => {
  /** The example files the guide shows, by the caption line before each JSON block. */
  const shown = new Map(
    [...guide.matchAll(/^`(examples\/workloads\/[\w-]+\.json)`:\n\n```json\n([\s\S]*?)```/gm)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  );

  it('shows every example as it is committed', () => {
    expect([...shown.keys()].sort()).toEqual(examples.map((f) => `${DIR}/${f}`));
    for (const [path, text] of shown) {
      expect(JSON.parse(text), path).toEqual(JSON.parse(readFileSync(join(PACKAGE_ROOT, path), 'utf8')));
    }
  });

  it('runs every example with a command whose output it shows', () => {
    const commands = shownBlocks(guide, GUIDE).flatMap((b) => b.steps.map((s) => s.command));
    for (const f of examples) {
      expect(
        commands.some((c) => c.includes(`--workload ${DIR}/${f}`)),
        f,
      ).toBe(true);
    }
  });

  it('walks through consumers, sessions, TTL, switches, topics and faults, linking the reference', () => {
    for (const heading of [
      'Consumers',
      'renewal',
      'Sessions',
      'TTL',
      'Switches',
      'Topics and subscription paths',
      'Faults',
    ])
      expect(guide).toMatch(new RegExp(`^## .*${heading}`, 'm'));
    expect(guide).toContain('(workload-reference.md)');
    expect(readFileSync(join(PACKAGE_ROOT, 'docs/workload-reference.md'), 'utf8')).toContain(
      '(describe-your-consumers.md)',
    );
  });

  it('the README and the docs index link the guide and the reference', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('(docs/describe-your-consumers.md)');
    expect(readme).toContain('(docs/workload-reference.md)');
    const index = readFileSync(join(PACKAGE_ROOT, 'docs/README.md'), 'utf8');
    expect(index).toContain('(describe-your-consumers.md)');
    expect(index).toContain('(workload-reference.md)');
  });
});
