import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // etcd-backed suites start their own servers; two cores are plenty for a few forks.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // Everything, with the client on its default engine (node:http in Node).
      { extends: true, test: { name: 'default', include: ['test/**/*.test.ts'] } },
      // The transport and resilience suites again, on the fetch engine (the browsers' and `fetch` option's).
      {
        extends: true,
        test: {
          name: 'fetch-engine',
          include: ['test/runtime/transport.test.ts', 'test/resilience/**/*.test.ts', 'test/watch/{failover,cancel,resume,retry}.test.ts', 'test/transport/engines.test.ts', 'test/transport/tokens.test.ts'],
          setupFiles: ['test/helpers/fetch-engine.setup.ts'],
        },
      },
    ],
  },
});
