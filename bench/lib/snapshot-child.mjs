// Child process of the memory benchmark: read the snapshot of the etcd at argv[2] in one of four ways and report
// this process's peak RSS (VmHWM from /proc/self/status) as JSON on stdout.
//   save:  the generated client's saveSnapshot to the file argv[3], as its JSDoc recommends
//   fetch: Node's fetch reading the raw NDJSON stream and dropping it (no decoding, no file): the floor for fetch
//   http:  node:http doing the same (Node's own HTTP client, no fetch)
//   idle:  only load the client: the footprint before any snapshot
import { createWriteStream, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Writable } from 'node:stream';

const [url, file, mode = 'save'] = process.argv.slice(2);
const { createClient } = await import(new URL('../.work/client.mjs', import.meta.url).href);
const client = createClient({ endpoints: url });
const start = process.hrtime.bigint();
let size = 0;
let sha256 = '';
if (mode === 'save') {
  ({ size, sha256 } = await client.saveSnapshot(Writable.toWeb(createWriteStream(file, { highWaterMark: 1 << 20 }))));
} else if (mode === 'fetch') {
  const res = await fetch(`${url}/v3/maintenance/snapshot`, { method: 'POST', body: '{}' });
  for await (const chunk of res.body) size += chunk.length;
} else if (mode === 'http') {
  size = await new Promise((resolve, reject) => {
    const req = request(`${url}/v3/maintenance/snapshot`, { method: 'POST' }, (res) => {
      let n = 0;
      res.on('data', (chunk) => (n += chunk.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end('{}');
  });
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
client.close();
const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
process.stdout.write(`${JSON.stringify({ mode, peakRssKiB: peak, maxRssKiB: process.resourceUsage().maxRSS, seconds, size, sha256 })}\n`);
