// Benchmark: a unit-test-like workload on createFakeEtcd against the same workload on a real etcd 3.5.30 (one member,
// loopback, started by the test harness), through the same generated client. One "test" = a new client; 10 puts and
// a prefix read; a txn; a lease granted, a key put on it, revoked; a watch created, one put seen; the prefix deleted;
// the client closed. Rounds alternate fake and server so both see the same machine load; the ratio is of medians.
//   ETCD_SERVER=3.5.30 npm run bench -- fake
import { importClient, importHarness } from './lib/prepare.mjs';
import { recordResult } from './lib/results.mjs';
import { load, ms, ratio, summary } from './lib/stats.mjs';

process.env['ETCD_SERVER'] ||= '3.5.30';
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const TESTS = Number(process.env['BENCH_TESTS'] ?? 50);

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

async function timeTests(options, offset) {
  const start = performance.now();
  for (let t = 0; t < TESTS; t++) await oneTest(options, offset + t);
  return (performance.now() - start) / TESTS;
}

const etcd = await startEtcd();
const fake = createFakeEtcd({ version: '3.5.30' });
const arms = { fake: fake.clientOptions, server: { endpoints: etcd.url, WebSocket: null } };
const perTest = { fake: [], server: [] };
try {
  await timeTests(arms.fake, 0); // warm both
  await timeTests(arms.server, 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? ['server', 'fake'] : ['fake', 'server']) perTest[name].push(await timeTests(arms[name], (round + 1) * 1000));
  }
} finally {
  fake.close();
  await etcd.stop();
}
const f = summary(perTest.fake);
const s = summary(perTest.server);
const speedup = s.median / f.median;
recordResult('fake', {
  title: 'createFakeEtcd against a real etcd 3.5.30: a unit-test workload',
  loadBefore,
  data: { perTest, speedup, tests: TESTS, rounds: ROUNDS },
  markdown: [
    `One "test" (a new client; 10 puts, a prefix read, a txn, a lease granted/used/revoked, a watch created and one event`,
    `seen, a prefix deleted; the client closed), ${TESTS} tests a round, ${ROUNDS} rounds alternating the two arms;`,
    `watches over POST on both. Command: \`ETCD_SERVER=3.5.30 npm run bench -- fake\`.`,
    '',
    '| arm | time per test (median) | range over rounds |',
    '|---|---|---|',
    `| createFakeEtcd (in memory) | ${ms(f.median)} | ${ms(Math.min(...perTest.fake))} – ${ms(Math.max(...perTest.fake))} |`,
    `| etcd 3.5.30 (one member, loopback) | ${ms(s.median)} | ${ms(Math.min(...perTest.server))} – ${ms(Math.max(...perTest.server))} |`,
    '',
    `**The fake is ${ratio(speedup)} faster** per test (target ≥ 50×).`,
  ].join('\n'),
});
