import type { Mutant } from './mutant.ts';

/** M56: A session that becomes available for accept-next (unlocked, with an active message) is reported to the entity only at the session's next event, so a waiting or new accept-next does not see it until then. */
export const m56: Mutant = {
  id: 'M56',
  slug: 'availability-reported-late',
  description:
    "A session that becomes available for accept-next (unlocked, with an active message) is reported to the entity only at the session's next event, so a waiting or new accept-next does not see it until then.",
  bugs: { availabilityReportedLate: true },
  overrides: {},
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 1 × 1',
};
