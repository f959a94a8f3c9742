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
];

export function mutantById(id: string): Mutant | undefined {
  const key = id.toUpperCase();
  return MUTANTS.find((m) => m.id === key || m.slug === id);
}
