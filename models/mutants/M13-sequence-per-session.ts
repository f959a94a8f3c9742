import type { Mutant } from './mutant.ts';

/** M13: Sequence numbers are assigned per session, not per entity: they repeat across sessions. */
export const m13: Mutant = {
  id: 'M13',
  slug: 'sequence-per-session',
  description: 'Sequence numbers are assigned per session, not per entity: they repeat across sessions.',
  bugs: { sequencePerSession: true },
  overrides: {},
  expectedProperty: 'sequence-numbers',
  minimalConfig: '2 × 1 × 2',
};
