/**
 * Virtual time: the clock and the timers on it. Time moves only when the scheduler fires a timer;
 * nothing here reads the wall clock.
 */
import type { ActorId, SimEvent } from '../../models/events.ts';

export interface Timer {
  /** `owner|key`: setting a timer with the same id replaces it. */
  readonly id: string;
  readonly atMs: number;
  readonly to: ActorId;
  readonly event: SimEvent;
  /** Insertion order breaks ties between timers due at the same instant. */
  readonly order: number;
}

export class Timers {
  private readonly byId = new Map<string, Timer>();
  private sorted: Timer[] = [];
  private dirty = false;
  private counter = 0;

  get size(): number {
    return this.byId.size;
  }

  set(id: string, atMs: number, to: ActorId, event: SimEvent): void {
    const timer: Timer = { id, atMs, to, event, order: this.counter++ };
    if (this.byId.has(id)) this.dirty = true;
    this.byId.set(id, timer);
    this.dirty = true;
  }

  cancel(id: string): void {
    if (this.byId.delete(id)) this.dirty = true;
  }

  /** Timers in firing order: due time, then insertion order. */
  all(): readonly Timer[] {
    if (this.dirty) {
      this.sorted = [...this.byId.values()].sort((a, b) => a.atMs - b.atMs || a.order - b.order);
      this.dirty = false;
    }
    return this.sorted;
  }

  /** Timers eligible to fire now: the earliest ones, and any due no later than `horizonMs`. */
  eligible(horizonMs: number | null): Timer[] {
    const all = this.all();
    const first = all[0];
    if (!first) return [];
    const limit = horizonMs === null ? first.atMs : horizonMs;
    const out: Timer[] = [];
    for (const t of all) {
      if (t.atMs > limit) break;
      out.push(t);
    }
    return out;
  }

  take(id: string): Timer | undefined {
    const t = this.byId.get(id);
    if (t) this.cancel(id);
    return t;
  }
}
