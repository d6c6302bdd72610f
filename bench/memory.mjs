// Benchmark 8: peak memory while saving a snapshot of a database of at least 200 MiB to a file through the
// generated client. Each save runs in a fresh child process that reports its own peak RSS (VmHWM); etcdctl's
// `snapshot save` (Go, gRPC) on the same server is measured the same way (GNU time's maximum RSS) for comparison.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importHarness, prepare } from './lib/prepare.mjs';
import { putMany } from './lib/fill.mjs';
import { recordResult } from './lib/results.mjs';
import { bytes, load, median, table } from './lib/stats.mjs';

const MIN_DB = Number(process.env['BENCH_SNAPSHOT_MB'] ?? 200) * 1024 * 1024;
const VALUE = 512 * 1024;
const RUNS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const TARGET = 100 * 1024 * 1024;
const ETCDCTL = process.env['ETCDCTL_BIN'] || '/usr/bin/etcdctl';

await prepare();
const { startEtcd } = await importHarness();
const loadBefore = load();
const scratch = mkdtempSync(join(tmpdir(), 'bench-snapshot-'));
const etcd = await startEtcd({ extraArgs: ['--quota-backend-bytes=4294967296'] });
const child = (args) => JSON.parse(execFileSync(process.execPath, [new URL('./lib/snapshot-child.mjs', import.meta.url).pathname, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 }));
const runs = [];

/** `etcdctl snapshot save` (Go, gRPC) to `file`: its maximum RSS in bytes, from GNU time. */
function etcdctlPeakRss(url, file) {
  const result = spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', ETCDCTL, `--endpoints=${url}`, 'snapshot', 'save', file], {
    encoding: 'utf8',
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  rmSync(file, { force: true });
  const kib = /maxrss=(\d+)/.exec(result.stderr ?? '')?.[1];
  if (result.status !== 0 || kib === undefined) throw new Error(`etcdctl snapshot save failed: ${result.stderr}`);
  return Number(kib) * 1024;
}
let dbSize = 0;
let idle;
const etcdctlRss = [];
const floors = { fetch: [], http: [] };
try {
  for (let batch = 0; dbSize < MIN_DB; batch++) {
    const count = Math.ceil((MIN_DB - dbSize) / VALUE) + 4;
    await putMany(etcd.url, Array.from({ length: count }, (_, i) => [`bench/snapshot/${batch}/${i}`, randomBytes(VALUE)]), { concurrency: 2 });
    const status = await (await fetch(`${etcd.url}/v3/maintenance/status`, { method: 'POST', body: '{}' })).json();
    dbSize = Number(status.dbSize);
    console.log(`database: ${bytes(dbSize)}`);
  }
  idle = child([etcd.url, join(scratch, 'none'), 'idle']);
  for (let run = 0; run < RUNS; run++) {
    const file = join(scratch, `snapshot-${run}.db`);
    const result = child([etcd.url, file, 'save']);
    result.fileSize = statSync(file).size;
    rmSync(file);
    runs.push(result);
    floors.fetch.push(child([etcd.url, '', 'fetch']));
    floors.http.push(child([etcd.url, '', 'http']));
    etcdctlRss.push(etcdctlPeakRss(etcd.url, join(scratch, `etcdctl-${run}.db`)));
    console.log(`run ${run + 1}: peak RSS ${bytes(result.peakRssKiB * 1024)}, ${result.seconds.toFixed(1)} s`);
  }
} finally {
  await etcd.stop();
}
rmSync(scratch, { recursive: true, force: true });

const medianRss = (list) => median(list.map((r) => r.peakRssKiB * 1024));
const mib = (list) => list.map((r) => bytes(r.peakRssKiB * 1024)).join(', ');
const secs = (list) => `${median(list.map((r) => r.seconds)).toFixed(1)} s`;
const peak = medianRss(runs);
const met = runs.every((r) => r.peakRssKiB * 1024 < TARGET);
recordResult('memory', {
  title: '8. Memory: a snapshot of a ≥ 200 MiB database to a file',
  loadBefore,
  markdown: [
    `Command: \`npm run bench -- memory\` (= \`node bench/memory.mjs\` after \`npm run build\`). etcd 3.4.23 filled with ` +
      `${bytes(VALUE)} random values until its status reports \`dbSize\` ≥ ${bytes(MIN_DB)} (here ${bytes(dbSize)}); then ${RUNS} times a fresh ` +
      '`node bench/lib/snapshot-child.mjs <url> <file> save`: the bundled generated client, ' +
      '`client.saveSnapshot(Writable.toWeb(createWriteStream(file, { highWaterMark: 1 << 20 })))`, then `VmHWM` from `/proc/self/status`; ' +
      'interleaved with the same child reading the stream raw (`fetch`, `http`) and with etcdctl.',
    '',
    table(
      ['process (a fresh one each run)', 'peak RSS, median', 'each run', 'time, median'],
      [
        ['generated client: `saveSnapshot` to a file', `**${bytes(peak)}**`, mib(runs), secs(runs)],
        ['Node `fetch` reading the same stream, dropping it (no decode, no file)', bytes(medianRss(floors.fetch)), mib(floors.fetch), secs(floors.fetch)],
        ['`node:http` reading the same stream, dropping it', bytes(medianRss(floors.http)), mib(floors.http), secs(floors.http)],
        ['Node with the client loaded, no snapshot', bytes(idle.peakRssKiB * 1024), '', ''],
        ['`etcdctl snapshot save` (Go, gRPC), for comparison', bytes(median(etcdctlRss)), etcdctlRss.map((b) => bytes(b)).join(', '), ''],
      ],
    ),
    '',
    `The file holds ${bytes(runs[0].fileSize)} (the database and etcd's 32-byte SHA-256, verified by the client).`,
    '',
    `Target: peak RSS < 100 MiB — **${met ? 'met' : 'not met'}**.`,
  ].join('\n'),
  data: { dbSize, runs, floors, idle, etcdctlRss },
});
process.exit(0);
