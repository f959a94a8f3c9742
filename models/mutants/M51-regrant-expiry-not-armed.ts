import { enqueueActions, stateIn } from 'xstate';
import { expiryTimer } from '../session-lock.ts';
import type { Mutant } from './mutant.ts';

/** M51: A session re-accepted after its lock was released or expired gets a lock whose expiry timer is never armed: if that holder goes silent the lock is never freed, its messages stay locked and accept-next never sees the session again. */
export const m51: Mutant = {
  id: 'M51',
  slug: 'regrant-expiry-not-armed',
  description:
    'A session re-accepted after its lock was released or expired gets a lock whose expiry timer is never armed: if that holder goes silent the lock is never freed, its messages stay locked and accept-next never sees the session again.',
  overrides: {
    lock: {
      // A grant out of `released` or `expired` (a re-accept) arms no expiry timer.
      actions: {
        armExpiry: enqueueActions(({ context, event, enqueue, check }) => {
          const regrant = event.type === 'lock.acquire' && (check(stateIn('released')) || check(stateIn('expired')));
          if (!regrant) enqueue.emit(expiryTimer(context));
        }),
      },
    },
  },
  expectedProperty: 'lock-release',
  minimalConfig: '1 × 2 × 1',
};
