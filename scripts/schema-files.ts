/** The schema files as committed: generated (src/schema/json-schema.ts), then formatted by prettier. */
import { join } from 'node:path';
import prettier from 'prettier';
import { PACKAGE_ROOT } from '../src/package-root.ts';
import { SCHEMA_FILES } from '../src/schema/json-schema.ts';

export async function formatSchemaFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [path, generate] of Object.entries(SCHEMA_FILES)) {
    const file = join(PACKAGE_ROOT, path);
    const options = (await prettier.resolveConfig(file)) ?? {};
    out[path] = await prettier.format(generate(), { ...options, filepath: file });
  }
  return out;
}
