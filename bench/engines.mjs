// Benchmark 10: the engines. Unary put and range at concurrency 1 and 64 against one real etcd (3.4, loopback),
// through the generated client on its default engine (node:http in Node) and on fetch, against a hand-written
// node:http keep-alive loop, a hand-written fetch loop and etcd3 (gRPC), arms in rotating order round after round;
// with the client process's CPU per call. Then the same over mutual TLS: the client against a node:https loop and
// etcd3 with the same certificates.
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { driveWithCpu, drive, etcd3Arm, fetchArm, generatedArm, httpArm, KEYS, VALUE_BYTES } from './lib/unary-arms.mjs';
import { importClient, importHarness } from './lib/prepare.mjs';
import { recordResult } from './lib/results.mjs';
import { serverBlock, serverLabel, serverTitle } from './lib/server.mjs';
import { count, load, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const OPS = { 1: Number(process.env['BENCH_OPS_C1'] ?? 1000), 64: Number(process.env['BENCH_OPS_C64'] ?? 4000) };
const TARGET_HTTP = 0.9;
const TARGET_ETCD3 = 1.0;

const { createClient } = await importClient();
const { startEtcd, makePki } = await importHarness();

/** Runs every workload on `arms`, interleaved; returns [{ workload, concurrency, ops: {id: []}, cpu: {id: []} }]. */
async function measure(arms, label) {
  const results = [];
  for (const arm of arms) {
    await drive(arm.put, KEYS, 16); // every key exists before the first range; connections open
    await drive(arm.range, 500, 16);
  }
  for (const workload of ['put', 'range']) {
    for (const concurrency of [1, 64]) {
      const ops = Object.fromEntries(arms.map((a) => [a.id, []]));
      const cpu = Object.fromEntries(arms.map((a) => [a.id, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < arms.length; k++) {
          const arm = arms[(k + round) % arms.length];
          const run = await driveWithCpu(arm[workload], OPS[concurrency], concurrency, round * OPS[concurrency]);
          ops[arm.id].push(run.opsPerSecond);
          cpu[arm.id].push(run.cpuMicros);
        }
      }
      results.push({ workload, concurrency, ops, cpu });
      console.log(label, workload, `c=${concurrency}`, arms.map((a) => `${a.id} ${count(summary(ops[a.id]).median)}/s ${count(summary(cpu[a.id]).median)} µs`).join(', '));
    }
  }
  return results;
}

async function withServer(tls, run) {
  const etcd = await startEtcd(tls ? { tls } : {});
  try {
    return await run(etcd);
  } finally {
    await etcd.stop();
  }
}

async function withArms(arms, label) {
  try {
    return await measure(arms, label);
  } finally {
    for (const arm of arms) await arm.close();
  }
}

const loadBefore = load();
const plain = await withServer(undefined, (etcd) =>
  withArms([
    generatedArm(createClient, etcd.url, { id: 'client', label: 'client (default engine)' }),
    generatedArm(createClient, etcd.url, { id: 'client-fetch', label: 'client, fetch engine', options: { fetch: globalThis.fetch } }),
    httpArm(etcd.url),
    fetchArm(etcd.url),
    etcd3Arm(Etcd3, etcd.url),
  ], 'plain'),
);
const pki = makePki();
const secure = await withServer(pki.server, (etcd) =>
  withArms([
    generatedArm(createClient, etcd.url, { id: 'client', label: 'client (default engine)', options: { tls: pki.clientTls } }),
    httpArm(etcd.url, { tls: pki.clientTls }),
    etcd3Arm(Etcd3, etcd.url, {
      rootCertificate: readFileSync(pki.files.ca),
      certChain: readFileSync(pki.files.cert),
      privateKey: readFileSync(pki.files.key),
    }),
  ], 'mtls'),
);

const cell = (result, id) => `${count(summary(result.ops[id]).median)} / ${count(summary(result.cpu[id]).median)} µs`;
const versus = (result, id, base, target) => {
  const r = pairedRatios(result.ops[id], result.ops[base]);
  return `${range(r, ratio)}${target === undefined ? '' : r.median >= target ? ' ✓' : ' ✗'}`;
};
const plainRows = plain.map((r) => [
  `${r.workload}, c=${r.concurrency}`,
  cell(r, 'client'),
  cell(r, 'client-fetch'),
  cell(r, 'http'),
  cell(r, 'fetch'),
  cell(r, 'etcd3'),
  versus(r, 'client', 'http', TARGET_HTTP),
  versus(r, 'client', 'fetch'),
  versus(r, 'client', 'etcd3', r.concurrency === 64 ? TARGET_ETCD3 : undefined),
]);
const secureRows = secure.map((r) => [
  `${r.workload}, c=${r.concurrency}`,
  cell(r, 'client'),
  cell(r, 'http'),
  cell(r, 'etcd3'),
  versus(r, 'client', 'http', TARGET_HTTP),
  versus(r, 'client', 'etcd3', r.concurrency === 64 ? TARGET_ETCD3 : undefined),
]);
const met = (rows, at) => rows.every((row) => !row[at].endsWith('✗'));

recordResult(serverBlock('engines'), {
  title: serverTitle('10. Engines: the client on node:http against a node:http loop, fetch and etcd3, plain and over mTLS'),
  loadBefore,
  markdown: [
    `Command: \`${process.env['ETCD_SERVER'] ? `ETCD_SERVER=${process.env['ETCD_SERVER']} ` : ''}npm run bench -- engines\` (= \`node bench/engines.mjs\` after \`npm run build\`). ${serverLabel()}, ` +
      `one member on 127.0.0.1, default flags (then a second one with \`--client-cert-auth\` and certificates from \`test/helpers/tls.ts\`); ` +
      `${KEYS} keys, ${VALUE_BYTES}-byte values; ${ROUNDS} rounds, the arms in rotating order each round; ${OPS[1]} operations per arm and round at ` +
      `concurrency 1, ${OPS[64]} at concurrency 64. Each cell: ops/s median / the client process's CPU (user + system) per call, median.`,
    '',
    table(
      ['workload', 'client (node:http engine)', 'client, fetch engine', 'node:http loop', 'fetch loop', 'etcd3 (gRPC)', 'client ÷ node:http loop', 'client ÷ fetch loop', 'client ÷ etcd3'],
      plainRows,
    ),
    '',
    `Targets: client ÷ node:http loop ≥ ${TARGET_HTTP} in every row — **${met(plainRows, 6) ? 'met' : 'not met'}**; ` +
      `client ÷ etcd3 ≥ ${TARGET_ETCD3} at concurrency 64 — **${met(plainRows, 8) ? 'met' : 'not met'}**. Ratios are paired per round (median, IQR).`,
    '',
    'Over mutual TLS (the client with `tls: { ca, cert, key }`, the loop with a node:https keep-alive agent, etcd3 with `credentials`):',
    '',
    table(['workload', 'client (node:http engine)', 'node:https loop', 'etcd3 (gRPC)', 'client ÷ node:https loop', 'client ÷ etcd3'], secureRows),
  ].join('\n'),
  data: { rounds: ROUNDS, ops: OPS, plain, secure },
});
process.exit(0);
