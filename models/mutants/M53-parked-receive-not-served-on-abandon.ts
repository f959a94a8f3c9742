import { nowOf } from '../events.ts';
import { NO_STEP, serveParked, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M53: A message an abandon makes active again does not wake the holder's receive parked on the session; that receive returns empty at its wait time (or is served only when another message arrives). */
export const m53: Mutant = {
  id: 'M53',
  slug: 'parked-receive-not-served-on-abandon',
  description:
    "A message an abandon makes active again does not wake the holder's receive parked on the session; that receive returns empty at its wait time (or is served only when another message arrives).",
  overrides: {
    session: {
      actions: {
        // The message an abandon makes active again does not wake the holder's parked receive.
        serveParked: stepAction((c, e) =>
          e.type === 'req.settle' && e.action === 'abandon' ? NO_STEP : serveParked(c, nowOf(e)),
        ),
      },
    },
  },
  expectedProperty: 'eventual-processing',
  minimalConfig: '1 × 1 × 2',
};
