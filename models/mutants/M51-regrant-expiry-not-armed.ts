import type { Mutant } from './mutant.ts';

/** M51: A session re-accepted after its lock was released or expired gets a lock whose expiry timer is never armed: if that holder goes silent the lock is never freed, its messages stay locked and accept-next never sees the session again. */
export const m51: Mutant = {
  id: 'M51',
  slug: 'regrant-expiry-not-armed',
  description:
    'A session re-accepted after its lock was released or expired gets a lock whose expiry timer is never armed: if that holder goes silent the lock is never freed, its messages stay locked and accept-next never sees the session again.',
  bugs: { regrantExpiryNotArmed: true },
  overrides: {},
  expectedProperty: 'lock-release',
  minimalConfig: '1 × 2 × 1',
};
