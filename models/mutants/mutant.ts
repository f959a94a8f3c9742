import type { consumerMachine } from '../consumer.ts';
import type { entityMachine } from '../entity.ts';
import type { Rules } from '../rules.ts';
import type { sessionLockMachine } from '../session-lock.ts';
import type { sessionMachine } from '../session.ts';
import type { topicMachine } from '../topic.ts';

/** What `machine.provide(...)` accepts for a machine: its named guards and actions, replaced. */
type Implementations<M extends { provide: (i: never) => unknown }> = Parameters<M['provide']>[0];

/**
 * What a mutant replaces. The correct model runs with none of it: each machine's own named guards and
 * actions, and `RULES`. The world applies these when it builds a run (`machine.provide(...)`), so a
 * mutant is a different chart, never a flag the correct chart checks.
 */
export interface Overrides {
  readonly session?: Implementations<typeof sessionMachine>;
  readonly lock?: Implementations<typeof sessionLockMachine>;
  readonly entity?: Implementations<typeof entityMachine>;
  readonly consumer?: Implementations<typeof consumerMachine>;
  readonly topic?: Implementations<typeof topicMachine>;
  /** Swapped settlement and expiry arithmetic (models/rules.ts). */
  readonly rules?: Partial<Rules>;
}

/**
 * A deliberately wrong model: one bug, written from the semantics document, as overrides of the correct
 * machines. The property suite must catch every mutant; the unmutated model must pass the same budget
 * (the seeded-bug practice of MigratingTable and Coyote: every bug deliberate, named and switchable).
 */
export interface Mutant {
  readonly id: string;
  readonly slug: string;
  readonly description: string;
  /** The implementations this mutant swaps in. */
  readonly overrides: Overrides;
  /** The property expected to catch it (another may catch it first). */
  readonly expectedProperty: string;
  /** Smallest configuration known to expose it: sessions × consumers × messages. */
  readonly minimalConfig: string;
}
