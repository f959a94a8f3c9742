/** Which sbsim wrote a replay file: its name, its version (package.json) and the hash of its models. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.ts';
import { modelHash } from './model-hash.ts';

export interface ToolInfo {
  readonly name: 'sbsim';
  /** The `version` of package.json. */
  readonly version: string;
  /** `sha256:<hex>` over the model sources (model-hash.ts). */
  readonly modelHash: string;
}

let version: string | undefined;

export function toolVersion(): string {
  if (version === undefined) {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    version = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  }
  return version;
}

export function currentTool(): ToolInfo {
  return { name: 'sbsim', version: toolVersion(), modelHash: modelHash() };
}
