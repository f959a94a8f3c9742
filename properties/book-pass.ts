/**
 * One walk over a run's facts, with one message book, for every property that judges facts against
 * the book (fifo-delivery, exclusive-lock, delivery-count, ttl, fifo-processing). Each such property
 * gives a `BookWatch`: its own small state and what it does with each fact, shown the book as it stood
 * just before that fact. The pass builds the book once and hands each fact to every watch still
 * looking, so `checkAll` pays for one book instead of one per property; a property's own `check` runs
 * the same pass with itself alone, so the verdict is the same either way.
 *
 * The book is shared and read-only to the watches: only the pass applies facts to it.
 */
import type { FactEvent } from '../src/trace/types.ts';
import { MessageBook } from './message-book.ts';
import { factsOf } from './oracle.ts';
import type { Property, RunRecord, Violation } from './types.ts';

/** One property's part of the pass. A violation from any hook is its verdict, and it stops looking. */
export interface BookWatch {
  /** Judge fact `e`; `book` is as it stood just before `e`. */
  fact(e: FactEvent, book: MessageBook): Violation | undefined;
  /** After the book has taken `e` (a watch that reads what a fact did). */
  applied?(e: FactEvent, book: MessageBook): void;
  /** The step of the facts seen so far is over (a step's effects are atomic); also after the last fact. */
  endStep?(book: MessageBook): Violation | undefined;
  /** The facts are over (after the last `endStep`). */
  end?(book: MessageBook): Violation | undefined;
}

/** A property judged in the shared pass: `watch` starts its part for one run. */
export interface BookProperty extends Property {
  watch(run: RunRecord): BookWatch;
}

export function isBookProperty(p: Property): p is BookProperty {
  return typeof (p as Partial<BookProperty>).watch === 'function';
}

/** A property whose `check` is the shared pass with its own watch alone. */
export function bookProperty(p: Omit<BookProperty, 'check'>): BookProperty {
  return { ...p, check: (run) => bookPass(run, [p.watch(run)])[0] };
}

/**
 * Walk the run's facts once for all `watches`, in trace order, calling `endStep` after the last fact of
 * every step (some rules can only be judged once a step is over) and `end` after the last fact. The
 * verdict of each watch, in the order given: its first violation, or nothing.
 */
export function bookPass(run: RunRecord, watches: readonly BookWatch[]): (Violation | undefined)[] {
  const verdicts: (Violation | undefined)[] = watches.map(() => undefined);
  /** The watches still looking (`null` once one has its verdict). */
  const live: (BookWatch | null)[] = [...watches];
  let looking = live.length;
  const judge = (i: number, v: Violation | undefined): void => {
    if (!v) return;
    verdicts[i] = v;
    live[i] = null;
    looking--;
  };
  const endStep = (book: MessageBook): void => {
    for (let i = 0; i < live.length; i++) {
      const w = live[i];
      if (w?.endStep) judge(i, w.endStep(book));
    }
  };
  const book = new MessageBook();
  let step: number | null = null;
  for (const e of factsOf(run)) {
    if (looking === 0) return verdicts;
    if (step !== null && e.step !== step) endStep(book);
    step = e.step;
    for (let i = 0; i < live.length; i++) {
      const w = live[i];
      if (w) judge(i, w.fact(e, book));
    }
    book.apply(e);
    for (const w of live) w?.applied?.(e, book);
  }
  endStep(book);
  for (const [i, w] of live.entries()) if (w?.end) judge(i, w.end(book));
  return verdicts;
}
