/**
 * Seeds are 32-bit: fast-check reads a whole-number seed modulo 2^32 (`seed | 0`), and so do the
 * Chooser's and PCT's PRNGs. The seeds a search derives from `--seed` — shard I's `seed + I − 1`, worker
 * k's `+ k·N` — therefore wrap around past 4294967295 to 0, as those PRNGs would have read them anyway;
 * wrapped, each is a seed `--seed` accepts, so any shard or worker can be searched again on its own, and
 * `sbsim merge` can check a shard's seed the same way.
 */

/** How many seeds there are: 0..2^32−1. */
export const SEED_SPAN = 0x1_0000_0000;

/** `seed + offset`, wrapped into 0..2^32−1. */
export function offsetSeed(seed: number, offset: number): number {
  return (((seed + offset) % SEED_SPAN) + SEED_SPAN) % SEED_SPAN;
}
