/**
 * The JSON Schema files under schema/, generated from the zod schemas with `z.toJSONSchema`: one source
 * for the reader, the writer and the editor. `npm run schema` writes them (scripts/schema.ts); a test
 * keeps the committed files equal to these.
 *
 * The workload file's schema describes what may be written (`io: 'input'`: a field with a default may be
 * left out); the replay file's requires every field, as a replay file carries them all. The check
 * report's is what `sbsim check --json` prints and `sbsim merge` reads.
 */
import { z } from 'zod';
import { CHECK_REPORT_FILE } from './check-report.ts';
import { REPLAY_FILE } from './replay.ts';
import { WORKLOAD_FILE } from './workload.ts';

export const SCHEMA_FILES = {
  'schema/workload.schema.json': () =>
    document(WORKLOAD_FILE, {
      title: 'sbsim workload',
      description:
        'A workload for sbsim (sbsim check --workload FILE, sbsim run --workload FILE): entities, messages, consumers, faults and bounds. Every field with a default may be left out. Unknown fields are errors.',
    }),
  'schema/replay.schema.json': () =>
    document(REPLAY_FILE, {
      title: 'sbsim replay file',
      description:
        'A failing schedule found by sbsim check, replayed by sbsim replay FILE (format version 2). Written by sbsim, never by hand.',
    }),
  'schema/check-report.schema.json': () =>
    document(CHECK_REPORT_FILE, {
      title: 'sbsim check report',
      description:
        'The report sbsim check --json prints (format version 1); sbsim merge combines the reports of the shards of one search (--shard I/N). Written by sbsim, never by hand.',
    }),
} as const;

function document(schema: z.ZodType, about: { title: string; description: string }): string {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ $schema, ...about, ...rest }, null, 2)}\n`;
}
