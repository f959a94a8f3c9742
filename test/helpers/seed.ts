/**
 * The seed of the property tests: fixed, unless SBSIM_SEED is given (fast-check's DEFAULT_SEED habit).
 * It is printed so that any red run can be repeated.
 */
export const TEST_SEED = process.env.SBSIM_SEED ? Number(process.env.SBSIM_SEED) : 20_261_121;

let printed = false;
export function announceSeed(): number {
  if (!printed) {
    console.log(`sbsim property tests: seed ${TEST_SEED} (set SBSIM_SEED to change it)`);
    printed = true;
  }
  return TEST_SEED;
}
