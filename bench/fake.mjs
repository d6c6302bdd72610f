// Benchmark: a unit-test-like workload on createFakeEtcd against the same workload on a real etcd 3.5.30 (one member,
// loopback, started by the test harness), through the same generated client. One "test" = a new client; 10 puts and
// a prefix read; a txn; a lease granted, a key put on it, revoked; a watch created, one put seen; the prefix deleted;
// the client closed. Rounds alternate fake and server so both see the same machine load; the ratio is of medians.
//   ETCD_SERVER=3.5.30 npm run bench -- fake
import { importClient, importHarness } from './lib/prepare.mjs';
import { recordResult } from './lib/results.mjs';
import { load, ms, ratio, summary } from './lib/stats.mjs';

process.env['ETCD_SERVER'] ||= '3.5.30';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9); // etcd's start-up varies (0.7–1.6 s here): more rounds, a steadier median
const TESTS = Number(process.env['BENCH_TESTS'] ?? 20);

const { createClient, createFakeEtcd, Op } = await importClient();
const { startEtcd } = await importHarness();
const loadBefore = load();

/** One test's worth of calls, on a fresh client; `n` keeps keys apart between tests. */
async function oneTest(options, n) {
  const client = createClient(options);
  const prefix = `t${n}/`;
  for (let i = 0; i < 10; i++) await client.put(`${prefix}${i}`, `v${i}`);
  const all = await client.getPrefixText(prefix);
  if (all.size !== 10) throw new Error(`expected 10 keys, got ${all.size}`);
  const txn = await client.txn().if(`${prefix}0`, 'value', '==', 'v0').then(Op.put(`${prefix}0`, 'w')).commit();
  if (!txn.succeeded) throw new Error('txn failed');
  const { ID } = await client.lease.grant({ TTL: 30 });
  await client.put(`${prefix}leased`, 'x', { lease: ID });
  await client.lease.revoke({ ID });
  const watch = client.watchEvents({ key: `${prefix}w` });
  const it = watch[Symbol.asyncIterator]();
  const next = it.next();
  await watch.created;
  await client.put(`${prefix}w`, 'seen');
  if ((await next).value?.type !== 'PUT') throw new Error('no watch event');
  await it.return(undefined);
  await client.deletePrefix(prefix);
  client.close();
}

/** One test file of TESTS tests: the server arm starts one etcd for the file and cleans up per test (the test's own
 *  deletePrefix); the fake arm makes a fresh fake per test. Returns the file's time and its tests' time alone. */
async function suite(arm, offset) {
  const start = performance.now();
  let testsMs = 0;
  if (arm === 'server') {
    const etcd = await startEtcd();
    const options = { endpoints: etcd.url, WebSocket: null };
    const t0 = performance.now();
    for (let t = 0; t < TESTS; t++) await oneTest(options, offset + t);
    testsMs = performance.now() - t0;
    await etcd.stop();
  } else {
    for (let t = 0; t < TESTS; t++) {
      const t0 = performance.now();
      const fake = createFakeEtcd({ version: '3.5.30' });
      await oneTest(fake.clientOptions, offset + t);
      fake.close();
      testsMs += performance.now() - t0;
    }
  }
  return { fileMs: performance.now() - start, perTestMs: testsMs / TESTS };
}

const runs = { fake: [], server: [] };
await suite('fake', 0); // warm the code paths
for (let round = 0; round < ROUNDS; round++) {
  for (const arm of round % 2 ? ['server', 'fake'] : ['fake', 'server']) runs[arm].push(await suite(arm, (round + 1) * 1000));
}
const med = (arm, k) => summary(runs[arm].map((r) => r[k])).median;
const span = (arm, k) => `${ms(Math.min(...runs[arm].map((r) => r[k])))} – ${ms(Math.max(...runs[arm].map((r) => r[k])))}`;
const fileSpeedup = med('server', 'fileMs') / med('fake', 'fileMs');
const testSpeedup = med('server', 'perTestMs') / med('fake', 'perTestMs');
recordResult('fake', {
  title: 'createFakeEtcd against a real etcd 3.5.30: a unit-test workload',
  loadBefore,
  data: { runs, fileSpeedup, testSpeedup, tests: TESTS, rounds: ROUNDS },
  markdown: [
    `A test file of ${TESTS} tests, each: a new client; 10 puts, a prefix read, a txn, a lease granted/used/revoked, a`,
    `watch created and one event seen, the prefix deleted; the client closed. Server arm: one etcd 3.5.30 started for`,
    `the file (the test harness's startEtcd: one member, loopback) and stopped after it. Fake arm: a fresh`,
    `createFakeEtcd per test. ${ROUNDS} rounds alternating the arms; watches over POST on both; the client bundled by`,
    `esbuild. Command: \`ETCD_SERVER=3.5.30 npm run bench -- fake\` (or \`node bench/fake.mjs\` after \`npm run build\`).`,
    '',
    '| arm | test file (median) | range | one test, setup excluded (median) | range |',
    '|---|---|---|---|---|',
    `| createFakeEtcd | ${ms(med('fake', 'fileMs'))} | ${span('fake', 'fileMs')} | ${ms(med('fake', 'perTestMs'))} | ${span('fake', 'perTestMs')} |`,
    `| etcd 3.5.30 | ${ms(med('server', 'fileMs'))} | ${span('server', 'fileMs')} | ${ms(med('server', 'perTestMs'))} | ${span('server', 'perTestMs')} |`,
    '',
    `**A test file runs ${ratio(fileSpeedup)} faster on the fake** (target ≥ 50×); a test alone, once the server is`,
    `up, ${ratio(testSpeedup)} faster (the client's own work per call, the same on both arms, bounds this one).`,
  ].join('\n'),
});
