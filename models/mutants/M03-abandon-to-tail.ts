import type { Mutant } from './mutant.ts';

/** M03: Abandon re-enqueues the message at the tail of the session instead of serving it next. */
export const m03: Mutant = {
  id: 'M03',
  slug: 'abandon-to-tail',
  description: 'Abandon re-enqueues the message at the tail of the session instead of serving it next.',
  overrides: {
    rules: { abandonPlacement: (messages, index, back) => [...messages.filter((_, i) => i !== index), back] },
  },
  expectedProperty: 'fifo-processing',
  minimalConfig: '1 × 1 × 2',
};
