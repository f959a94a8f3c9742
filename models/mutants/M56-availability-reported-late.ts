import { statusReport, stepAction } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M56: A session that becomes available for accept-next (unlocked, with an active message) is reported to the entity only at the session's next event, so a waiting or new accept-next does not see it until then. */
export const m56: Mutant = {
  id: 'M56',
  slug: 'availability-reported-late',
  description:
    "A session that becomes available for accept-next (unlocked, with an active message) is reported to the entity only at the session's next event, so a waiting or new accept-next does not see it until then.",
  overrides: {
    session: {
      actions: {
        // A session that has just become available (unlocked, an active message) is reported to the entity
        // only at the session's next event; `|lag` marks the report held back.
        reportAvailability: stepAction((c) => {
          const active = c.scope.rules.acceptNextAvailable(c.messages);
          const locked = c.holder !== null;
          const key = `${active > 0}|${locked}`;
          if (key === c.reported) return { patch: {}, fx: [] };
          if (active > 0 && !locked && !c.reported.endsWith('|lag'))
            return { patch: { reported: `${key}|lag` }, fx: [] };
          return { patch: { reported: key }, fx: [statusReport(c, active, locked)] };
        }),
      },
    },
  },
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 1 × 1',
};
