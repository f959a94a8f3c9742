import type { Mutant } from './mutant.ts';

/** M28: A waiting accept-next is not woken when a message arrives for a free session; it times out although a session became available. */
export const m28: Mutant = {
  id: 'M28',
  slug: 'accept-next-not-woken-on-arrival',
  description:
    'A waiting accept-next is not woken when a message arrives for a free session; it times out although a session became available.',
  bugs: { acceptNextNotWokenOnArrival: true },
  overrides: {},
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 1 × 1',
};
