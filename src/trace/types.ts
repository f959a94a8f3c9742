/**
 * The trace: what happened, step by step, in virtual time. Deliveries say which actor got which event
 * and how its state changed; facts say what happened in domain terms (the properties read these).
 */
import type { ActorId, ClientRequest, Fact, ReplyEvent } from '../../models/events.ts';

/** How an event reached its actor: from a mailbox or a timer (each a scheduling decision), or within the step. */
export type Via = 'mailbox' | 'timer' | 'internal';

export interface DeliveryEvent {
  readonly k: 'deliver';
  /** The step (scheduling decision) this delivery belongs to. */
  readonly step: number;
  /** Virtual time, ms. */
  readonly t: number;
  readonly actor: ActorId;
  readonly ev: string;
  readonly from: ActorId | null;
  /** The event's salient fields, in words. */
  readonly arg: string;
  readonly via: Via;
  readonly before: string;
  readonly after: string;
}

export interface FactEvent {
  readonly k: 'fact';
  readonly step: number;
  readonly t: number;
  readonly actor: ActorId;
  readonly fact: Fact;
}

/**
 * A client request as it reached the broker (the moment it takes effect there): recorded at every trace
 * level, so the conformance specification (properties/spec/) can replay the client-visible history.
 * `client` is the requesting actor, or `''` for the workload's own sends.
 */
export interface CallEvent {
  readonly k: 'call';
  readonly step: number;
  readonly t: number;
  readonly client: ActorId;
  readonly to: ActorId;
  readonly req: ClientRequest;
}

/** The broker's answer to a call, at the moment the broker gave it (it reaches the client later). */
export interface ReturnEvent {
  readonly k: 'return';
  readonly step: number;
  readonly t: number;
  readonly client: ActorId;
  readonly from: ActorId;
  readonly reply: ReplyEvent;
}

export type TraceEvent = DeliveryEvent | FactEvent | CallEvent | ReturnEvent;

export function factsOf(trace: readonly TraceEvent[]): FactEvent[] {
  return trace.filter((e): e is FactEvent => e.k === 'fact');
}
