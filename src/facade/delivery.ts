/**
 * A delivery: one hand-over of a message to a receiver in peekLock mode, named by its lock token. The SDK
 * settles a message over the link it came on (its delivery), so a settlement is judged by the delivery:
 * already settled, link gone, or on its way to the broker.
 */
import type { ActorId } from '../../models/events.ts';

export type Disposition = 'complete' | 'abandon' | 'defer' | 'deadletter';

/** What a delivery needs of the receiver it came through. */
export interface DeliveryLink {
  /** The link is open: not closed by the user, its session lock not lost. */
  readonly linkOpen: boolean;
  readonly actor: ActorId;
  /** The broker actor settlements go to (the session, or the entity). */
  readonly settleTarget: ActorId;
}

export interface Delivery {
  readonly lockToken: string;
  readonly entity: string;
  readonly seq: number;
  readonly sessionId: string | null;
  readonly link: DeliveryLink;
  /** The broker's lock token: the session lock's, or the message lock's. */
  readonly brokerToken: string | null;
  /** Fetched with receiveDeferredMessages: settled through the management link in the SDK. */
  readonly deferredFetch: boolean;
  settled: boolean;
}
