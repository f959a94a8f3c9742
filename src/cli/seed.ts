/**
 * The seed of a command that takes one (check, mutants, run): `--seed`, else `SBSIM_SEED`, else the
 * command's default. Seeds are 32-bit (fast-check's and the Chooser's PRNGs take 32 bits): a seed outside
 * 0..2^32−1 would silently be the same as another one, so it is refused.
 */
import type { Flag } from './args.ts';
import { UsageError } from './args.ts';
import { SEED_SPAN } from '../check/seeds.ts';

export const MAX_SEED = SEED_SPAN - 1;

export const SEED_FLAG = {
  type: 'int',
  value: 'N',
  help: `the seed, 0..${MAX_SEED} (default: SBSIM_SEED, else a fresh one, printed)`,
} as const satisfies Flag;

/** A fresh seed: the one place a command draws on real randomness (always printed, so it can be repeated). */
export function freshSeed(): number {
  return (Date.now() ^ (Math.random() * SEED_SPAN)) >>> 0;
}

/** The seed: `--seed`, else SBSIM_SEED, else `fallback()` (a fresh one unless said otherwise). */
export function chooseSeed(flag: number | undefined, command: string, fallback: () => number = freshSeed): number {
  if (flag !== undefined) {
    if (!isSeed(flag)) throw new UsageError(`sbsim ${command}: --seed must be between 0 and ${MAX_SEED}, not ${flag}`);
    return flag;
  }
  const env = process.env.SBSIM_SEED;
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (!isSeed(n))
      throw new UsageError(
        `sbsim ${command}: SBSIM_SEED must be a whole number between 0 and ${MAX_SEED}, not "${env}"`,
      );
    return n;
  }
  return fallback();
}

function isSeed(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_SEED;
}
