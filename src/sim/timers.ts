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
 *
 * The array holds them latest first: the timers that come and go (a consumer's processing, a lock's
 * expiry, a receive's wait) are due soon, so they are set and fired at the array's end, and the ones due
 * late (a large workload's sends, set at the start) stay put at its front. Held earliest first, every
 * one of those short-lived timers moved all the late ones along: a step cost as much as the workload
 * had messages still to send.
 */
export class Timers {
  private readonly byId = new Map<string, Timer>();
  /** Every timer of `byId`, in reverse firing order: the next to fire is the last. */
  private readonly latestFirst: Timer[] = [];
  private counter = 0;

  get size(): number {
    return this.byId.size;
  }

  set(id: string, atMs: number, to: ActorId, event: SimEvent): void {
    const timer: Timer = { id, atMs, to, event, order: this.counter++ };
    const old = this.byId.get(id);
    if (old) this.remove(old);
    this.byId.set(id, timer);
    // The newest timer has the highest order: it fires after every timer due no later than it, so it
    // goes before them, after every timer due later.
    const list = this.latestFirst;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fires(timer, list[mid] as Timer)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === list.length) list.push(timer);
    else list.splice(lo, 0, timer);
  }

  cancel(id: string): void {
    const timer = this.byId.get(id);
    if (timer) this.remove(timer);
  }

  /** Timers in firing order: due time, then insertion order. A copy: for tests and tools, not the scheduler. */
  all(): readonly Timer[] {
    return this.latestFirst.slice().reverse();
  }

  /** Every pending timer, in no particular order. */
  values(): IterableIterator<Timer> {
    return this.byId.values();
  }

  /** The `i`-th timer in firing order (0: the next to fire). */
  at(i: number): Timer | undefined {
    return this.latestFirst[this.latestFirst.length - 1 - i];
  }

  /** Timers eligible to fire now: the earliest ones, and any due no later than `horizonMs`. */
  eligible(horizonMs: number | null): Timer[] {
    const first = this.first();
    if (!first) return [];
    const limit = horizonMs === null ? first.atMs : horizonMs;
    const out: Timer[] = [];
    for (let i = this.latestFirst.length - 1; i >= 0; i--) {
      const t = this.latestFirst[i] as Timer;
      if (t.atMs > limit) break;
      out.push(t);
    }
    return out;
  }

  /** How many timers at the head of the firing order are due no later than `limitMs`. */
  countDueBy(limitMs: number): number {
    const list = this.latestFirst;
    let n = 0;
    // `!(a > b)` rather than `a <= b`: the same test as `eligible`, whatever the numbers.
    while (n < list.length && !((list[list.length - 1 - n] as Timer).atMs > limitMs)) n++;
    return n;
  }

  /** The earliest timer, if any. */
  first(): Timer | undefined {
    return this.latestFirst[this.latestFirst.length - 1];
  }

  private remove(timer: Timer): void {
    this.byId.delete(timer.id);
    const list = this.latestFirst;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (fires(timer, list[mid] as Timer)) lo = mid + 1;
      else hi = mid;
    }
    const at = list[lo] === timer ? lo : list.indexOf(timer);
    if (at < 0) return;
    if (at === list.length - 1) list.pop();
    else list.splice(at, 1);
  }
}
