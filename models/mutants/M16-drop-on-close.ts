import type { Mutant } from './mutant.ts';

/** M16: Closing a receiver with unsettled messages loses them instead of returning them to the session. */
export const m16: Mutant = {
  id: 'M16',
  slug: 'drop-on-close',
  description: 'Closing a receiver with unsettled messages loses them instead of returning them to the session.',
  overrides: { rules: { dropsOnRelease: (cause) => cause === 'close' } },
  expectedProperty: 'conservation',
  minimalConfig: '1 × 1 × 1',
};
