// Benchmarks 3 and 4: unary throughput against one real etcd ($ETCD_SERVER, default the system's 3.4; loopback): put 64-byte values and range single
// keys at concurrency 1 and 64, through the generated client, a hand-written fetch loop, and etcd3 (gRPC), in
// rotating order round after round so all three see the same server, the same data and the same machine load.
import { Etcd3 } from 'etcd3';
import { etcd3Arm, fetchArm, generatedArm, drive, KEYS, VALUE_BYTES } from './lib/unary-arms.mjs';
import { importClient, importHarness } from './lib/prepare.mjs';
import { recordResult } from './lib/results.mjs';
import { serverBlock, serverLabel, serverTitle } from './lib/server.mjs';
import { count, load, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const OPS = { 1: Number(process.env['BENCH_OPS_C1'] ?? 1000), 64: Number(process.env['BENCH_OPS_C64'] ?? 4000) };
const TARGET = 0.95;

const { createClient, decodePutResponse, decodeRangeResponse } = await importClient();
const { startEtcd } = await importHarness();
const loadBefore = load();
const etcd = await startEtcd();
const arms = [
  generatedArm(createClient, etcd.url),
  fetchArm(etcd.url),
  etcd3Arm(Etcd3, etcd.url),
  fetchArm(etcd.url, { signal: true }),
  fetchArm(etcd.url, { signal: true, decode: { put: decodePutResponse, range: decodeRangeResponse } }),
];
const results = []; // { workload, concurrency, ops: { armId: number[] } }
try {
  for (const arm of arms) {
    await drive(arm.put, KEYS, 16); // every key exists before the first range; connections open
    await drive(arm.range, 500, 16);
  }
  for (const workload of ['put', 'range']) {
    for (const concurrency of [1, 64]) {
      const ops = Object.fromEntries(arms.map((a) => [a.id, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < arms.length; k++) {
          const arm = arms[(k + round) % arms.length];
          ops[arm.id].push(await drive(arm[workload], OPS[concurrency], concurrency, round * OPS[concurrency]));
        }
      }
      results.push({ workload, concurrency, ops });
      console.log(workload, `c=${concurrency}`, Object.entries(ops).map(([id, v]) => `${id} ${count(summary(v).median)}/s`).join(', '));
    }
  }
} finally {
  for (const arm of arms) await arm.close();
  await etcd.stop();
}

const describe = `${serverLabel()}, one member on 127.0.0.1 with its data dir in ${'`$TMPDIR`'}, default flags; ` +
  `${KEYS} keys \`bench/unary/NNNN\`, ${VALUE_BYTES}-byte values; ${ROUNDS} rounds, the arms in rotating order each round; ` +
  `${OPS[1]} operations per arm and round at concurrency 1, ${OPS[64]} at concurrency 64 (workers pulling the next key).`;
const loadAfterRun = load();

const unaryRows = results.map(({ workload, concurrency, ops }) => {
  const r = pairedRatios(ops['generated'], ops['fetch']);
  return [
    `${workload}, c=${concurrency}`,
    range(summary(ops['generated']), count),
    range(summary(ops['fetch']), count),
    `${range(r, ratio)} ${r.median >= TARGET ? '✓' : '✗'}`,
  ];
});
const allMet = results.every(({ ops }) => pairedRatios(ops['generated'], ops['fetch']).median >= TARGET);
const costRows = results.map(({ workload, concurrency, ops }) => [
  `${workload}, c=${concurrency}`,
  range(pairedRatios(ops['fetch-signal'], ops['fetch']), ratio),
  range(pairedRatios(ops['fetch-signal-decode'], ops['fetch']), ratio),
  range(pairedRatios(ops['generated'], ops['fetch']), ratio),
  range(pairedRatios(ops['generated'], ops['fetch-signal-decode']), ratio),
]);
recordResult(serverBlock('unary-throughput'), {
  title: serverTitle('3. Unary throughput: generated client vs hand-written fetch'),
  loadBefore,
  markdown: [
    `Command: \`${process.env['ETCD_SERVER'] ? `ETCD_SERVER=${process.env['ETCD_SERVER']} ` : ''}npm run bench -- unary\` (= \`node bench/unary.mjs\` after \`npm run build\`; this one run also gives section 4). ${describe}`,
    '',
    table(['workload', 'generated client, ops/s median (IQR)', 'hand-written fetch, ops/s', 'generated ÷ fetch, paired per round'], unaryRows),
    '',
    `Target: generated ÷ fetch ≥ ${TARGET} in every row — **${allMet ? 'met' : 'not met'}**.`,
    '',
    'Where the difference goes, in the same run: the hand-written loop with an AbortSignal per request (what any client that can cancel ' +
      'or time out a call must pass; Node 20\'s fetch does real work for each: a follower signal, listener bookkeeping and a finalizer), ' +
      'and with the generated decoders on top. All ÷ the plain fetch loop, paired per round:',
    '',
    table(['workload', 'fetch + AbortSignal', 'fetch + AbortSignal + decoders', 'generated client', 'generated ÷ (fetch + AbortSignal + decoders)'], costRows),
    '',
    'The fetch loop base64-encodes key and value, POSTs `JSON.stringify` of them to `/v3/kv/put` or `/v3/kv/range` with',
    "Node 20's global fetch and reads `res.json()`; the generated client does the same plus its work: prefix choice,",
    'failover bookkeeping, deadlines, and decoding the answer into typed values (base64 → Uint8Array, int64 → bigint).',
  ].join('\n'),
  data: { rounds: ROUNDS, ops: OPS, results },
});

const etcd3Rows = results.map(({ workload, concurrency, ops }) => [
  `${workload}, c=${concurrency}`,
  range(summary(ops['etcd3']), count),
  range(summary(ops['generated']), count),
  range(pairedRatios(ops['generated'], ops['etcd3']), ratio),
]);
recordResult(serverBlock('etcd3-throughput'), {
  title: serverTitle('4. Unary throughput: the same workload through etcd3 (gRPC)'),
  loadBefore: loadAfterRun,
  markdown: [
    `Measured in the same run as section 3 (\`npm run bench -- unary\`), same server, same keys, arms interleaved. etcd3@1.1.2 talks gRPC over one HTTP/2 connection to the same client URL.`,
    '',
    table(['workload', 'etcd3, ops/s median (IQR)', 'generated client, ops/s', 'generated ÷ etcd3, paired per round'], etcd3Rows),
  ].join('\n'),
  data: { rounds: ROUNDS, ops: OPS, results },
});
process.exit(0);
