import type { Mutant } from './mutant.ts';

/** M41: With expiryTrigger 'gcTick', the background tick applies the session-wide TTL rule to a locked session, expiring its unexpired active messages. */
export const m41: Mutant = {
  id: 'M41',
  slug: 'gc-session-wide-on-locked',
  description:
    "With expiryTrigger 'gcTick', the background tick applies the session-wide TTL rule to a locked session, expiring its unexpired active messages.",
  overrides: {
    rules: { sessionWideExpiry: (switches, unlocked, tick) => (unlocked || tick) && switches.sessionWideExpiry },
  },
  expectedProperty: 'ttl',
  minimalConfig: '1 × 1 × 3',
};
