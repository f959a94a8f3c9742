/**
 * The seed of the property tests: fixed, unless SBSIM_SEED is given (fast-check's DEFAULT_SEED habit).
 * It is printed so that any red run can be repeated.
 */
function seedFromEnv(): number {
  const raw = process.env.SBSIM_SEED;
  if (raw === undefined || raw === '') return 20_261_121;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`SBSIM_SEED must be a whole number, not "${raw}"`);
  return n;
}

export const TEST_SEED = seedFromEnv();

let printed = false;
export function announceSeed(): number {
  if (!printed) {
    console.log(`sbsim property tests: seed ${TEST_SEED} (set SBSIM_SEED to change it)`);
    printed = true;
  }
  return TEST_SEED;
}
