/**
 * The files generated from the zod schemas, as committed: the JSON Schema files (src/schema/json-schema.ts)
 * and the workload field reference (scripts/workload-reference.ts), each formatted by prettier.
 */
import { join } from 'node:path';
import prettier from 'prettier';
import { PACKAGE_ROOT } from '../src/package-root.ts';
import { SCHEMA_FILES } from '../src/schema/json-schema.ts';
import { workloadReference } from './workload-reference.ts';

export const GENERATED_FILES: Readonly<Record<string, () => string>> = {
  ...SCHEMA_FILES,
  'docs/workload-reference.md': workloadReference,
};

export async function formatSchemaFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, generate] of Object.entries(GENERATED_FILES)) {
    const file = join(PACKAGE_ROOT, path);
    const options = (await prettier.resolveConfig(file)) ?? {};
    out[path] = await prettier.format(generate(), { ...options, filepath: file });
  }
  return out;
}
