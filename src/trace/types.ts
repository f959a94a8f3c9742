/**
 * The trace: what happened, step by step, in virtual time. Deliveries say which actor got which event
 * and how its state changed; facts say what happened in domain terms (the properties read these).
 */
import type { ActorId, Fact } from '../../models/events.ts';

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

export type TraceEvent = DeliveryEvent | FactEvent;

export function factsOf(trace: readonly TraceEvent[]): FactEvent[] {
  return trace.filter((e): e is FactEvent => e.k === 'fact');
}
