#!/usr/bin/env node
// The sbsim command. `npm install` compiles the sources to dist/ (the `prepare` script), and the command
// runs that JavaScript: it starts in a fraction of the time TypeScript compilation through tsx takes.
// When dist/ is missing, or older than any source (an edit since the last build), it runs the
// TypeScript sources through tsx instead, so a fresh clone and a working copy both always run the code
// as it is.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Output that cannot be written (a closed pipe, a full disk) is handled by the command itself
// (src/cli/io.ts): one line and exit 2, never a stack trace.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');

/** The newest modification time of the TypeScript sources the compiled output is built from. */
function newestSourceMs() {
  let newest = 0;
  for (const dir of ['src', 'models', 'properties']) {
    for (const rel of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })) {
      if (rel.endsWith('.ts')) newest = Math.max(newest, statSync(join(root, dir, rel)).mtimeMs);
    }
  }
  return newest;
}

const fresh =
  process.env.SBSIM_FROM_SOURCE !== '1' && existsSync(compiled) && statSync(compiled).mtimeMs >= newestSourceMs();

let main;
if (fresh) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
