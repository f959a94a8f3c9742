/**
 * Prints one line per seed of the standard workload: `seed sha256`, the hash of the JSON of
 * {trace, decisions, final}. The determinism test runs this in separate Node processes and compares.
 *
 * Usage: node --import tsx test/helpers/seed-hashes.ts [FIRST_SEED] [COUNT] [full|facts]
 */
import { runHashes } from './run-hashes.ts';

const first = Number(process.argv[2] ?? 0);
const count = Number(process.argv[3] ?? 200);
const level = process.argv[4] === 'facts' ? 'facts' : 'full';
process.stdout.write(
  runHashes(first, count, level)
    .map((h, i) => `${first + i} ${h}\n`)
    .join(''),
);
