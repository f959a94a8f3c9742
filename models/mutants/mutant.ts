import type { Bugs } from '../bugs.ts';

/**
 * A deliberately wrong model: one seeded bug (models/bugs.ts) turned on. The property suite must catch
 * every mutant; the unmutated model must pass the same budget (harness-anchors §4.1).
 */
export interface Mutant {
  readonly id: string;
  readonly slug: string;
  readonly description: string;
  readonly bugs: Bugs;
  /** The property expected to catch it (another may catch it first). */
  readonly expectedProperty: string;
  /** Smallest configuration known to expose it: sessions × consumers × messages. */
  readonly minimalConfig: string;
}
