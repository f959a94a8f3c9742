import type { Mutant } from './mutant.ts';

/** M27: Accept-next counts deferred messages as available, so it hands out sessions whose only messages are deferred. */
export const m27: Mutant = {
  id: 'M27',
  slug: 'accept-next-counts-deferred',
  description:
    'Accept-next counts deferred messages as available, so it hands out sessions whose only messages are deferred.',
  overrides: {
    rules: {
      acceptNextAvailable: (messages) => messages.filter((m) => m.state === 'active' || m.state === 'deferred').length,
    },
  },
  expectedProperty: 'broker-conformance',
  minimalConfig: '1 × 1 × 2',
};
