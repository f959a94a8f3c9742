import type { Mutant } from './mutant.ts';

/** M18: RenewSessionLock reports a later deadline but leaves the expiry timer where it was, so a renewed lock still expires at the old time. */
export const m18: Mutant = {
  id: 'M18',
  slug: 'renew-keeps-expiry-timer',
  description:
    'RenewSessionLock reports a later deadline but leaves the expiry timer where it was, so a renewed lock still expires at the old time.',
  bugs: { renewKeepsExpiryTimer: true },
  overrides: {},
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
