import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time on two cores: many files mostly wait (clusters pausing and resuming, queues
    // redelivering, maintenance leases), so a second worker roughly halves the wall time; each file
    // still runs its tests in order. (Migration 0008 closed the attach race that beside another
    // file broke the concurrency and drop-race tests.)
    maxWorkers: 2,
  },
});
