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

/** Firing order: due time, then insertion order. */
const fires = (a: Timer, b: Timer): boolean => a.atMs < b.atMs || (a.atMs === b.atMs && a.order < b.order);

/**
 * The pending timers, kept in firing order as they are set and cancelled (the scheduler reads the
 * earliest ones on every step, so sorting on read would repeat the same work each step).
 */
export class Timers {
  private readonly byId = new Map<string, Timer>();
  /** Every timer of `byId`, in firing order. */
  private readonly sorted: Timer[] = [];
  private counter = 0;

  get size(): number {
    return this.byId.size;
  }

  set(id: string, atMs: number, to: ActorId, event: SimEvent): void {
    const timer: Timer = { id, atMs, to, event, order: this.counter++ };
    const old = this.byId.get(id);
    if (old) this.remove(old);
    this.byId.set(id, timer);
    // The newest timer has the highest order: it goes after every timer due no later than it.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fires(timer, this.sorted[mid] as Timer)) hi = mid;
      else lo = mid + 1;
    }
    this.sorted.splice(lo, 0, timer);
  }

  cancel(id: string): void {
    const timer = this.byId.get(id);
    if (timer) this.remove(timer);
  }

  /** Timers in firing order: due time, then insertion order. */
  all(): readonly Timer[] {
    return this.sorted;
  }

  /** Timers eligible to fire now: the earliest ones, and any due no later than `horizonMs`. */
  eligible(horizonMs: number | null): Timer[] {
    const all = this.sorted;
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

  /** How many timers at the head of the firing order are due no later than `limitMs`. */
  countDueBy(limitMs: number): number {
    const all = this.sorted;
    let n = 0;
    // `!(a > b)` rather than `a <= b`: the same test as `eligible`, whatever the numbers.
    while (n < all.length && !((all[n] as Timer).atMs > limitMs)) n++;
    return n;
  }

  /** The earliest timer, if any. */
  first(): Timer | undefined {
    return this.sorted[0];
  }

  private remove(timer: Timer): void {
    this.byId.delete(timer.id);
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fires(this.sorted[mid] as Timer, timer)) lo = mid + 1;
      else hi = mid;
    }
    if (this.sorted[lo] === timer) this.sorted.splice(lo, 1);
    else this.sorted.splice(this.sorted.indexOf(timer), 1);
  }
}
