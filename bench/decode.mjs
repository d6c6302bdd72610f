// Benchmark 6: decode cost. One range answer holding 10,000 keys (the real bytes etcd's gateway sent), decoded
// round after round: JSON.parse alone, against JSON.parse plus the generated decodeRangeResponse (base64 → bytes,
// int64 strings → bigint, proto3 defaults filled in), interleaved.
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { importClient, importHarness } from './lib/prepare.mjs';
import { b64, postText, putMany } from './lib/fill.mjs';
import { recordResult } from './lib/results.mjs';
import { bytes, load, ms, pairedRatios, range, ratio, summary, table } from './lib/stats.mjs';

const KEYS = 10_000;
const VALUE_BYTES = 64;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 41);

const { decodeBytes, decodeRangeResponse, encodeBytes } = await importClient();
const { startEtcd } = await importHarness();
const loadBefore = load();
const etcd = await startEtcd();
let text;
try {
  const entries = Array.from({ length: KEYS }, (_, i) => [`bench/decode/${String(i).padStart(5, '0')}`, randomBytes(VALUE_BYTES)]);
  await putMany(etcd.url, entries);
  text = await postText(etcd.url, '/kv/range', { key: b64('bench/decode/'), range_end: b64('bench/decode0') });
} finally {
  await etcd.stop();
}

const parseOnly = () => JSON.parse(text);
const parseAndDecode = () => decodeRangeResponse(JSON.parse(text));
const check = parseAndDecode();
if (check.kvs.length !== KEYS || check.kvs[KEYS - 1].value.length !== VALUE_BYTES) throw new Error('decode: unexpected range answer');

// Each timed run starts from a collected heap, so one run's garbage is not collected on the next one's time.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc');
const time = (fn) => {
  collect();
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
/** `warmups` untimed runs of each, then ROUNDS timed pairs, the order alternating round by round. */
const paired = (a, b, warmups) => {
  for (let i = 0; i < warmups; i++) {
    time(a);
    time(b);
  }
  const times = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) times[k].push(time(k === 0 ? a : b));
  }
  return times;
};
const [parse, decode] = paired(parseOnly, parseAndDecode, 5);
const extraPerKey = summary(decode.map((d, i) => ((d - parse[i]) * 1e6) / KEYS)); // ns per key

// The runtime's base64 on 1 MiB (a large value), there and back, against Node's Buffer (which a browser lacks).
const mib = new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24);
const ours = () => decodeBytes(encodeBytes(mib));
const buffer = () => Buffer.from(Buffer.from(mib).toString('base64'), 'base64');
if (Buffer.compare(Buffer.from(ours()), Buffer.from(mib)) !== 0) throw new Error('decode: base64 round trip differs');
const [base64, nodeBase64] = paired(ours, buffer, 3);
const ns = (v) => `${v.toFixed(0)} ns`;
recordResult('decode', {
  title: '6. Decode cost: a range of 10,000 keys',
  loadBefore,
  markdown: [
    `Command: \`npm run bench -- decode\` (= \`node bench/decode.mjs\` after \`npm run build\`). The answer to one range over ${KEYS.toLocaleString('en-US')} keys ` +
      `(\`bench/decode/NNNNN\`, ${VALUE_BYTES}-byte values) as etcd 3.4's gateway sent it, ${bytes(text.length)} of JSON, decoded ${ROUNDS} times each way, interleaved, after 5 warm-up rounds, each run starting from a collected heap (its own garbage collection counts).`,
    '',
    table(
      ['', 'median (IQR)'],
      [
        ['`JSON.parse` alone', range(summary(parse), ms)],
        ['`JSON.parse` + generated `decodeRangeResponse`', range(summary(decode), ms)],
        ['decode ÷ parse, paired', range(pairedRatios(decode, parse), ratio)],
        ['decode cost per key, beyond JSON.parse', range(extraPerKey, ns)],
        ['JSON.parse per key', ns((summary(parse).median * 1e6) / KEYS)],
        ['1 MiB through `encodeBytes` then `decodeBytes` (the runtime\'s base64)', range(summary(base64), ms)],
        ['the same through Node\'s `Buffer` (for scale)', range(summary(nodeBase64), ms)],
      ],
    ),
  ].join('\n'),
  data: { keys: KEYS, bytes: text.length, parse, decode, base64, nodeBase64 },
});
process.exit(0);
