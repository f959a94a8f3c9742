/**
 * The session lock: free → held(owner, token, lockedUntil) → released | expired; renew.
 *
 * One lock actor per session. It is the authority on who holds the session and until when; the
 * session actor asks it and is told. Expiry is a virtual-time timer keyed by the lock token, so a
 * renewal moves it and a release cancels it.
 *
 * Rules: T2 (accept: exclusive), T10 (renew: lockedUntil = now + LD; a lost lock cannot be renewed back),
 * T11 (expiry), T12 (close or detach releases at once). Reference §2.2, §2.4, §2.5, §2.6.
 */
import { assertEvent, emit, setup } from 'xstate';
import type { ActorId, Effect, LockReply, LockRequest } from './events.ts';
import { nowOf } from './events.ts';
import { actionsFor } from './step.ts';

export interface SessionLockContext {
  readonly session: ActorId;
  readonly owner: ActorId | null;
  readonly token: string | null;
  readonly lockedUntilMs: number;
}

export interface SessionLockInput {
  readonly session: ActorId;
}

const reply = (to: ActorId, event: LockReply): Effect => ({ type: 'fx.send', to, event });
const expiryKey = 'expiry';

/** The expiry timer of the lock as the context now holds it: due at `lockedUntil` (T11). */
export function expiryTimer(context: SessionLockContext): Effect {
  return {
    type: 'fx.timer',
    key: expiryKey,
    atMs: context.lockedUntilMs,
    event: { type: 'lock.expire', token: context.token ?? '' },
  };
}

/** The request names the current lock and arrives before its deadline (T10, T11). */
export function validLock(context: SessionLockContext, event: LockRequest): boolean {
  return 'token' in event && event.token === context.token && nowOf(event) < context.lockedUntilMs;
}

const { patch } = actionsFor<SessionLockContext, LockRequest>();

export const sessionLockMachine = setup({
  types: {
    context: {} as SessionLockContext,
    events: {} as LockRequest,
    input: {} as SessionLockInput,
    emitted: {} as Effect,
  },
  guards: {
    /** T12, T11: a release or an expiry timer concerns the current lock only. */
    tokenMatches: ({ context, event }) => 'token' in event && event.token === context.token,
    /** T10, T11: the owner's lock is still valid; at `now ≥ lockedUntil` it has expired and cannot be renewed. */
    validFor: ({ context, event }) => validLock(context, event),
    /** T11: the held lock has reached its deadline (`now ≥ lockedUntil`), its timer not yet delivered. */
    lapsed: ({ context, event }) => nowOf(event) >= context.lockedUntilMs,
  },
  actions: {
    /** T2: the lock is the acquirer's until now + LockDuration. */
    grant: patch(({ event }) => {
      assertEvent(event, 'lock.acquire');
      return { owner: event.owner, token: event.token, lockedUntilMs: nowOf(event) + event.durationMs };
    }),
    /** T2: tell the session who holds the lock and until when. */
    announceGrant: emit(({ context, event }) => {
      assertEvent(event, 'lock.acquire');
      return reply(context.session, {
        type: 'lock.granted',
        owner: event.owner,
        token: event.token,
        reqId: event.reqId,
        lockedUntilMs: context.lockedUntilMs,
        next: event.next,
        mode: event.mode,
      });
    }),
    /** T2: a held lock is exclusive; the acquirer is refused. */
    deny: emit(({ context, event }) => {
      assertEvent(event, 'lock.acquire');
      return reply(context.session, {
        type: 'lock.denied',
        owner: event.owner,
        reqId: event.reqId,
        next: event.next,
        mode: event.mode,
      });
    }),
    /** T10: a renewal moves the deadline to now + LockDuration. */
    extend: patch(({ event }) => {
      assertEvent(event, 'lock.renew');
      return { lockedUntilMs: nowOf(event) + event.durationMs };
    }),
    /** T10: tell the session the new deadline. */
    announceRenewal: emit(({ context, event }) => {
      assertEvent(event, 'lock.renew');
      return reply(context.session, {
        type: 'lock.renewed',
        owner: event.owner,
        token: event.token,
        reqId: event.reqId,
        lockedUntilMs: context.lockedUntilMs,
      });
    }),
    /** T10: a lost lock cannot be renewed back. */
    refuseRenewal: emit(({ context, event }) => {
      assertEvent(event, 'lock.renew');
      return reply(context.session, {
        type: 'lock.renewDenied',
        owner: event.owner,
        token: event.token,
        reqId: event.reqId,
      });
    }),
    /** T11: the lock expires at its deadline; a later timer with the same key replaces this one. */
    armExpiry: emit(({ context }) => expiryTimer(context)),
    /** T12: a released lock never expires. */
    disarmExpiry: emit({ type: 'fx.cancel', key: expiryKey }),
    /** T12: tell the session the lock was released (close, detach or crash). */
    announceRelease: emit(({ context, event }) => {
      assertEvent(event, 'lock.release');
      return reply(context.session, {
        type: 'lock.released',
        owner: context.owner ?? '',
        token: event.token,
        cause: event.cause,
        reqId: event.reqId,
      });
    }),
    /** T11: an expired lock was valid until the instant it expired, and no longer. */
    lapse: patch(({ event }) => ({ lockedUntilMs: nowOf(event) })),
    /** T11: tell the session the lock expired. */
    announceExpiry: emit(({ context }) =>
      reply(context.session, { type: 'lock.expired', owner: context.owner ?? '', token: context.token ?? '' }),
    ),
  },
}).createMachine({
  id: 'sessionLock',
  context: ({ input }) => ({
    session: input.session,
    owner: null,
    token: null,
    lockedUntilMs: 0,
  }),
  initial: 'free',
  states: {
    free: {
      on: {
        'lock.acquire': { target: 'held', actions: ['grant', 'armExpiry', 'announceGrant'] },
      },
    },
    held: {
      on: {
        'lock.acquire': [
          // At its deadline the lock is over (T11) even if its expiry timer, due at this same instant, has not
          // fired yet: expire it first (the holder's messages go back), then grant (T2).
          {
            guard: 'lapsed',
            target: 'held',
            reenter: true,
            actions: ['announceExpiry', 'grant', 'armExpiry', 'announceGrant'],
          },
          { actions: 'deny' },
        ],
        'lock.renew': [
          { guard: 'validFor', actions: ['extend', 'armExpiry', 'announceRenewal'] },
          { actions: 'refuseRenewal' },
        ],
        'lock.release': { guard: 'tokenMatches', target: 'released', actions: ['disarmExpiry', 'announceRelease'] },
        'lock.expire': { guard: 'tokenMatches', target: 'expired', actions: ['lapse', 'announceExpiry'] },
      },
    },
    released: {
      on: {
        'lock.acquire': { target: 'held', actions: ['grant', 'armExpiry', 'announceGrant'] },
        'lock.renew': { actions: 'refuseRenewal' },
      },
    },
    expired: {
      on: {
        'lock.acquire': { target: 'held', actions: ['grant', 'armExpiry', 'announceGrant'] },
        'lock.renew': [
          // T10: only a valid lock is renewed; an expired one is valid no longer (`lapse`), so this is refused.
          { guard: 'validFor', target: 'held', actions: ['extend', 'armExpiry', 'announceRenewal'] },
          { actions: 'refuseRenewal' },
        ],
      },
    },
  },
});
