import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // etcd-backed suites start their own servers; two cores are plenty for a few forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
