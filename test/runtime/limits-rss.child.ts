// Run by limits-rss.test.ts in its own process (node --expose-gc --import tsx): a loopback gateway ready to send
// 300 MB (a unary answer, or a stream line without end) and a transport on one engine with the default limits.
// Prints one JSON line: RSS before the call and its peak during it, what the call threw, what the server sent.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFetchEngine } from '../../templates/runtime/core/engines/fetch.js';
import { clusterLayers } from '../../templates/runtime/core/layers.js';
import { createTransport, type ClientOptions } from '../../templates/runtime/core/transport.js';
import { flood, MiB } from './hostile-gateway.js';

const [engine = 'node:http', kind = 'unary', limit] = process.argv.slice(2);
const FLOOD = 300 * MiB;

let sent: Promise<number> = Promise.resolve(0);
const server = createServer((req, res) => {
  if (req.url === '/version') return void res.end('{"etcdserver":"3.4.22","etcdcluster":"3.4.0"}');
  req.resume();
  if (req.url === '/v3/kv/compact') return void res.end('{}');
  const head = req.url === '/v3/watch' ? '{"result":{"created":true}}\n{"result":{"events":[' : '{"kvs":[{"value":"';
  sent = flood(res, { head, bytes: FLOOD });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const options: ClientOptions = { endpoints: url, liveness: false, ...(engine === 'fetch' ? { engine: createFetchEngine() } : {}) };
if (limit !== undefined) Object.assign(options, kind === 'unary' ? { maxResponseBytes: Number(limit) } : { maxMessageBytes: Number(limit) });
const transport = createTransport(options, clusterLayers);
await transport.unary({ name: 'kv.compact', route: '/kv/compact', safety: 'write' }, {}); // warm: code, version, connection

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
gc?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 1);
let error: unknown;
try {
  if (kind === 'unary') {
    await transport.unary({ name: 'kv.range', route: '/kv/range', safety: 'read' }, { key: 'YQ==' });
  } else {
    for await (const message of transport.stream({ name: 'watch.watch', route: '/watch', safety: 'read' }, {})) void message;
  }
} catch (thrown) {
  error = thrown;
}
peak = Math.max(peak, process.memoryUsage.rss());
clearInterval(sample);
const { name, limit: which, limitBytes } = (error ?? {}) as { name?: string; limit?: string; limitBytes?: number };
console.log(JSON.stringify({ baseline, peak, growth: peak - baseline, error: { name, limit: which, limitBytes }, sent: await sent }));
transport.close();
server.closeAllConnections();
server.close();
