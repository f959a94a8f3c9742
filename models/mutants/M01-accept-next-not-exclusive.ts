import type { Mutant } from './mutant.ts';

/** M01: Accept-next is check-then-act: it offers sessions that are already locked, and the lock grants a second owner while the first still holds it. */
export const m01: Mutant = {
  id: 'M01',
  slug: 'accept-next-not-exclusive',
  description:
    'Accept-next is check-then-act: it offers sessions that are already locked, and the lock grants a second owner while the first still holds it.',
  bugs: { acceptNextNotExclusive: true },
  overrides: {
    // The entity part: accept-next offers held sessions too (the lock part is still a flag, above).
    rules: { offeredByAcceptNext: (session) => session.active },
  },
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 2 × 1',
};
