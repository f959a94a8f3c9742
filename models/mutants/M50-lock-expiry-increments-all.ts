import type { Mutant } from './mutant.ts';

/** M50: Lock expiry raises the delivery count of every message of the session, including ones never delivered, although the scope switch says 'delivered'. */
export const m50: Mutant = {
  id: 'M50',
  slug: 'lock-expiry-increments-all',
  description:
    "Lock expiry raises the delivery count of every message of the session, including ones never delivered, although the scope switch says 'delivered'.",
  overrides: { rules: { expiryRaisesAll: () => true } },
  expectedProperty: 'delivery-count',
  minimalConfig: '1 × 1 × 2',
};
