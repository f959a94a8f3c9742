import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of sbsim's package.json: found by walking up from this file, so that the sources run
 * through tsx and the compiled JavaScript in dist/ find the same package (and the same model sources).
 */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'models'))) return dir;
    if (dirname(dir) === dir) throw new Error(`sbsim: no package.json with models/ above ${from}`);
  }
}
