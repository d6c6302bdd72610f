import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { matrixVersions } from './test/helpers/servers.js';

/**
 * The test files that talk to a real etcd (they start one through test/helpers/etcd.ts or its fixtures). They run
 * once per server of the matrix (test/helpers/servers.ts; `ETCD_VERSIONS=3.5.30 npm test` for one); the rest once.
 */
const TALKS_TO_ETCD = /\b(describeEtcd|etcdAvailable|useEtcd|useCluster|startEtcd|startCluster)\(/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const root = import.meta.dirname;
const etcdFiles = testFiles(join(root, 'test'))
  .filter((file) => TALKS_TO_ETCD.test(readFileSync(file, 'utf8')))
  .map((file) => relative(root, file));

/** The transport, resilience and watch suites again on the fetch engine (the browsers' and the `fetch` option's). */
const FETCH_ENGINE = [
  'test/runtime/transport.test.ts',
  'test/resilience/**/*.test.ts',
  'test/watch/{failover,cancel,resume,retry}.test.ts',
  'test/transport/engines.test.ts',
  'test/transport/tokens.test.ts',
];

/** Every project's first setup file: no error a test creates may show a test secret (issue 19). */
const SECRETS_SETUP = 'test/helpers/secrets.setup.ts';

/**
 * The suites of kv, txn, watch, lease, lock, election, namespace, stm, mirror and iterate, and the gateway's error
 * table and auth, run again on createFakeEtcd answering as the newest server of the matrix (project
 * `fake-<version>`, ETCD_FAKE=1: useEtcd hands out clients on the fake, test/helpers/fake.ts). Every failure there is
 * a difference between the fake and etcd (docs/testing.md lists what the fake does not do).
 */
export const FAKE_SUITES = [
  'test/everyday/{verbs,namespace,stm,iterate,mirror,keyspace,txn-types,errors}.test.ts',
  'test/e2e/{errors,gateway-examples,prefix}.test.ts',
  'test/watch/{semantics,cancel,resume,auth,progress,request,post-progress,retry,run}.test.ts',
  'test/resilience/{lease-keeper,with-lock,election,auth-token}.test.ts',
  'test/signals/{election-status,watch-signals,observe-hooks}.test.ts',
  'test/runtime/{auth,range}.test.ts',
];

const fakeRow = (version: string): TestProjectInlineConfiguration => ({
  extends: true,
  test: { name: `fake-${version}`, include: FAKE_SUITES, env: { ETCD_SERVER: version, ETCD_FAKE: '1' }, setupFiles: [SECRETS_SETUP] },
});

const perServer = (version: string): TestProjectInlineConfiguration[] => [
  // Everything that talks to etcd, with the client on its default engine (node:http in Node).
  { extends: true, test: { name: `etcd-${version}`, include: etcdFiles, env: { ETCD_SERVER: version }, setupFiles: [SECRETS_SETUP] } },
  {
    extends: true,
    test: {
      name: `fetch-engine-${version}`,
      include: FETCH_ENGINE,
      env: { ETCD_SERVER: version },
      setupFiles: [SECRETS_SETUP, 'test/helpers/fetch-engine.setup.ts'],
    },
  },
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // etcd-backed suites start their own servers; two cores are plenty for a few forks.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      // Everything that needs no server: once.
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...etcdFiles], setupFiles: [SECRETS_SETUP] },
      },
      ...matrixVersions().flatMap(perServer),
      ...matrixVersions().slice(-1).map(fakeRow),
    ],
  },
});
