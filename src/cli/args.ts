/**
 * A small, strict argument parser: every command declares its flags; anything else is a usage error
 * (exit 2) with one clear message.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type FlagKind = 'boolean' | 'string' | 'int' | 'number';

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | number | boolean>;
}

export function parseArgs(
  argv: readonly string[],
  spec: Readonly<Record<string, FlagKind>>,
  command: string,
): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (!kind) {
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      throw new UsageError(`sbsim ${command}: unknown option --${name}${known ? ` (known: ${known})` : ''}`);
    }
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`sbsim ${command}: --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined || raw === '') throw new UsageError(`sbsim ${command}: --${name} needs a value`);
    if (kind === 'string') flags[name] = raw;
    else {
      const value = Number(raw);
      if (!Number.isFinite(value) || (kind === 'int' && !Number.isInteger(value))) {
        throw new UsageError(
          `sbsim ${command}: --${name} takes ${kind === 'int' ? 'a whole number' : 'a number'}, not "${raw}"`,
        );
      }
      flags[name] = value;
    }
  }
  return { positionals, flags };
}
