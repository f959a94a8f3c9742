import type { Mutant } from './mutant.ts';

/** M33: A send rejected for lacking a session id still consumes a sequence number, leaving a gap in the entity's numbering. */
export const m33: Mutant = {
  id: 'M33',
  slug: 'rejected-send-consumes-sequence',
  description:
    "A send rejected for lacking a session id still consumes a sequence number, leaving a gap in the entity's numbering.",
  bugs: { rejectedSendConsumesSeq: true },
  overrides: {},
  expectedProperty: 'sequence-numbers',
  minimalConfig: '1 × 0 × 2',
};
