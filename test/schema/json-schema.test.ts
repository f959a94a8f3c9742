/**
 * The JSON Schema files under schema/ are generated from the zod schemas (`npm run schema`): the
 * committed files must be what the generator writes today, so an editor checks a workload file against
 * the same description the reader uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSchemaFiles } from '../../scripts/schema-files.ts';
import { PACKAGE_ROOT } from '../../src/package-root.ts';

describe('schema/: the JSON Schema files', () => {
  it('are equal to the ones generated from the zod schemas (run `npm run schema` after changing them)', async () => {
    for (const [path, text] of Object.entries(await formatSchemaFiles())) {
      expect(readFileSync(join(PACKAGE_ROOT, path), 'utf8'), path).toBe(text);
    }
  });

  it('the workload schema allows "$schema" and is strict at every level', () => {
    const workload = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema/workload.schema.json'), 'utf8')) as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    expect(Object.keys(workload.properties)).toContain('$schema');
    expect(workload.additionalProperties).toBe(false);
    const text = readFileSync(join(PACKAGE_ROOT, 'schema/workload.schema.json'), 'utf8');
    expect(text).not.toMatch(/"additionalProperties": (true|\{)/);
  });
});
