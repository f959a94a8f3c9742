import type { Mutant } from './mutant.ts';

/** M20: The lock deadline is compared with <=, so an operation arriving at exactly now == lockedUntil still succeeds on an expired lock. */
export const m20: Mutant = {
  id: 'M20',
  slug: 'lock-valid-at-deadline',
  description:
    'The lock deadline is compared with <=, so an operation arriving at exactly now == lockedUntil still succeeds on an expired lock.',
  overrides: { rules: { lockValidAt: (lockedUntilMs, nowMs) => nowMs <= lockedUntilMs } },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 1',
};
