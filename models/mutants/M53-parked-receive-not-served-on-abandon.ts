import type { Mutant } from './mutant.ts';

/** M53: A message an abandon makes active again does not wake the holder's receive parked on the session; that receive returns empty at its wait time (or is served only when another message arrives). */
export const m53: Mutant = {
  id: 'M53',
  slug: 'parked-receive-not-served-on-abandon',
  description:
    "A message an abandon makes active again does not wake the holder's receive parked on the session; that receive returns empty at its wait time (or is served only when another message arrives).",
  bugs: { parkedReceiveNotServedOnAbandon: true },
  overrides: {},
  expectedProperty: 'eventual-processing',
  minimalConfig: '1 × 1 × 2',
};
