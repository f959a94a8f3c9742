import type { Mutant } from './mutant.ts';

/** M21: Accepting a session grants the legacy 30-second lock instead of the entity's LockDuration (renewals use the right one). */
export const m21: Mutant = {
  id: 'M21',
  slug: 'accept-legacy-lock-duration',
  description:
    "Accepting a session grants the legacy 30-second lock instead of the entity's LockDuration (renewals use the right one).",
  overrides: { rules: { lockDurationMs: () => 30_000 } },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
