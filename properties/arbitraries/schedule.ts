/**
 * Schedules as shrinkable decision lists. Value i picks option `value mod n` at the i-th decision;
 * past the end of the list every pick is option 0. fast-check shrinks the list (shorter, smaller
 * values), which is schedule shrinking: fewer deviations from the default order.
 */
import fc from 'fast-check';

export const MAX_SCHEDULE_LENGTH = 400;

export function scheduleArb(maxLength = MAX_SCHEDULE_LENGTH): fc.Arbitrary<number[]> {
  // size 'max': fast-check's default size would keep lists under about 10 decisions, a shallow search.
  return fc.array(fc.nat({ max: 0xffff }), { maxLength, size: 'max' });
}
