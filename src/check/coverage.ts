/**
 * Named situations: "sometimes" assertions in the spirit of Antithesis and TigerBeetle's coverage
 * marks. A search that never reaches "lock lost mid-handler" has not tested the lock-loss rules, however
 * many runs it made; the check prints which situations were reached, and how often.
 */
import type { Fact } from '../../models/events.ts';

export const SITUATIONS = {
  lockLostMidHandler: 'lock lost mid-handler (settle fails with SessionLockLost)',
  lockExpiryRedelivery: 'lock expiry returns in-flight messages with +1',
  abandonRedelivery: 'abandon redelivery at the head',
  dlqAtMaxDelivery: 'DLQ at max delivery count',
  ttlExpiryWhileLocked: 'TTL passed while locked, expired on release',
  sessionWideExpiry: 'session-wide TTL expiry',
  sessionHandoff: 'session handoff between consumers',
  staleStateWrite: 'stale session-state write refused',
  closeWithUnsettled: 'close with unsettled messages (no increment)',
  crash: 'consumer crash',
  sessionCannotBeLocked: 'accept of a held session refused',
  acceptNextTimeout: 'accept-next timed out',
  renewal: 'session lock renewed',
  deferred: 'message deferred',
} as const;

export type Situation = keyof typeof SITUATIONS;

/** The situations one run reached, from its facts. */
export function situationsOf(facts: readonly Fact[]): Set<Situation> {
  const reached = new Set<Situation>();
  const lastHolder = new Map<string, string>();
  const abandoned = new Set<string>();
  let prev: Fact | undefined;
  for (const f of facts) {
    const before = prev;
    prev = f;
    switch (f.kind) {
      case 'opFailed':
        if (f.code === 'SessionLockLost' && f.op === 'settle') reached.add('lockLostMidHandler');
        if (f.code === 'SessionLockLost' && f.op === 'setState') reached.add('staleStateWrite');
        break;
      case 'requeued': {
        const key = `${f.session}#${f.seq}`;
        if (f.cause === 'lockExpired') reached.add('lockExpiryRedelivery');
        if (f.cause === 'close') reached.add('closeWithUnsettled');
        if (f.cause === 'abandon') abandoned.add(key);
        break;
      }
      case 'delivered': {
        const key = `${f.session}#${f.seq}`;
        if (abandoned.has(key)) {
          reached.add('abandonRedelivery');
          abandoned.delete(key);
        }
        break;
      }
      case 'deadLettered':
        if (f.reason === 'MaxDeliveryCountExceeded') reached.add('dlqAtMaxDelivery');
        break;
      case 'expired':
        if (f.rule === 'session') reached.add('sessionWideExpiry');
        // Released and expired in one breath: its TTL passed while it was locked (D2).
        if (before?.kind === 'requeued' && before.session === f.session && before.seq === f.seq)
          reached.add('ttlExpiryWhileLocked');
        break;
      case 'accepted': {
        const key = `${f.entity}/${f.session}`;
        const before = lastHolder.get(key);
        if (before !== undefined && before !== f.consumer) reached.add('sessionHandoff');
        lastHolder.set(key, f.consumer);
        break;
      }
      case 'acceptFailed':
        if (f.code === 'SessionCannotBeLocked') reached.add('sessionCannotBeLocked');
        if (f.code === 'ServiceTimeout') reached.add('acceptNextTimeout');
        break;
      case 'crashed':
        reached.add('crash');
        break;
      case 'lockRenewed':
        reached.add('renewal');
        break;
      case 'settled':
        if (f.action === 'defer') reached.add('deferred');
        break;
      default:
        break;
    }
  }
  return reached;
}
