import type { Mutant } from './mutant.ts';

/** M09: RenewSessionLock succeeds after the lock has expired, reviving a lost lock. */
export const m09: Mutant = {
  id: 'M09',
  slug: 'renew-after-expiry',
  description: 'RenewSessionLock succeeds after the lock has expired, reviving a lost lock.',
  bugs: { renewAfterExpiry: true },
  overrides: {},
  expectedProperty: 'exclusive-lock',
  minimalConfig: '1 × 1 × 1',
};
