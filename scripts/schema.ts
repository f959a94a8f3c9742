/**
 * Writes the files generated from the zod schemas: the JSON Schema files of the workload, replay and check
 * report formats (schema/*.schema.json) and the workload field reference (docs/workload-reference.md),
 * formatted as the repository formats them. `npm run schema`; test/schema/json-schema.test.ts and
 * test/schema/reference.test.ts fail when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSchemaFiles } from './schema-files.ts';
import { PACKAGE_ROOT } from '../src/package-root.ts';

for (const [path, text] of Object.entries(await formatSchemaFiles())) {
  writeFileSync(join(PACKAGE_ROOT, path), text);
  console.log(`wrote ${path}`);
}
