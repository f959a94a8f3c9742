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
import { assign, emit, setup } from 'xstate';
import type { Bugs } from './bugs.ts';
import type { ActorId, Effect, LockReply, LockRequest } from './events.ts';
import { nowOf } from './events.ts';

export interface SessionLockContext {
  readonly session: ActorId;
  readonly bugs: Bugs;
  readonly owner: ActorId | null;
  readonly token: string | null;
  readonly lockedUntilMs: number;
}

export interface SessionLockInput {
  readonly session: ActorId;
  readonly bugs?: Bugs;
}

const reply = (to: ActorId, event: LockReply): Effect => ({ type: 'fx.send', to, event });
const expiryKey = 'expiry';

export const sessionLockMachine = setup({
  types: {
    context: {} as SessionLockContext,
    events: {} as LockRequest,
    input: {} as SessionLockInput,
    emitted: {} as Effect,
  },
  guards: {
    tokenMatches: ({ context, event }) => 'token' in event && event.token === context.token,
    /** The owner's lock is still valid: at `now ≥ lockedUntil` it has expired and cannot be renewed (T10, T11). */
    validFor: ({ context, event }) =>
      'token' in event && event.token === context.token && nowOf(event) < context.lockedUntilMs,
    /** Seeded bug M09: a correct broker never renews a lock that has already expired (T10). */
    renewsAfterExpiry: ({ context, event }) =>
      context.bugs.renewAfterExpiry === true && 'token' in event && event.token === context.token,
    /** The held lock has reached its deadline: `now ≥ lockedUntil` (T11). */
    lapsed: ({ context, event }) => nowOf(event) >= context.lockedUntilMs,
    /** Seeded bug M01: a correct broker never grants a held lock to a second owner (T2). */
    grantsWhileHeld: ({ context }) => context.bugs.acceptNextNotExclusive === true,
    /** Seeded bug M18: a valid renewal moves the deadline but forgets to move the expiry timer (T10). */
    renewsWithoutRearm: ({ context, event }) =>
      context.bugs.renewKeepsExpiryTimer === true &&
      'token' in event &&
      event.token === context.token &&
      nowOf(event) < context.lockedUntilMs,
    /** Seeded bug M51: only the first lock of a session arms its expiry timer; a re-accept never does (T11). */
    regrantsWithoutTimer: ({ context }) => context.bugs.regrantExpiryNotArmed === true,
  },
  actions: {
    grant: assign(({ event }) => {
      if (event.type !== 'lock.acquire') return {};
      return { owner: event.owner, token: event.token, lockedUntilMs: nowOf(event) + event.durationMs };
    }),
    announceGrant: emit(({ context, event }) => {
      const e = event as Extract<LockRequest, { type: 'lock.acquire' }>;
      return reply(context.session, {
        type: 'lock.granted',
        owner: e.owner,
        token: e.token,
        reqId: e.reqId,
        lockedUntilMs: context.lockedUntilMs,
        next: e.next,
        mode: e.mode,
      });
    }),
    deny: emit(({ context, event }) => {
      const e = event as Extract<LockRequest, { type: 'lock.acquire' }>;
      return reply(context.session, {
        type: 'lock.denied',
        owner: e.owner,
        reqId: e.reqId,
        next: e.next,
        mode: e.mode,
      });
    }),
    extend: assign(({ context, event }) => {
      if (event.type !== 'lock.renew') return {};
      // Seeded bug M17: the new deadline is counted from the old deadline instead of from now (T10).
      const from = context.bugs.renewFromOldDeadline === true ? context.lockedUntilMs : nowOf(event);
      return { lockedUntilMs: from + event.durationMs };
    }),
    announceRenewal: emit(({ context, event }) => {
      const e = event as Extract<LockRequest, { type: 'lock.renew' }>;
      return reply(context.session, {
        type: 'lock.renewed',
        owner: e.owner,
        token: e.token,
        reqId: e.reqId,
        lockedUntilMs: context.lockedUntilMs,
      });
    }),
    refuseRenewal: emit(({ context, event }) => {
      const e = event as Extract<LockRequest, { type: 'lock.renew' }>;
      return reply(context.session, { type: 'lock.renewDenied', owner: e.owner, token: e.token, reqId: e.reqId });
    }),
    armExpiry: emit(({ context }) => ({
      type: 'fx.timer' as const,
      key: expiryKey,
      atMs: context.lockedUntilMs,
      event: { type: 'lock.expire' as const, token: context.token ?? '' },
    })),
    disarmExpiry: emit({ type: 'fx.cancel', key: expiryKey }),
    announceRelease: emit(({ context, event }) => {
      const e = event as Extract<LockRequest, { type: 'lock.release' }>;
      return reply(context.session, {
        type: 'lock.released',
        owner: context.owner ?? '',
        token: e.token,
        cause: e.cause,
        reqId: e.reqId,
      });
    }),
    announceExpiry: emit(({ context }) =>
      reply(context.session, { type: 'lock.expired', owner: context.owner ?? '', token: context.token ?? '' }),
    ),
  },
}).createMachine({
  id: 'sessionLock',
  context: ({ input }) => ({
    session: input.session,
    bugs: input.bugs ?? {},
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
          { guard: 'grantsWhileHeld', target: 'held', reenter: true, actions: ['grant', 'armExpiry', 'announceGrant'] },
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
          { guard: 'renewsWithoutRearm', actions: ['extend', 'announceRenewal'] },
          { guard: 'validFor', actions: ['extend', 'armExpiry', 'announceRenewal'] },
          { actions: 'refuseRenewal' },
        ],
        'lock.release': { guard: 'tokenMatches', target: 'released', actions: ['disarmExpiry', 'announceRelease'] },
        'lock.expire': { guard: 'tokenMatches', target: 'expired', actions: 'announceExpiry' },
      },
    },
    released: {
      on: {
        'lock.acquire': [
          { guard: 'regrantsWithoutTimer', target: 'held', actions: ['grant', 'announceGrant'] },
          { target: 'held', actions: ['grant', 'armExpiry', 'announceGrant'] },
        ],
        'lock.renew': { actions: 'refuseRenewal' },
      },
    },
    expired: {
      on: {
        'lock.acquire': [
          { guard: 'regrantsWithoutTimer', target: 'held', actions: ['grant', 'announceGrant'] },
          { target: 'held', actions: ['grant', 'armExpiry', 'announceGrant'] },
        ],
        'lock.renew': [
          {
            guard: { type: 'renewsAfterExpiry' },
            target: 'held',
            actions: ['extend', 'armExpiry', 'announceRenewal'],
          },
          { actions: 'refuseRenewal' },
        ],
      },
    },
  },
});
