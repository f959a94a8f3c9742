/**
 * Writes the JSON Schema files of the workload, replay and check report formats (schema/*.schema.json)
 * from the zod schemas, formatted as the repository formats JSON. `npm run schema`;
 * test/schema/json-schema.test.ts fails when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSchemaFiles } from './schema-files.ts';
import { PACKAGE_ROOT } from '../src/package-root.ts';

for (const [path, text] of Object.entries(await formatSchemaFiles())) {
  writeFileSync(join(PACKAGE_ROOT, path), text);
  console.log(`wrote ${path}`);
}
