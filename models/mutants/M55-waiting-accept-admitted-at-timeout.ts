import { assertEvent } from 'xstate';
import { acquire, stepAction, timeOutWaitingAccept } from '../session.ts';
import type { Mutant } from './mutant.ts';

/** M55: With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is not handed the lock when it is released; it is granted only when its own timeout fires, if the session is still free then. */
export const m55: Mutant = {
  id: 'M55',
  slug: 'waiting-accept-admitted-at-timeout',
  description:
    "With acceptNamedWhenLocked 'wait', a named accept waiting for a held session is not handed the lock when it is released; it is granted only when its own timeout fires, if the session is still free then.",
  overrides: {
    session: {
      // The waiter is not handed the lock at release; it is polled at its timeout instead: a free session
      // is granted then, late.
      guards: { canAdmitWaiting: () => false },
      actions: {
        timeOutWaitingAccept: stepAction((c, e) => {
          assertEvent(e, 'session.acceptTimeout');
          const polled = c.waiting.find((w) => w.from === e.from && w.reqId === e.reqId);
          if (!polled || c.holder !== null) return timeOutWaitingAccept(c, e);
          const out = acquire(c, polled.from, polled.reqId, false, polled.mode);
          return {
            patch: { ...out.patch, waiting: c.waiting.filter((w) => !(w.from === e.from && w.reqId === e.reqId)) },
            fx: out.fx,
          };
        }),
      },
    },
  },
  expectedProperty: 'accept-progress',
  minimalConfig: '1 × 2 × 1',
};
