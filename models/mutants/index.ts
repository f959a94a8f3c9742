/** The mutant zoo, by id. */
import { m01 } from './M01-accept-next-not-exclusive.ts';
import { m02 } from './M02-settle-with-stale-lock.ts';
import { m03 } from './M03-abandon-to-tail.ts';
import { m04 } from './M04-no-increment-on-lock-expiry.ts';
import { m05 } from './M05-max-delivery-off-by-one.ts';
import { m06 } from './M06-double-increment-on-abandon.ts';
import { m07 } from './M07-deliver-expired.ts';
import { m08 } from './M08-expire-locked-messages.ts';
import { m09 } from './M09-renew-after-expiry.ts';
import { m10 } from './M10-stale-state-write-wins.ts';
import { m11 } from './M11-increment-on-close.ts';
import { m12 } from './M12-close-keeps-lock.ts';
import { m13 } from './M13-sequence-per-session.ts';
import { m14 } from './M14-deferred-visible.ts';
import { m15 } from './M15-per-message-ttl-only.ts';
import { m16 } from './M16-drop-on-close.ts';
import { m17 } from './M17-renew-from-old-deadline.ts';
import { m18 } from './M18-renew-keeps-expiry-timer.ts';
import { m19 } from './M19-renew-deadline-not-recorded.ts';
import { m20 } from './M20-lock-valid-at-deadline.ts';
import { m21 } from './M21-accept-legacy-lock-duration.ts';
import { m22 } from './M22-receive-ignores-token.ts';
import { m23 } from './M23-get-state-unfenced.ts';
import { m24 } from './M24-receive-deferred-unfenced.ts';
import { m25 } from './M25-dead-letter-unfenced.ts';
import { m26 } from './M26-close-not-reported-available.ts';
import { m27 } from './M27-accept-next-counts-deferred.ts';
import { m28 } from './M28-accept-next-not-woken-on-arrival.ts';
import { m29 } from './M29-waiting-accept-never-admitted.ts';
import { m30 } from './M30-increment-on-crash.ts';
import { m31 } from './M31-detach-keeps-lock.ts';
import { m32 } from './M32-crash-releases-at-once.ts';
import { m33 } from './M33-rejected-send-consumes-sequence.ts';
import { m34 } from './M34-sessionless-dropped-on-subscription.ts';
import { m35 } from './M35-sessionless-accepted-on-subscription.ts';
import { m36 } from './M36-ttl-ceiling-ignored.ts';
import { m37 } from './M37-ttl-from-time-zero.ts';
import { m38 } from './M38-receive-deferred-returns-expired.ts';
import { m39 } from './M39-expiry-sweeps-deferred.ts';
import { m40 } from './M40-expired-deferred-reason-lost.ts';
import { m41 } from './M41-gc-session-wide-on-locked.ts';
import { m42 } from './M42-gc-expires-locked.ts';
import { m43 } from './M43-abandon-ignores-max-delivery.ts';
import { m44 } from './M44-dead-letter-reason-lost.ts';
import { m45 } from './M45-state-cleared-on-release.ts';
import { m46 } from './M46-peek-active-only.ts';
import { m47 } from './M47-receive-count-plus-one.ts';
import { m48 } from './M48-receive-and-delete-keeps-message.ts';
import { m49 } from './M49-defer-always-counts.ts';
import { m50 } from './M50-lock-expiry-increments-all.ts';
import { m51 } from './M51-regrant-expiry-not-armed.ts';
import { m52 } from './M52-accept-next-not-woken-on-unlock.ts';
import { m53 } from './M53-parked-receive-not-served-on-abandon.ts';
import { m54 } from './M54-parked-receive-not-served-on-lock-expiry.ts';
import { m55 } from './M55-waiting-accept-admitted-at-timeout.ts';
import { m56 } from './M56-availability-reported-late.ts';
import type { Mutant } from './mutant.ts';

export type { Mutant } from './mutant.ts';

export const MUTANTS: readonly Mutant[] = [
  m01,
  m02,
  m03,
  m04,
  m05,
  m06,
  m07,
  m08,
  m09,
  m10,
  m11,
  m12,
  m13,
  m14,
  m15,
  m16,
  m17,
  m18,
  m19,
  m20,
  m21,
  m22,
  m23,
  m24,
  m25,
  m26,
  m27,
  m28,
  m29,
  m30,
  m31,
  m32,
  m33,
  m34,
  m35,
  m36,
  m37,
  m38,
  m39,
  m40,
  m41,
  m42,
  m43,
  m44,
  m45,
  m46,
  m47,
  m48,
  m49,
  m50,
  m51,
  m52,
  m53,
  m54,
  m55,
  m56,
];

export function mutantById(id: string): Mutant | undefined {
  const key = id.toUpperCase();
  return MUTANTS.find((m) => m.id === key || m.slug === id);
}
