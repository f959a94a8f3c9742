import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // A larger young generation: the simulator allocates many short-lived snapshots (about 20% less GC).
    execArgv: ['--max-semi-space-size=64'],
  },
});
