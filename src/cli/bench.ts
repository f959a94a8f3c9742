import type { Io } from './main.ts';

/** Placeholder until the benchmark lands. */
export async function benchCommand(_argv: readonly string[], io: Io): Promise<number> {
  io.err('sbsim bench: not built yet');
  return 2;
}
